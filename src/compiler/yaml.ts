/**
 * The package text: deterministic YAML (sorted keys, YAML 1.1 quoting so PyYAML reads strings as strings).
 */
import YAML from 'yaml';

const OPTIONS = {
  sortMapEntries: true,
  lineWidth: 0,
  blockQuote: 'literal',
  version: '1.1',
  indentSeq: false,
  aliasDuplicateObjects: false
} as const;

export function toYaml(value: unknown): string {
  return YAML.stringify(value, OPTIONS);
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
