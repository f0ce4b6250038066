/**
 * What each annotated cell's chip says: its kind (for the colour), its step name and the steps
 * it depends on. Plain data from the cells' tags, so the view only draws it.
 */
import { CellKind, parseTags } from '../../model/tags';

export interface Chip {
  /** Index of the cell that carries the chip (the first cell of its block). */
  cellIndex: number;
  kind: CellKind;
  /** The step name for steps, else the kind's label. */
  label: string;
  /** Upstream steps (`prev:` tags), in order. */
  deps: string[];
  /** Number of untagged cells that follow and belong to the same block. */
  continued: number;
  /** The chip's text for screen readers. */
  ariaLabel: string;
}

export const KIND_LABELS: Record<CellKind, string> = {
  imports: 'Imports',
  functions: 'Functions',
  'pipeline-parameters': 'Pipeline parameters',
  'pipeline-metrics': 'Pipeline metrics',
  step: 'Step',
  skip: 'Skip'
};

export interface ChipCell {
  cellType: string;
  tags: readonly string[];
}

/** One chip per code cell that carries a kind tag; untagged code cells extend the block above. */
export function computeChips(cells: readonly ChipCell[]): Chip[] {
  const chips: Chip[] = [];
  let current: Chip | null = null;
  cells.forEach((cell, cellIndex) => {
    if (cell.cellType !== 'code') {
      return;
    }
    const a = parseTags(cell.tags);
    if (a.kind === null) {
      if (current) {
        current.continued += 1;
      }
      return;
    }
    const label = a.kind === 'step' ? (a.stepName ?? '') : KIND_LABELS[a.kind];
    const deps = a.kind === 'step' ? [...a.prev] : [];
    const what = a.kind === 'step' ? `Step ${label}` : label;
    current = {
      cellIndex,
      kind: a.kind,
      label,
      deps,
      continued: 0,
      ariaLabel: deps.length ? `${what}, depends on ${deps.join(', ')}` : what
    };
    chips.push(current);
  });
  return chips;
}
