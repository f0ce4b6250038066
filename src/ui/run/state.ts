/**
 * From a KFP run to the state of each notebook step, in the words the graph colours by.
 */
import type { KfpRun, KfpTaskDetail, StepState } from '../../server-api';

export type { StepState } from '../../server-api';

/** Where a whole run is: its steps' states plus whether it is still moving. */
export type RunPhase = 'pending' | 'running' | 'succeeded' | 'failed' | 'canceled';

/** A run in these KFP states will not change any more, so polling stops. */
const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELED', 'SKIPPED']);

export function isFinished(run: Pick<KfpRun, 'state'>): boolean {
  return FINISHED.has(String(run.state ?? ''));
}

export function runPhase(run: Pick<KfpRun, 'state'>): RunPhase {
  switch (run.state) {
    case 'SUCCEEDED':
    case 'SKIPPED':
      return 'succeeded';
    case 'FAILED':
      return 'failed';
    case 'CANCELING':
    case 'CANCELED':
      return 'canceled';
    case 'RUNNING':
      return 'running';
    default:
      return 'pending';
  }
}

/**
 * One task entry's state. A task that finished without its executor ever running took its outputs
 * from the cache: KFP reports it SUCCEEDED (or SKIPPED) with an executor detail but no main job.
 */
export function taskState(task: KfpTaskDetail): StepState {
  const state = String(task.state ?? '');
  const executorNeverRan =
    task.executor_detail !== undefined && !task.executor_detail.main_job && !task.pod_name;
  switch (state) {
    case 'CACHED':
      return 'cached';
    case 'SUCCEEDED':
      return executorNeverRan ? 'cached' : 'succeeded';
    case 'SKIPPED':
      return executorNeverRan ? 'cached' : 'skipped';
    case 'RUNNING':
    case 'CANCELING':
      return 'running';
    case 'FAILED':
    case 'CANCELED':
      return 'failed';
    default:
      return 'pending';
  }
}

/** When several entries name one task (driver, executor, retries), the most telling one wins. */
const WEIGHT: Record<StepState, number> = {
  failed: 7,
  interrupted: 6, // a local run's word: KFP's tasks are never said to be interrupted
  running: 5,
  pending: 4,
  succeeded: 3,
  cached: 2,
  skipped: 1
};

function combine(a: StepState | undefined, b: StepState): StepState {
  if (a === undefined) {
    return b;
  }
  // A step that succeeded in one entry and is pending in another (its retry, say) is still moving.
  return WEIGHT[b] > WEIGHT[a] ? b : a;
}

/**
 * The state of every step, keyed by step name. `taskToStep` maps KFP task names (the compiler's
 * kebab-case names) to step names. A step KFP has not reported yet is pending while the run goes on,
 * and skipped once the run has finished without it.
 */
export function stepStates(
  run: KfpRun,
  taskToStep: Readonly<Record<string, string>>
): Record<string, StepState> {
  const out: Record<string, StepState> = {};
  for (const task of run.run_details?.task_details ?? []) {
    const step = taskToStep[task.display_name ?? ''];
    if (step !== undefined) {
      out[step] = combine(out[step], taskState(task));
    }
  }
  const finished = isFinished(run);
  for (const step of Object.values(taskToStep)) {
    if (out[step] === undefined) {
      out[step] = finished ? 'skipped' : 'pending';
    } else if (finished && (out[step] === 'pending' || out[step] === 'running')) {
      // The run is over: what never ended was stopped with it.
      out[step] = run.state === 'SUCCEEDED' ? 'skipped' : 'failed';
    }
  }
  return out;
}

/** What the run view shows of one step besides its state: when it ran and where to look in KFP's UI. */
export interface StepDetail {
  /** ms since the epoch, when KFP said. */
  start?: number;
  end?: number;
  logsUrl?: string;
  visualizationUrl?: string;
}

/**
 * Per step (by step name): the earliest start and latest end of its task entries, and the links of the
 * entry that ran its executor (it has a pod), else of any entry that has them.
 */
export function stepDetails(
  run: KfpRun,
  taskToStep: Readonly<Record<string, string>>
): Record<string, StepDetail> {
  const out: Record<string, StepDetail> = {};
  const time = (text?: string) => {
    const ms = text ? Date.parse(text) : NaN;
    // KFP writes 1970-01-01T00:00:00Z for "not yet".
    return Number.isFinite(ms) && ms > 0 ? ms : undefined;
  };
  for (const task of run.run_details?.task_details ?? []) {
    const step = taskToStep[task.display_name ?? ''];
    if (step === undefined) {
      continue;
    }
    const seen = (out[step] ??= {});
    const start = time(task.start_time);
    const end = time(task.end_time);
    if (start !== undefined && (seen.start === undefined || start < seen.start)) {
      seen.start = start;
    }
    if (end !== undefined && (seen.end === undefined || end > seen.end)) {
      seen.end = end;
    }
    if (task.logs_url && (task.pod_name || !seen.logsUrl)) {
      seen.logsUrl = task.logs_url;
    }
    seen.visualizationUrl ??= task.visualization_url;
  }
  return out;
}

/** How long a step ran (ms): start to end, or to `now` while it runs; undefined before it started. */
export function stepDuration(
  detail: StepDetail | undefined,
  state: StepState,
  now: number
): number | undefined {
  if (detail?.start === undefined) {
    return undefined;
  }
  const end = detail.end ?? (state === 'running' ? now : undefined);
  return end === undefined ? undefined : Math.max(0, end - detail.start);
}
