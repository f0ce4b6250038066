/**
 * What each step reads from outside itself and what it produces, from its cells' facts and the
 * shared code's: cells of a step run in order, function bodies when called.
 */
import type { CellSource, Flow, Shared, Where } from './types';

/** What the imports and functions cells define (every step has it) and what their bodies read. */
export function sharedCode(cells: number[], cellAt: CellSource): Shared {
  const shared: Shared = { cells, defs: new Set(), defReads: new Map(), starImport: false };
  for (const index of cells) {
    const { facts } = cellAt(index)!;
    facts.defs.forEach((_, name) => shared.defs.add(name));
    facts.defReads.forEach((names, def) => shared.defReads.set(def, names));
    shared.starImport ||= facts.starImports.length > 0;
  }
  return shared;
}

/** What a step of these cells reads and produces (cells of a step run in order). */
export function stepFlow(
  cells: number[],
  cellAt: CellSource,
  sharedReads: Map<string, Set<string>>
): Flow {
  const flow: Flow = {
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
  for (const cellIndex of cells) {
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
