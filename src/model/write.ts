/**
 * One cell's annotation as the pencil editor edits it, read from and written back to the
 * cell's metadata: Kale's tags for what Kale can say, `metadata.cellpipe.deploy` for the rest.
 * Pure: the cell is reached through the small `MetadataCell` interface, which JupyterLab's
 * `ICellModel` satisfies.
 */
import type { CellEdit } from './cell-edit';
import { CellpipeCellMetadata, DeployConfig, SecretEnv, mergeDeploy } from './deploy';
import { deployFromTags } from './kale-volumes';
import { isObject, setOwn } from './own';
import { CellAnnotation, parseTags, readTags, secretTag, toTags } from './tags';
import { DEPLOY_KEYS, readDeploy } from './metadata';

/** The metadata a cell gets for an edit. `cellpipe` undefined: the key is removed. */
export interface CellMetadataUpdate {
  tags: string[];
  cellpipe: Record<string, unknown> | undefined;
}

/** The part of JupyterLab's cell model that writing needs. */
export interface MetadataCell {
  getMetadata(key: string): unknown;
  setMetadata(key: string, value: unknown): void;
  deleteMetadata(key: string): void;
  sharedModel: { transact(f: () => void): void };
}

/** Keys of DeployConfig that Kale tags hold (GPU as `limit:<type>:<count>`). */
const TAG_KEYS: ReadonlyArray<keyof DeployConfig> = [
  'image',
  'limits',
  'labels',
  'annotations',
  'gpu'
];

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.length === 0;
  }
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/**
 * A cell's `cellpipe.deploy`: `usable`, the settings of the right shape plus keys cellpipe does not
 * know (kept for a round trip); `invalid`, the known keys of the wrong shape, as written (the editor
 * shows their errors; a save that does not set them writes them back untouched).
 */
function ownDeploy(cellpipe: unknown): {
  usable: DeployConfig;
  invalid: Record<string, unknown>;
} {
  const raw = isObject(cellpipe) && isObject(cellpipe.deploy) ? cellpipe.deploy : {};
  const valid = readDeploy(raw, 'cellpipe.deploy', { cellIndex: -1, issues: [] }, true);
  const usable: Record<string, unknown> = {};
  const invalid: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(DEPLOY_KEYS as string[]).includes(key)) {
      setOwn(usable, key, value);
    } else if (Object.hasOwn(valid, key)) {
      setOwn(usable, key, (valid as Record<string, unknown>)[key]);
    } else {
      setOwn(invalid, key, value);
    }
  }
  return { usable: usable as DeployConfig, invalid };
}

/** Read a cell's tags and `cellpipe` metadata into an edit. */
export function readCellEdit(tags: readonly string[], cellpipe: unknown): CellEdit {
  const a = parseTags(tags);
  const own = ownDeploy(cellpipe).usable;
  const fromTags = deployFromTags(tags);
  let deploy = mergeDeploy(fromTags, { ...own, gpu: undefined });
  if (fromTags.gpu) {
    deploy = { ...deploy, gpu: { ...fromTags.gpu, ...(own.gpu ?? {}) } };
  }
  return {
    kind: a.kind,
    stepName: a.stepName ?? '',
    prev: [...a.prev],
    deploy
  };
}

/** The tags and `cellpipe` metadata that say `edit`, written over the cell's current ones. */
export function cellEditMetadata(
  edit: CellEdit,
  originalTags: readonly string[],
  originalCellpipe: unknown
): CellMetadataUpdate {
  const before = parseTags(originalTags);
  const d = edit.deploy;
  // Kale-expressible keys already kept in `cellpipe.deploy` stay there (an unchanged edit
  // writes nothing new); the others are Kale tags.
  const oldDeploy = ((originalCellpipe ?? {}) as CellpipeCellMetadata).deploy ?? {};
  const inMeta: Partial<Record<'limits' | 'labels' | 'annotations', Record<string, string>>> = {};
  const split = (which: 'limits' | 'labels' | 'annotations'): Record<string, string> => {
    const tagPart: Record<string, string> = {};
    for (const [key, value] of Object.entries(d[which] ?? {})) {
      if (oldDeploy[which] && key in oldDeploy[which]) {
        (inMeta[which] ??= {})[key] = value;
      } else {
        tagPart[key] = value;
      }
    }
    return tagPart;
  };
  const imageInMeta = typeof oldDeploy.image === 'string';
  // Secrets and the cache written as Kale tags stay tags while they say the same; the rest is metadata.
  const tagSecretsLeft = new Map<string, number>();
  for (const secret of before.secrets ?? []) {
    tagSecretsLeft.set(secretTag(secret), (tagSecretsLeft.get(secretTag(secret)) ?? 0) + 1);
  }
  const tagSecrets: SecretEnv[] = [];
  const metaSecrets: SecretEnv[] = [];
  for (const secret of d.secrets ?? []) {
    const left = tagSecretsLeft.get(secretTag(secret)) ?? 0;
    tagSecretsLeft.set(secretTag(secret), left - 1);
    (left > 0 ? tagSecrets : metaSecrets).push(secret);
  }
  const cacheInTag = before.cache !== undefined;
  const limits: Record<string, string> = split('limits');
  if (d.gpu) {
    limits[d.gpu.type] = String(d.gpu.count);
  }
  const annotation: CellAnnotation = {
    ...before,
    kind: edit.kind,
    stepName: edit.kind === 'step' ? edit.stepName : undefined,
    legacyBlock: edit.kind === 'step' ? before.legacyBlock : undefined,
    prev: [...edit.prev],
    limits,
    labels: split('labels'),
    annotations: split('annotations'),
    image: (!imageInMeta && d.image) || undefined,
    cache: cacheInTag ? d.caching : undefined,
    secrets: tagSecrets,
    kept: [...(before.kept ?? [])]
  };
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({
    ...d,
    ...inMeta,
    image: imageInMeta ? d.image : undefined,
    secrets: metaSecrets,
    caching: cacheInTag ? undefined : d.caching
  })) {
    const inTags = TAG_KEYS.includes(key as keyof DeployConfig) && !(key in inMeta);
    if ((!inTags || (key === 'image' && imageInMeta)) && !isEmpty(value)) {
      rest[key] = value;
    }
  }
  // The tag holds the GPU count and type; the product (for the node selector) lives here.
  if (d.gpu?.product) {
    rest.gpu = { product: d.gpu.product };
  }
  for (const [key, value] of Object.entries(ownDeploy(originalCellpipe).invalid)) {
    if (rest[key] === undefined) {
      setOwn(rest, key, value);
    }
  }
  const cellpipe: Record<string, unknown> = {
    ...((originalCellpipe ?? {}) as Record<string, unknown>)
  };
  if (isEmpty(rest)) {
    delete cellpipe.deploy;
  } else {
    cellpipe.deploy = rest;
  }
  return {
    tags: toTags(annotation, originalTags),
    cellpipe: isEmpty(cellpipe) ? undefined : cellpipe
  };
}

/** Read a live cell into an edit. */
export function readCell(cell: MetadataCell): CellEdit {
  return readCellEdit(readTags(cell.getMetadata('tags')), cell.getMetadata('cellpipe'));
}

/**
 * Write an edit to a live cell in one shared-model transaction (one undo step), touching no
 * other metadata key.
 */
export function applyCellEdit(cell: MetadataCell, edit: CellEdit): CellMetadataUpdate {
  const update = cellEditMetadata(
    edit,
    readTags(cell.getMetadata('tags')),
    cell.getMetadata('cellpipe')
  );
  const same = (key: string, value: unknown) =>
    JSON.stringify(cell.getMetadata(key)) === JSON.stringify(value);
  cell.sharedModel.transact(() => {
    // An absent `tags` key stays absent when no tag is left; an existing one may become [].
    const tagsGone = !update.tags.length && cell.getMetadata('tags') === undefined;
    if (!tagsGone && !same('tags', update.tags)) {
      cell.setMetadata('tags', update.tags);
    }
    if (update.cellpipe && !same('cellpipe', update.cellpipe)) {
      cell.setMetadata('cellpipe', update.cellpipe);
    } else if (!update.cellpipe && cell.getMetadata('cellpipe') !== undefined) {
      cell.deleteMetadata('cellpipe');
    }
  });
  return update;
}

/** The tags with `prev:dependsOn` added after the last `prev:` (or the `step:`/`block:` tag). */
export function addPrevTag(tags: readonly string[], dependsOn: string): string[] {
  const tag = `prev:${dependsOn}`;
  if (tags.includes(tag)) {
    return [...tags];
  }
  let at = -1;
  tags.forEach((t, i) => {
    if (t.startsWith('prev:') || t.startsWith('step:') || t.startsWith('block:')) {
      at = i;
    }
  });
  const next = [...tags];
  next.splice(at + 1, 0, tag);
  return next;
}

/**
 * Make step `step` depend on `dependsOn` (the analyzer's `add-dependency` fix): `prev:` written on
 * the step's first tagged cell. False when no cell starts that step.
 */
export function addDependency(
  cells: Iterable<MetadataCell>,
  step: string,
  dependsOn: string
): boolean {
  for (const cell of cells) {
    const tags = readTags(cell.getMetadata('tags'));
    if (parseTags(tags).stepName === step) {
      cell.setMetadata('tags', addPrevTag(tags, dependsOn));
      return true;
    }
  }
  return false;
}
