/** Pure helpers of the inline markers and the quick fix (no DOM, tested under jest). */
import type { CellRange, Diagnostic } from '../../analysis/types';

/** Offsets of a zero-based line/column range in `source`, clamped to it; null when empty. */
export function rangeToOffsets(
  source: string,
  range: CellRange
): { from: number; to: number } | null {
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      starts.push(i + 1);
    }
  }
  const at = (line: number, column: number): number => {
    if (line >= starts.length) {
      return source.length;
    }
    const lineEnd = line + 1 < starts.length ? starts[line + 1] - 1 : source.length;
    return Math.min(starts[Math.max(0, line)] + Math.max(0, column), lineEnd);
  };
  const from = at(range.startLine, range.startColumn);
  let to = at(range.endLine, range.endColumn);
  if (to <= from) {
    // A zero-width range marks the rest of its line, so a marker stays visible.
    to = at(range.startLine, Number.MAX_SAFE_INTEGER);
  }
  return to > from ? { from, to } : null;
}

/** Diagnostics grouped by cell index (notebook-level ones left out). */
export function diagnosticsByCell(diagnostics: Diagnostic[]): Map<number, Diagnostic[]> {
  const map = new Map<number, Diagnostic[]>();
  for (const d of diagnostics) {
    if (d.cellIndex >= 0 && d.range) {
      const list = map.get(d.cellIndex) ?? [];
      list.push(d);
      map.set(d.cellIndex, list);
    }
  }
  return map;
}
