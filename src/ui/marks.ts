/**
 * Performance marks on the page's timeline (`cellpipe:<name>`), which the Galata timing reads.
 * Bounded per name: a long session must not pile them up.
 */

/** Marks per name kept on the timeline. */
const MAX_MARKS = 1000;
const counts = new Map<string, number>();

/** Mark `cellpipe:<name>` now, or at `startTime` (ms on this page's timeline). */
export function mark(name: string, startTime?: number): void {
  if (typeof performance !== 'undefined') {
    const full = `cellpipe:${name}`;
    const count = counts.get(full) ?? 0;
    if (count >= MAX_MARKS) {
      performance.clearMarks(full);
    }
    counts.set(full, count >= MAX_MARKS ? 1 : count + 1);
    performance.mark(full, startTime === undefined ? undefined : { startTime });
  }
}
