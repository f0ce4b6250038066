/**
 * Kale's cell tags ⇄ typed cell annotations.
 *
 * Kale tags: `imports`, `functions`, `pipeline-parameters`, `pipeline-metrics`, `skip`,
 * `step:NAME` (legacy `block:NAME`), `prev:NAME`, `limit:KEY:VALUE`, `label:KEY:VALUE`,
 * `annotation:KEY:VALUE`, `image:REF`. Tags we do not know are kept, in place, untouched.
 */

export type CellKind =
  'imports' | 'functions' | 'pipeline-parameters' | 'pipeline-metrics' | 'step' | 'skip';

export const SHARED_CODE_KINDS: ReadonlySet<CellKind> = new Set(['imports', 'functions']);

export interface CellAnnotation {
  /** null: an untagged cell, which continues the block of the cell above (as in Kale). */
  kind: CellKind | null;
  /** For kind 'step'. */
  stepName?: string;
  /** True when the step was written with Kale's legacy `block:` prefix (kept on write). */
  legacyBlock?: boolean;
  /** `prev:NAME` tags in order: the immediate upstream steps. */
  prev: string[];
  limits: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  image?: string;
  /** Tags that are not Kale's, preserved verbatim. */
  unknownTags: string[];
}

const SIMPLE_KINDS: ReadonlySet<string> = new Set([
  'imports',
  'functions',
  'pipeline-parameters',
  'pipeline-metrics',
  'skip'
]);

export function emptyAnnotation(): CellAnnotation {
  return { kind: null, prev: [], limits: {}, labels: {}, annotations: {}, unknownTags: [] };
}

/** Split `key:rest` at the first colon after the prefix; keys may contain `/` and `.`. */
function splitKeyValue(rest: string): [string, string] | null {
  // Keys like `nvidia.com/gpu` hold no colon; values may (`image:` is handled separately).
  const at = rest.indexOf(':');
  if (at <= 0) {
    return null;
  }
  return [rest.slice(0, at), rest.slice(at + 1)];
}

export function parseTags(tags: readonly string[]): CellAnnotation {
  const a = emptyAnnotation();
  for (const tag of tags) {
    if (SIMPLE_KINDS.has(tag)) {
      a.kind = tag as CellKind;
      continue;
    }
    const colon = tag.indexOf(':');
    const prefix = colon > 0 ? tag.slice(0, colon) : '';
    const rest = colon > 0 ? tag.slice(colon + 1) : '';
    if ((prefix === 'step' || prefix === 'block') && rest) {
      a.kind = 'step';
      a.stepName = rest;
      a.legacyBlock = prefix === 'block';
    } else if (prefix === 'prev' && rest) {
      a.prev.push(rest);
    } else if (prefix === 'image' && rest) {
      a.image = rest;
    } else if (prefix === 'limit' || prefix === 'label' || prefix === 'annotation') {
      const kv = splitKeyValue(rest);
      if (!kv) {
        a.unknownTags.push(tag);
        continue;
      }
      const target = prefix === 'limit' ? a.limits : prefix === 'label' ? a.labels : a.annotations;
      target[kv[0]] = kv[1];
    } else {
      a.unknownTags.push(tag);
    }
  }
  return a;
}
