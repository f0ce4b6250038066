/**
 * The notebook-level settings the panel shows and edits, read from and written to Kale's
 * `kubeflow_notebook` and our `cellpipe` metadata. The image is read by the compiler's own reader
 * (`readKaleNotebook`: `base_image` of Kale 2.x, else `docker_image` of 0.x) and written back to the
 * key the notebook already uses; every key an edit does not touch stays as it was.
 */
import { readKaleNotebook } from '../../model/kale-volumes';

/** Notebook-level settings the panel edits (Kale's `kubeflow_notebook` and `cellpipe`). */
export interface NotebookSettings {
  enabled: boolean;
  pipelineName: string;
  description: string;
  experiment: string;
  /** The steps' image as the compiler reads it (`base_image`, else `docker_image`). */
  dockerImage: string;
  cpu: string;
  memory: string;
  volumes: { pvcName: string; mountPath: string }[];
}

type Metadata = Record<string, any>;

function objectOr(value: unknown): Metadata {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Metadata)
    : {};
}

/** The settings as stored in `kubeflow_notebook` and `cellpipe` (either may be missing). */
export function readNotebookSettings(kaleRaw: unknown, ownRaw: unknown): NotebookSettings {
  const kale = objectOr(kaleRaw);
  const own = objectOr(ownRaw);
  const defaults = objectOr(own.defaults);
  const volumes = Array.isArray(defaults.volumes) ? defaults.volumes : [];
  // Issues of the metadata are the compiler's to list (Problems); here only the value counts.
  const image = readKaleNotebook(kale, { cellIndex: -1, issues: [] }).image;
  return {
    enabled: own.enabled !== false,
    pipelineName: String(kale.pipeline_name ?? ''),
    description: String(kale.pipeline_description ?? ''),
    experiment: String(kale.experiment?.name ?? kale.experiment_name ?? ''),
    dockerImage: image ?? '',
    cpu: String(defaults.requests?.cpu ?? ''),
    memory: String(defaults.requests?.memory ?? ''),
    volumes: volumes.map((v: any) => ({
      pvcName: String(v?.pvcName ?? ''),
      mountPath: String(v?.mountPath ?? '')
    }))
  };
}

/** Which `kubeflow_notebook` key holds the image: the one the notebook uses (2.x `base_image` first). */
export function imageKey(kale: Metadata): 'base_image' | 'docker_image' {
  return Object.hasOwn(kale, 'base_image') ? 'base_image' : 'docker_image';
}

/**
 * The metadata after one edit: the new `kubeflow_notebook` and/or `cellpipe` objects, only those the
 * edit changes (absent when unchanged). Keys keep their order; only the edited keys differ.
 */
export function patchNotebookSettings(
  kaleRaw: unknown,
  ownRaw: unknown,
  patch: Partial<NotebookSettings>
): { kubeflow_notebook?: Metadata; cellpipe?: Metadata } {
  const kale = { ...objectOr(kaleRaw) };
  const own = { ...objectOr(ownRaw) };
  const defaults = { ...objectOr(own.defaults) };
  const setOrDrop = (obj: Metadata, key: string, value: string) => {
    if (value.trim()) {
      obj[key] = value.trim();
    } else {
      delete obj[key];
    }
  };
  let kaleChanged = false;
  let ownChanged = false;
  if (patch.pipelineName !== undefined) {
    setOrDrop(kale, 'pipeline_name', patch.pipelineName);
    kaleChanged = true;
  }
  if (patch.description !== undefined) {
    setOrDrop(kale, 'pipeline_description', patch.description);
    kaleChanged = true;
  }
  if (patch.experiment !== undefined) {
    const experiment = { ...objectOr(kale.experiment) };
    setOrDrop(experiment, 'name', patch.experiment);
    delete experiment.id;
    kale.experiment = experiment;
    if (kale.experiment_name !== undefined) {
      setOrDrop(kale, 'experiment_name', patch.experiment);
    }
    kaleChanged = true;
  }
  if (patch.dockerImage !== undefined) {
    setOrDrop(kale, imageKey(kale), patch.dockerImage);
    kaleChanged = true;
  }
  if (patch.enabled !== undefined) {
    own.enabled = patch.enabled;
    ownChanged = true;
  }
  if (patch.cpu !== undefined || patch.memory !== undefined) {
    const requests = { ...objectOr(defaults.requests) };
    if (patch.cpu !== undefined) {
      setOrDrop(requests, 'cpu', patch.cpu);
    }
    if (patch.memory !== undefined) {
      setOrDrop(requests, 'memory', patch.memory);
    }
    if (Object.keys(requests).length) {
      defaults.requests = requests;
    } else {
      delete defaults.requests;
    }
    ownChanged = true;
  }
  if (patch.volumes !== undefined) {
    const volumes = patch.volumes.filter(v => v.pvcName.trim() || v.mountPath.trim());
    if (volumes.length) {
      defaults.volumes = volumes;
    } else {
      delete defaults.volumes;
    }
    ownChanged = true;
  }
  if (ownChanged) {
    if (Object.keys(defaults).length) {
      own.defaults = defaults;
    } else {
      delete own.defaults;
    }
  }
  return {
    ...(kaleChanged ? { kubeflow_notebook: kale } : {}),
    ...(ownChanged ? { cellpipe: own } : {})
  };
}
