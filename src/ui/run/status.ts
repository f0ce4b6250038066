/**
 * RunStatusModel: polls one KFP run through our server with backoff and emits the state of every
 * step (keyed by step name) for the pipeline graph to colour.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { IKfpClient, KfpRun, ServerApiError } from '../../server-api';
import {
  RunPhase,
  StepDetail,
  StepState,
  isFinished,
  runPhase,
  stepDetails,
  stepStates
} from './state';

export interface Backoff {
  /** First delay and the delay after any change, in ms. */
  initial: number;
  /** Growth of the delay while nothing changes (and after each error). */
  factor: number;
  /** Longest delay, in ms. */
  max: number;
}

export const DEFAULT_BACKOFF: Backoff = { initial: 1000, factor: 1.5, max: 15000 };

/** Schedules `poll` after `ms`; answers a function that cancels it. Tests pass their own. */
export type Scheduler = (poll: () => void, ms: number) => () => void;

const timerScheduler: Scheduler = (poll, ms) => {
  const handle = setTimeout(poll, ms);
  return () => clearTimeout(handle);
};

export interface RunStatusOptions {
  client: Pick<IKfpClient, 'getRun'>;
  runId: string;
  /** KFP task name → step name, e.g. from `CompileResult.steps` (`{[s.task]: s.step}`). */
  taskToStep: Readonly<Record<string, string>>;
  backoff?: Partial<Backoff>;
  scheduler?: Scheduler;
}

export class RunStatusModel {
  constructor(options: RunStatusOptions) {
    this.runId = options.runId;
    this._client = options.client;
    this._taskToStep = options.taskToStep;
    this._backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this._schedule = options.scheduler ?? timerScheduler;
    this._delay = this._backoff.initial;
    this._steps = stepStates({ run_id: this.runId }, this._taskToStep);
  }

  readonly runId: string;

  /** Emitted after every poll that changed anything (states, run, error). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The last run KFP answered, or null before the first answer. */
  get run(): KfpRun | null {
    return this._run;
  }

  get phase(): RunPhase {
    return this._run ? runPhase(this._run) : 'pending';
  }

  /** Step name → state. */
  get steps(): Readonly<Record<string, StepState>> {
    return this._steps;
  }

  /** The steps in pipeline order (the order of `taskToStep`'s steps). */
  get order(): readonly string[] {
    return [...new Set(Object.values(this._taskToStep))];
  }

  /** Step name → when it ran and its links in KFP's UI. */
  get details(): Readonly<Record<string, StepDetail>> {
    return this._run ? stepDetails(this._run, this._taskToStep) : {};
  }

  /** The last failure to read the run, cleared by the next success. */
  get error(): string | null {
    return this._error;
  }

  /** True while more polls are coming. */
  get polling(): boolean {
    return this._cancel !== null || this._inFlight;
  }

  /** The delay before the next poll, in ms (grows while nothing changes). */
  get nextDelay(): number {
    return this._delay;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Polls now, then keeps polling until the run has finished. */
  start(): Promise<void> {
    this._stopped = false;
    return this.refresh();
  }

  stop(): void {
    this._stopped = true;
    this._cancel?.();
    this._cancel = null;
  }

  /** One poll now; the next is scheduled after it unless stopped or finished. */
  async refresh(): Promise<void> {
    if (this._disposed || this._inFlight) {
      return;
    }
    this._cancel?.();
    this._cancel = null;
    this._inFlight = true;
    let changed = false;
    try {
      const run = await this._client.getRun(this.runId);
      if (this._disposed) {
        return;
      }
      const steps = stepStates(run, this._taskToStep);
      changed =
        this._error !== null ||
        this._run?.state !== run.state ||
        JSON.stringify(steps) !== JSON.stringify(this._steps) ||
        JSON.stringify(run.run_details) !== JSON.stringify(this._run?.run_details) ||
        this._run === null;
      this._run = run;
      this._steps = steps;
      this._error = null;
      this._delay = changed
        ? this._backoff.initial
        : Math.min(this._backoff.max, this._delay * this._backoff.factor);
    } catch (error) {
      if (this._disposed) {
        return;
      }
      const message = error instanceof ServerApiError ? error.message : String(error);
      changed = message !== this._error;
      this._error = message;
      this._delay = Math.min(this._backoff.max, this._delay * this._backoff.factor);
      // A run that does not exist (deleted, or another namespace) will not come back: stop asking.
      if (error instanceof ServerApiError && error.status === 404) {
        this._stopped = true;
      }
    } finally {
      this._inFlight = false;
    }
    if (!this._stopped && !(this._run && isFinished(this._run))) {
      this._cancel = this._schedule(() => {
        this._cancel = null;
        void this.refresh();
      }, this._delay);
    }
    if (changed) {
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this.stop();
    this._disposed = true;
    Signal.clearData(this);
  }

  private _client: Pick<IKfpClient, 'getRun'>;
  private _taskToStep: Readonly<Record<string, string>>;
  private _backoff: Backoff;
  private _schedule: Scheduler;
  private _delay: number;
  private _run: KfpRun | null = null;
  private _steps: Record<string, StepState>;
  private _error: string | null = null;
  private _cancel: (() => void) | null = null;
  private _inFlight = false;
  private _stopped = false;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);
}

/** `{task: step}` from the compiler's steps (`CompileResult.steps`). */
export function taskToStepOf(
  steps: readonly { step: string; task: string }[]
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of steps) {
    out[s.task] = s.step;
    out[s.step] = s.step; // a task's display name is its step's name
  }
  return out;
}
