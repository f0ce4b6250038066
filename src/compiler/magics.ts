/**
 * IPython syntax a plain Python interpreter rejects: line and cell magics, shell escapes, help.
 * Lines inside triple-quoted strings are left alone.
 */
export interface MaskedLine {
  line: number;
  text: string;
}

const MAGIC = /^\s*(%|!|\?)|^\s*[A-Za-z_][\w.]*\?\??\s*$/;

export function maskMagics(source: string): { code: string; masked: MaskedLine[] } {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const masked: MaskedLine[] = [];
  let inString: string | null = null;
  lines.forEach((text, line) => {
    if (inString === null && MAGIC.test(text)) {
      masked.push({ line, text });
      lines[line] = ' '.repeat(text.length);
      return;
    }
    for (const match of text.matchAll(/"""|'''/g)) {
      if (inString === null) {
        inString = match[0];
      } else if (inString === match[0]) {
        inString = null;
      }
    }
  });
  return { code: lines.join('\n'), masked };
}
