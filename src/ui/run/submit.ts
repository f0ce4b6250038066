/**
 * One click: upload the data files chosen for upload → compile (with their URIs) → upload (a new pipeline
 * or a new version) → ensure the experiment → create the run, reporting each stage so the dialog can show
 * progress.
 */
import type { AnalysisResult } from '../../analysis/types';
import {
  CompileOptions,
  CompileResult,
  compile,
  modulesFromImage,
  notebookModules,
  refuseErrors
} from '../../compiler';
import {
  IBundleClient,
  IFileClient,
  IKfpClient,
  KfpPublished,
  KfpRecurringRun,
  KfpRun,
  ScheduleSpec
} from '../../server-api';
import type { NotebookInput } from '../../model/notebook';
import { planDataFiles, unplacedOf, uploadsOf } from './data-files';
import { errorText } from '../errors';

export type SubmitStage = 'files' | 'compiling' | 'uploading' | 'experiment' | 'creating' | 'done';

export const STAGE_LABELS: Record<SubmitStage, string> = {
  files: 'Uploading data files',
  compiling: 'Compiling the notebook',
  uploading: 'Uploading the pipeline',
  experiment: 'Creating the experiment',
  creating: 'Creating the run',
  done: 'Run created'
};

/** An experiment to use (`id`) or to create (`name`). */
export type ExperimentChoice = { id: string } | { name: string };

/** What a run does with the notebook's data files (see `planDataFiles`). */
export interface RunDataFiles {
  /** The notebook's path under the server root (the files are relative to its folder). */
  notebookPath: string;
  /** Files to put in the pipeline's object store before compiling (the `upload` choice). */
  upload: string[];
  /** Files that will not exist in the pods of the steps reading them: asked about before submitting. */
  unplaced: string[];
}

/** Where the data file upload stands: `files` asked, and once answered how many were sent or skipped. */
export interface UploadProgress {
  files: number;
  uploaded?: number;
  /** The store had these bytes already (content-addressed). */
  skipped?: number;
}

export interface SubmitRequest {
  /**
   * The compiled package (PipelineSpec YAML [+ platform spec]); compiled by the caller or on demand —
   * on demand, with the uploaded data files' URIs, when there are files to upload.
   */
  yaml: string | ((dataFileUris?: Record<string, string>) => Promise<string>);
  /** Data files to upload first, and the client that asks the server to. */
  dataFiles?: {
    notebookPath: string;
    upload: string[];
    client: Pick<IFileClient, 'uploadDataFiles'>;
  };
  pipelineName: string;
  runName: string;
  namespace?: string;
  experiment?: ExperimentChoice;
  parameters: Record<string, unknown>;
  description?: string;
}

export interface SubmitResult {
  run: KfpRun;
  published: KfpPublished;
  experimentId?: string;
  yaml: string;
}

/**
 * Compile for a run (on KFP or on this machine): the server first bundles the notebook's own modules
 * that steps import, and each step carries those it imports. Throws the compile problems or the
 * server's message (e.g. a module over the inline limit, named, with the advice to use an image).
 */
export async function compileForRun(
  notebook: NotebookInput,
  analysis: AnalysisResult,
  options: CompileOptions,
  bundles: IBundleClient
): Promise<CompileResult & { dataFiles: RunDataFiles }> {
  refuseErrors(analysis);
  const modules = notebookModules(notebook, analysis);
  const localModules =
    modules.length && notebook.path
      ? await bundles.localModules(notebook.path, modules, [...modulesFromImage(notebook)])
      : undefined;
  const plan = planDataFiles(notebook, analysis);
  const dataFiles: RunDataFiles = {
    notebookPath: options.notebookPath ?? notebook.path ?? '',
    upload: options.importDataFiles === false ? [] : uploadsOf(plan),
    unplaced: options.importDataFiles === false ? [] : unplacedOf(plan)
  };
  return { ...compile(notebook, analysis, { ...options, localModules }), dataFiles };
}

/** Puts the data files in the object store; their URIs by path. An error names the files. */
async function uploadDataFiles(
  files: NonNullable<SubmitRequest['dataFiles']>,
  onProgress: (progress: UploadProgress) => void
): Promise<Record<string, string>> {
  onProgress({ files: files.upload.length });
  let done;
  try {
    done = await files.client.uploadDataFiles(files.notebookPath, files.upload);
  } catch (error) {
    const message = errorText(error);
    // The server names the file it refused; a store-wide failure names none: say which were asked.
    throw new Error(
      files.upload.some(path => message.includes(path))
        ? message
        : `${message} (uploading ${files.upload.join(', ')})`
    );
  }
  const uris: Record<string, string> = {};
  for (const path of files.upload) {
    const answer = done.find(f => f.path === path);
    if (!answer?.uri) {
      throw new Error(`data file "${path}": the server's upload answer has no URI for it`);
    }
    uris[path] = answer.uri;
  }
  const uploaded = done.filter(f => f.uploaded).length;
  onProgress({ files: files.upload.length, uploaded, skipped: done.length - uploaded });
  return uris;
}

/** Data files, compile, upload the pipeline (or a version), the experiment: what a run and a schedule need. */
async function publishFor(
  client: IKfpClient,
  request: SubmitRequest,
  onStage: (stage: SubmitStage, progress?: UploadProgress) => void
): Promise<{ yaml: string; published: KfpPublished; experimentId?: string; source: object }> {
  let dataFileUris: Record<string, string> | undefined;
  if (request.dataFiles?.upload.length) {
    if (typeof request.yaml === 'string') {
      throw new Error('Data files to upload need the package compiled after the upload');
    }
    dataFileUris = await uploadDataFiles(request.dataFiles, progress => onStage('files', progress));
  }
  onStage('compiling');
  const yaml = typeof request.yaml === 'string' ? request.yaml : await request.yaml(dataFileUris);
  const namespace = request.namespace || undefined;

  onStage('uploading');
  const published = await client.publish({
    package: yaml,
    name: request.pipelineName,
    description: request.description,
    namespace
  });

  let experimentId: string | undefined;
  if (request.experiment && 'id' in request.experiment) {
    experimentId = request.experiment.id;
  } else if (request.experiment) {
    onStage('experiment');
    experimentId = (await client.createExperiment(request.experiment.name, namespace))
      .experiment_id;
  }

  // A fresh upload may not list its version yet; the package itself then makes the run.
  const source = published.pipeline_version_id
    ? { pipeline_id: published.pipeline_id, pipeline_version_id: published.pipeline_version_id }
    : { package: yaml };
  return { yaml, published, experimentId, source };
}

export async function submitRun(
  client: IKfpClient,
  request: SubmitRequest,
  onStage: (stage: SubmitStage, progress?: UploadProgress) => void = () => undefined
): Promise<SubmitResult> {
  const { yaml, published, experimentId, source } = await publishFor(client, request, onStage);
  onStage('creating');
  const run = await client.createRun({
    name: request.runName,
    experiment_id: experimentId,
    parameters: request.parameters,
    namespace: request.namespace || undefined,
    ...source
  });
  onStage('done');
  return { run, published, experimentId, yaml };
}

/** The same upload and experiment as a run, then a recurring run (`runName` names the schedule). */
export async function schedulePipeline(
  client: IKfpClient,
  request: SubmitRequest & { schedule: ScheduleSpec },
  onStage: (stage: SubmitStage, progress?: UploadProgress) => void = () => undefined
): Promise<{ schedule: KfpRecurringRun; published: KfpPublished }> {
  const { published, experimentId, source } = await publishFor(client, request, onStage);
  onStage('creating');
  const schedule = await client.createSchedule({
    name: request.runName,
    experiment_id: experimentId,
    parameters: request.parameters,
    namespace: request.namespace || undefined,
    ...request.schedule,
    ...source
  });
  onStage('done');
  return { schedule, published };
}

/** A default run name: the pipeline's name and the local time, e.g. `demo 2026-11-23 07:40:12`. */
export function defaultRunName(pipelineName: string, now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ` +
    `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return `${pipelineName} ${stamp}`;
}
