/**
 * One click: compile → upload (a new pipeline or a new version) → ensure the experiment → create the run,
 * reporting each stage so the dialog can show progress.
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
import type { IBundleClient } from '../../kfp/bundles';
import { IKfpClient } from '../../kfp/client';
import { KfpPublished, KfpRun } from '../../kfp/types';
import type { NotebookInput } from '../../model/notebook';

export type SubmitStage = 'compiling' | 'uploading' | 'experiment' | 'creating' | 'done';

export const STAGE_LABELS: Record<SubmitStage, string> = {
  compiling: 'Compiling the notebook',
  uploading: 'Uploading the pipeline',
  experiment: 'Creating the experiment',
  creating: 'Creating the run',
  done: 'Run created'
};

/** An experiment to use (`id`) or to create (`name`). */
export type ExperimentChoice = { id: string } | { name: string };

export interface SubmitRequest {
  /** The compiled package (PipelineSpec YAML [+ platform spec]); compiled by the caller or on demand. */
  yaml: string | (() => Promise<string>);
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
): Promise<CompileResult> {
  refuseErrors(analysis);
  const modules = notebookModules(notebook, analysis);
  const localModules =
    modules.length && notebook.path
      ? await bundles.localModules(notebook.path, modules, [...modulesFromImage(notebook)])
      : undefined;
  return compile(notebook, analysis, { ...options, localModules });
}

export async function submitRun(
  client: IKfpClient,
  request: SubmitRequest,
  onStage: (stage: SubmitStage) => void = () => undefined
): Promise<SubmitResult> {
  onStage('compiling');
  const yaml = typeof request.yaml === 'string' ? request.yaml : await request.yaml();
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

  onStage('creating');
  // A fresh upload may not list its version yet; the package itself then makes the run.
  const byVersion = published.pipeline_version_id
    ? { pipeline_id: published.pipeline_id, pipeline_version_id: published.pipeline_version_id }
    : { package: yaml };
  const run = await client.createRun({
    name: request.runName,
    experiment_id: experimentId,
    parameters: request.parameters,
    namespace,
    ...byVersion
  });
  onStage('done');
  return { run, published, experimentId, yaml };
}

/** A default run name: the pipeline's name and the local time, e.g. `demo 2026-11-23 07:40:12`. */
export function defaultRunName(pipelineName: string, now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ` +
    `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return `${pipelineName} ${stamp}`;
}
