/**
 * Each step's inputs: a name it reads comes from the closest ancestor step that produces it, else
 * from a parameter, the shared code or the builtins; else it is reported, with the producer a user
 * most likely meant.
 */
import { BUILTINS } from '../builtins';
import { addDependencyFix, Diagnostics, Place } from '../diagnostics';
import { cellLabel } from '../labels';
import type { FlowMemo } from './memo';
import type { CellSource, Resolution, Shared, StepFlow } from './types';

interface Context {
  /** The steps that produce each name, in notebook order. */
  producers: Map<string, StepFlow[]>;
  ancestors: ReadonlyMap<string, Set<string>>;
  parameterNames: Set<string>;
  shared: Shared;
  cellAt: CellSource;
}

/** Each step's resolution, in order; replayed from the memo while nothing it depends on changed. */
export function resolveSteps(
  flows: StepFlow[],
  ancestors: ReadonlyMap<string, Set<string>>,
  parameterNames: Set<string>,
  shared: Shared,
  cellAt: CellSource,
  memo: FlowMemo
): Resolution[] {
  const producers = new Map<string, StepFlow[]>();
  for (const flow of flows) {
    for (const name of flow.produces) {
      const list = producers.get(name);
      if (list) {
        list.push(flow);
      } else {
        producers.set(name, [flow]);
      }
    }
  }
  const ctx: Context = { producers, ancestors, parameterNames, shared, cellAt };
  const context = [
    [...parameterNames].join(','),
    shared.starImport,
    ...shared.cells.map(i => cellAt(i)!.facts)
  ];
  return flows.map(flow => memo.resolve(flow.step.name, context, () => resolveInputs(flow, ctx)));
}

function resolveInputs(flow: StepFlow, ctx: Context): Resolution {
  const { step } = flow;
  const diagnostics = new Diagnostics();
  const inputs: string[] = [];
  const inputSources: Record<string, string> = {};
  const parameters: string[] = [];
  const ancestors = ctx.ancestors.get(step.name) ?? new Set<string>();
  const stepStar = step.cells.some(i => ctx.cellAt(i)!.facts.starImports.length > 0);
  for (const [name, where] of flow.reads) {
    const all = ctx.producers.get(name) ?? [];
    const producers = all.filter(f => f.step.name !== step.name && ancestors.has(f.step.name));
    const cell = ctx.cellAt(where.cellIndex);
    const place = { cellIndex: where.cellIndex, cell, start: where.ref.start, end: where.ref.end };
    if (producers.length) {
      // Closest: a producer that is not upstream of another producer.
      const closest = producers.filter(
        p => !producers.some(q => q !== p && ctx.ancestors.get(q.step.name)?.has(p.step.name))
      );
      const chosen = closest[closest.length - 1];
      if (chosen.imports.has(name)) {
        diagnostics.add(
          'import-not-shared',
          'error',
          `step "${step.name}" uses "${name}", which step "${chosen.step.name}" imports; modules are not passed between steps — move the import to an imports cell`,
          place,
          { step: step.name, variable: name }
        );
        continue;
      }
      if (closest.length > 1) {
        const names = closest.map(p => `"${p.step.name}"`).join(' and ');
        diagnostics.add(
          'parallel-producers',
          'warning',
          `step "${step.name}" reads "${name}", which ${names} both produce in parallel; it takes the one from "${chosen.step.name}"`,
          place,
          { step: step.name, variable: name }
        );
      }
      inputs.push(name);
      inputSources[name] = chosen.step.name;
      continue;
    }
    if (ctx.parameterNames.has(name)) {
      parameters.push(name);
      continue;
    }
    if (ctx.shared.defs.has(name) || BUILTINS.has(name)) {
      continue;
    }
    const elsewhere = all.filter(f => f.step.name !== step.name);
    if (elsewhere.length) {
      notUpstream(flow, name, place, elsewhere, ctx.ancestors, diagnostics);
      continue;
    }
    const star = stepStar || ctx.shared.starImport;
    const laterInStep = flow.produces.has(name);
    diagnostics.add(
      'undefined-name',
      star ? 'warning' : 'error',
      `step "${step.name}" reads "${name}", which ` +
        (laterInStep
          ? 'it assigns only later'
          : 'no upstream step, parameter, imports or functions cell defines') +
        (star ? ' (unless a star import provides it)' : ''),
      place,
      { step: step.name, variable: name }
    );
  }
  return { inputs, inputSources, parameters, diagnostics: diagnostics.list };
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
  ancestors: Context['ancestors'],
  diagnostics: Diagnostics
): void {
  const { step } = flow;
  let before: { producer: string; cellIndex: number } | null = null;
  for (const other of elsewhere) {
    const cells = other.producedAt.get(name) ?? [];
    const last = cells.filter(c => c < place.cellIndex).pop();
    if (last !== undefined && (!before || last > before.cellIndex)) {
      before = { producer: other.step.name, cellIndex: last };
    }
  }
  const reads = `step "${step.name}" reads "${name}"`;
  const extra = { step: step.name, variable: name };
  if (!before) {
    const later = elsewhere
      .map(f => ({ producer: f.step.name, cellIndex: f.producedAt.get(name)?.[0] ?? -1 }))
      .filter(p => p.cellIndex > place.cellIndex)
      .sort((a, b) => a.cellIndex - b.cellIndex)[0];
    diagnostics.add(
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
  if (ancestors.get(producer)?.has(step.name)) {
    // prev: tags already make the producer run after this step: depending on it would loop.
    diagnostics.add(
      'not-upstream',
      'error',
      `${reads}, which ${from} assigns before it, but "${producer}" runs after "${step.name}" ` +
        `(its prev: tags lead back to "${step.name}"): remove that dependency, then add prev:${producer} here`,
      place,
      extra
    );
    return;
  }
  const fix = addDependencyFix(step, producer);
  diagnostics.add(
    'not-upstream',
    'error',
    `${reads}, which ${from} assigns before it, but "${producer}" is not upstream of ` +
      `"${step.name}"` +
      (fix ? `: add prev:${producer}` : ''),
    place,
    { ...extra, fix }
  );
}
