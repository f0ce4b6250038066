/**
 * Settings as a notebook stores them. The notebook's own, which the panel shows and edits (read,
 * validate, write), live in Kale's `kubeflow_notebook` and our `cellpipe` metadata; they are read
 * by the compiler's readers (`readKaleNotebook`, `readCellpipeNotebook`: the image is Kale 2.x's
 * `base_image`, else 0.x's `docker_image`) and an edit is written back to the key the notebook
 * already uses, every key it does not touch kept as it was. A step's effective settings combine
 * the notebook's with its cells' (`resolveDeployConfig`).
 */
import type { CellpipeNotebookMetadata, DeployConfig, KaleNotebookMetadata } from './deploy';
import { mergeDeploy } from './deploy';
import { deployFromTags, readKaleNotebook } from './kale-volumes';
import { parseTags } from './tags';
import { IssueSink, readCellpipeCell, readCellpipeNotebook } from './metadata';
import type { NotebookInput } from './notebook';
import { FieldError, validateDeploy } from './validate';

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
  /** Steps write a report (`cellpipe.reports`, default on); a step's `report:` tag overrides it. */
  reports?: boolean;
}

/** A JSON object of the notebook's metadata, as written. */
export type MetadataObject = Record<string, unknown>;

/** A sink for readings whose issues are reported elsewhere (`notebookIssues`, the Problems list). */
const quiet = (): IssueSink => ({ cellIndex: -1, issues: [] });

function objectOr(value: unknown): MetadataObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as MetadataObject)
    : {};
}

/** The settings as the compiler reads `kubeflow_notebook` and `cellpipe` (either may be missing). */
export function readNotebookSettings(kaleRaw: unknown, ownRaw: unknown): NotebookSettings {
  const kale = readKaleNotebook(kaleRaw, quiet());
  const own = readCellpipeNotebook(ownRaw, quiet());
  return {
    enabled: own.enabled !== false,
    pipelineName: kale.pipelineName ?? '',
    description: kale.description ?? '',
    experiment: kale.experimentName ?? '',
    dockerImage: kale.image ?? '',
    cpu: own.defaults.requests?.cpu ?? '',
    memory: own.defaults.requests?.memory ?? '',
    volumes: (own.defaults.volumes ?? []).map(v => ({
      pvcName: v.pvcName,
      mountPath: v.mountPath
    })),
    reports: own.reports !== false
  };
}

/** What is wrong with the settings, each naming its `NotebookSettings` field (`volumes[0].mountPath`). */
export function validateNotebookSettings(settings: NotebookSettings): FieldError[] {
  const requests = Object.fromEntries(
    (['cpu', 'memory'] as const).filter(k => settings[k].trim()).map(k => [k, settings[k].trim()])
  );
  const deploy: DeployConfig = {
    ...(settings.dockerImage.trim() ? { image: settings.dockerImage.trim() } : {}),
    ...(Object.keys(requests).length ? { requests } : {}),
    volumes: settings.volumes.filter(v => v.pvcName.trim() || v.mountPath.trim())
  };
  return validateDeploy(deploy).map(e => ({
    ...e,
    field: e.field.replace(/^deploy\.(requests\.)?/, '').replace(/^image$/, 'dockerImage')
  }));
}

/** Which `kubeflow_notebook` key holds the image: the one the notebook uses (2.x `base_image` first). */
export function imageKey(kale: MetadataObject): 'base_image' | 'docker_image' {
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
): { kubeflow_notebook?: MetadataObject; cellpipe?: MetadataObject } {
  const kale = { ...objectOr(kaleRaw) };
  const own = { ...objectOr(ownRaw) };
  const defaults = { ...objectOr(own.defaults) };
  const setOrDrop = (obj: MetadataObject, key: string, value: string) => {
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
  if (patch.reports !== undefined) {
    own.reports = patch.reports;
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

// ---- a step's settings, as the compiler reads them

/** `metadata.kubeflow_notebook` as written (an object, else empty); `readKaleNotebook` checks it. */
export function kaleMetadata(nb: NotebookInput): KaleNotebookMetadata {
  return objectOr(nb.metadata.kubeflow_notebook) as KaleNotebookMetadata;
}

/** `metadata.cellpipe` of the notebook, validated (fields of the wrong shape left out). */
export function cellpipeMetadata(nb: NotebookInput): CellpipeNotebookMetadata {
  return readCellpipeNotebook(nb.metadata.cellpipe, quiet());
}

/**
 * The effective settings of the step that starts at `cellIndex`: Kale's notebook settings (image,
 * volumes, steps_defaults, timeout, caching), `cellpipe.defaults`, then the cell's Kale tags, then
 * the cell's `cellpipe.deploy` (GPU product and the like refine the tag). Only validated values:
 * a field of the wrong shape is left out here and reported by `notebookIssues`.
 */
export function resolveDeployConfig(nb: NotebookInput, cellIndex: number): DeployConfig {
  const kale = readKaleNotebook(nb.metadata.kubeflow_notebook, quiet());
  let config: DeployConfig = kale.image ? { image: kale.image } : {};
  config = mergeDeploy(config, kale.stepDefaults);
  config = mergeDeploy(config, readCellpipeNotebook(nb.metadata.cellpipe, quiet()).defaults);
  const cell = nb.cells[cellIndex];
  if (!cell) {
    return config;
  }
  config = mergeDeploy(config, deployFromTags(cell.tags));
  const own = readCellpipeCell(cell.metadata.cellpipe, quiet());
  if (own.gpu && config.gpu) {
    config = { ...config, gpu: { ...config.gpu, ...own.gpu } };
    return mergeDeploy(config, { ...own, gpu: undefined });
  }
  return mergeDeploy(config, own);
}

/**
 * Whether the step that starts at `cellIndex` writes a report (docs/step-program.md, "Step reports"): its
 * Kale `report:enabled|disabled` tag, else the notebook's `cellpipe.reports`, else on. (Kale has no
 * notebook-level switch: its compiler gives every step an HTML report.)
 */
export function stepReport(nb: NotebookInput, cellIndex: number): boolean {
  const tagged = nb.cells[cellIndex] ? parseTags(nb.cells[cellIndex].tags).report : undefined;
  return tagged ?? readCellpipeNotebook(nb.metadata.cellpipe, quiet()).reports ?? true;
}
