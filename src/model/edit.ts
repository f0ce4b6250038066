/**
 * Writing annotations back: typed annotation ⇒ Kale tags (byte-for-byte stable for what did
 * not change), and the split of a step's DeployConfig between Kale tags and `metadata.cellpipe`.
 */
import { CellpipeCellMetadata, DeployConfig, Gpu } from './deploy';
import { CellAnnotation, emptyAnnotation, parseTags } from './tags';

const SIMPLE_KINDS: ReadonlySet<string> = new Set([
  'imports',
  'functions',
  'pipeline-parameters',
  'pipeline-metrics',
  'skip'
]);

type MapPrefix = 'limit' | 'label' | 'annotation';

function kindTag(a: CellAnnotation): string | null {
  if (a.kind === null) {
    return null;
  }
  if (a.kind === 'step') {
    return `${a.legacyBlock ? 'block' : 'step'}:${a.stepName ?? ''}`;
  }
  return a.kind;
}

function mapOf(a: CellAnnotation, prefix: MapPrefix): Record<string, string> {
  return prefix === 'limit' ? a.limits : prefix === 'label' ? a.labels : a.annotations;
}

/** Classify a tag the way `parseTags` reads it. */
function classify(
  tag: string
): { slot: 'kind' | 'prev' | 'image' | 'unknown' } | { slot: MapPrefix; key: string } {
  if (SIMPLE_KINDS.has(tag)) {
    return { slot: 'kind' };
  }
  const colon = tag.indexOf(':');
  const prefix = colon > 0 ? tag.slice(0, colon) : '';
  const rest = colon > 0 ? tag.slice(colon + 1) : '';
  if ((prefix === 'step' || prefix === 'block') && rest) {
    return { slot: 'kind' };
  }
  if (prefix === 'prev' && rest) {
    return { slot: 'prev' };
  }
  if (prefix === 'image' && rest) {
    return { slot: 'image' };
  }
  if (prefix === 'limit' || prefix === 'label' || prefix === 'annotation') {
    const at = rest.indexOf(':');
    if (at > 0) {
      return { slot: prefix, key: rest.slice(0, at) };
    }
  }
  return { slot: 'unknown' };
}

/**
 * The tags of `annotation`, written over `originalTags`: an unchanged annotation gives back
 * the original list exactly (order, duplicates, legacy `block:`, unknown tags in place); a
 * changed value replaces its tag in place; removed values drop their tags; new values are
 * added in Kale's order (kind first, `prev:` after the last `prev:`, the rest at the end).
 */
export function toTags(annotation: CellAnnotation, originalTags: readonly string[] = []): string[] {
  const before = parseTags(originalTags);
  const out: string[] = [];
  const newKind = kindTag(annotation);
  const oldKind = kindTag(before);
  let kindDone = false;
  const prevWanted = new Set(annotation.prev);
  const prevDone = new Set<string>();
  let lastPrevAt = -1;
  let kindAt = -1;
  const mapDone: Record<MapPrefix, Set<string>> = {
    limit: new Set(),
    label: new Set(),
    annotation: new Set()
  };
  let imageDone = false;
  const unknownLeft = [...annotation.unknownTags];

  for (const tag of originalTags) {
    const c = classify(tag);
    switch (c.slot) {
      case 'kind':
        if (!kindDone && newKind !== null) {
          // Same kind as before: the original spelling stays (e.g. `block:` vs `step:`).
          out.push(newKind === oldKind ? tag : newKind);
          kindAt = out.length - 1;
        }
        kindDone = true;
        break;
      case 'prev': {
        const name = tag.slice('prev:'.length);
        if (prevWanted.has(name) && !prevDone.has(name)) {
          out.push(tag);
          prevDone.add(name);
          lastPrevAt = out.length - 1;
        }
        break;
      }
      case 'image':
        if (annotation.image && annotation.image === before.image) {
          out.push(tag);
          imageDone = true;
        } else if (annotation.image && !imageDone) {
          out.push(`image:${annotation.image}`);
          imageDone = true;
        }
        break;
      case 'limit':
      case 'label':
      case 'annotation': {
        const now = mapOf(annotation, c.slot);
        const was = mapOf(before, c.slot);
        if (!(c.key in now)) {
          break;
        }
        if (now[c.key] === was[c.key]) {
          // Unchanged: every original spelling of this key stays, duplicates included.
          out.push(tag);
          mapDone[c.slot].add(c.key);
        } else if (!mapDone[c.slot].has(c.key)) {
          out.push(`${c.slot}:${c.key}:${now[c.key]}`);
          mapDone[c.slot].add(c.key);
        }
        break;
      }
      default: {
        const at = unknownLeft.indexOf(tag);
        if (at >= 0) {
          out.push(tag);
          unknownLeft.splice(at, 1);
        }
      }
    }
  }

  if (!kindDone && newKind !== null) {
    out.unshift(newKind);
    kindAt = 0;
    if (lastPrevAt >= 0) {
      lastPrevAt += 1;
    }
  }
  const newPrev = annotation.prev.filter(p => !prevDone.has(p));
  if (newPrev.length) {
    const at = lastPrevAt >= 0 ? lastPrevAt + 1 : kindAt + 1;
    out.splice(at, 0, ...[...new Set(newPrev)].map(p => `prev:${p}`));
  }
  for (const prefix of ['limit', 'label', 'annotation'] as MapPrefix[]) {
    for (const [key, value] of Object.entries(mapOf(annotation, prefix))) {
      if (!mapDone[prefix].has(key)) {
        out.push(`${prefix}:${key}:${value}`);
      }
    }
  }
  if (annotation.image && !imageDone) {
    out.push(`image:${annotation.image}`);
  }
  out.push(...unknownLeft);
  return out;
}

/** Resource names Kale writes as GPU limits (`limit:nvidia.com/gpu:N`). */
export const GPU_TYPES = ['nvidia.com/gpu', 'amd.com/gpu'];

/** What the editor edits for one cell: its annotation and its full DeployConfig. */
export interface CellEdit {
  annotation: CellAnnotation;
  deploy: DeployConfig;
}

/** Keys of DeployConfig that Kale tags carry (everything else is cellpipe metadata). */
const TAG_KEYS: ReadonlySet<string> = new Set(['limits', 'labels', 'annotations', 'image', 'gpu']);

function isGpuKey(key: string): boolean {
  return key.endsWith('/gpu');
}

/** Read a cell's tags and `metadata.cellpipe` into the editor's state. */
export function readCellEdit(
  tags: readonly string[],
  cellMetadata: Record<string, unknown>
): CellEdit {
  const annotation = parseTags(tags);
  const own = ((cellMetadata.cellpipe as CellpipeCellMetadata | undefined)?.deploy ??
    {}) as DeployConfig;
  const deploy: DeployConfig = {};
  for (const [key, value] of Object.entries(own)) {
    if (!TAG_KEYS.has(key)) {
      (deploy as any)[key] = clone(value);
    }
  }
  const limits: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotation.limits)) {
    if (isGpuKey(key)) {
      deploy.gpu = { count: Number(value), type: key };
    } else {
      limits[key] = value;
    }
  }
  if (!deploy.gpu && own.gpu && own.gpu.count > 0 && own.gpu.type) {
    deploy.gpu = clone(own.gpu);
  } else if (deploy.gpu && own.gpu?.product) {
    deploy.gpu.product = own.gpu.product;
  }
  if (Object.keys(limits).length) {
    deploy.limits = limits;
  }
  if (Object.keys(annotation.labels).length) {
    deploy.labels = { ...annotation.labels };
  }
  if (Object.keys(annotation.annotations).length) {
    deploy.annotations = { ...annotation.annotations };
  }
  if (annotation.image) {
    deploy.image = annotation.image;
  }
  // Kale-expressible settings written in cellpipe metadata (by hand or another tool) win over
  // the tags, as in resolveDeployConfig; on write they stay where they were.
  for (const kind of ['limits', 'labels', 'annotations'] as const) {
    if (own[kind] && typeof own[kind] === 'object') {
      deploy[kind] = { ...(deploy[kind] ?? {}), ...own[kind] };
    }
  }
  if (typeof own.image === 'string') {
    deploy.image = own.image;
  }
  return { annotation, deploy };
}

function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.length === 0;
  }
  if (typeof value === 'object') {
    return Object.keys(value as object).length === 0;
  }
  return false;
}

/**
 * The tags and `metadata.cellpipe` to write for an edit. Kale-expressible settings go to tags
 * (GPUs as `limit:<type>:<count>`), the accelerator product and everything else to
 * `cellpipe.deploy`. Unknown keys of `cellpipe` and of `cellpipe.deploy` are kept.
 * `cellpipe` is undefined when nothing is left in it (the key should be deleted).
 */
export function writeCellEdit(
  edit: CellEdit,
  originalTags: readonly string[],
  cellMetadata: Record<string, unknown>
): { tags: string[]; cellpipe: Record<string, unknown> | undefined } {
  const d = edit.deploy;
  const oldCellpipe = (cellMetadata.cellpipe ?? {}) as Record<string, unknown>;
  const oldDeploy = (oldCellpipe.deploy ?? {}) as Record<string, any>;
  // Keys that lived in cellpipe metadata stay there; the rest are Kale tags.
  const split = (kind: 'limits' | 'labels' | 'annotations') => {
    const tagPart: Record<string, string> = {};
    const metaPart: Record<string, string> = {};
    const inMeta = (oldDeploy[kind] ?? {}) as Record<string, string>;
    for (const [key, value] of Object.entries(d[kind] ?? {})) {
      (key in inMeta ? metaPart : tagPart)[key] = value;
    }
    return [tagPart, metaPart];
  };
  const [limitTags, limitMeta] = split('limits');
  const [labelTags, labelMeta] = split('labels');
  const [annotationTags, annotationMeta] = split('annotations');
  const imageInMeta = typeof oldDeploy.image === 'string';
  const annotation: CellAnnotation = {
    ...edit.annotation,
    limits: limitTags,
    labels: labelTags,
    annotations: annotationTags,
    image: (!imageInMeta && d.image) || undefined
  };
  if (d.gpu && d.gpu.count > 0 && d.gpu.type) {
    annotation.limits[d.gpu.type] = String(d.gpu.count);
  }
  const tags = toTags(annotation, originalTags);

  const metaTagKeys: Record<string, unknown> = {
    limits: limitMeta,
    labels: labelMeta,
    annotations: annotationMeta,
    image: imageInMeta ? d.image || undefined : undefined
  };
  const deploy: Record<string, unknown> = {};
  // The old deploy's key order first (unknown keys kept as they are), then new keys.
  for (const [key, value] of Object.entries(oldDeploy)) {
    deploy[key] = key in KNOWN_DEPLOY_KEYS ? undefined : value;
  }
  for (const [key, value] of Object.entries({ ...d, ...metaTagKeys })) {
    if ((TAG_KEYS.has(key) && !(key in metaTagKeys)) || key === 'gpu' || isEmpty(value)) {
      continue;
    }
    deploy[key] = clone(value);
  }
  if (d.gpu && d.gpu.count > 0 && d.gpu.product) {
    deploy.gpu = { product: d.gpu.product } as Partial<Gpu>;
  }
  for (const key of Object.keys(deploy)) {
    if (deploy[key] === undefined) {
      delete deploy[key];
    }
  }
  const cellpipe: Record<string, unknown> = { ...oldCellpipe };
  if (Object.keys(deploy).length) {
    cellpipe.deploy = deploy;
  } else {
    delete cellpipe.deploy;
  }
  return { tags, cellpipe: Object.keys(cellpipe).length ? cellpipe : undefined };
}

const KNOWN_DEPLOY_KEYS: Record<string, true> = {
  image: true,
  imagePullPolicy: true,
  imagePullSecrets: true,
  env: true,
  requests: true,
  limits: true,
  gpu: true,
  labels: true,
  annotations: true,
  nodeSelector: true,
  tolerations: true,
  secrets: true,
  volumes: true,
  caching: true,
  retries: true,
  timeoutSeconds: true
};

export { emptyAnnotation };
