/**
 * The step graph: `prev:` tags checked (a tag naming no step or the step itself is dropped, a cycle
 * reported), every step's ancestors, and the metrics step placed last, after the leaves.
 */
import { cycleMessage, findCycle } from '../cycles';
import { Diagnostics } from '../diagnostics';
import { nearestNames, quotedChoice } from '../labels';
import type { Grouping } from './grouping';
import type { Step } from './types';

export interface StepGraph {
  /** The steps (metrics last), each with the dependencies that name another step. */
  steps: Step[];
  /** Every step's transitive upstream steps; the metrics step has all the others. */
  ancestors: ReadonlyMap<string, Set<string>>;
}

export function stepGraph(
  grouping: Grouping,
  diagnostics: Diagnostics,
  ancestorsOf: (steps: Step[]) => Map<string, Set<string>> = ancestorSets
): StepGraph {
  const steps = checkDependencies(grouping.steps, diagnostics);
  const ancestors = ancestorsOf(steps);
  const { metrics } = grouping;
  if (!metrics) {
    return { steps, ancestors };
  }
  // The metrics step runs last: every step is its ancestor; it waits for the leaves.
  const names = steps.map(s => s.name);
  const upstream = new Set(steps.flatMap(s => s.depends));
  return {
    steps: [...steps, { ...metrics, depends: names.filter(n => !upstream.has(n)) }],
    ancestors: new Map([...ancestors, [metrics.name, new Set(names)]])
  };
}

/** The steps with their `prev:` tags that name another step; the others and a cycle reported. */
function checkDependencies(steps: Step[], diagnostics: Diagnostics): Step[] {
  const known = steps.map(s => s.name);
  const names = new Set(known);
  const checked = steps.map(step => ({
    ...step,
    depends: step.depends.filter(dep => {
      const cellIndex = step.prevCell.get(dep) ?? step.cells[0];
      if (dep === step.name) {
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
          unknownDependency(step.name, dep, known),
          { cellIndex },
          { step: step.name }
        );
        return false;
      }
      return true;
    })
  }));
  const deps = new Map(checked.map(s => [s.name, s.depends]));
  const cycle = findCycle(known, name => deps.get(name) ?? []);
  if (cycle) {
    const first = checked.find(s => s.name === cycle[0])!;
    diagnostics.add(
      'dependency-cycle',
      'error',
      cycleMessage(cycle),
      { cellIndex: first.cells[0] ?? -1 },
      { step: cycle[0] }
    );
  }
  return checked;
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

/** Every step's transitive upstream steps (a cycle makes its members ancestors of each other). */
export function ancestorSets(
  steps: ReadonlyArray<Pick<Step, 'name' | 'depends'>>
): Map<string, Set<string>> {
  const deps = new Map(steps.map(s => [s.name, s.depends]));
  const result = new Map<string, Set<string>>();
  for (const step of steps) {
    const seen = new Set<string>();
    const stack = [...step.depends];
    while (stack.length) {
      const name = stack.pop()!;
      if (!seen.has(name)) {
        seen.add(name);
        stack.push(...(deps.get(name) ?? []));
      }
    }
    seen.delete(step.name);
    result.set(step.name, seen);
  }
  return result;
}
