/**
 * Kale's cell tags ⇄ typed cell annotations.
 *
 * Kale tags of every generation: `imports`, `functions`, `pipeline-parameters`, `pipeline-metrics`,
 * `skip`, `step:NAME` (0.x `block:NAME`; an empty `step:`/`block:` continues the step above),
 * `prev:NAME`, `limit:KEY:VALUE`, `label:KEY:VALUE`, `annotation:KEY:VALUE`, `image:REF`,
 * `cache:enabled|disabled`, `report:enabled|disabled`, `secret:NAME:KEY:ENV_VAR`, `notebook:NAME`.
 * Tags we do not know are kept, in place, untouched (`tagIssues` says which, once each).
 */
import type { SecretEnv } from './deploy';
import { setOwn } from './own';

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
  /** `cache:enabled|disabled`: the step's KFP cache. */
  cache?: boolean;
  /** `report:enabled|disabled` (Kale 2.x step reports): the step's report artifact on or off (`stepReport`). */
  report?: boolean;
  /** `secret:NAME:KEY:ENV_VAR` tags in order: a secret's key as an environment variable. */
  secrets?: SecretEnv[];
  /** `notebook:NAME` (Kale 2.x sub-pipeline): stored; not supported yet. */
  notebook?: string;
  /** An empty `step:`/`block:` tag: the cell continues the step above (as an untagged cell). */
  continues?: boolean;
  /** Kale tags understood but only carried (`report:`, `notebook:`, empty `step:`/`block:`), verbatim. */
  kept?: string[];
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
  return {
    kind: null,
    prev: [],
    limits: {},
    labels: {},
    annotations: {},
    secrets: [],
    kept: [],
    unknownTags: []
  };
}

const SWITCH: Readonly<Record<string, boolean>> = { enabled: true, disabled: false };

/** `secret:NAME:KEY:ENV_VAR`'s three parts, or null. */
function secretOf(rest: string): SecretEnv | null {
  const parts = rest.split(':');
  if (parts.length !== 3 || parts.some(p => !p)) {
    return null;
  }
  return { secretName: parts[0], key: parts[1], envVar: parts[2] };
}

/**
 * A cell's `metadata.tags` as the list of strings it should be; anything else (absent, a hand-edited
 * string) reads as no tags here — `fromNbformat` refuses a non-list before reading it.
 */
export function readTags(raw: unknown): string[] {
  return Array.isArray(raw) ? raw.map(String) : [];
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
    const secret = prefix === 'secret' ? secretOf(rest) : null;
    if ((prefix === 'step' || prefix === 'block') && rest) {
      a.kind = 'step';
      a.stepName = rest;
      a.legacyBlock = prefix === 'block';
    } else if (tag === 'step:' || tag === 'block:') {
      a.continues = true;
      (a.kept ??= []).push(tag);
    } else if (prefix === 'cache' && Object.hasOwn(SWITCH, rest)) {
      a.cache = SWITCH[rest];
    } else if (prefix === 'report' && Object.hasOwn(SWITCH, rest)) {
      a.report = SWITCH[rest];
      (a.kept ??= []).push(tag);
    } else if (prefix === 'notebook' && rest) {
      a.notebook = rest;
      (a.kept ??= []).push(tag);
    } else if (secret) {
      (a.secrets ??= []).push(secret);
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
      setOwn(target, kv[0], kv[1]);
    } else {
      a.unknownTags.push(tag);
    }
  }
  return a;
}

/** The tag that states a cell's kind, or null for an untagged cell. */
export function kindTag(
  a: Pick<CellAnnotation, 'kind' | 'stepName' | 'legacyBlock'>
): string | null {
  if (a.kind === null) {
    return null;
  }
  if (a.kind === 'step') {
    return `${a.legacyBlock ? 'block' : 'step'}:${a.stepName ?? ''}`;
  }
  return a.kind;
}

type TagRole =
  | { role: 'kind' }
  | { role: 'prev'; name: string }
  | { role: 'map'; prefix: 'limit' | 'label' | 'annotation'; key: string }
  | { role: 'image' }
  | { role: 'cache' }
  | { role: 'secret' }
  | { role: 'kept' }
  | { role: 'unknown' };

/** The tag that says one secret variable. */
export function secretTag(s: SecretEnv): string {
  return `secret:${s.secretName}:${s.key}:${s.envVar}`;
}

/** The tag that says the step's cache. */
export function cacheTag(on: boolean): string {
  return `cache:${on ? 'enabled' : 'disabled'}`;
}

/** What one tag says, as `parseTags` reads it. */
function tagRole(tag: string): TagRole {
  const a = parseTags([tag]);
  if (a.unknownTags.length) {
    return { role: 'unknown' };
  }
  if (a.kind !== null) {
    return { role: 'kind' };
  }
  if (a.kept?.length) {
    return { role: 'kept' };
  }
  if (a.cache !== undefined) {
    return { role: 'cache' };
  }
  if (a.secrets?.length) {
    return { role: 'secret' };
  }
  if (a.prev.length) {
    return { role: 'prev', name: a.prev[0] };
  }
  if (a.image !== undefined) {
    return { role: 'image' };
  }
  const prefix = tag.slice(0, tag.indexOf(':')) as 'limit' | 'label' | 'annotation';
  const map = prefix === 'limit' ? a.limits : prefix === 'label' ? a.labels : a.annotations;
  return { role: 'map', prefix, key: Object.keys(map)[0] };
}

function mapOf(
  a: CellAnnotation,
  prefix: 'limit' | 'label' | 'annotation'
): Record<string, string> {
  return prefix === 'limit' ? a.limits : prefix === 'label' ? a.labels : a.annotations;
}

/** How many times each string occurs. */
function countOf(items: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    counts.set(item, (counts.get(item) ?? 0) + 1);
  }
  return counts;
}

/**
 * The inverse of `parseTags`: the tags that say `annotation`, written over `originalTags`.
 * What did not change keeps its original tags byte-for-byte and in place (duplicates and
 * unknown tags included); a changed value replaces its tag in place; new tags follow.
 */
export function toTags(annotation: CellAnnotation, originalTags: readonly string[] = []): string[] {
  const before = parseTags(originalTags);
  const out: string[] = [];
  const newKind = kindTag(annotation);
  const kindSame = kindTag(before) === newKind;
  let kindDone = false;
  const prevLeft = countOf(annotation.prev);
  let lastPrevAt = -1;
  const mapDone = new Set<string>();
  let imageDone = false;
  const unknownLeft = countOf(annotation.unknownTags);
  const keptLeft = countOf(annotation.kept ?? []);
  const secretLeft = countOf((annotation.secrets ?? []).map(secretTag));
  let cacheDone = false;
  // The last tag of each key carries the value `parseTags` reads; a changed value goes there.
  const lastOfKey = new Map<string, number>();
  originalTags.forEach((tag, i) => {
    const r = tagRole(tag);
    if (r.role === 'map') {
      lastOfKey.set(`${r.prefix}:${r.key}`, i);
    } else if (r.role === 'image' || r.role === 'cache') {
      lastOfKey.set(r.role, i);
    }
  });
  /** Push `tag` when `left` still counts one of it. */
  const takeFrom = (left: Map<string, number>, tag: string): boolean => {
    const n = left.get(tag) ?? 0;
    if (n > 0) {
      left.set(tag, n - 1);
      out.push(tag);
    }
    return n > 0;
  };

  originalTags.forEach((tag, i) => {
    const r = tagRole(tag);
    switch (r.role) {
      case 'unknown':
        takeFrom(unknownLeft, tag);
        break;
      case 'kept':
        takeFrom(keptLeft, tag);
        break;
      case 'secret':
        // `secretTag` spells a triple exactly as its one tag: a kept secret keeps its tag.
        takeFrom(secretLeft, tag);
        break;
      case 'cache':
        if (annotation.cache === undefined) {
          break;
        }
        if (annotation.cache === before.cache) {
          out.push(tag);
          cacheDone = true;
        } else if (lastOfKey.get('cache') === i) {
          out.push(cacheTag(annotation.cache));
          cacheDone = true;
        }
        break;
      case 'kind':
        if (kindSame) {
          out.push(tag);
          kindDone = true;
        } else if (!kindDone) {
          if (newKind !== null) {
            out.push(newKind);
          }
          kindDone = true;
        }
        break;
      case 'prev':
        if ((prevLeft.get(r.name) ?? 0) > 0) {
          prevLeft.set(r.name, prevLeft.get(r.name)! - 1);
          out.push(tag);
          lastPrevAt = out.length - 1;
        }
        break;
      case 'map': {
        const id = `${r.prefix}:${r.key}`;
        const now = mapOf(annotation, r.prefix);
        const was = mapOf(before, r.prefix);
        if (!Object.prototype.hasOwnProperty.call(now, r.key)) {
          break;
        }
        if (now[r.key] === was[r.key]) {
          out.push(tag);
          mapDone.add(id);
        } else if (lastOfKey.get(id) === i) {
          out.push(`${r.prefix}:${r.key}:${now[r.key]}`);
          mapDone.add(id);
        }
        break;
      }
      case 'image':
        if (annotation.image === undefined) {
          break;
        }
        if (annotation.image === before.image) {
          out.push(tag);
          imageDone = true;
        } else if (lastOfKey.get('image') === i) {
          out.push(`image:${annotation.image}`);
          imageDone = true;
        }
        break;
    }
  });

  if (!kindDone && newKind !== null) {
    out.unshift(newKind);
    lastPrevAt = lastPrevAt >= 0 ? lastPrevAt + 1 : lastPrevAt;
  }
  const newPrev = [...prevLeft].flatMap(([name, left]) => Array<string>(left).fill(`prev:${name}`));
  if (newPrev.length) {
    // New upstream steps go beside the existing `prev:` tags, else after the kind tag.
    const kindAt = newKind === null ? -1 : out.indexOf(newKind);
    const at = lastPrevAt >= 0 ? lastPrevAt + 1 : kindAt >= 0 ? kindAt + 1 : out.length;
    out.splice(at, 0, ...newPrev);
  }
  for (const prefix of ['limit', 'label', 'annotation'] as const) {
    for (const [key, value] of Object.entries(mapOf(annotation, prefix))) {
      if (!mapDone.has(`${prefix}:${key}`)) {
        out.push(`${prefix}:${key}:${value}`);
      }
    }
  }
  if (!imageDone && annotation.image !== undefined) {
    out.push(`image:${annotation.image}`);
  }
  if (!cacheDone && annotation.cache !== undefined) {
    out.push(cacheTag(annotation.cache));
  }
  for (const left of [secretLeft, keptLeft, unknownLeft]) {
    for (const [tag, n] of left) {
      for (let k = 0; k < n; k++) {
        out.push(tag);
      }
    }
  }
  return out;
}
