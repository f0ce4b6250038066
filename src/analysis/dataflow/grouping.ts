/**
 * Cells → steps, by Kale's rules: `step:NAME` / `block:NAME` starts a step; untagged code cells
 * continue the block above, whatever it is; a step name used again merges the cells; a notebook
 * without any Kale tag runs as one step.
 */
import type { NotebookInput } from '../../model/notebook';
import { MAX_TASK_NAME, toKebab } from '../../model/kfp-names';
import { CellAnnotation, parseTags } from '../../model/tags';
import { taggedStepNameError } from '../../model/validate';
import { Diagnostics } from '../diagnostics';
import { cellLabel } from '../labels';
import type { Step } from './types';

/** The step of a notebook without Kale tags: the whole notebook runs as this one step. */
export const WHOLE_NOTEBOOK_STEP = 'notebook';
const METRICS_NAME = 'metrics';
const METRICS_FALLBACK = 'pipeline_metrics';

export interface Grouping {
  steps: Step[];
  metrics: Step | null;
  importsCells: number[];
  functionsCells: number[];
  parameterCells: number[];
  /** Code cells that are run somewhere (their syntax matters), ascending. */
  analysed: number[];
}

export function groupCells(notebook: NotebookInput, diagnostics: Diagnostics): Grouping {
  const code = notebook.cells.flatMap((cell, index) =>
    cell.cellType === 'code' ? [{ index, tags: parseTags(cell.tags) }] : []
  );
  const firstWithCode = code.find(c => notebook.cells[c.index].source.trim());
  const unannotated = firstWithCode !== undefined && code.every(c => c.tags.kind === null);
  const grouper = new Grouper(diagnostics);
  for (const { index, tags } of code) {
    if (unannotated && index === firstWithCode.index) {
      grouper.startWholeNotebook(tags, index);
    }
    grouper.add(tags, index, notebook.cells[index].source.trim() !== '');
  }
  return grouper.result();
}

/** A step while grouping collects its cells; `Grouper.result` hands out finished `Step`s. */
interface Draft {
  name: string;
  cells: number[];
  prevCell: Map<string, number>;
}

/** The block a tagged cell opens: untagged cells below it join it. */
type Block =
  | { kind: 'step' | 'metrics'; step: Draft }
  | { kind: 'imports' | 'functions' | 'parameters'; cells: number[] }
  | { kind: 'skip' };

class Grouper {
  private readonly steps = new Map<string, Draft>();
  private readonly byTask = new Map<string, string>();
  private metrics: Draft | null = null;
  /** The first metrics cell; -2 once a step after it was reported. */
  private metricsCell = -1;
  private current: Block | null = null;
  private readonly imports: number[] = [];
  private readonly functions: number[] = [];
  private readonly parameters: number[] = [];
  private readonly analysed: number[] = [];

  constructor(private readonly diagnostics: Diagnostics) {}

  /** No Kale tag anywhere: the notebook runs top to bottom as one step (what users ask of Kale). */
  startWholeNotebook(tags: CellAnnotation, index: number): void {
    this.current = null;
    this.current = this.open({ ...tags, kind: 'step', stepName: WHOLE_NOTEBOOK_STEP }, index);
    this.diagnostics.add(
      'one-step-notebook',
      'info',
      `the notebook has no step tags, so it runs as one step "${WHOLE_NOTEBOOK_STEP}". To split it ` +
        'into steps that run in parallel and cache separately, tag the first cell of each step ' +
        'step:NAME (the pencil in the cell toolbar), the imports cell imports and a cell of ' +
        'constants pipeline-parameters; untagged cells join the step above them',
      { cellIndex: index }
    );
  }

  /** One code cell: it opens a block when tagged, else joins the block above. */
  add(tags: CellAnnotation, index: number, hasCode: boolean): void {
    if (tags.kind !== null) {
      this.current = this.open(tags, index);
    }
    const block = this.current;
    if (block === null) {
      if (hasCode) {
        this.diagnostics.add(
          'untagged-cell',
          'warning',
          'this cell comes before any tagged cell: it belongs to no step and never runs in the pipeline',
          { cellIndex: index }
        );
      }
      return;
    }
    if (tags.prev.length && block.kind !== 'step') {
      this.diagnostics.add(
        'unknown-dependency',
        'warning',
        'prev: tags only mean something on a step cell; ignored here',
        { cellIndex: index }
      );
    }
    if (block.kind === 'skip') {
      return;
    }
    this.analysed.push(index);
    if ('cells' in block) {
      block.cells.push(index);
      return;
    }
    block.step.cells.push(index);
    if (block.kind === 'step') {
      for (const dep of tags.prev) {
        if (!block.step.prevCell.has(dep)) {
          block.step.prevCell.set(dep, index);
        }
      }
    }
  }

  result(): Grouping {
    const finish = (draft: Draft, name: string, kind: Step['kind']): Step => ({
      name,
      kind,
      cells: draft.cells,
      depends: [...draft.prevCell.keys()],
      prevCell: draft.prevCell
    });
    const metricsName = this.steps.has(METRICS_NAME) ? METRICS_FALLBACK : METRICS_NAME;
    return {
      steps: [...this.steps.values()].map(d => finish(d, d.name, 'step')),
      metrics: this.metrics && finish(this.metrics, metricsName, 'metrics'),
      importsCells: this.imports,
      functionsCells: this.functions,
      parameterCells: this.parameters,
      analysed: this.analysed
    };
  }

  private open(tags: CellAnnotation, index: number): Block {
    switch (tags.kind) {
      case 'imports':
        return { kind: 'imports', cells: this.imports };
      case 'functions':
        return { kind: 'functions', cells: this.functions };
      case 'pipeline-parameters':
        return { kind: 'parameters', cells: this.parameters };
      case 'skip':
        return { kind: 'skip' };
      case 'pipeline-metrics':
        return { kind: 'metrics', step: this.openMetrics(index) };
      default:
        return { kind: 'step', step: this.openStep(tags.stepName ?? '', index) };
    }
  }

  private openMetrics(index: number): Draft {
    if (this.metrics && this.current?.kind !== 'metrics') {
      this.diagnostics.add(
        'multiple-metrics',
        'error',
        `a second pipeline-metrics cell (the first is ${cellLabel(this.metricsCell)}); keep one`,
        { cellIndex: index }
      );
    }
    if (!this.metrics) {
      this.metricsCell = index;
      this.metrics = { name: METRICS_NAME, cells: [], prevCell: new Map() };
    }
    return this.metrics;
  }

  private openStep(name: string, index: number): Draft {
    if (this.metrics && this.metricsCell >= 0) {
      this.diagnostics.add(
        'metrics-not-last',
        'error',
        `the pipeline-metrics cell must be the last step, but step "${name}" (${cellLabel(index)}) follows it`,
        { cellIndex: this.metricsCell }
      );
      this.metricsCell = -2;
    }
    const step = this.steps.get(name);
    if (!step) {
      const draft: Draft = { name, cells: [], prevCell: new Map() };
      this.steps.set(name, draft);
      this.checkStepName(name, index);
      return draft;
    }
    const current = this.current;
    if (!(current?.kind === 'step' && current.step === step)) {
      this.diagnostics.add(
        'step-merged',
        'info',
        `this cell continues step "${name}" started at ${cellLabel(step.cells[0])}: their code runs together`,
        { cellIndex: index },
        { step: name }
      );
    }
    return step;
  }

  private checkStepName(name: string, index: number): void {
    // The editor's and the compiler's rule: a name Kale and the editor refuse is refused here too.
    const problem =
      taggedStepNameError(name) ??
      (name.length > MAX_TASK_NAME
        ? `Step name "${name}" must be at most ${MAX_TASK_NAME} characters (a KFP task name)`
        : null);
    if (problem) {
      this.diagnostics.add(
        'invalid-step-name',
        'error',
        problem,
        { cellIndex: index },
        { step: name }
      );
      return;
    }
    const task = toKebab(name);
    const other = this.byTask.get(task);
    if (other !== undefined) {
      this.diagnostics.add(
        'duplicate-step-name',
        'error',
        `steps "${other}" and "${name}" both become pipeline task "${task}"; rename one`,
        { cellIndex: index },
        { step: name }
      );
    } else {
      this.byTask.set(task, name);
    }
  }
}
