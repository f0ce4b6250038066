/**
 * What each annotated cell's chip says: its kind (for the colour), its step name and the steps
 * it depends on. Plain data from the cells' tags, so the view only draws it.
 */
import { CellKind, parseTags } from '../../model/tags';
import { Trans, plainTrans } from '../run/trans';

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

export function kindLabels(trans: Trans): Record<CellKind, string> {
  return {
    imports: trans.__('Imports'),
    functions: trans.__('Functions'),
    'pipeline-parameters': trans.__('Pipeline parameters'),
    'pipeline-metrics': trans.__('Pipeline metrics'),
    step: trans.__('Step'),
    skip: trans.__('Skip')
  };
}

export const KIND_LABELS: Record<CellKind, string> = kindLabels(plainTrans);

export interface ChipCell {
  cellType: string;
  tags: readonly string[];
}

/** One chip per code cell that carries a kind tag; untagged code cells extend the block above. */
export function computeChips(cells: readonly ChipCell[], trans: Trans = plainTrans): Chip[] {
  const labels = trans === plainTrans ? KIND_LABELS : kindLabels(trans);
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
    const label = a.kind === 'step' ? (a.stepName ?? '') : labels[a.kind];
    const deps = a.kind === 'step' ? [...a.prev] : [];
    const what = a.kind === 'step' ? trans.__('Step %1', label) : label;
    current = {
      cellIndex,
      kind: a.kind,
      label,
      deps,
      continued: 0,
      ariaLabel: deps.length ? trans.__('%1, depends on %2', what, deps.join(', ')) : what
    };
    chips.push(current);
  });
  return chips;
}

/** The faint "+ step" chip of an untagged code cell of an enabled notebook: it opens the editor. */
export interface Placeholder {
  cellIndex: number;
  /** The chip of the block this cell continues (an untagged cell runs with the cell above), if any. */
  continues: Chip | null;
}

/** One placeholder per code cell without a kind tag, in notebook order. */
export function computePlaceholders(
  cells: readonly ChipCell[],
  chips: readonly Chip[]
): Placeholder[] {
  const byIndex = new Map(chips.map(c => [c.cellIndex, c]));
  const out: Placeholder[] = [];
  let current: Chip | null = null;
  cells.forEach((cell, cellIndex) => {
    if (cell.cellType !== 'code') {
      return;
    }
    const chip = byIndex.get(cellIndex);
    if (chip) {
      current = chip;
    } else {
      out.push({ cellIndex, continues: current });
    }
  });
  return out;
}
