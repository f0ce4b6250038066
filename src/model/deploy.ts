/**
 * Deployment settings of a step, and where they live in the notebook.
 *
 * Kale can express: image (`image:REF` tag, notebook `kubeflow_notebook.docker_image`),
 * limits (`limit:KEY:VALUE`, GPUs as `limit:nvidia.com/gpu:N`), pod labels and annotations
 * (`label:`/`annotation:` tags). Everything else lives under the `cellpipe` key:
 * cell `metadata.cellpipe.deploy` (on the cell that starts the step) and notebook
 * `metadata.cellpipe.defaults` (applied to every step first). Read and combined per step by
 * `notebook-settings.ts` (`resolveDeployConfig`).
 */
import { setOwn } from './own';

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
  /** A claim the run creates (Kale `new_pvc`/`pv`): the task that creates it, whose `name` output names it. */
  createdBy?: string;
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
  /** Step reports by default (absent: on); a step's Kale `report:` tag decides for it. */
  reports?: boolean;
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

/**
 * Merge `over` onto `base`: maps merge by key, lists append, scalars replace. Own keys only, set as
 * own data properties: a `__proto__` key (JSON gives it as an own key) never becomes a prototype.
 */
export function mergeDeploy(base: DeployConfig, over: DeployConfig): DeployConfig {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) {
      continue;
    }
    const prev = Object.hasOwn(base, key) ? (base as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(value)) {
      setOwn(out, key, [
        ...(Array.isArray(prev) ? (prev as unknown[]) : []),
        ...(value as unknown[])
      ]);
    } else if (value && typeof value === 'object' && key !== 'gpu') {
      setOwn(out, key, { ...(prev && typeof prev === 'object' ? prev : {}), ...value });
    } else {
      setOwn(out, key, value);
    }
  }
  return out as DeployConfig;
}
