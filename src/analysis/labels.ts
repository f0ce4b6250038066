/**
 * The one way a user reads where something is: analyzer, compiler, CLI, panel and markers all
 * format cell references here, so one cell never has two numbers.
 */

/**
 * `cell 4 (step "train")`: cells are counted from 1 over ALL cells of the notebook, markdown and raw
 * included — the cells a person sees and counts top to bottom (JupyterLab shows no numbers, and the
 * execution count `[n]` is not a position). `cellIndex` is the 0-based index in the notebook's cell
 * list; -1 is the notebook itself.
 */
export function cellLabel(cellIndex: number, step?: string): string {
  if (cellIndex < 0) {
    return step ? `step "${step}"` : 'notebook';
  }
  return step ? `cell ${cellIndex + 1} (step "${step}")` : `cell ${cellIndex + 1}`;
}

/**
 * A message with where it is, as every list of problems prints it: `cell 4 (step "train"): …`, or
 * `cell 4: step "train" reads …` when the message itself starts by naming the step.
 */
export function located(where: { cellIndex: number; step?: string }, message: string): string {
  const named = where.step !== undefined && message.startsWith(`step "${where.step}"`);
  return `${cellLabel(where.cellIndex, named ? undefined : where.step)}: ${message}`;
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The names nearest to `wanted` (smallest edit distance, case ignored), at most `limit`, only those
 * close enough to be a plausible typo: within a third of the longer name, or one containing the other.
 */
export function nearestNames(wanted: string, names: Iterable<string>, limit = 3): string[] {
  const lower = wanted.toLowerCase();
  return [...new Set(names)]
    .map(name => {
      const other = name.toLowerCase();
      const distance = editDistance(lower, other);
      const contains = lower.length > 2 && (other.includes(lower) || lower.includes(other));
      const close = distance <= Math.max(1, Math.floor(Math.max(lower.length, other.length) / 3));
      return { name, distance, plausible: close || contains };
    })
    .filter(c => c.plausible)
    .sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : 1))
    .slice(0, limit)
    .map(c => c.name);
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
export function quotedChoice(names: string[]): string {
  const quoted = names.map(n => `"${n}"`);
  return quoted.length > 1
    ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`
    : (quoted[0] ?? '');
}
