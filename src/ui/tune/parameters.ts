/**
 * Copies a Katib trial's parameter values back into the notebook's `pipeline-parameters` cell (an
 * explicit user action): only top-level literal assignments of those names are rewritten (`n = 10`,
 * `n: int = 10  # note`), nothing else in the cell — not other names, not computed values.
 */
import type { INotebookModel } from '@jupyterlab/notebook';
import { parseTags, readTags } from '../../model/tags';

/** A Python literal on the right of `=`: a number, a quoted string, True/False/None. */
const LITERAL = String.raw`(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|True|False|None)`;

export interface Rewritten {
  source: string;
  /** The names whose assignment was rewritten. */
  changed: string[];
  /** The names with no literal assignment in the cell (left alone). */
  missing: string[];
}

/** `value` (as Katib writes it, a string) as a Python literal for a parameter of KFP type `kfpType`. */
export function pythonLiteral(value: string, kfpType: string | undefined): string {
  if (kfpType === 'NUMBER_INTEGER' || kfpType === 'NUMBER_DOUBLE') {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) {
      throw new Error(`the value "${value}" is not a number`);
    }
    return kfpType === 'NUMBER_INTEGER' && Number.isInteger(n) ? String(n) : value.trim();
  }
  if (kfpType === 'BOOLEAN') {
    return /^(true|1)$/i.test(value.trim()) ? 'True' : 'False';
  }
  return JSON.stringify(value);
}

export function rewriteParameterValues(
  source: string,
  values: Record<string, string>,
  types: Record<string, string | undefined> = {}
): Rewritten {
  const changed = new Set<string>();
  const lines = source.split('\n').map(line => {
    const match = new RegExp(
      String.raw`^([A-Za-z_]\w*)(\s*(?::[^=#]+)?=\s*)(${LITERAL})(\s*(?:#.*)?)$`
    ).exec(line);
    if (!match || !(match[1] in values)) {
      return line;
    }
    const name = match[1];
    let literal: string;
    try {
      literal = pythonLiteral(values[name], types[name]);
    } catch (e) {
      throw new Error(`Parameter "${name}": ${(e as Error).message}`);
    }
    changed.add(name);
    return `${name}${match[2]}${literal}${match[4]}`;
  });
  return {
    source: lines.join('\n'),
    changed: [...changed],
    missing: Object.keys(values).filter(name => !changed.has(name))
  };
}

/**
 * Writes a trial's values into the notebook's pipeline-parameters cell(s): only literal assignments of
 * those names (see `rewriteParameterValues`); answers what changed and what was left alone.
 */
export function applyTrialParameters(
  notebook: INotebookModel,
  values: Record<string, string>,
  types: Record<string, string>
): string {
  const changed: string[] = [];
  let found = false;
  for (let i = 0; i < notebook.cells.length; i++) {
    const cell = notebook.cells.get(i);
    if (parseTags(readTags(cell.getMetadata('tags'))).kind !== 'pipeline-parameters') {
      continue;
    }
    found = true;
    const out = rewriteParameterValues(cell.sharedModel.getSource(), values, types);
    if (out.changed.length) {
      cell.sharedModel.setSource(out.source);
      changed.push(...out.changed);
    }
  }
  if (!found) {
    throw new Error('The notebook has no pipeline-parameters cell');
  }
  const missing = Object.keys(values).filter(name => !changed.includes(name));
  return (
    `Set ${changed.join(', ') || 'nothing'} in the pipeline-parameters cell` +
    (missing.length ? `; no literal assignment of ${missing.join(', ')} (left alone)` : '')
  );
}
