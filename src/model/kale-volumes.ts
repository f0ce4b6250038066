/**
 * Kale's notebook metadata (`kubeflow_notebook`, every generation) as cellpipe settings: each key
 * read field by field and mapped to its nearest KFP v2 / kfp-kubernetes equivalent; what cannot be
 * carried over is a warning naming the key and what happens instead. Nothing is rewritten: the
 * notebook keeps every key as written.
 *
 * Volumes (`{type, name, mount_point, size, size_type, annotations, snapshot, snapshot_name,
 * expose_as_env_var}`): `pvc` mounts the existing claim on every step; `new_pvc` becomes a claim
 * created for the run and deleted after it (kfp-kubernetes CreatePVC/DeletePVC tasks); `pv` a claim
 * created for the run bound to that PersistentVolume; `clone`/`snapshot` (Rok) mount the claim by
 * name, live, with a warning.
 */
import type { DeployConfig, EnvVar, VolumeMount } from './deploy';
import { MAX_TASK_NAME, toKebab } from './kfp-names';
import { IssueSink, describeJson, readDeploy, type MetadataIssue } from './metadata';
import { isObject, own, setOwn } from './own';
import { parseTags } from './tags';

const VOLUME_TYPES = ['pv', 'pvc', 'new_pvc', 'clone', 'snapshot'] as const;
type VolumeType = (typeof VOLUME_TYPES)[number];

const ACCESS_MODES: Readonly<Record<string, string>> = {
  rwo: 'ReadWriteOnce',
  rwm: 'ReadWriteMany',
  rom: 'ReadOnlyMany'
};

/** A claim the run creates before its first step and deletes after its last (kfp-kubernetes). */
export interface CreatedClaim {
  /** Task names of the CreatePVC and DeletePVC tasks. */
  createTask: string;
  deleteTask: string;
  /** Kale's volume name: the claim is `<run's workflow name>-<name>`. */
  name: string;
  size: string;
  accessModes: string[];
  storageClassName?: string;
  /** `pv` volumes: the PersistentVolume the claim binds to. */
  volumeName?: string;
  annotations: Record<string, string>;
}

/** `kubeflow_notebook`, read. */
export interface KaleSettings {
  pipelineName?: string;
  description?: string;
  experimentName?: string;
  /** `base_image` (2.x) or `docker_image` (0.x). */
  image?: string;
  /** Every step's mounts and variables (volumes), labels/annotations/limits (`steps_defaults`),
   * timeout and cache. */
  stepDefaults: DeployConfig;
  claims: CreatedClaim[];
}

/** Every key of every Kale generation that cellpipe reads or knowingly carries. */
const KALE_KEYS = new Set([
  'pipeline_name',
  'pipeline_description',
  'experiment',
  'experiment_name',
  'docker_image',
  'base_image',
  'volumes',
  'volume_access_mode',
  'storage_class_name',
  'autosnapshot',
  'snapshot_volumes',
  'steps_defaults',
  'katib_run',
  'katib_metadata',
  'abs_working_dir',
  'marshal_volume',
  'marshal_path',
  'timeout',
  'kfp_host',
  'enable_caching'
]);

/** Keys kept but not honoured when set: what cellpipe does instead. */
const CARRIED: Readonly<Record<string, string>> = {
  autosnapshot:
    'Rok snapshots of the notebook are not taken; the run uses the images and volumes as they are',
  snapshot_volumes:
    'volumes are not snapshotted before the run; steps mount the live volumes (see volumes)',
  abs_working_dir:
    'steps start in this folder only when a volume mounted into them (volumes, the workspace) holds ' +
    "it; otherwise in their container's folder, where the notebook's own modules travel with the " +
    'steps and data files come from a mounted volume or cellpipe.dataFiles',
  marshal_volume:
    'data passes between steps as KFP artifacts in the pipeline root, not on a marshal volume',
  marshal_path: 'data passes between steps as KFP artifacts; no marshal path is used',
  kfp_host:
    'the KFP endpoint comes from the server settings (c.CellpipeKFP), never from the notebook',
  katib_run:
    'Compile & Run runs the pipeline once with its default parameters; to tune it with Katib use ' +
    'Tune… in the panel or `npx cellpipe tune`, which read katib_metadata (docs/tuning.md)'
};

type Json = unknown;

function issue(sink: IssueSink, severity: MetadataIssue['severity'], field: string, text: string) {
  sink.issues.push({ severity, cellIndex: -1, field, message: `${field}: ${text}` });
}

function str(
  kale: Record<string, Json>,
  key: string,
  sink: IssueSink,
  field = `kubeflow_notebook.${key}`
) {
  const value = own(kale, key);
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    issue(sink, 'error', field, `expected a string, got ${describeJson(value)}`);
    return undefined;
  }
  return value;
}

/** Truthy for a set key (true, a non-empty string): the ones in CARRIED warn only then. */
function isSet(value: Json): boolean {
  return value === true || (typeof value === 'string' && value.trim() !== '');
}

/** A Kubernetes quantity from Kale's `size` (number or text) and `size_type` (`Gi`, `Mi`, …). */
function sizeOf(v: Record<string, Json>, field: string, sink: IssueSink): string | undefined {
  const size = own(v, 'size');
  const unit = own(v, 'size_type') ?? '';
  if (typeof unit !== 'string') {
    issue(
      sink,
      'error',
      `${field}.size_type`,
      `expected a string such as "Gi", got ${describeJson(unit)}`
    );
    return undefined;
  }
  const text =
    typeof size === 'number' && Number.isFinite(size) && size > 0
      ? `${size}${unit}`
      : typeof size === 'string'
        ? `${size}${unit}`
        : undefined;
  if (!text || !/^(\d+(\.\d+)?)([KMGTPE]i?|[numk])?$/.test(text)) {
    issue(
      sink,
      'error',
      `${field}.size`,
      `expected a size such as 5 with size_type "Gi" (a Kubernetes quantity), got ${describeJson(size)}`
    );
    return undefined;
  }
  return text;
}

/** Kale writes annotations as `[{key, value}]`; an object map is taken too. */
function annotationsOf(raw: Json, field: string, sink: IssueSink): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined || raw === null) {
    return out;
  }
  const pairs: [Json, Json][] = Array.isArray(raw)
    ? raw.map(item => (isObject(item) ? [own(item, 'key'), own(item, 'value')] : [item, undefined]))
    : isObject(raw)
      ? Object.entries(raw)
      : [];
  if (!Array.isArray(raw) && !isObject(raw)) {
    issue(sink, 'error', field, `expected a list of {"key", "value"}, got ${describeJson(raw)}`);
  }
  pairs.forEach(([key, value], i) => {
    if (typeof key !== 'string' || typeof value !== 'string') {
      issue(sink, 'error', `${field}[${i}]`, 'expected {"key": "...", "value": "..."} strings');
    } else if (key) {
      setOwn(out, key, value);
    }
  });
  return out;
}

/** Kale 2.x `expose_as_env_var`: the mount point as `KALE_VOLUME_<NAME>`, as Kale names it. */
export function kaleVolumeEnvName(claim: string): string {
  return `KALE_VOLUME_${claim.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function readVolumes(
  raw: Json,
  kale: Record<string, Json>,
  sink: IssueSink
): { mounts: VolumeMount[]; env: EnvVar[]; claims: CreatedClaim[] } {
  const out = { mounts: [] as VolumeMount[], env: [] as EnvVar[], claims: [] as CreatedClaim[] };
  if (raw === undefined || raw === null) {
    return out;
  }
  if (!Array.isArray(raw)) {
    issue(
      sink,
      'error',
      'kubeflow_notebook.volumes',
      `expected a list of volumes, got ${describeJson(raw)}`
    );
    return out;
  }
  const modeKey = own(kale, 'volume_access_mode');
  const mode =
    typeof modeKey === 'string' && Object.hasOwn(ACCESS_MODES, modeKey) ? modeKey : undefined;
  const storageClass = str(kale, 'storage_class_name', { ...sink, issues: [] });
  raw.forEach((v, index) => {
    const field = `kubeflow_notebook.volumes[${index}]`;
    if (!isObject(v)) {
      issue(sink, 'error', field, `expected a volume object, got ${describeJson(v)}`);
      return;
    }
    const typeRaw = own(v, 'type') ?? 'pvc';
    if (typeof typeRaw !== 'string' || !(VOLUME_TYPES as readonly string[]).includes(typeRaw)) {
      issue(
        sink,
        'error',
        `${field}.type`,
        `expected one of ${VOLUME_TYPES.map(t => `"${t}"`).join(', ')}, got ${describeJson(typeRaw)}`
      );
      return;
    }
    const type = typeRaw as VolumeType;
    const name = own(v, 'name');
    const mountPoint = own(v, 'mount_point');
    if (typeof name !== 'string' || !name) {
      issue(
        sink,
        'error',
        `${field}.name`,
        `expected the claim's name (a string), got ${describeJson(name)}`
      );
      return;
    }
    const label = `${field} ("${name}")`;
    if (typeof mountPoint !== 'string' || !mountPoint.startsWith('/')) {
      issue(
        sink,
        'error',
        `${field}.mount_point`,
        `expected an absolute path (starting with /), got ${describeJson(mountPoint)}`
      );
      return;
    }
    const annotations = annotationsOf(own(v, 'annotations'), `${field}.annotations`, sink);
    if (own(v, 'snapshot') === true) {
      issue(
        sink,
        'warning',
        `${field}.snapshot`,
        `volume "${name}": no snapshot is taken after the run (Rok snapshots are not supported)`
      );
    }
    let mount: VolumeMount = { pvcName: name, mountPath: mountPoint };
    if (type === 'new_pvc' || type === 'pv') {
      const size = sizeOf(v, field, sink);
      if (size === undefined) {
        return;
      }
      const kebab = toKebab(name).slice(0, MAX_TASK_NAME - 'delete-pvc-'.length);
      const claim: CreatedClaim = {
        createTask: `create-pvc-${kebab}`,
        deleteTask: `delete-pvc-${kebab}`,
        name,
        size,
        accessModes: [ACCESS_MODES[mode ?? 'rwo']],
        annotations
      };
      if (type === 'pv') {
        // A claim bound to a named PersistentVolume is provisioned statically: no storage class.
        claim.volumeName = name;
        claim.storageClassName = '';
        issue(
          sink,
          'warning',
          label,
          `type "pv": the run creates a claim bound to the PersistentVolume "${name}" and deletes ` +
            'it after the run; the volume must be Available, and its reclaim policy decides whether ' +
            'the next run can bind it again (a claim created once, used as type "pvc", is simpler)'
        );
      } else if (storageClass !== undefined && storageClass !== '') {
        claim.storageClassName = storageClass;
      }
      if (type === 'new_pvc') {
        issue(
          sink,
          'warning',
          label,
          `type "new_pvc": the run creates the claim "<run>-${name}" (${size}, ${claim.accessModes[0]}) ` +
            'before its steps and deletes it after the last one succeeds; a failed run leaves it for ' +
            'you to delete'
        );
      }
      out.claims.push(claim);
      mount = { ...mount, createdBy: claim.createTask };
    } else if (type === 'clone' || type === 'snapshot') {
      issue(
        sink,
        'warning',
        label,
        `type "${type}": Rok clones and snapshots are not supported; every step mounts the claim ` +
          `"${name}" itself, so the run sees and changes the live volume, not a copy` +
          (mode === 'rwo'
            ? '; with volume_access_mode "rwo", a step scheduled on another node than the one ' +
              'using the claim cannot mount it'
            : '')
      );
    }
    out.mounts.push(mount);
    const expose = own(v, 'expose_as_env_var');
    if (expose === true) {
      out.env.push({ name: kaleVolumeEnvName(name), value: mountPoint });
    } else if (expose !== undefined && expose !== false) {
      issue(
        sink,
        'error',
        `${field}.expose_as_env_var`,
        `expected true or false, got ${describeJson(expose)}`
      );
    }
  });
  return out;
}

/**
 * `steps_defaults`: Kale 0.x writes `{labels, annotations, limits}` maps (some versions a list of
 * `label:`/`annotation:`/`limit:` tags); every step gets them before its own.
 */
function readStepsDefaults(raw: Json, sink: IssueSink): DeployConfig {
  const field = 'kubeflow_notebook.steps_defaults';
  if (raw === undefined || raw === null) {
    return {};
  }
  if (Array.isArray(raw)) {
    const tags: string[] = [];
    raw.forEach((tag, i) => {
      const a = typeof tag === 'string' ? parseTags([tag]) : null;
      const mapOnly =
        a && a.kind === null && !a.prev.length && !a.unknownTags.length && a.image === undefined;
      if (mapOnly) {
        tags.push(tag as string);
      } else {
        issue(
          sink,
          'error',
          `${field}[${i}]`,
          `expected a label:KEY:VALUE, annotation:KEY:VALUE or limit:KEY:VALUE tag, got ${describeJson(tag)}`
        );
      }
    });
    return deployFromKaleMaps(parseTags(tags));
  }
  if (!isObject(raw)) {
    issue(
      sink,
      'error',
      field,
      `expected {"labels", "annotations", "limits"}, got ${describeJson(raw)}`
    );
    return {};
  }
  const maps = readDeploy(
    Object.fromEntries(
      Object.entries(raw).filter(([key]) => ['labels', 'annotations', 'limits'].includes(key))
    ),
    field,
    sink
  );
  for (const key of Object.keys(raw)) {
    if (!['labels', 'annotations', 'limits'].includes(key)) {
      issue(sink, 'warning', `${field}.${key}`, 'is not labels, annotations or limits; ignored');
    }
  }
  return deployFromKaleMaps({
    limits: maps.limits ?? {},
    labels: maps.labels ?? {},
    annotations: maps.annotations ?? {}
  });
}

const GPU_SUFFIX = '/gpu';

/** Kale's limits/labels/annotations maps as deploy settings (a `…/gpu` limit is the GPU). */
export function deployFromKaleMaps(maps: {
  limits: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}): DeployConfig {
  const out: DeployConfig = {};
  const limits: Record<string, string> = {};
  for (const [key, value] of Object.entries(maps.limits)) {
    if (key.endsWith(GPU_SUFFIX)) {
      out.gpu = { count: Number(value), type: key };
    } else {
      setOwn(limits, key, value);
    }
  }
  if (Object.keys(limits).length) {
    out.limits = limits;
  }
  if (Object.keys(maps.labels).length) {
    out.labels = { ...maps.labels };
  }
  if (Object.keys(maps.annotations).length) {
    out.annotations = { ...maps.annotations };
  }
  return out;
}

/** `kubeflow_notebook`, read field by field; issues go to `sink` (notebook-level, cell -1). */
export function readKaleNotebook(raw: Json, sink: IssueSink): KaleSettings {
  const out: KaleSettings = { stepDefaults: {}, claims: [] };
  if (raw === undefined || raw === null) {
    return out;
  }
  if (!isObject(raw)) {
    issue(sink, 'error', 'kubeflow_notebook', `expected an object, got ${describeJson(raw)}`);
    return out;
  }
  for (const key of Object.keys(raw)) {
    if (!KALE_KEYS.has(key)) {
      issue(
        sink,
        'warning',
        `kubeflow_notebook.${key}`,
        'is not a Kale setting cellpipe knows; kept and ignored'
      );
    } else if (Object.hasOwn(CARRIED, key) && isSet(raw[key])) {
      issue(
        sink,
        'warning',
        `kubeflow_notebook.${key}`,
        `kept but not carried over: ${CARRIED[key]}`
      );
    }
  }
  out.pipelineName = str(raw, 'pipeline_name', sink);
  out.description = str(raw, 'pipeline_description', sink);
  const experiment = own(raw, 'experiment');
  if (experiment !== undefined && experiment !== null) {
    if (!isObject(experiment)) {
      issue(
        sink,
        'error',
        'kubeflow_notebook.experiment',
        `expected {"id", "name"}, got ${describeJson(experiment)}`
      );
    } else {
      str(experiment, 'id', sink, 'kubeflow_notebook.experiment.id');
      out.experimentName = str(experiment, 'name', sink, 'kubeflow_notebook.experiment.name');
    }
  }
  out.experimentName = out.experimentName || str(raw, 'experiment_name', sink);
  for (const key of ['abs_working_dir', 'marshal_path', 'kfp_host', 'storage_class_name']) {
    str(raw, key, sink);
  }
  for (const key of ['autosnapshot', 'snapshot_volumes', 'marshal_volume', 'katib_run']) {
    const value = own(raw, key);
    if (value !== undefined && value !== null && typeof value !== 'boolean') {
      issue(
        sink,
        'error',
        `kubeflow_notebook.${key}`,
        `expected true or false, got ${describeJson(value)}`
      );
    }
  }
  const mode = own(raw, 'volume_access_mode');
  if (
    mode !== undefined &&
    mode !== null &&
    mode !== '' &&
    !(typeof mode === 'string' && Object.hasOwn(ACCESS_MODES, mode))
  ) {
    issue(
      sink,
      'error',
      'kubeflow_notebook.volume_access_mode',
      `expected "rwo", "rwm" or "rom", got ${describeJson(mode)}`
    );
  }
  const base = str(raw, 'base_image', sink);
  const docker = str(raw, 'docker_image', sink);
  if (base && docker && base !== docker) {
    issue(
      sink,
      'warning',
      'kubeflow_notebook.docker_image',
      `differs from base_image; the steps use base_image "${base}"`
    );
  }
  out.image = base || docker || undefined;

  const volumes = readVolumes(own(raw, 'volumes'), raw, sink);
  out.claims = volumes.claims;
  let defaults: DeployConfig = readStepsDefaults(own(raw, 'steps_defaults'), sink);
  if (volumes.mounts.length) {
    defaults = { ...defaults, volumes: volumes.mounts };
  }
  if (volumes.env.length) {
    defaults = { ...defaults, env: volumes.env };
  }
  const timeout = own(raw, 'timeout');
  if (timeout !== undefined && timeout !== null && timeout !== 0) {
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0) {
      issue(
        sink,
        'error',
        'kubeflow_notebook.timeout',
        `expected a whole number of seconds, got ${describeJson(timeout)}`
      );
    } else {
      defaults = { ...defaults, timeoutSeconds: timeout };
      issue(
        sink,
        'warning',
        'kubeflow_notebook.timeout',
        `Kale bounds the whole run; KFP v2 has no run timeout, so each step is bounded to ${timeout} ` +
          's instead (its pod active deadline)'
      );
    }
  }
  const caching = own(raw, 'enable_caching');
  if (caching !== undefined && caching !== null) {
    if (typeof caching !== 'boolean') {
      issue(
        sink,
        'error',
        'kubeflow_notebook.enable_caching',
        `expected true or false, got ${describeJson(caching)}`
      );
    } else {
      defaults = { ...defaults, caching };
    }
  }
  out.stepDefaults = defaults;
  return out;
}

/** The deploy settings Kale tags express, read from one cell's tags. */
export function deployFromTags(tags: readonly string[]): DeployConfig {
  const a = parseTags(tags);
  const out = deployFromKaleMaps(a);
  if (a.image) {
    out.image = a.image;
  }
  if (a.cache !== undefined) {
    out.caching = a.cache;
  }
  if (a.secrets?.length) {
    out.secrets = a.secrets.map(s => ({ ...s }));
  }
  return out;
}
