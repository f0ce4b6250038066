/**
 * Stage 3: per-cell facts → steps, the variables passed between them, parameters, diagnostics.
 * Each phase is a module and returns new records: cells group into steps as in Kale
 * (`grouping.ts`), parameters are read (`parameters.ts`), `prev:` tags make the step graph
 * (`graph.ts`), each step's reads and products are found (`step-flow.ts`), a step's inputs are the
 * names it reads that an ancestor step produces, closest producer wins (`inputs.ts`), its outputs
 * the names some descendant reads from it (`edges.ts`); `checks.ts` reports what travels badly.
 */
import type { NotebookInput } from '../../model/notebook';
import { Diagnostics } from '../diagnostics';
import type { AnalysisResult, Diagnostic } from '../types';
import {
  checkCells,
  checkGlobalMutations,
  checkMetrics,
  checkValues,
  ResolvedStep
} from './checks';
import { edgesOf, stepInfos } from './edges';
import { stepGraph } from './graph';
import { groupCells } from './grouping';
import { resolveSteps } from './inputs';
import { FlowMemo } from './memo';
import { readParameters } from './parameters';
import { sharedCode, stepFlow } from './step-flow';
import type { CellSource, Shared, Step, StepFlow } from './types';

export { FlowMemo } from './memo';
export { WHOLE_NOTEBOOK_STEP } from './grouping';
export type { CellSource } from './types';

export function buildAnalysis(
  notebook: NotebookInput,
  cellAt: CellSource,
  memo: FlowMemo = new FlowMemo()
): AnalysisResult {
  const diagnostics = new Diagnostics();
  const grouping = groupCells(notebook, diagnostics);
  checkCells(grouping.analysed, cellAt, diagnostics);
  const parameters = readParameters(grouping.parameterCells, cellAt, diagnostics);
  const parameterNames = new Set(parameters.map(p => p.name));
  const graph = stepGraph(grouping, diagnostics, steps => memo.ancestors(steps));
  const shared = sharedCode([...grouping.importsCells, ...grouping.functionsCells], cellAt);
  const flows = stepFlows(graph.steps, shared, cellAt, memo);
  const resolutions = resolveSteps(flows, graph.ancestors, parameterNames, shared, cellAt, memo);
  // Replayed resolutions are the memo's: their diagnostics are copied.
  resolutions.forEach(r => diagnostics.list.push(...r.diagnostics.map(d => ({ ...d }))));
  const steps = stepInfos(graph.steps, resolutions).map(info =>
    info.kind === 'metrics' ? { ...info, metrics: checkMetrics(info, cellAt, diagnostics) } : info
  );
  const resolved: ResolvedStep[] = steps.map((info, i) => ({ info, flow: flows[i] }));
  checkValues(resolved, cellAt, diagnostics);
  checkGlobalMutations(shared.cells, flows, parameterNames, cellAt, diagnostics);
  return {
    steps,
    edges: edgesOf(steps),
    parameters,
    importsCells: grouping.importsCells,
    functionsCells: grouping.functionsCells,
    diagnostics: withSteps(diagnostics.sorted(), graph.steps)
  };
}

/** Each step's flow: recomputed only for a step whose cells or the shared code changed. */
function stepFlows(steps: Step[], shared: Shared, cellAt: CellSource, memo: FlowMemo): StepFlow[] {
  const sharedKey = shared.cells.map(i => cellAt(i)!.facts);
  const flows = steps.map(step => {
    // Cell positions are part of the key: reads remember the cell they were found in.
    const key = [
      step.kind,
      ...sharedKey,
      null,
      ...step.cells,
      null,
      ...step.cells.map(i => cellAt(i)!.facts)
    ];
    const flow = memo.get(step.name, key, () => stepFlow(step.cells, cellAt, shared.defReads));
    return { ...flow, step };
  });
  memo.sweep();
  return flows;
}

/** Every message about a step's cell names the step: `cell 4 (step "train")` wherever it is read. */
function withSteps(diagnostics: Diagnostic[], steps: Step[]): Diagnostic[] {
  const stepOfCell = new Map(steps.flatMap(s => s.cells.map(i => [i, s.name])));
  return diagnostics.map(d => {
    const owner = stepOfCell.get(d.cellIndex);
    return d.step === undefined && owner !== undefined ? { ...d, step: owner } : d;
  });
}
