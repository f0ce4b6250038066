/**
 * Deployment settings of a step, and where they live in the notebook.
 *
 * Kale can express: image (`image:REF` tag, notebook `kubeflow_notebook.docker_image`),
 * limits (`limit:KEY:VALUE`, GPUs as `limit:nvidia.com/gpu:N`), pod labels and annotations
 * (`label:`/`annotation:` tags). Everything else lives under the `cellpipe` key:
 * cell `metadata.cellpipe.deploy` (on the cell that starts the step) and notebook
 * `metadata.cellpipe.defaults` (applied to every step first).
 */
import { NotebookInput } from './notebook';
import { parseTags } from './tags';
import { kaleVolumes } from './kale-volumes';

export interface EnvVar {
  name: string;
  value: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Equal' | 'Exists';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

/** A Kubernetes secret key exposed to the step as an environment variable. */
export interface SecretEnv {
  secretName: string;
  key: string;
  envVar: string;
}

/** A Kubernetes secret mounted into the step as files, one per key (kfp-kubernetes `secretAsVolume`). */
export interface SecretVolume {
  secretName: string;
  mountPath: string;
}

/**
 * A PersistentVolumeClaim mounted into the step. (kfp-kubernetes' `PvcMount` has no read-only
 * flag, so neither has this.)
 */
export interface VolumeMount {
  pvcName: string;
  mountPath: string;
}

export interface Gpu {
  count: number;
  /** Resource name, e.g. `nvidia.com/gpu` or `amd.com/gpu`. */
  type: string;
  /** Accelerator product for the node selector, e.g. `NVIDIA-A100-SXM4-40GB`. */
  product?: string;
}

export interface DeployConfig {
  image?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  imagePullSecrets?: string[];
  env?: EnvVar[];
  /** `cpu` and `memory` Kubernetes quantities. */
  requests?: Record<string, string>;
  limits?: Record<string, string>;
  gpu?: Gpu;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  secrets?: SecretEnv[];
  secretVolumes?: SecretVolume[];
  volumes?: VolumeMount[];
  caching?: boolean;
  retries?: number;
  timeoutSeconds?: number;
}

/** `metadata.cellpipe` of a cell. */
export interface CellpipeCellMetadata {
  deploy?: DeployConfig;
}

/** `metadata.cellpipe` of the notebook. */
export interface CellpipeNotebookMetadata {
  enabled?: boolean;
  defaults?: DeployConfig;
  /**
   * Modules beside the notebook that the step images already have installed: not shipped with the
   * steps (see docs/step-program.md, local modules).
   */
  modulesFromImage?: string[];
}

/** Kale's `metadata.kubeflow_notebook` (the fields cellpipe reads; others are kept as they are). */
export interface KaleNotebookMetadata {
  pipeline_name?: string;
  pipeline_description?: string;
  experiment?: { id?: string; name?: string };
  experiment_name?: string;
  docker_image?: string;
  volumes?: unknown[];
  [key: string]: unknown;
}

const GPU_SUFFIX = '/gpu';

/** Merge `over` onto `base`: maps merge by key, lists append, scalars replace. */
export function mergeDeploy(base: DeployConfig, over: DeployConfig): DeployConfig {
  const out: DeployConfig = { ...base };
  for (const [key, value] of Object.entries(over) as [keyof DeployConfig, any][]) {
    if (value === undefined) {
      continue;
    }
    const prev = (base as any)[key];
    if (Array.isArray(value)) {
      (out as any)[key] = [...(Array.isArray(prev) ? prev : []), ...value];
    } else if (value && typeof value === 'object' && key !== 'gpu') {
      (out as any)[key] = { ...(prev ?? {}), ...value };
    } else {
      (out as any)[key] = value;
    }
  }
  return out;
}

/** The deploy settings Kale tags express, read from one cell's tags. */
export function deployFromTags(tags: readonly string[]): DeployConfig {
  const a = parseTags(tags);
  const out: DeployConfig = {};
  const limits: Record<string, string> = {};
  for (const [key, value] of Object.entries(a.limits)) {
    if (key.endsWith(GPU_SUFFIX)) {
      out.gpu = { count: Number(value), type: key };
    } else {
      limits[key] = value;
    }
  }
  if (Object.keys(limits).length) {
    out.limits = limits;
  }
  if (Object.keys(a.labels).length) {
    out.labels = { ...a.labels };
  }
  if (Object.keys(a.annotations).length) {
    out.annotations = { ...a.annotations };
  }
  if (a.image) {
    out.image = a.image;
  }
  return out;
}

export function kaleMetadata(nb: NotebookInput): KaleNotebookMetadata {
  return (nb.metadata.kubeflow_notebook ?? {}) as KaleNotebookMetadata;
}

export function cellpipeMetadata(nb: NotebookInput): CellpipeNotebookMetadata {
  return (nb.metadata.cellpipe ?? {}) as CellpipeNotebookMetadata;
}

/**
 * The effective settings of the step that starts at `cellIndex`: notebook defaults, then the
 * cell's Kale tags, then the cell's `cellpipe.deploy` (GPU product and the like refine the tag).
 */
export function resolveDeployConfig(nb: NotebookInput, cellIndex: number): DeployConfig {
  const kale = kaleMetadata(nb);
  let config: DeployConfig = kale.docker_image ? { image: kale.docker_image } : {};
  const kaleMounts = kaleVolumes(kale.volumes).mounts;
  if (kaleMounts.length) {
    config = mergeDeploy(config, { volumes: kaleMounts });
  }
  config = mergeDeploy(config, cellpipeMetadata(nb).defaults ?? {});
  const cell = nb.cells[cellIndex];
  if (!cell) {
    return config;
  }
  config = mergeDeploy(config, deployFromTags(cell.tags));
  const own = (cell.metadata.cellpipe as CellpipeCellMetadata | undefined)?.deploy ?? {};
  if (own.gpu && config.gpu) {
    config = { ...config, gpu: { ...config.gpu, ...own.gpu } };
    return mergeDeploy(config, { ...own, gpu: undefined });
  }
  return mergeDeploy(config, own);
}
