/**
 * Which modules a step imports, and which of the notebook's own modules it carries by value
 * (docs/step-program.md, "Local modules"). Pure: the bundles themselves are built beside the notebook
 * (the server's /cellpipe/api/bundles, or the CLI) and passed in as `LocalModules`.
 */
import { NotebookInput } from '../model/notebook';
import { cellpipeMetadata } from '../model/notebook-settings';
import { AnalysisResult } from '../analysis/types';
import { cellCode } from './program';
import { LocalModules } from './types';

const NAME = String.raw`[\p{L}_][\p{L}\p{N}_]*`;
/** `import a.b as c, d` after the start of a statement (or a compound statement's `:`). */
const IMPORT = new RegExp(String.raw`(?:^|[;:])\s*import\s+([^;]+)`, 'gu');
/** `from a.b import …`; relative imports (`from . import x`, `from .m import x`) name no top-level module. */
const FROM = new RegExp(
  String.raw`(?:^|[;:])\s*from\s+(\.*)\s*(${NAME})?[\p{L}\p{N}_.]*\s+import\b`,
  'gu'
);
const TOP_LEVEL = new RegExp(`^${NAME}`, 'u');
const STRING_START = /^([rRbBuUfF]{0,2})('''|"""|'|")/;

/**
 * The source as logical lines with string literals replaced by `""` and comments removed, so that
 * only real statements are read (an `import x` inside a docstring imports nothing).
 */
function logicalLines(source: string): string[] {
  const lines: string[] = [];
  let line = '';
  let depth = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const prefixed = /[A-Za-z_]/.test(c) && !/[\w]/.test(source[i - 1] ?? '');
    const start =
      c === '"' || c === "'" || prefixed ? STRING_START.exec(source.slice(i, i + 5)) : null;
    if (start) {
      const quote = start[2];
      let j = i + start[0].length;
      while (j < source.length && !source.startsWith(quote, j)) {
        if (source[j] === '\\') {
          j++;
        } else if (source[j] === '\n' && quote.length === 1) {
          break; // an unterminated string ends with its line
        }
        j++;
      }
      line += '""';
      i = source[j] === '\n' ? j : j + quote.length;
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') {
        i++;
      }
    } else if (c === '\\' && source[i + 1] === '\n') {
      line += ' ';
      i += 2;
    } else if (c === '\n') {
      if (depth > 0) {
        line += ' ';
      } else {
        lines.push(line);
        line = '';
      }
      i++;
    } else {
      depth += '([{'.includes(c) ? 1 : ')]}'.includes(c) ? -1 : 0;
      depth = Math.max(depth, 0);
      line += c;
      i++;
    }
  }
  lines.push(line);
  return lines;
}

/** The top-level modules Python source imports by absolute import (`import a.b` and `from a.b import c` give `a`), sorted. */
export function importedModules(source: string): string[] {
  const out = new Set<string>();
  for (const line of logicalLines(source)) {
    for (const match of line.matchAll(IMPORT)) {
      for (const part of match[1].split(',')) {
        const name = TOP_LEVEL.exec(part.trim())?.[0];
        if (name) {
          out.add(name);
        }
      }
    }
    for (const match of line.matchAll(FROM)) {
      if (!match[1] && match[2]) {
        out.add(match[2]);
      }
    }
  }
  return [...out].sort();
}

/**
 * Per step, the top-level modules its program imports: the imports and functions cells (every step
 * runs them) and its own cells, magics removed as in the program.
 */
export function stepModules(
  notebook: NotebookInput,
  analysis: AnalysisResult
): Record<string, string[]> {
  const ofCell = new Map<number, string[]>();
  const modulesOf = (index: number): string[] => {
    let names = ofCell.get(index);
    if (!names) {
      const cell = notebook.cells[index];
      names = cell ? importedModules(cellCode(cell.source).join('\n')) : [];
      ofCell.set(index, names);
    }
    return names;
  };
  const shared = [...analysis.importsCells, ...analysis.functionsCells].flatMap(modulesOf);
  const fromImage = modulesFromImage(notebook);
  const out: Record<string, string[]> = {};
  for (const step of analysis.steps) {
    out[step.name] = [...new Set([...shared, ...step.cellIndices.flatMap(modulesOf)])]
      .filter(name => !fromImage.has(name))
      .sort();
  }
  return out;
}

/** `cellpipe.modulesFromImage`: local modules the step images have installed, never shipped. */
export function modulesFromImage(notebook: NotebookInput): Set<string> {
  const names = cellpipeMetadata(notebook).modulesFromImage;
  return new Set(Array.isArray(names) ? names.filter(n => typeof n === 'string') : []);
}

/** Every module some step imports: what to ask the bundle builder about. */
export function notebookModules(notebook: NotebookInput, analysis: AnalysisResult): string[] {
  return [...new Set(Object.values(stepModules(notebook, analysis)).flat())].sort();
}

/** The local modules a step carries: those it imports and, transitively, the local ones they import. */
export function localModulesOf(imported: readonly string[], local: LocalModules): string[] {
  const out = new Set<string>();
  const visit = (name: string) => {
    // Own keys only: a module named `constructor` or `__proto__` is a name like any other.
    if (!out.has(name) && Object.hasOwn(local.bundles, name)) {
      out.add(name);
      (Object.hasOwn(local.requires, name) ? local.requires[name] : []).forEach(visit);
    }
  };
  imported.forEach(visit);
  return [...out].sort();
}

/** Bytes of a base64 text once decoded. */
export function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}
