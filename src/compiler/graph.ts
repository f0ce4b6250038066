/**
 * Checks the analysis the compiler is about to wire: names, producers, known parameters, no cycles.
 * The analyzer reports the same things as diagnostics; this guards hand-built or stale analyses.
 */
import { AnalysisResult, StepInfo } from '../analysis/types';
import { isIdentifier } from './names';
import { Problems } from './types';
import { cycleMessage, findCycle } from '../analysis/cycles';

/** The analyzer adds `StepInfo.metrics` (names of the metrics step); older analyses lack it. */
export function metricNames(step: StepInfo): string[] {
  const named = (step as StepInfo & { metrics?: string[] }).metrics;
  return step.kind !== 'metrics' ? [] : (named ?? step.inputs);
}

/** The steps a step waits for: annotated `prev:`, producers of its inputs, and edges into it; sorted. */
export function upstreamSteps(step: StepInfo, analysis: AnalysisResult): string[] {
  const names = new Set<string>(step.depends);
  for (const input of step.inputs) {
    const source = step.inputSources[input];
    if (source) {
      names.add(source);
    }
  }
  for (const edge of analysis.edges) {
    if (edge.to === step.name) {
      names.add(edge.from);
    }
  }
  names.delete(step.name);
  return [...names].sort();
}

function wiringCycle(analysis: AnalysisResult, byName: Map<string, StepInfo>): string[] | null {
  return findCycle(
    analysis.steps.map(s => s.name),
    name => {
      const step = byName.get(name);
      return step ? upstreamSteps(step, analysis) : [];
    }
  );
}

export function checkAnalysis(
  analysis: AnalysisResult,
  parameterNames: ReadonlySet<string>,
  problems: Problems
): void {
  if (!analysis.steps.length) {
    problems.add({
      cellIndex: -1,
      message: 'the notebook has no steps: tag a code cell with step:NAME'
    });
    return;
  }
  const byName = new Map<string, StepInfo>();
  for (const step of analysis.steps) {
    const cellIndex = step.cellIndices[0] ?? -1;
    if (byName.has(step.name)) {
      problems.add({ cellIndex, step: step.name, message: `two steps are named "${step.name}"` });
    }
    byName.set(step.name, step);
  }
  const metricsSteps = analysis.steps.filter(s => s.kind === 'metrics');
  if (metricsSteps.length > 1) {
    problems.add({
      cellIndex: metricsSteps[1].cellIndices[0] ?? -1,
      message: 'more than one pipeline-metrics step; keep one'
    });
  }
  for (const step of analysis.steps) {
    const cellIndex = step.cellIndices[0] ?? -1;
    const fail = (message: string, variable?: string) =>
      problems.add({
        cellIndex,
        step: step.name,
        variable,
        message: `step "${step.name}": ${message}`
      });
    for (const name of [
      ...step.inputs,
      ...step.outputs,
      ...step.parameters,
      ...metricNames(step)
    ]) {
      if (!isIdentifier(name)) {
        fail(`"${name}" is not a Python identifier`, name);
      }
    }
    for (const dep of step.depends) {
      if (!byName.has(dep)) {
        fail(`prev:${dep} names no step`);
      }
    }
    for (const name of step.parameters) {
      if (!parameterNames.has(name)) {
        fail(`reads "${name}", which is not a pipeline parameter`, name);
      }
    }
    for (const input of step.inputs) {
      const source = step.inputSources[input];
      const producer = source === undefined ? undefined : byName.get(source);
      if (!producer) {
        fail(
          `"${input}" has no producing step${source ? ` ("${source}" does not exist)` : ''}`,
          input
        );
      } else if (!producer.outputs.includes(input)) {
        fail(`"${input}" is read from step "${source}", which does not save it`, input);
      }
    }
  }
  const cycle = wiringCycle(analysis, byName);
  if (cycle) {
    const first = byName.get(cycle[0]);
    problems.add({
      cellIndex: first?.cellIndices[0] ?? -1,
      step: cycle[0],
      message: cycleMessage(cycle)
    });
  }
}
