/**
 * Kale's notebook volumes (`kubeflow_notebook.volumes`) as cellpipe mounts.
 *
 * Kale writes `{type, name, mount_point, size, size_type, annotations, snapshot, ...}` per volume.
 * An existing claim (`type: "pvc"`) mounts on every step, as in Kale. The other kinds need a cluster
 * action before the run (`new_pvc` creates a claim, `clone` snapshots the notebook's workspace with
 * Rok, `pv` binds a volume): cellpipe does not do those silently, it says which volume and what to do.
 */
import { VolumeMount } from './deploy';

export interface KaleVolumeProblem {
  /** Position in `kubeflow_notebook.volumes`, for the message. */
  index: number;
  message: string;
}

interface KaleVolume {
  type?: unknown;
  name?: unknown;
  mount_point?: unknown;
}

function describe(v: KaleVolume, index: number): string {
  return typeof v.name === 'string' && v.name ? `"${v.name}"` : `#${index + 1}`;
}

/** The mounts Kale's volumes ask for, and why any of them cannot be honoured. */
export function kaleVolumes(volumes: unknown): {
  mounts: VolumeMount[];
  problems: KaleVolumeProblem[];
} {
  const mounts: VolumeMount[] = [];
  const problems: KaleVolumeProblem[] = [];
  if (volumes === undefined || volumes === null) {
    return { mounts, problems };
  }
  if (!Array.isArray(volumes)) {
    problems.push({ index: -1, message: 'kubeflow_notebook.volumes is not a list' });
    return { mounts, problems };
  }
  volumes.forEach((raw, index) => {
    const v = (raw ?? {}) as KaleVolume;
    const label = `Kale volume ${describe(v, index)}`;
    const type = v.type ?? 'pvc';
    if (type !== 'pvc') {
      problems.push({
        index,
        message:
          `${label} has type ${JSON.stringify(type)}, which needs the volume to be created or ` +
          'cloned before the run: create the claim in the cluster and set its type to "pvc" ' +
          '(or add it as a volume in the Pipeline panel)'
      });
      return;
    }
    if (typeof v.name !== 'string' || !v.name || typeof v.mount_point !== 'string') {
      problems.push({ index, message: `${label} needs a claim name and a mount_point` });
      return;
    }
    if (!v.mount_point.startsWith('/')) {
      problems.push({
        index,
        message: `${label}: mount_point ${JSON.stringify(v.mount_point)} is not an absolute path`
      });
      return;
    }
    mounts.push({ pvcName: v.name, mountPath: v.mount_point });
  });
  return { mounts, problems };
}
