/**
 * Stage 3: per-cell facts → steps, the variables passed between them, parameters, diagnostics.
 * Cells group into steps as in Kale; a step's inputs are the names it reads that an ancestor step
 * produces (closest producer wins); its outputs are the names some descendant reads from it.
 */
import type { NotebookInput } from '../model/notebook';
import { MAX_TASK_NAME, toKebab } from '../model/kfp-names';
import { CellAnnotation, parseTags } from '../model/tags';
import { taggedStepNameError } from '../model/validate';
import { BUILTINS } from './builtins';
import { CellAnalysis, rangeOf } from './cell';
import { Diagnostics, Place } from './diagnostics';
import { readLiteral } from './literal';
import type { NameAt } from './scopes';
import type { AnalysisResult, Diagnostic, Edge, PipelineParameter, StepInfo } from './types';
import { findCycle } from './cycles';
import { cellLabel, nearestNames, quotedChoice } from './labels';

/** The analysis of code cell `index` (the caller caches); null for non-code cells. */
export type CellSource = (index: number) => CellAnalysis | null;

type BlockKind = 'imports' | 'functions' | 'parameters' | 'metrics' | 'step' | 'skip';

interface Block {
  kind: BlockKind;
  step?: StepDraft;
}

interface StepDraft {
  info: StepInfo;
  cells: number[];
  /** Where each `prev:` tag was written, for messages. */
  prevCell: Map<string, number>;
}

interface Where {
  cellIndex: number;
  ref: NameAt;
}

/** What one step reads from outside itself and what it produces. */
interface StepFlow {
  draft: StepDraft;
  /** Names read before the step binds them (or never bound by it), first place. */
  reads: Map<string, Where>;
  /** Names the step binds or changes at module level. */
  produces: Set<string>;
  /** For each produced name, the cells (ascending) that bind or change it: where a user saw it set. */
  producedAt: Map<string, number[]>;
  /** Names the step binds by importing them (its last binding of the name is an import). */
  imports: Set<string>;
  mutates: Set<string>;
}

const METRICS_NAME = 'metrics';
/** The step of a notebook without Kale tags: the whole notebook runs as this one step. */
export const WHOLE_NOTEBOOK_STEP = 'notebook';
const METRICS_FALLBACK = 'pipeline_metrics';

function newStep(name: string, kind: StepInfo['kind']): StepDraft {
  return {
    info: {
      name,
      kind,
      cellIndices: [],
      depends: [],
      inputs: [],
      inputSources: {},
      outputs: [],
      parameters: []
    },
    cells: [],
    prevCell: new Map()
  };
}

/**
 * What a step reads and produces depends only on its cells' facts and the shared code's facts:
 * kept between analyses so an edit recomputes the edited step only.
 */
export class FlowMemo {
  private readonly byStep = new Map<string, { key: unknown[]; flow: Omit<StepFlow, 'draft'> }>();
  private seen = new Set<string>();
  private graph: { key: string; ancestors: Map<string, Set<string>> } | null = null;
  /** What each step produced when last computed, and a counter bumped when any of it changes. */
  private readonly produced = new Map<string, string>();
  private producedVersion = 0;
  private readonly resolved = new Map<string, { key: unknown[]; result: Resolution }>();

  /** Ancestor sets change only when tags do. */
  ancestors(steps: StepDraft[]): Map<string, Set<string>> {
    const key = JSON.stringify(steps.map(s => [s.info.name, s.info.depends]));
    if (this.graph?.key !== key) {
      this.graph = { key, ancestors: ancestorSets(steps) };
    }
    // A copy: the metrics step is added to it.
    return new Map(this.graph.ancestors);
  }

  get(
    name: string,
    key: unknown[],
    compute: () => Omit<StepFlow, 'draft'>
  ): Omit<StepFlow, 'draft'> {
    this.seen.add(name);
    const known = this.byStep.get(name);
    if (known && sameKey(known.key, key)) {
      return known.flow;
    }
    const flow = compute();
    this.byStep.set(name, { key, flow });
    // Where a name is produced matters too: messages name the producing cell.
    const produced =
      [...flow.produces].sort().join(',') +
      '|' +
      [...flow.imports].sort().join(',') +
      '|' +
      JSON.stringify([...flow.producedAt]);
    if (this.produced.get(name) !== produced) {
      this.produced.set(name, produced);
      this.producedVersion++;
    }
    return flow;
  }

  /**
   * A step's inputs depend on its own flow, on who produces what (the version), on the graph
   * and on parameters and shared code: unchanged, the last resolution is replayed.
   */
  resolve(flow: StepFlow, context: unknown[], compute: () => Resolution): Resolution {
    const name = flow.draft.info.name;
    const key = [this.byStep.get(name)?.flow, this.producedVersion, this.graph?.key, ...context];
    const known = this.resolved.get(name);
    if (known && sameKey(known.key, key)) {
      return known.result;
    }
    const result = compute();
    this.resolved.set(name, { key, result });
    return result;
  }

  /** Forget steps that were not asked for since the last sweep. */
  sweep(): void {
    for (const name of this.byStep.keys()) {
      if (!this.seen.has(name)) {
        this.byStep.delete(name);
        this.resolved.delete(name);
        this.produced.delete(name);
        this.producedVersion++;
      }
    }
    this.seen = new Set();
  }
}

function sameKey(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** A step's resolved inputs and the diagnostics found on the way. */
interface Resolution {
  inputs: string[];
  inputSources: Record<string, string>;
  parameters: string[];
  diagnostics: Diagnostic[];
}

export function buildAnalysis(
  notebook: NotebookInput,
  cellAt: CellSource,
  memo: FlowMemo = new FlowMemo()
): AnalysisResult {
  const diagnostics = new Diagnostics();
  const grouping = groupCells(notebook, cellAt, diagnostics);
  const { steps, metrics, importsCells, functionsCells, parameterCells } = grouping;

  for (const index of [...grouping.analysed].sort((a, b) => a - b)) {
    cellDiagnostics(index, cellAt(index)!, diagnostics);
  }
  const parameters = readParameters(parameterCells, cellAt, diagnostics);
  const parameterNames = new Set(parameters.map(p => p.name));

  checkDependencies(steps, diagnostics);
  const ancestors = memo.ancestors(steps);

  const sharedCells = [...importsCells, ...functionsCells];
  const shared = sharedCode(sharedCells, cellAt);
  const sharedKey = sharedCells.map(i => cellAt(i)!.facts);
  const flowOf = (draft: StepDraft): StepFlow => {
    // Cell positions are part of the key: reads remember the cell they were found in.
    const key = [
      draft.info.kind,
      ...sharedKey,
      null,
      ...draft.cells,
      null,
      ...draft.cells.map(i => cellAt(i)!.facts)
    ];
    const facts = memo.get(draft.info.name, key, () => stepFlow(draft, cellAt, shared.defReads));
    return { ...facts, draft };
  };
  const flows = steps.map(flowOf);
  const all = metrics ? [...flows, flowOf(metrics)] : flows;
  memo.sweep();
  if (metrics) {
    // The metrics step runs last: every step is its ancestor; it waits for the leaves.
    const names = steps.map(s => s.info.name);
    ancestors.set(metrics.info.name, new Set(names));
    const upstream = new Set(steps.flatMap(s => s.info.depends));
    metrics.info.depends = names.filter(n => !upstream.has(n));
  }

  const byName = new Map(all.map(f => [f.draft.info.name, f]));
  const producers = new Map<string, StepFlow[]>();
  for (const flow of all) {
    for (const name of flow.produces) {
      const list = producers.get(name);
      if (list) {
        list.push(flow);
      } else {
        producers.set(name, [flow]);
      }
    }
  }
  const context = [[...parameterNames].join(','), shared.starImport, ...sharedKey];
  for (const flow of all) {
    const { info } = flow.draft;
    const resolution = memo.resolve(flow, context, () => {
      const found = new Diagnostics();
      const scratch = { ...info, inputs: [], inputSources: {}, parameters: [] };
      resolveInputs(
        { ...flow, draft: { ...flow.draft, info: scratch } },
        {
          producers,
          ancestors,
          parameterNames,
          shared: shared.defs,
          starImport: shared.starImport,
          cellAt,
          diagnostics: found
        }
      );
      return { ...scratch, diagnostics: found.list };
    });
    info.inputs = [...resolution.inputs];
    info.inputSources = { ...resolution.inputSources };
    info.parameters = [...resolution.parameters];
    resolution.diagnostics.forEach(d => diagnostics.list.push({ ...d }));
  }
  for (const flow of all) {
    for (const [name, source] of Object.entries(flow.draft.info.inputSources)) {
      byName.get(source)?.draft.info.outputs.push(name);
    }
  }
  for (const flow of all) {
    const info = flow.draft.info;
    info.outputs = [...new Set(info.outputs)].sort();
    info.inputs.sort();
    info.inputSources = Object.fromEntries(
      info.inputs.map(name => [name, info.inputSources[name]])
    );
    info.parameters.sort();
  }
  if (metrics) {
    metricNames(metrics, cellAt, diagnostics);
  }
  const readers = new Map<string, StepFlow[]>();
  for (const flow of all) {
    for (const source of new Set(Object.values(flow.draft.info.inputSources))) {
      const list = readers.get(source);
      if (list) {
        list.push(flow);
      } else {
        readers.set(source, [flow]);
      }
    }
  }
  for (const flow of flows) {
    valueDiagnostics(flow, readers.get(flow.draft.info.name) ?? [], cellAt, diagnostics);
  }
  globalMutations([...importsCells, ...functionsCells], all, parameterNames, cellAt, diagnostics);
  // Every message about a step's cell names the step: `cell 4 (step "train")` wherever it is read.
  const stepOfCell = new Map(all.flatMap(f => f.draft.cells.map(i => [i, f.draft.info.name])));
  for (const d of diagnostics.list) {
    const owner = stepOfCell.get(d.cellIndex);
    if (d.step === undefined && owner !== undefined) {
      d.step = owner;
    }
  }

  return {
    steps: all.map(f => f.draft.info),
    edges: edgesOf(all),
    parameters,
    importsCells,
    functionsCells,
    diagnostics: diagnostics.sorted()
  };
}

// ---- grouping (Kale's rules)

interface Grouping {
  steps: StepDraft[];
  metrics: StepDraft | null;
  importsCells: number[];
  functionsCells: number[];
  parameterCells: number[];
  /** Code cells that are run somewhere (their syntax matters). */
  analysed: Set<number>;
}

function groupCells(
  notebook: NotebookInput,
  cellAt: CellSource,
  diagnostics: Diagnostics
): Grouping {
  const steps = new Map<string, StepDraft>();
  const byTask = new Map<string, string>();
  const result: Grouping = {
    steps: [],
    metrics: null,
    importsCells: [],
    functionsCells: [],
    parameterCells: [],
    analysed: new Set()
  };
  let current: Block | null = null;
  let metricsCell = -1;
  const code = notebook.cells.flatMap((cell, index) =>
    cell.cellType === 'code' ? [{ index, tags: parseTags(cell.tags) }] : []
  );
  const firstWithCode = code.find(c => notebook.cells[c.index].source.trim());
  const unannotated = firstWithCode !== undefined && code.every(c => c.tags.kind === null);
  notebook.cells.forEach((cell, index) => {
    if (cell.cellType !== 'code') {
      return;
    }
    const tags: CellAnnotation = parseTags(cell.tags);
    if (tags.kind !== null) {
      current = openBlock(tags, index, current);
    } else if (unannotated && index === firstWithCode.index) {
      // No Kale tag anywhere: the notebook runs top to bottom as one step (what users ask of Kale).
      current = openBlock({ ...tags, kind: 'step', stepName: WHOLE_NOTEBOOK_STEP }, index, null);
      diagnostics.add(
        'one-step-notebook',
        'info',
        `the notebook has no step tags, so it runs as one step "${WHOLE_NOTEBOOK_STEP}". To split it ` +
          'into steps that run in parallel and cache separately, tag the first cell of each step ' +
          'step:NAME (the pencil in the cell toolbar), the imports cell imports and a cell of ' +
          'constants pipeline-parameters; untagged cells join the step above them',
        { cellIndex: index }
      );
    }
    if (current === null) {
      if (cell.source.trim()) {
        diagnostics.add(
          'untagged-cell',
          'warning',
          'this cell comes before any tagged cell: it belongs to no step and never runs in the pipeline',
          { cellIndex: index }
        );
      }
      return;
    }
    if (tags.prev.length && current.kind !== 'step') {
      diagnostics.add(
        'unknown-dependency',
        'warning',
        'prev: tags only mean something on a step cell; ignored here',
        { cellIndex: index }
      );
    }
    if (current.kind !== 'skip') {
      result.analysed.add(index);
    }
    switch (current.kind) {
      case 'imports':
        result.importsCells.push(index);
        return;
      case 'functions':
        result.functionsCells.push(index);
        return;
      case 'parameters':
        result.parameterCells.push(index);
        return;
      case 'skip':
        return;
      case 'metrics':
        current.step!.cells.push(index);
        return;
      case 'step':
        current.step!.cells.push(index);
        for (const dep of tags.prev) {
          if (!current.step!.prevCell.has(dep)) {
            current.step!.prevCell.set(dep, index);
            current.step!.info.depends.push(dep);
          }
        }
        return;
    }
  });

  function openBlock(tags: CellAnnotation, index: number, previous: Block | null): Block {
    switch (tags.kind) {
      case 'imports':
      case 'functions':
      case 'skip':
        return { kind: tags.kind };
      case 'pipeline-parameters':
        return { kind: 'parameters' };
      case 'pipeline-metrics':
        if (result.metrics && previous?.kind !== 'metrics') {
          diagnostics.add(
            'multiple-metrics',
            'error',
            `a second pipeline-metrics cell (the first is ${cellLabel(metricsCell)}); keep one`,
            { cellIndex: index }
          );
        }
        if (!result.metrics) {
          metricsCell = index;
          result.metrics = newStep(METRICS_NAME, 'metrics');
        }
        return { kind: 'metrics', step: result.metrics };
      default: {
        const name = tags.stepName ?? '';
        if (result.metrics && metricsCell >= 0) {
          diagnostics.add(
            'metrics-not-last',
            'error',
            `the pipeline-metrics cell must be the last step, but step "${name}" (${cellLabel(index)}) follows it`,
            { cellIndex: metricsCell }
          );
          metricsCell = -2;
        }
        let step = steps.get(name);
        if (step) {
          if (previous?.step !== step) {
            diagnostics.add(
              'step-merged',
              'info',
              `this cell continues step "${name}" started at ${cellLabel(step.cells[0])}: their code runs together`,
              { cellIndex: index },
              { step: name }
            );
          }
        } else {
          step = newStep(name, 'step');
          steps.set(name, step);
          result.steps.push(step);
          checkStepName(name, index);
        }
        return { kind: 'step', step };
      }
    }
  }

  function checkStepName(name: string, index: number): void {
    // The editor's and the compiler's rule: a name Kale and the editor refuse is refused here too.
    const problem =
      taggedStepNameError(name) ??
      (name.length > MAX_TASK_NAME
        ? `Step name "${name}" must be at most ${MAX_TASK_NAME} characters (a KFP task name)`
        : null);
    if (problem) {
      diagnostics.add('invalid-step-name', 'error', problem, { cellIndex: index }, { step: name });
      return;
    }
    const task = toKebab(name);
    const other = byTask.get(task);
    if (other !== undefined) {
      diagnostics.add(
        'duplicate-step-name',
        'error',
        `steps "${other}" and "${name}" both become pipeline task "${task}"; rename one`,
        { cellIndex: index },
        { step: name }
      );
    } else {
      byTask.set(task, name);
    }
  }

  for (const step of result.steps) {
    step.info.cellIndices = step.cells;
  }
  if (result.metrics) {
    result.metrics.info.cellIndices = result.metrics.cells;
    if (steps.has(METRICS_NAME)) {
      result.metrics.info.name = METRICS_FALLBACK;
    }
  }
  return result;
}

// ---- per-cell diagnostics

function cellDiagnostics(index: number, cell: CellAnalysis, diagnostics: Diagnostics): void {
  const error = cell.facts.errors[0];
  if (error) {
    const line = cell.lineStarts.filter(s => s <= error.start).length;
    diagnostics.add(
      'syntax-error',
      'error',
      `line ${line}: syntax error${error.missing ? ' (something is missing here)' : ''}`,
      { cellIndex: index, cell, start: error.start, end: Math.max(error.end, error.start + 1) }
    );
  }
  for (const { line, text } of cell.masked) {
    diagnostics.add(
      'magic-masked',
      'info',
      `line ${line + 1}: IPython syntax "${text.trim().slice(0, 60)}" is not Python; it is not run in the pipeline`,
      {
        cellIndex: index,
        cell,
        start: cell.lineStarts[line],
        end: cell.lineStarts[line]
      }
    );
  }
  for (const star of cell.facts.starImports) {
    diagnostics.add(
      'star-import',
      'warning',
      `"from ${star.module} import *" hides which names it defines; names it may define are not checked — import them by name`,
      { cellIndex: index, cell, start: star.start, end: star.end }
    );
  }
}

// ---- parameters

function readParameters(
  cells: number[],
  cellAt: CellSource,
  diagnostics: Diagnostics
): PipelineParameter[] {
  const byName = new Map<string, PipelineParameter>();
  for (const cellIndex of cells) {
    const cell = cellAt(cellIndex)!;
    for (const statement of cell.facts.statements) {
      const place = { cellIndex, cell, start: statement.start, end: statement.end };
      if (statement.kind !== 'assign' || !statement.name || !statement.value) {
        diagnostics.add(
          'parameter-statement',
          'warning',
          'only "name = value" lines define pipeline parameters; this line is ignored',
          place
        );
        continue;
      }
      const valueText = cell.code.slice(statement.value.start, statement.value.end);
      const parameter: PipelineParameter = { name: statement.name, cellIndex, valueText };
      const literal = readLiteral(statement.value, cell.code);
      if (literal) {
        parameter.value = literal.value;
        if (literal.type) {
          parameter.type = literal.type;
        }
      } else {
        diagnostics.add(
          'parameter-not-literal',
          'error',
          `parameter "${statement.name}" must be a literal (number, string, bool, None, list or dict), not "${valueText.slice(0, 60)}"`,
          place,
          { variable: statement.name }
        );
      }
      if (byName.has(statement.name)) {
        diagnostics.add(
          'duplicate-parameter',
          'warning',
          `parameter "${statement.name}" is set twice; the value here wins`,
          place,
          { variable: statement.name }
        );
        byName.delete(statement.name);
      }
      parameter.range = rangeOf(cell, statement.start, statement.end);
      byName.set(statement.name, parameter);
    }
  }
  return [...byName.values()];
}

// ---- the step graph

function checkDependencies(steps: StepDraft[], diagnostics: Diagnostics): void {
  const names = new Set(steps.map(s => s.info.name));
  const known = steps.map(s => s.info.name);
  for (const step of steps) {
    const { info } = step;
    info.depends = info.depends.filter(dep => {
      const cellIndex = step.prevCell.get(dep) ?? info.cellIndices[0];
      if (dep === info.name) {
        diagnostics.add(
          'self-dependency',
          'error',
          `step "${dep}" lists itself in prev:${dep}`,
          { cellIndex },
          { step: dep }
        );
        return false;
      }
      if (!names.has(dep)) {
        diagnostics.add(
          'unknown-dependency',
          'error',
          unknownDependency(info.name, dep, known),
          { cellIndex },
          { step: info.name }
        );
        return false;
      }
      return true;
    });
  }
  const cycle = stepCycle(steps);
  if (cycle) {
    const first = steps.find(s => s.info.name === cycle[0])!;
    diagnostics.add(
      'dependency-cycle',
      'error',
      `the steps depend on each other in a cycle: ${cycle.join(' → ')}`,
      { cellIndex: first.info.cellIndices[0] ?? -1 },
      { step: cycle[0] }
    );
  }
}

/** One message per unknown `prev:` tag: the tag, the step, and the step names it may have meant. */
function unknownDependency(step: string, dep: string, known: string[]): string {
  const others = known.filter(name => name !== step);
  const near = nearestNames(dep, others);
  const hint = near.length
    ? `did you mean ${quotedChoice(near)}?`
    : others.length
      ? `no step has a similar name; the steps are ${quotedChoice(others.slice(0, 5))}${others.length > 5 ? ', …' : ''}`
      : 'the notebook has no other step';
  return `step "${step}": tag prev:${dep} names no step: ${hint}`;
}

function stepCycle(steps: StepDraft[]): string[] | null {
  const deps = new Map(steps.map(s => [s.info.name, s.info.depends]));
  return findCycle(
    steps.map(s => s.info.name),
    name => deps.get(name) ?? []
  );
}

/** Every step's transitive upstream steps (a cycle makes its members ancestors of each other). */
function ancestorSets(steps: StepDraft[]): Map<string, Set<string>> {
  const deps = new Map(steps.map(s => [s.info.name, s.info.depends]));
  const result = new Map<string, Set<string>>();
  for (const step of steps) {
    const seen = new Set<string>();
    const stack = [...step.info.depends];
    while (stack.length) {
      const name = stack.pop()!;
      if (!seen.has(name)) {
        seen.add(name);
        stack.push(...(deps.get(name) ?? []));
      }
    }
    seen.delete(step.info.name);
    result.set(step.info.name, seen);
  }
  return result;
}

// ---- what each step reads and produces

interface Shared {
  defs: Set<string>;
  defReads: Map<string, Set<string>>;
  starImport: boolean;
}

function sharedCode(cells: number[], cellAt: CellSource): Shared {
  const shared: Shared = { defs: new Set(), defReads: new Map(), starImport: false };
  for (const index of cells) {
    const { facts } = cellAt(index)!;
    facts.defs.forEach((_, name) => shared.defs.add(name));
    facts.defReads.forEach((names, def) => shared.defReads.set(def, names));
    shared.starImport ||= facts.starImports.length > 0;
  }
  return shared;
}

function stepFlow(
  draft: StepDraft,
  cellAt: CellSource,
  sharedReads: Map<string, Set<string>>
): StepFlow {
  const flow: StepFlow = {
    draft,
    reads: new Map(),
    produces: new Set(),
    producedAt: new Map(),
    mutates: new Set(),
    imports: new Set()
  };
  const producedHere = (name: string, cellIndex: number) => {
    const cells = flow.producedAt.get(name);
    if (!cells) {
      flow.producedAt.set(name, [cellIndex]);
    } else if (cells[cells.length - 1] !== cellIndex) {
      cells.push(cellIndex);
    }
  };
  const bound = new Set<string>();
  const late: Array<[string, Where]> = [];
  for (const cellIndex of draft.cells) {
    // Cells of a step run in order: a read is the step's input unless a binding came first.
    const { facts } = cellAt(cellIndex)!;
    for (const reads of [facts.reads, facts.deleteReads]) {
      for (const [name, ref] of reads) {
        const bindsHere = facts.defs.get(name);
        const free = !bound.has(name) && (!bindsHere || bindsHere.order >= ref.order);
        if (free && !flow.reads.has(name)) {
          flow.reads.set(name, { cellIndex, ref });
        }
      }
    }
    for (const name of facts.defs.keys()) {
      bound.add(name);
      // A name the step deletes is not its to pass on (an upstream copy may still be).
      if (facts.deleted.has(name)) {
        flow.produces.delete(name);
      } else {
        flow.produces.add(name);
        producedHere(name, cellIndex);
      }
      if (facts.imports.has(name)) {
        flow.imports.add(name);
      } else {
        flow.imports.delete(name);
      }
    }
    for (const name of facts.mutations.keys()) {
      flow.mutates.add(name);
      flow.produces.add(name);
      producedHere(name, cellIndex);
    }
    for (const name of facts.globalWrites.keys()) {
      flow.produces.add(name);
      producedHere(name, cellIndex);
    }
    for (const [name, ref] of facts.lateReads) {
      late.push([name, { cellIndex, ref }]);
    }
  }
  // Function bodies run when called, after the step's top-level bindings; shared functions the
  // step calls read module names too (a parameter read inside a helper is the step's read).
  const queue = [...flow.reads.entries(), ...late];
  const seen = new Set<string>();
  for (let next = 0; next < queue.length; next++) {
    const [name, where] = queue[next];
    if (seen.has(name)) {
      continue;
    }
    seen.add(name);
    if (bound.has(name)) {
      continue; // the step's own binding (it may shadow a shared function)
    }
    if (!flow.reads.has(name)) {
      flow.reads.set(name, where);
    }
    for (const read of sharedReads.get(name) ?? []) {
      queue.push([read, where]);
    }
  }
  return flow;
}

interface Context {
  /** The steps that produce each name, in notebook order. */
  producers: Map<string, StepFlow[]>;
  ancestors: Map<string, Set<string>>;
  parameterNames: Set<string>;
  shared: Set<string>;
  starImport: boolean;
  cellAt: CellSource;
  diagnostics: Diagnostics;
}

function resolveInputs(flow: StepFlow, ctx: Context): void {
  const { info } = flow.draft;
  const ancestors = ctx.ancestors.get(info.name) ?? new Set<string>();
  const stepStar = flow.draft.cells.some(i => ctx.cellAt(i)!.facts.starImports.length > 0);
  for (const [name, where] of flow.reads) {
    const all = ctx.producers.get(name) ?? [];
    const producers = all.filter(
      f => f.draft.info.name !== info.name && ancestors.has(f.draft.info.name)
    );
    const cell = ctx.cellAt(where.cellIndex);
    const place = { cellIndex: where.cellIndex, cell, start: where.ref.start, end: where.ref.end };
    if (producers.length) {
      // Closest: a producer that is not upstream of another producer.
      const closest = producers.filter(
        p =>
          !producers.some(
            q => q !== p && ctx.ancestors.get(q.draft.info.name)?.has(p.draft.info.name)
          )
      );
      const chosen = closest[closest.length - 1];
      if (chosen.imports.has(name)) {
        ctx.diagnostics.add(
          'import-not-shared',
          'error',
          `step "${info.name}" uses "${name}", which step "${chosen.draft.info.name}" imports; modules are not passed between steps — move the import to an imports cell`,
          place,
          { step: info.name, variable: name }
        );
        continue;
      }
      if (closest.length > 1) {
        const names = closest.map(p => `"${p.draft.info.name}"`).join(' and ');
        ctx.diagnostics.add(
          'parallel-producers',
          'warning',
          `step "${info.name}" reads "${name}", which ${names} both produce in parallel; it takes the one from "${chosen.draft.info.name}"`,
          place,
          { step: info.name, variable: name }
        );
      }
      info.inputs.push(name);
      info.inputSources[name] = chosen.draft.info.name;
      continue;
    }
    if (ctx.parameterNames.has(name)) {
      info.parameters.push(name);
      continue;
    }
    if (ctx.shared.has(name) || BUILTINS.has(name)) {
      continue;
    }
    const elsewhere = all.filter(f => f.draft.info.name !== info.name);
    if (elsewhere.length) {
      notUpstream(flow, name, place, elsewhere, ctx);
      continue;
    }
    const star = stepStar || ctx.starImport;
    const laterInStep = flow.produces.has(name);
    ctx.diagnostics.add(
      'undefined-name',
      star ? 'warning' : 'error',
      `step "${info.name}" reads "${name}", which ` +
        (laterInStep
          ? 'it assigns only later'
          : 'no upstream step, parameter, imports or functions cell defines') +
        (star ? ' (unless a star import provides it)' : ''),
      place,
      { step: info.name, variable: name }
    );
  }
}

/**
 * A step reads a name that only steps outside its upstream produce. The suggestion is the producer
 * whose assignment comes last BEFORE the reading cell: the value the user saw running the notebook
 * top to bottom. A later producer is never suggested: it would read another value, or loop.
 */
function notUpstream(
  flow: StepFlow,
  name: string,
  place: Place,
  elsewhere: StepFlow[],
  ctx: Context
): void {
  const { info } = flow.draft;
  let before: { producer: string; cellIndex: number } | null = null;
  for (const other of elsewhere) {
    const cells = other.producedAt.get(name) ?? [];
    const last = cells.filter(c => c < place.cellIndex).pop();
    if (last !== undefined && (!before || last > before.cellIndex)) {
      before = { producer: other.draft.info.name, cellIndex: last };
    }
  }
  const reads = `step "${info.name}" reads "${name}"`;
  const extra = { step: info.name, variable: name };
  if (!before) {
    const later = elsewhere
      .map(f => ({ producer: f.draft.info.name, cellIndex: f.producedAt.get(name)?.[0] ?? -1 }))
      .filter(p => p.cellIndex > place.cellIndex)
      .sort((a, b) => a.cellIndex - b.cellIndex)[0];
    ctx.diagnostics.add(
      'not-upstream',
      'error',
      `${reads}, which no step assigns before this cell` +
        (later
          ? ` (step "${later.producer}" assigns it later, in ${cellLabel(later.cellIndex)}): ` +
            `assign "${name}" in an earlier step, or move this code below ${cellLabel(later.cellIndex)}`
          : ''),
      place,
      extra
    );
    return;
  }
  const { producer, cellIndex } = before;
  const from = `step "${producer}" (${cellLabel(cellIndex)})`;
  if (ctx.ancestors.get(producer)?.has(info.name)) {
    // prev: tags already make the producer run after this step: depending on it would loop.
    ctx.diagnostics.add(
      'not-upstream',
      'error',
      `${reads}, which ${from} assigns before it, but "${producer}" runs after "${info.name}" ` +
        `(its prev: tags lead back to "${info.name}"): remove that dependency, then add prev:${producer} here`,
      place,
      extra
    );
    return;
  }
  const fix =
    info.kind === 'step'
      ? {
          title: `Make "${info.name}" depend on "${producer}"`,
          kind: 'add-dependency' as const,
          step: info.name,
          dependsOn: producer
        }
      : undefined;
  ctx.diagnostics.add(
    'not-upstream',
    'error',
    `${reads}, which ${from} assigns before it, but "${producer}" is not upstream of ` +
      `"${info.name}"` +
      (fix ? `: add prev:${producer}` : ''),
    place,
    { ...extra, fix }
  );
}

function metricNames(metrics: StepDraft, cellAt: CellSource, diagnostics: Diagnostics): void {
  const names: string[] = [];
  for (const cellIndex of metrics.cells) {
    const cell = cellAt(cellIndex)!;
    for (const ref of cell.facts.bareNames) {
      if (!names.includes(ref.name)) {
        names.push(ref.name);
      }
      if (!metrics.info.inputs.includes(ref.name) && !cell.facts.defs.has(ref.name)) {
        diagnostics.add(
          'metric-not-produced',
          'warning',
          `metric "${ref.name}" is not produced by any step`,
          { cellIndex, cell, start: ref.start, end: ref.end },
          { step: metrics.info.name, variable: ref.name }
        );
      }
    }
  }
  metrics.info.metrics = names;
}

// ---- values that do not travel well

function valueDiagnostics(
  flow: StepFlow,
  readers: StepFlow[],
  cellAt: CellSource,
  diagnostics: Diagnostics
): void {
  const { info } = flow.draft;
  const outputs = new Set(info.outputs);
  for (const cellIndex of flow.draft.cells) {
    const cell = cellAt(cellIndex)!;
    for (const [name, bad] of cell.facts.unserializable) {
      if (outputs.has(name)) {
        diagnostics.add(
          'unserializable',
          'warning',
          `step "${info.name}" passes "${name}", ${bad.what}, which cannot be saved for the next step; pass the data it holds instead`,
          { cellIndex, cell, start: bad.start, end: bad.end },
          { step: info.name, variable: name }
        );
      }
    }
    for (const alias of cell.facts.aliases) {
      const both = outputs.has(alias.name) && outputs.has(alias.of);
      const mutated = readers.some(
        r =>
          (r.mutates.has(alias.name) && r.draft.info.inputSources[alias.name] === info.name) ||
          (r.mutates.has(alias.of) && r.draft.info.inputSources[alias.of] === info.name)
      );
      if (both && mutated) {
        diagnostics.add(
          'alias',
          'warning',
          `"${alias.name}" and "${alias.of}" are one object in step "${info.name}" but become two copies downstream, where one of them is changed; pass one name`,
          { cellIndex, cell, start: alias.start, end: alias.end },
          { step: info.name, variable: alias.name }
        );
      }
    }
  }
}

/** A function that changes a module name another step owns changes only this step's copy. */
function globalMutations(
  sharedCells: number[],
  flows: StepFlow[],
  parameterNames: Set<string>,
  cellAt: CellSource,
  diagnostics: Diagnostics
): void {
  const check = (cellIndex: number, own: StepFlow | null) => {
    const cell = cellAt(cellIndex)!;
    for (const [name, ref] of cell.facts.lateMutations) {
      const owner = flows.find(f => f !== own && f.produces.has(name) && !f.reads.has(name));
      if (!owner && !parameterNames.has(name)) {
        continue;
      }
      const from = owner ? `step "${owner.draft.info.name}"` : 'a pipeline parameter';
      diagnostics.add(
        'global-mutation',
        'warning',
        `a function changes "${name}", which comes from ${from}; the change stays inside the step that calls it — return the new value instead`,
        { cellIndex, cell, start: ref.start, end: ref.end },
        { step: own?.draft.info.name, variable: name }
      );
    }
  };
  sharedCells.forEach(index => check(index, null));
  for (const flow of flows) {
    flow.draft.cells.forEach(index => check(index, flow));
  }
}

// ---- edges

function edgesOf(flows: StepFlow[]): Edge[] {
  const edges: Edge[] = [];
  const order = new Map(flows.map((f, i) => [f.draft.info.name, i]));
  for (const flow of flows) {
    const { info } = flow.draft;
    const passes = new Map<string, string[]>();
    for (const dep of info.depends) {
      passes.set(dep, []);
    }
    for (const [name, source] of Object.entries(info.inputSources)) {
      const list = passes.get(source) ?? [];
      list.push(name);
      passes.set(source, list);
    }
    const sources = [...passes.keys()].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    for (const from of sources) {
      edges.push({ from, to: info.name, passes: passes.get(from)!.sort() });
    }
  }
  return edges;
}
