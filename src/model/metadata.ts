/**
 * Notebook and cell metadata read field by field. Metadata is user data (hand-edited JSON, other
 * tools, other Kale generations): a value of the wrong shape is never used, it becomes an issue
 * naming the cell, the field and what was expected. Only own keys are read, and maps are built
 * with own data properties, so a key such as `__proto__` or `constructor` is a key like any other.
 *
 * The compiler reports these issues (errors refuse the notebook, warnings travel with the package)
 * and the cell editor shows a cell's own beside the fields the user can fix.
 */
import type {
  DeployConfig,
  EnvVar,
  Gpu,
  SecretEnv,
  SecretVolume,
  Toleration,
  VolumeMount
} from './deploy';
import { isObject, own, setOwn } from './own';
import { parseTags } from './tags';
import { taggedStepNameError } from './validate';

export interface MetadataIssue {
  severity: 'error' | 'warning';
  /** 0-based cell index; -1 for the notebook's own metadata. */
  cellIndex: number;
  /** The step the cell belongs to, when it belongs to one. */
  step?: string;
  /** The field, e.g. `cellpipe.deploy.env[0].value`, `kubeflow_notebook.timeout`, `tag step:1abc`. */
  field: string;
  /** The whole message, starting with the field. */
  message: string;
}

/** Where the issues of one reading go. */
export interface IssueSink {
  cellIndex: number;
  step?: string;
  issues: MetadataIssue[];
}

type Json = unknown;

/** What a JSON value is, in a person's words, for "expected X, got Y". */
export function describeJson(value: Json): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  switch (typeof value) {
    case 'object':
      return 'an object';
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    default:
      return typeof value;
  }
}

function add(sink: IssueSink, severity: MetadataIssue['severity'], field: string, text: string) {
  sink.issues.push({
    severity,
    cellIndex: sink.cellIndex,
    ...(sink.step !== undefined ? { step: sink.step } : {}),
    field,
    message: `${field}: ${text}`
  });
}

function expected(sink: IssueSink, field: string, what: string, got: Json): void {
  add(sink, 'error', field, `expected ${what}, got ${describeJson(got)}`);
}

function readString(raw: Json, field: string, sink: IssueSink): string | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (typeof raw !== 'string') {
    expected(sink, field, 'a string', raw);
    return undefined;
  }
  return raw;
}

function readBoolean(raw: Json, field: string, sink: IssueSink): boolean | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (typeof raw !== 'boolean') {
    expected(sink, field, 'true or false (not in quotes)', raw);
    return undefined;
  }
  return raw;
}

function readWhole(raw: Json, field: string, sink: IssueSink, least = 0): number | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < least) {
    expected(sink, field, `a whole number of at least ${least}`, raw);
    return undefined;
  }
  return raw;
}

function readChoice<T extends string>(
  raw: Json,
  field: string,
  choices: readonly T[],
  sink: IssueSink
): T | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    expected(sink, field, `one of ${choices.map(c => JSON.stringify(c)).join(', ')}`, raw);
    return undefined;
  }
  return raw as T;
}

/** A map of strings; numbers are taken as their decimal text when `numbers` (e.g. `cpu: 2`). */
function readStringMap(
  raw: Json,
  field: string,
  sink: IssueSink,
  numbers = false
): Record<string, string> | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (!isObject(raw)) {
    expected(sink, field, 'an object of "key": "value" strings', raw);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') {
      setOwn(out, key, value);
    } else if (numbers && typeof value === 'number' && Number.isFinite(value)) {
      setOwn(out, key, String(value));
    } else {
      expected(sink, `${field}.${key}`, 'a string', value);
    }
  }
  return out;
}

function readStringList(raw: Json, field: string, sink: IssueSink): string[] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (!Array.isArray(raw)) {
    expected(sink, field, 'a list of strings', raw);
    return undefined;
  }
  const out: string[] = [];
  raw.forEach((item, i) => {
    if (typeof item === 'string') {
      out.push(item);
    } else {
      expected(sink, `${field}[${i}]`, 'a string', item);
    }
  });
  return out;
}

type FieldReader<T> = (raw: Record<string, Json>, field: string, sink: IssueSink) => T | undefined;

/**
 * A list of objects, each read by `readItem` with its fields; an item of the wrong shape is left
 * out. `what` says what one item is (for "expected a list of …").
 */
function readList<T>(
  raw: Json,
  field: string,
  what: string,
  sink: IssueSink,
  readItem: FieldReader<T>
): T[] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (!Array.isArray(raw)) {
    expected(sink, field, `a list of ${what}`, raw);
    return undefined;
  }
  const out: T[] = [];
  raw.forEach((item, i) => {
    if (!isObject(item)) {
      expected(sink, `${field}[${i}]`, what, item);
      return;
    }
    const value = readItem(item, `${field}[${i}]`, sink);
    if (value !== undefined) {
      out.push(value);
    }
  });
  return out;
}

/** Reads the named string fields of an object; undefined when a required one is missing. */
function readFields<K extends string>(
  item: Record<string, Json>,
  field: string,
  sink: IssueSink,
  required: readonly K[],
  optional: readonly K[] = []
): Partial<Record<K, string>> | undefined {
  const out: Partial<Record<K, string>> = {};
  let ok = true;
  for (const key of [...required, ...optional]) {
    const value = readString(own(item, key), `${field}.${key}`, sink);
    if (value === undefined && own(item, key) !== undefined) {
      ok = false;
    } else if (value === undefined && required.includes(key)) {
      add(sink, 'error', `${field}.${key}`, 'is required (a string)');
      ok = false;
    } else if (value !== undefined) {
      out[key] = value;
    }
  }
  return ok ? out : undefined;
}

const readEnvVar: FieldReader<EnvVar> = (item, field, sink) => {
  const name = readString(own(item, 'name'), `${field}.name`, sink);
  const value =
    own(item, 'value') === undefined ? '' : readString(own(item, 'value'), `${field}.value`, sink);
  if (name === undefined) {
    if (own(item, 'name') === undefined) {
      add(sink, 'error', `${field}.name`, 'is required (a string)');
    }
    return undefined;
  }
  return value === undefined ? undefined : { name, value };
};

const readToleration: FieldReader<Toleration> = (item, field, sink) => {
  const strings = readFields(item, field, sink, [], ['key', 'value']);
  const operator = readChoice(
    own(item, 'operator'),
    `${field}.operator`,
    ['Equal', 'Exists'] as const,
    sink
  );
  const effect = readChoice(
    own(item, 'effect'),
    `${field}.effect`,
    ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const,
    sink
  );
  const seconds = readWhole(own(item, 'tolerationSeconds'), `${field}.tolerationSeconds`, sink);
  const bad =
    !strings ||
    (own(item, 'operator') !== undefined && operator === undefined) ||
    (own(item, 'effect') !== undefined && effect === undefined) ||
    (own(item, 'tolerationSeconds') !== undefined && seconds === undefined);
  if (bad) {
    return undefined;
  }
  const out: Toleration = { ...strings };
  if (operator !== undefined) {
    out.operator = operator;
  }
  if (effect !== undefined) {
    out.effect = effect;
  }
  if (seconds !== undefined) {
    out.tolerationSeconds = seconds;
  }
  return out;
};

const readSecretEnv: FieldReader<SecretEnv> = (item, field, sink) =>
  readFields(item, field, sink, ['secretName', 'key', 'envVar']) as SecretEnv | undefined;

const readSecretVolume: FieldReader<SecretVolume> = (item, field, sink) =>
  readFields(item, field, sink, ['secretName', 'mountPath']) as SecretVolume | undefined;

const readVolume: FieldReader<VolumeMount> = (item, field, sink) =>
  readFields(item, field, sink, ['pvcName', 'mountPath']) as VolumeMount | undefined;

/** A GPU; `partial` for a cell whose `limit:` tag holds count and type (metadata adds the product). */
function readGpu(
  raw: Json,
  field: string,
  sink: IssueSink,
  partial: boolean
): Partial<Gpu> | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (!isObject(raw)) {
    expected(sink, field, 'an object {"count", "type", "product"}', raw);
    return undefined;
  }
  const count = readWhole(own(raw, 'count'), `${field}.count`, sink, 1);
  const strings = readFields(raw, field, sink, [], ['type', 'product']);
  if (!strings || (own(raw, 'count') !== undefined && count === undefined)) {
    return undefined;
  }
  const gpu: Partial<Gpu> = { ...strings };
  if (count !== undefined) {
    gpu.count = count;
  }
  if (!partial && (gpu.count === undefined || gpu.type === undefined)) {
    add(sink, 'error', field, 'needs "count" (a whole number) and "type" (e.g. "nvidia.com/gpu")');
    return undefined;
  }
  return gpu;
}

/** Every key of `DeployConfig`, with how to read it. */
const DEPLOY_READERS: Record<
  keyof DeployConfig,
  (raw: Json, field: string, sink: IssueSink, partialGpu: boolean) => unknown
> = {
  image: (raw, field, sink) => {
    const image = readString(raw, field, sink);
    if (image !== undefined && !image.trim()) {
      add(sink, 'error', field, 'is empty: name an image or remove the field');
      return undefined;
    }
    return image;
  },
  imagePullPolicy: (raw, field, sink) =>
    readChoice(raw, field, ['Always', 'IfNotPresent', 'Never'] as const, sink),
  imagePullSecrets: (raw, field, sink) => readStringList(raw, field, sink),
  env: (raw, field, sink) =>
    readList(raw, field, 'objects {"name": "...", "value": "..."}', sink, readEnvVar),
  requests: (raw, field, sink) => readStringMap(raw, field, sink, true),
  limits: (raw, field, sink) => readStringMap(raw, field, sink, true),
  gpu: (raw, field, sink, partial) => readGpu(raw, field, sink, partial),
  labels: (raw, field, sink) => readStringMap(raw, field, sink),
  annotations: (raw, field, sink) => readStringMap(raw, field, sink),
  nodeSelector: (raw, field, sink) => readStringMap(raw, field, sink),
  tolerations: (raw, field, sink) =>
    readList(raw, field, 'objects {"key", "operator", "value", "effect"}', sink, readToleration),
  secrets: (raw, field, sink) =>
    readList(raw, field, 'objects {"secretName", "key", "envVar"}', sink, readSecretEnv),
  secretVolumes: (raw, field, sink) =>
    readList(raw, field, 'objects {"secretName", "mountPath"}', sink, readSecretVolume),
  volumes: (raw, field, sink) =>
    readList(raw, field, 'objects {"pvcName", "mountPath"}', sink, readVolume),
  caching: (raw, field, sink) => readBoolean(raw, field, sink),
  retries: (raw, field, sink) => readWhole(raw, field, sink),
  timeoutSeconds: (raw, field, sink) => readWhole(raw, field, sink, 1)
};

/** The keys a `DeployConfig` may have, in a fixed order. */
export const DEPLOY_KEYS = Object.keys(DEPLOY_READERS) as (keyof DeployConfig)[];

/**
 * A `DeployConfig` from JSON: each known field checked, a field of the wrong shape left out with an
 * error, an unknown field left out with a warning. `partialGpu`: a cell's GPU may hold only the
 * product (its `limit:` tag holds count and type).
 */
export function readDeploy(
  raw: Json,
  field: string,
  sink: IssueSink,
  partialGpu = false
): DeployConfig {
  if (raw === undefined) {
    return {};
  }
  if (!isObject(raw)) {
    expected(sink, field, 'an object of deploy settings', raw);
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!Object.hasOwn(DEPLOY_READERS, key)) {
      add(
        sink,
        'warning',
        `${field}.${key}`,
        `is not a deploy setting (${DEPLOY_KEYS.join(', ')}); ignored`
      );
      continue;
    }
    const read = DEPLOY_READERS[key as keyof DeployConfig](
      value,
      `${field}.${key}`,
      sink,
      partialGpu
    );
    if (read !== undefined) {
      out[key] = read;
    }
  }
  return out as DeployConfig;
}

/** `metadata.cellpipe` of the notebook, read. */
export interface CellpipeSettings {
  enabled?: boolean;
  defaults: DeployConfig;
  modulesFromImage?: string[];
  reports?: boolean;
}

export function readCellpipeNotebook(raw: Json, sink: IssueSink): CellpipeSettings {
  if (raw === undefined) {
    return { defaults: {} };
  }
  if (!isObject(raw)) {
    expected(sink, 'cellpipe', 'an object', raw);
    return { defaults: {} };
  }
  for (const key of Object.keys(raw)) {
    // `dataFiles` is read by the compiler's data-file importers, which check it themselves.
    if (!['enabled', 'defaults', 'modulesFromImage', 'dataFiles', 'reports'].includes(key)) {
      add(sink, 'warning', `cellpipe.${key}`, 'is not a cellpipe notebook setting; ignored');
    }
  }
  const out: CellpipeSettings = {
    defaults: readDeploy(own(raw, 'defaults'), 'cellpipe.defaults', sink)
  };
  const enabled = readBoolean(own(raw, 'enabled'), 'cellpipe.enabled', sink);
  if (enabled !== undefined) {
    out.enabled = enabled;
  }
  const reports = readBoolean(own(raw, 'reports'), 'cellpipe.reports', sink);
  if (reports !== undefined) {
    out.reports = reports;
  }
  const modules = readStringList(own(raw, 'modulesFromImage'), 'cellpipe.modulesFromImage', sink);
  if (modules !== undefined) {
    out.modulesFromImage = modules;
  }
  return out;
}

/** A cell's own deploy settings (`metadata.cellpipe.deploy`), read. */
export function readCellpipeCell(raw: Json, sink: IssueSink): DeployConfig {
  if (raw === undefined) {
    return {};
  }
  if (!isObject(raw)) {
    expected(sink, 'cellpipe', 'an object {"deploy": {...}}', raw);
    return {};
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'deploy') {
      add(sink, 'warning', `cellpipe.${key}`, 'is not a cellpipe cell setting; ignored');
    }
  }
  return readDeploy(own(raw, 'deploy'), 'cellpipe.deploy', sink, true);
}

/** The step each cell belongs to (a step cell and the cells that continue it), by cell index. */
export function stepOfCells(
  tagsOfCells: readonly (readonly string[] | null)[]
): (string | undefined)[] {
  let current: string | undefined;
  return tagsOfCells.map(tags => {
    if (tags === null) {
      return current;
    }
    const a = parseTags(tags);
    if (a.kind === 'step') {
      current = a.stepName;
    } else if (a.kind !== null) {
      current = undefined;
    }
    return current;
  });
}

/**
 * What one cell's tags say that the user should know: a step name Kale and the editor refuse (an
 * error, the editor's own rule), a tag we carry but cannot honour, a tag we do not know (warnings).
 */
export function tagIssues(tags: readonly string[], sink: IssueSink): void {
  for (const tag of tags) {
    const a = parseTags([tag]);
    const field = `tag ${tag}`;
    if (a.kind === 'step' && a.stepName !== undefined) {
      const problem = taggedStepNameError(a.stepName);
      if (problem) {
        add(sink, 'error', field, problem);
      }
    } else if (a.notebook !== undefined) {
      add(
        sink,
        'warning',
        field,
        'sub-pipelines (Kale notebook: steps) are not supported yet; the tag is kept and the cell ' +
          'runs as part of the step it is in'
      );
    } else if (a.report !== undefined) {
      // Honoured by the compiler (`stepReport`): nothing to say.
    } else if (a.unknownTags.length) {
      const prefix = tag.includes(':') ? tag.slice(0, tag.indexOf(':')) : '';
      const hint = KNOWN_PREFIX_HINTS[prefix];
      add(
        sink,
        'warning',
        field,
        hint ? `${hint}; the tag is kept and ignored` : 'is not a Kale tag; it is kept and ignored'
      );
    }
  }
}

/** What a malformed tag with a known prefix should look like. */
const KNOWN_PREFIX_HINTS: Readonly<Record<string, string>> = {
  cache: 'expected cache:enabled or cache:disabled',
  report: 'expected report:enabled or report:disabled',
  secret: 'expected secret:NAME:KEY:ENV_VAR (a secret, one of its keys, an environment variable)',
  limit: 'expected limit:KEY:VALUE (e.g. limit:memory:2Gi)',
  label: 'expected label:KEY:VALUE',
  annotation: 'expected annotation:KEY:VALUE',
  prev: 'expected prev:STEP',
  image: 'expected image:REF',
  notebook: 'expected notebook:NAME'
};
