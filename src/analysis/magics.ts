/**
 * IPython syntax plain Python rejects: `%%cell` magics (the whole cell), `%line` magics, `!shell`
 * escapes and `name?` help. Masked lines become blank so line numbers stay the same.
 */
export interface MaskedLine {
  /** Zero-based line in the cell. */
  line: number;
  text: string;
}

/** `%x`, `!x` and `?x` at the start of a line; `name?`/`name??` alone on a line (help). */
const LINE_MAGIC = /^\s*[%!?]|^\s*[A-Za-z_][\w.]*\?\??\s*$/;
/** `x = %time f()`, `files = !ls`: IPython's assignment forms. */
const ASSIGNED_MAGIC = /^\s*[A-Za-z_][\w.]*\s*=\s*[%!]/;

/** Cell magics whose body is Python that runs (`%%time` times it, `%%capture` captures its output). */
const PYTHON_BODY = new Set(['capture', 'time', 'timeit', 'prun', 'debug', 'memit']);

export function maskMagics(source: string): { code: string; masked: MaskedLine[] } {
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
  let quote: string | null = null;
  let continued = false;
  lines.forEach((text, line) => {
    if (quote === null && (continued || LINE_MAGIC.test(text) || ASSIGNED_MAGIC.test(text))) {
      // A magic ending in a backslash continues on the next line.
      continued = /\\$/.test(text);
      mask(line);
      return;
    }
    for (const match of text.matchAll(/"""|'''/g)) {
      if (quote === null) {
        quote = match[0];
      } else if (quote === match[0]) {
        quote = null;
      }
    }
  });
  return { code: lines.join('\n'), masked };
}
