/**
 * IPython syntax plain Python rejects: `%%cell` magics (the whole cell), `%line` magics, `!shell`
 * escapes and `name?` help. Masked lines become blank so line numbers stay the same. A line is
 * only a magic where a statement may start: not inside brackets, strings or after a backslash.
 */
export interface MaskedLine {
  /** Zero-based line in the cell. */
  line: number;
  text: string;
}

/** `%x`, `!x` (not `!=`) and `?x` at the start of a line; `name?`/`name??` alone (help). */
const LINE_MAGIC = /^\s*(%|!(?!=)|\?)|^\s*[A-Za-z_][\w.]*\?\??\s*$/;
/** `x = %time f()`, `files = !ls`: IPython's assignment forms. */
const ASSIGNED_MAGIC = /^\s*[A-Za-z_][\w.]*\s*=\s*(%|!(?!=))/;
/** Cell magics whose body is Python that runs (`%%time` times it, `%%capture` captures output). */
const PYTHON_BODY = new Set(['capture', 'time', 'timeit', 'prun', 'debug', 'memit']);

/** Where a line leaves the scanner: open brackets, an open triple-quoted string, a backslash. */
interface LineState {
  depth: number;
  quote: string | null;
  continued: boolean;
}

/** Scan one line of Python for brackets and strings (enough to know where statements start). */
function scanLine(text: string, state: LineState): LineState {
  let { depth, quote } = state;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') {
        i += 2;
        continue;
      }
      if (text.startsWith(quote, i)) {
        i += quote.length;
        quote = null;
        continue;
      }
      i++;
      continue;
    }
    if (ch === '#') {
      break;
    }
    if (ch === '"' || ch === "'") {
      const triple = text.startsWith(ch.repeat(3), i);
      quote = triple ? ch.repeat(3) : ch;
      i += quote.length;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') {
      depth++;
    } else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) {
      depth--;
    }
    i++;
  }
  // A single-quoted string does not continue past the end of its line.
  if (quote && quote.length === 1) {
    quote = null;
  }
  return { depth, quote, continued: /\\$/.test(text) };
}

/**
 * Matches wherever LINE_MAGIC, ASSIGNED_MAGIC or a cell magic could (and in more places): a
 * source it does not match has nothing to mask.
 */
const MAYBE_MAGIC = /^\s*[%!?]|\?\s*$|=\s*[%!]/m;

export function maskMagics(source: string): { code: string; masked: MaskedLine[] } {
  if (!MAYBE_MAGIC.test(source) && !source.includes('\r')) {
    return { code: source, masked: [] };
  }
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const masked: MaskedLine[] = [];
  const mask = (line: number) => {
    masked.push({ line, text: lines[line] });
    lines[line] = '';
  };
  const first = lines.findIndex(line => line.trim() !== '');
  const cellMagic = first >= 0 ? /^\s*%%(\w+)/.exec(lines[first]) : null;
  if (cellMagic && !PYTHON_BODY.has(cellMagic[1])) {
    // %%bash, %%writefile, %%html ...: the body is not Python; the whole cell is masked.
    lines.forEach((_, line) => mask(line));
    return { code: lines.join('\n'), masked };
  }
  let state: LineState = { depth: 0, quote: null, continued: false };
  let magicContinues = false;
  lines.forEach((text, line) => {
    const statementStart = state.depth === 0 && state.quote === null && !state.continued;
    if (
      magicContinues ||
      (statementStart && (LINE_MAGIC.test(text) || ASSIGNED_MAGIC.test(text)))
    ) {
      // A magic ending in a backslash continues on the next line.
      magicContinues = /\\$/.test(text);
      mask(line);
      return;
    }
    state = scanLine(text, state);
  });
  return { code: lines.join('\n'), masked };
}
