/** What passes between steps: each step's record with its outputs, and the graph's edges. */
import type { Edge, StepInfo } from '../types';
import type { Resolution, Step } from './types';

/**
 * Each step's record: its inputs (sorted, each with its producer) and parameters, and its outputs,
 * the names some step takes from it (sorted).
 */
export function stepInfos(steps: Step[], resolutions: Resolution[]): StepInfo[] {
  const outputs = new Map<string, Set<string>>(steps.map(s => [s.name, new Set()]));
  for (const resolution of resolutions) {
    for (const [name, source] of Object.entries(resolution.inputSources)) {
      outputs.get(source)?.add(name);
    }
  }
  return steps.map((step, i) => {
    const { inputSources } = resolutions[i];
    const inputs = [...resolutions[i].inputs].sort();
    return {
      name: step.name,
      kind: step.kind,
      cellIndices: step.cells,
      depends: step.depends,
      inputs,
      inputSources: Object.fromEntries(inputs.map(name => [name, inputSources[name]])),
      outputs: [...outputs.get(step.name)!].sort(),
      parameters: [...resolutions[i].parameters].sort()
    };
  });
}

/** One edge per `prev:` dependency and per producer of an input; `passes` sorted. */
export function edgesOf(steps: StepInfo[]): Edge[] {
  const edges: Edge[] = [];
  const order = new Map(steps.map((s, i) => [s.name, i]));
  for (const info of steps) {
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
