/**
 * The package text: JSON data as block-style YAML, keys sorted, so the same spec gives the same bytes.
 *
 * A small emitter of our own rather than a YAML library's: the spec is plain JSON data, and the
 * libraries spend 20-30x longer building a document tree than the rest of the compile takes (see
 * bench/compile). Its output is checked by parsing it back with the `yaml` package (jest) and with
 * PyYAML, which KFP uses (pytest). Strings are plain only when no YAML 1.1 or 1.2 reader could take
 * them for anything else; multi-line strings are literal blocks; everything else is double-quoted.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Words YAML 1.1 (PyYAML) reads as booleans or null. */
const RESERVED = /^(y|yes|n|no|on|off|true|false|null)$/i;
/** A letter (or options like -ec, --flag) first, then a conservative set: no `:`, `#`, quotes, brackets. */
const PLAIN_WORDS = /^(-{1,2}[A-Za-z]|[A-Za-z_/])[A-Za-z0-9_./()+=@,-]*( [A-Za-z0-9_./()+=@,-]+)*$/;
/** An exponent alone (`e1`, `-E5`): the `yaml` package's YAML 1.1 schema reads it as a float. */
const EXPONENT = /^[-+]?[eE][-+]?[0-9]+$/;
/** Dotted versions like 2.1.0: two dots keep them from being floats. */
const PLAIN_VERSION = /^[0-9]+\.[0-9]+(\.[0-9]+)+$/;
/** What a YAML reader rejects or folds in a stream or a literal block: escaped inside double quotes. */
const UNSAFE_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/;
/** A space before the first non-empty line's text: a literal block would misread the indentation. */
const LEADING_SPACE = /^\n* /;
const ESCAPE_EXTRA = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

function quoted(text: string): string {
  // JSON's escapes are all YAML double-quoted escapes; a few more characters need escaping for YAML.
  return JSON.stringify(text).replace(
    ESCAPE_EXTRA,
    c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')
  );
}

function isPlain(text: string): boolean {
  return (
    (PLAIN_WORDS.test(text) && !RESERVED.test(text) && !EXPONENT.test(text)) ||
    PLAIN_VERSION.test(text)
  );
}

function number(value: number): string {
  if (!Number.isFinite(value)) {
    throw new Error(`cannot write ${value} to YAML`);
  }
  const text = String(value);
  // YAML 1.1 reads an exponent without a dot as a string.
  return /e/.test(text) && !/\./.test(text) ? text.replace('e', '.0e') : text;
}

/** A literal block (`|`, `|-`, `|+`) when the text has several lines and nothing that needs escapes. */
function literalBlock(text: string, indent: string): string | null {
  if (
    !text.includes('\n') ||
    text.trim() === '' ||
    // A reader takes the block's indentation from its first non-empty line: one that starts with a
    // space (after empty lines, e.g. "\n  a\nb") would be read as deeper indentation, or as an error.
    LEADING_SPACE.test(text) ||
    UNSAFE_CHARS.test(text) ||
    text.includes('\r')
  ) {
    return null;
  }
  const chomp = text.endsWith('\n\n') ? '+' : text.endsWith('\n') ? '' : '-';
  const lines = text.split('\n');
  if (chomp !== '-') {
    lines.pop();
  }
  return '|' + chomp + lines.map(line => (line ? `\n${indent}${line}` : '\n')).join('');
}

/** A scalar or empty collection written after `key: ` or `- `; `indent` is where block content goes. */
function scalar(value: Json, indent: string): string {
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return number(value);
    case 'string':
      return isPlain(value) ? value : (literalBlock(value, indent) ?? quoted(value));
  }
  return Array.isArray(value) ? '[]' : '{}';
}

const key = (text: string) => (isPlain(text) ? text : quoted(text));

function isBlock(value: Json): value is Json[] | { [key: string]: Json } {
  return value !== null && typeof value === 'object' && Object.keys(value).length > 0;
}

function emit(value: Json[] | { [key: string]: Json }, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isBlock(item)) {
        // The item's first line goes on the dash line.
        const start = out.length;
        emit(item, indent + '  ', out);
        out[start] = `${indent}- ${out[start].slice(indent.length + 2)}`;
      } else {
        out.push(`${indent}- ${scalar(item, indent + '  ')}`);
      }
    }
    return;
  }
  for (const name of Object.keys(value).sort()) {
    const item = value[name];
    if (item === undefined) {
      continue;
    }
    if (isBlock(item)) {
      out.push(`${indent}${key(name)}:`);
      emit(item, Array.isArray(item) ? indent : indent + '  ', out);
    } else {
      out.push(`${indent}${key(name)}: ${scalar(item, indent + '  ')}`);
    }
  }
}

/** One YAML document for a JSON object. */
export function toYaml(value: unknown): string {
  const out: string[] = [];
  const data = value as Json;
  if (isBlock(data)) {
    emit(data, '', out);
  } else {
    out.push(scalar(data, '  '));
  }
  return out.join('\n') + '\n';
}

/** `# ` before every line, as KFP heads its packages. */
export function yamlComment(lines: string[]): string {
  return lines
    .flatMap(line => line.split('\n'))
    .map(line => (line ? `# ${line}` : '#'))
    .join('\n');
}

/** Documents joined as one YAML stream. */
export function yamlStream(header: string, documents: unknown[]): string {
  return header + '\n' + documents.map(toYaml).join('---\n');
}
