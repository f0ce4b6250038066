/**
 * The checks over the flow that make no result of their own: each cell's syntax, magics and star
 * imports; metric names; values that do not travel well between steps (`../policy.ts` says which).
 */
import type { CellAnalysis } from '../cell';
import { Diagnostics } from '../diagnostics';
import type { StepInfo } from '../types';
import type { CellSource, StepFlow } from './types';

/** A step's flow and its resolved record. */
export interface ResolvedStep {
  flow: StepFlow;
  info: StepInfo;
}

/** Syntax errors, masked IPython syntax and star imports of the cells that run (ascending). */
export function checkCells(cells: number[], cellAt: CellSource, diagnostics: Diagnostics): void {
  for (const index of cells) {
    checkCell(index, cellAt(index)!, diagnostics);
  }
}

function checkCell(index: number, cell: CellAnalysis, diagnostics: Diagnostics): void {
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

/** The metric names written in the metrics cells, in order; one not produced by a step is reported. */
export function checkMetrics(
  metrics: StepInfo,
  cellAt: CellSource,
  diagnostics: Diagnostics
): string[] {
  const names: string[] = [];
  for (const cellIndex of metrics.cellIndices) {
    const cell = cellAt(cellIndex)!;
    for (const ref of cell.facts.bareNames) {
      if (!names.includes(ref.name)) {
        names.push(ref.name);
      }
      if (!metrics.inputs.includes(ref.name) && !cell.facts.defs.has(ref.name)) {
        diagnostics.add(
          'metric-not-produced',
          'warning',
          `metric "${ref.name}" is not produced by any step`,
          { cellIndex, cell, start: ref.start, end: ref.end },
          { step: metrics.name, variable: ref.name }
        );
      }
    }
  }
  return names;
}

// ---- values that do not travel well

/** Unserializable values and aliases a step passes on (the metrics step passes nothing). */
export function checkValues(
  steps: ResolvedStep[],
  cellAt: CellSource,
  diagnostics: Diagnostics
): void {
  const readers = new Map<string, ResolvedStep[]>();
  for (const step of steps) {
    for (const source of new Set(Object.values(step.info.inputSources))) {
      const list = readers.get(source);
      if (list) {
        list.push(step);
      } else {
        readers.set(source, [step]);
      }
    }
  }
  for (const step of steps) {
    if (step.info.kind === 'step') {
      checkStepValues(step, readers.get(step.info.name) ?? [], cellAt, diagnostics);
    }
  }
}

function checkStepValues(
  { info, flow }: ResolvedStep,
  readers: ResolvedStep[],
  cellAt: CellSource,
  diagnostics: Diagnostics
): void {
  const outputs = new Set(info.outputs);
  for (const cellIndex of flow.step.cells) {
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
          (r.flow.mutates.has(alias.name) && r.info.inputSources[alias.name] === info.name) ||
          (r.flow.mutates.has(alias.of) && r.info.inputSources[alias.of] === info.name)
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
export function checkGlobalMutations(
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
      const from = owner ? `step "${owner.step.name}"` : 'a pipeline parameter';
      diagnostics.add(
        'global-mutation',
        'warning',
        `a function changes "${name}", which comes from ${from}; the change stays inside the step that calls it — return the new value instead`,
        { cellIndex, cell, start: ref.start, end: ref.end },
        { step: own?.step.name, variable: name }
      );
    }
  };
  sharedCells.forEach(index => check(index, null));
  for (const flow of flows) {
    flow.step.cells.forEach(index => check(index, flow));
  }
}
