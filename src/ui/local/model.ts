import { ISignal, Signal } from '@lumino/signaling';
import type {
  ILocalRunClient,
  KeptRun,
  LocalRunSnapshot,
  StartLocalRun,
  StepState
} from '../../server-api';

/** Sleeps between polls; injectable so tests need no timers. */
export type Sleep = (ms: number) => Promise<void>;

/** The wall clock in ms; injectable so tests say the time. */
export type Clock = () => number;

const realSleep: Sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** One notebook's local run followed here, and the runs kept in its store. */
interface NotebookRuns {
  generation: number;
  running: boolean;
  snapshot: LocalRunSnapshot | null;
  error: string | null;
  /** When this view started the run (ms), for the elapsed time. */
  startedAt: number | null;
  /** The request that started it: "re-run from here" starts it again. */
  request: StartLocalRun | null;
  history: KeptRun[];
  historyError: string | null;
  /** The notebook's pipeline name, which the kept runs recorded (runs of other notebooks are left out). */
  pipeline: string | undefined;
}

/**
 * Local runs keyed by notebook: each notebook's run is followed to its end and kept apart, and the
 * getters answer for the notebook shown (`show`), so switching notebooks never shows another notebook's
 * run. `steps` maps step name → state, the same states the remote run view uses, so the graph colours
 * both alike.
 */
export class LocalRunModel {
  constructor(
    client: ILocalRunClient,
    sleep: Sleep = realSleep,
    intervalMs = 400,
    clock: Clock = Date.now
  ) {
    this._client = client;
    this._sleep = sleep;
    this._interval = intervalMs;
    this._clock = clock;
  }

  /** The "Local run Python" setting, sent with each start ('' = the notebook kernel's Python). */
  python = '';

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get client(): ILocalRunClient {
    return this._client;
  }

  /** The notebook whose run the getters answer for. */
  get notebookPath(): string | null {
    return this._shown;
  }

  /** Show another notebook's run (none when it has not run here). */
  show(notebookPath: string | null): void {
    if (notebookPath !== this._shown) {
      this._shown = notebookPath;
      this._changed.emit();
    }
  }

  get snapshot(): LocalRunSnapshot | null {
    return this._current?.snapshot ?? null;
  }

  get error(): string | null {
    const runs = this._current;
    return runs?.error ?? runs?.snapshot?.error ?? null;
  }

  get running(): boolean {
    return this._current?.running ?? false;
  }

  /** When the shown run was started here (ms), or null. */
  get startedAt(): number | null {
    return this._current?.startedAt ?? null;
  }

  /** The request of the shown notebook's last run. */
  get lastRequest(): StartLocalRun | null {
    return this._current?.request ?? null;
  }

  get steps(): Record<string, StepState> {
    const out: Record<string, StepState> = {};
    for (const step of this.snapshot?.steps ?? []) {
      out[step.step] = step.state;
    }
    return out;
  }

  /** The runs kept beside the shown notebook, newest first (after `loadHistory`). */
  get history(): KeptRun[] {
    return this._current?.history ?? NO_RUNS;
  }

  get historyError(): string | null {
    return this._current?.historyError ?? null;
  }

  /** Read the runs kept beside `notebookPath` (its pipeline's only, when `pipeline` is given). */
  async loadHistory(notebookPath: string, pipeline?: string): Promise<void> {
    const runs = this._runsOf(notebookPath);
    runs.pipeline = pipeline;
    try {
      runs.history = await this._client.history(notebookPath, pipeline);
      runs.historyError = null;
    } catch (reason) {
      runs.historyError = reason instanceof Error ? reason.message : String(reason);
    }
    this._emitFor(notebookPath);
  }

  /** Start a run of `request.notebookPath` and poll it until it is done (or `stop()`); resolves with the last snapshot. */
  async run(request: StartLocalRun): Promise<LocalRunSnapshot | null> {
    const path = request.notebookPath;
    if (this._shown === null) {
      this._shown = path;
    }
    const runs = this._runsOf(path);
    const token = ++runs.generation;
    Object.assign(runs, {
      running: true,
      error: null,
      snapshot: null,
      startedAt: this._clock(),
      request
    });
    this._emitFor(path);
    const mine = () => token === runs.generation;
    try {
      let snapshot = await this._client.start(
        this.python ? { ...request, python: this.python } : request
      );
      this._update(runs, token, path, snapshot);
      while (!snapshot.done && mine()) {
        await this._sleep(this._interval);
        snapshot = await this._client.get(snapshot.id);
        this._update(runs, token, path, snapshot);
      }
      return snapshot;
    } catch (reason) {
      if (mine()) {
        runs.error = reason instanceof Error ? reason.message : String(reason);
      }
      return null;
    } finally {
      if (mine()) {
        runs.running = false;
        this._emitFor(path);
        void this.loadHistory(path, runs.pipeline);
      }
    }
  }

  /** Stop following the shown notebook's run (the run itself goes on on the server). */
  stop(): void {
    const runs = this._current;
    if (runs) {
      runs.generation++;
      runs.running = false;
      this._changed.emit();
    }
  }

  private get _current(): NotebookRuns | undefined {
    return this._shown === null ? undefined : this._byNotebook.get(this._shown);
  }

  private _runsOf(path: string): NotebookRuns {
    let runs = this._byNotebook.get(path);
    if (!runs) {
      runs = {
        generation: 0,
        running: false,
        snapshot: null,
        error: null,
        startedAt: null,
        request: null,
        history: NO_RUNS,
        historyError: null,
        pipeline: undefined
      };
      this._byNotebook.set(path, runs);
    }
    return runs;
  }

  private _update(
    runs: NotebookRuns,
    token: number,
    path: string,
    snapshot: LocalRunSnapshot
  ): void {
    if (token === runs.generation) {
      runs.snapshot = snapshot;
      this._emitFor(path);
    }
  }

  /** Another notebook's run changed: the views of the shown one have nothing new to draw. */
  private _emitFor(path: string): void {
    if (path === this._shown) {
      this._changed.emit();
    }
  }

  private _client: ILocalRunClient;
  private _sleep: Sleep;
  private _interval: number;
  private _clock: Clock;
  private _shown: string | null = null;
  private _byNotebook = new Map<string, NotebookRuns>();
  private _changed = new Signal<this, void>(this);
}

const NO_RUNS: KeptRun[] = [];
