import { ISignal, Signal } from '@lumino/signaling';
import type { ILocalRunClient, LocalRunSnapshot, StartLocalRun, StepState } from '../../server-api';

/** Sleeps between polls; injectable so tests need no timers. */
export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * One local run followed to its end: `steps` maps step name → state, the same states the
 * remote run view uses, so the graph colours both alike.
 */
export class LocalRunModel {
  constructor(client: ILocalRunClient, sleep: Sleep = realSleep, intervalMs = 400) {
    this._client = client;
    this._sleep = sleep;
    this._interval = intervalMs;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get snapshot(): LocalRunSnapshot | null {
    return this._snapshot;
  }

  get error(): string | null {
    return this._error ?? this._snapshot?.error ?? null;
  }

  get running(): boolean {
    return this._running;
  }

  get steps(): Record<string, StepState> {
    const out: Record<string, StepState> = {};
    for (const step of this._snapshot?.steps ?? []) {
      out[step.step] = step.state;
    }
    return out;
  }

  /** Start a run and poll it until it is done (or `stop()`); resolves with the last snapshot. */
  async run(request: StartLocalRun): Promise<LocalRunSnapshot | null> {
    const token = ++this._generation;
    this._running = true;
    this._error = null;
    this._snapshot = null;
    this._changed.emit();
    try {
      let snapshot = await this._client.start(request);
      this._update(token, snapshot);
      while (!snapshot.done && token === this._generation) {
        await this._sleep(this._interval);
        snapshot = await this._client.get(snapshot.id);
        this._update(token, snapshot);
      }
      return snapshot;
    } catch (reason) {
      if (token === this._generation) {
        this._error = reason instanceof Error ? reason.message : String(reason);
      }
      return null;
    } finally {
      if (token === this._generation) {
        this._running = false;
        this._changed.emit();
      }
    }
  }

  /** Stop following (the run itself goes on on the server). */
  stop(): void {
    this._generation++;
    this._running = false;
    this._changed.emit();
  }

  private _update(token: number, snapshot: LocalRunSnapshot): void {
    if (token === this._generation) {
      this._snapshot = snapshot;
      this._changed.emit();
    }
  }

  private _client: ILocalRunClient;
  private _sleep: Sleep;
  private _interval: number;
  private _generation = 0;
  private _running = false;
  private _snapshot: LocalRunSnapshot | null = null;
  private _error: string | null = null;
  private _changed = new Signal<this, void>(this);
}
