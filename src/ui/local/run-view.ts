/**
 * What the run view shows, computed without the DOM: steps in pipeline order with durations, progress,
 * a failure without the shell advice and with its notebook places, parameter values read back from
 * text, runs compared (best value per metric) and the points of a metric's chart.
 */
import { toKebab } from '../../model/kfp-names';
import type { ParameterType, PipelineParameter } from '../../analysis/types';
import type { KeptRun, LocalRunSnapshot, LocalStep, StepState } from '../../server-api';

/** States after which a step does not change in this run. */
const FINAL: ReadonlySet<StepState> = new Set([
  'succeeded',
  'cached',
  'failed',
  'skipped',
  'interrupted'
]);

/** The run's steps in the order `order` names them (the pipeline's), the others after, as they came. */
export function inPipelineOrder(
  steps: readonly LocalStep[],
  order: readonly string[]
): LocalStep[] {
  const rank = new Map(order.map((name, i) => [name, i]));
  const at = (s: LocalStep) => rank.get(s.step) ?? order.length;
  return steps
    .map((step, i) => ({ step, i }))
    .sort((a, b) => at(a.step) - at(b.step) || a.i - b.i)
    .map(x => x.step);
}

/** Seconds a step took (a cached step: none), or null while it runs or before. */
export function durationOf(step: LocalStep): number | null {
  if (
    step.state === 'cached' ||
    typeof step.started !== 'number' ||
    typeof step.finished !== 'number'
  ) {
    return null;
  }
  return Math.max(0, step.finished - step.started);
}

/**
 * Which Python ran the steps, as far as the server says: its path once, its version, and why that one
 * (`/venv/bin/python (3.12.1), from the notebook's kernel 'ml'`); '' when the server does not say.
 */
export function pythonLine(
  run: Pick<LocalRunSnapshot, 'python' | 'pythonVersion' | 'pythonFrom'> | null
): string {
  if (!run?.python) {
    return '';
  }
  const version = run.pythonVersion ? ` (${run.pythonVersion})` : '';
  return `${run.python}${version}${run.pythonFrom ? `, from ${run.pythonFrom}` : ''}`;
}

/** What `sessionKernel` reads of a notebook panel: its session's kernel, when one is running. */
export interface WithSession {
  sessionContext: { session?: { kernel?: { name: string } | null } | null };
}

/**
 * The kernel the notebook runs with now (switched but not saved included), for the server to run the steps
 * with its Python; undefined without a running kernel (the server then reads the saved notebook's).
 */
export function sessionKernel(notebook: WithSession | null | undefined): string | undefined {
  return notebook?.sessionContext.session?.kernel?.name || undefined;
}

export interface Progress {
  done: number;
  total: number;
}

export function progressOf(steps: readonly LocalStep[]): Progress {
  return { done: steps.filter(s => FINAL.has(s.state)).length, total: steps.length };
}

/** A place in the notebook a traceback names (1-based, as written). */
export interface CellPlace {
  cell: number;
  line: number;
}

export type FailurePart = string | (CellPlace & { text: string });

/**
 * A failed step's message as the panel shows it: without the runner's advice to run a shell command
 * (the panel has its own "Re-run from here"), split where it names a notebook cell and line.
 */
export function failureParts(error: string): FailurePart[] {
  const text = error
    .split('\n')
    // The runner's advice to run a shell command, and the runtime's line repeating the first.
    .filter(
      line => !/^(Re-run from this step: cellpipe run |cellpipe: step ".*" failed$)/.test(line)
    )
    .join('\n')
    .trimEnd();
  const parts: FailurePart[] = [];
  const place = /cell (\d+), line (\d+)/g;
  let last = 0;
  for (let m = place.exec(text); m; m = place.exec(text)) {
    parts.push(text.slice(last, m.index));
    parts.push({ text: m[0], cell: Number(m[1]), line: Number(m[2]) });
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter(p => p !== '');
}

/** The first notebook place a failure names: the cell the user goes to. */
export function firstPlace(parts: readonly FailurePart[]): CellPlace | null {
  const found = parts.find((p): p is CellPlace & { text: string } => typeof p !== 'string');
  return found ? { cell: found.cell, line: found.line } : null;
}

/** A parameter's value as the field shows it: strings without their quotes. */
export function parameterText(parameter: PipelineParameter): string {
  const value = parameter.value;
  if (value === undefined) {
    return parameter.valueText;
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  return JSON.stringify(value);
}

/** The value typed into a parameter's field, of the parameter's type, or an error naming it. */
export function parseParameter(
  name: string,
  type: ParameterType | undefined,
  text: string
): { value: unknown } | { error: string } {
  const trimmed = text.trim();
  switch (type) {
    case 'int':
      return /^[-+]?\d+$/.test(trimmed)
        ? { value: Number(trimmed) }
        : { error: `parameter ${name}: "${text}" is not a whole number` };
    case 'float': {
      const value = Number(trimmed);
      return trimmed !== '' && Number.isFinite(value)
        ? { value }
        : { error: `parameter ${name}: "${text}" is not a number` };
    }
    case 'bool':
      if (/^(true|false)$/i.test(trimmed)) {
        return { value: trimmed.toLowerCase() === 'true' };
      }
      return { error: `parameter ${name}: "${text}" is not True or False` };
    case 'list':
    case 'dict':
      try {
        const value: unknown = JSON.parse(trimmed);
        const isList = Array.isArray(value);
        const ok =
          type === 'list' ? isList : !isList && typeof value === 'object' && value !== null;
        return ok ? { value } : { error: `parameter ${name}: "${text}" is not a ${type} (JSON)` };
      } catch {
        return { error: `parameter ${name}: "${text}" is not a ${type} (JSON)` };
      }
    default:
      return { value: text };
  }
}

/** Metrics where less is better; every other metric is best at its highest. */
const LOWER_IS_BETTER = /(loss|error|mse|mae|rmse|perplexity)/i;

export interface RunsCompared {
  runs: KeptRun[];
  parameters: string[];
  metrics: string[];
  /** Metric → the id of the run with its best value. */
  best: Record<string, string>;
}

export function compareRuns(runs: readonly KeptRun[]): RunsCompared {
  const parameters = [...new Set(runs.flatMap(r => Object.keys(r.parameters)))].sort();
  const metrics = [...new Set(runs.flatMap(r => Object.keys(r.metrics)))].sort();
  const best: Record<string, string> = {};
  for (const metric of metrics) {
    const lower = LOWER_IS_BETTER.test(metric);
    let winner: KeptRun | null = null;
    for (const run of runs) {
      const value = run.metrics[metric];
      if (typeof value !== 'number') {
        continue;
      }
      const current = winner?.metrics[metric];
      if (current === undefined || (lower ? value < current : value > current)) {
        winner = run;
      }
    }
    if (winner) {
      best[metric] = winner.id;
    }
  }
  return { runs: [...runs], parameters, metrics, best };
}

/** A value in a table cell: numbers to 4 significant digits, the rest as JSON. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) {
    return '—';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface ChartPoint {
  x: number;
  y: number;
  run: string;
  value: number;
}

/**
 * A metric across runs, oldest to newest, scaled into `width` × `height` with `pad` around (`left` on
 * the left, where the chart writes its values).
 */
export function chartPoints(
  runs: readonly KeptRun[],
  metric: string,
  width: number,
  height: number,
  pad = 8,
  left = pad
): ChartPoint[] {
  const values = [...runs]
    .reverse()
    .filter(r => typeof r.metrics[metric] === 'number')
    .map(r => ({ run: r.id, value: r.metrics[metric] }));
  if (!values.length) {
    return [];
  }
  const low = Math.min(...values.map(v => v.value));
  const high = Math.max(...values.map(v => v.value));
  const span = high - low || 1;
  const step = values.length > 1 ? (width - left - pad) / (values.length - 1) : 0;
  return values.map((v, i) => ({
    ...v,
    x: values.length > 1 ? left + i * step : (left + width - pad) / 2,
    y: high === low ? height / 2 : height - pad - ((v.value - low) / span) * (height - 2 * pad)
  }));
}

/**
 * The name the compiler gives the notebook's pipeline (`kubeflow_notebook.pipeline_name`, else the
 * file's name): runs kept in the store record it, so the run list shows this notebook's runs only.
 */
export function pipelineNameOf(notebookPath: string, written: string | undefined): string {
  const file = notebookPath.slice(notebookPath.lastIndexOf('/') + 1).replace(/\.ipynb$/i, '');
  return toKebab(written?.trim() || file)
    .slice(0, 128)
    .replace(/-+$/, '');
}
