/**
 * Annotated notebook + analysis → KFP pipeline package (PipelineSpec YAML + kfp-kubernetes platform spec).
 * Pure: no DOM, no kernel, no network; the same input gives byte-identical YAML.
 */
import { NotebookInput } from '../model/notebook';
import { DeployConfig } from '../model/deploy';
import { resolveDeployConfig, stepReport } from '../model/notebook-settings';
import { addClaimTasks, metadataProblems } from './metadata';
import { AnalysisResult, Analyzer } from '../analysis/types';
import { StepContext, containerSpec } from './container';
import { unreachableFileWarnings } from './files';
import { checkAnalysis, metricNames } from './graph';
import { baseName, pipelineInfo, taskNames } from './names';
import { TypedParameter, rootParameterDefinitions, typedParameters } from './parameters';
import { kubernetesExecutorConfig } from './platform';
import { buildProgram } from './program';
import { decodedLength, localModulesOf, stepModules } from './modules';
import { REPORT_OUTPUTS, compact, component, componentName, executorLabel, task } from './pipeline';
import { addDataFileImports, planDataFileImports } from './importers';
import { addFileFlow, planFileFlow } from './file-artifacts';
import { CELLPIPE_VERSION } from './runtime-sources.generated';
import {
  CompileError,
  CompileOptions,
  CompileProblem,
  CompileResult,
  CompiledStep,
  DEFAULT_ACCELERATOR_NODE_SELECTOR_KEY,
  DEFAULT_IMAGE,
  LineMapEntry,
  LocalModules,
  Problems
} from './types';
import { yamlComment, yamlStream } from './yaml';

export * from './types';
export { toKebab } from './names';
export { importedModules, modulesFromImage, notebookModules, stepModules } from './modules';
export { STEP_COMMAND, EXECUTOR_INPUT_PLACEHOLDER } from './container';
export { CELLPIPE_VERSION };

export const SCHEMA_VERSION = '2.1.0';
export const SDK_VERSION = `cellpipe-${CELLPIPE_VERSION}`;

function checkDeploy(deploy: DeployConfig, ctx: StepContext): void {
  const { retries } = deploy;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0)) {
    ctx.problems.add({
      cellIndex: ctx.cellIndex,
      step: ctx.step,
      message: `step "${ctx.step}": retries ${JSON.stringify(retries)} is not a whole number ≥ 0`
    });
  }
}

/** The step's bundles: the notebook's own modules it imports, within the inline limit. */
function stepBundles(
  imported: readonly string[],
  local: LocalModules | undefined,
  ctx: StepContext
): { modules: string[]; bundles: [string, string][] } {
  if (!local) {
    return { modules: [], bundles: [] };
  }
  const modules = localModulesOf(imported, local);
  const bundles = modules.map(name => local.bundles[name]);
  const bytes = bundles.reduce((sum, [, data]) => sum + decodedLength(data), 0);
  if (bytes > local.maxBytes) {
    ctx.problems.add({
      cellIndex: ctx.cellIndex,
      step: ctx.step,
      message:
        `step "${ctx.step}": local modules ${modules.join(', ')} zip to ${bytes} bytes, over the ` +
        `${local.maxBytes}-byte limit for shipping them with the step: install them in an image, ` +
        "set it as the step's image and list them in the notebook's metadata under " +
        '"cellpipe": {"modulesFromImage": [...]} (or raise CELLPIPE_MAX_BUNDLE_BYTES)'
    });
  }
  return { modules, bundles };
}

/** The name of the step's report output, or undefined when its report is off. */
function reportOutput(
  step: AnalysisResult['steps'][number],
  on: boolean,
  ctx: StepContext
): string | undefined {
  if (!on) {
    return undefined;
  }
  const name = REPORT_OUTPUTS.find(n => !step.outputs.includes(n));
  if (!name) {
    ctx.problems.add({
      cellIndex: ctx.cellIndex,
      step: ctx.step,
      message:
        `step "${ctx.step}" passes on variables named ${REPORT_OUTPUTS.join(' and ')}, the names of ` +
        'its report: rename one, or turn the report off with the tag report:disabled'
    });
  }
  return name;
}

function header(
  name: string,
  description: string | undefined,
  parameters: Map<string, TypedParameter>
): string {
  const lines = ['PIPELINE DEFINITION', `Name: ${name}`];
  if (description) {
    lines.push(`Description: ${description}`);
  }
  if (parameters.size) {
    lines.push('Inputs:');
    for (const p of [...parameters.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      lines.push(`   ${p.name}: ${p.type} [Default: ${JSON.stringify(p.value)}]`);
    }
  }
  lines.push(`Compiled by cellpipe ${CELLPIPE_VERSION}`);
  return yamlComment(lines);
}

export function compile(
  notebook: NotebookInput,
  analysis: AnalysisResult,
  options: CompileOptions = {}
): CompileResult {
  const notebookPath = options.notebookPath ?? notebook.path ?? 'notebook.ipynb';
  const acceleratorKey =
    options.acceleratorNodeSelectorKey ?? DEFAULT_ACCELERATOR_NODE_SELECTOR_KEY;
  const problems = new Problems();

  const info = pipelineInfo(notebook, notebookPath, problems);
  const parameters = typedParameters(analysis.parameters, problems);
  checkAnalysis(analysis, new Set(analysis.parameters.map(p => p.name)), problems);
  const tasks = taskNames(analysis.steps, problems);
  problems.throwIfAny();
  // Metadata errors are listed with the steps' own settings problems, in one message.
  const metadataWarnings = metadataProblems(notebook, problems);

  const taskOf = (step: string) => tasks.get(step)!;
  const components: Record<string, unknown> = {};
  const executors: Record<string, unknown> = {};
  const dagTasks: Record<string, unknown> = {};
  const platformExecutors: Record<string, unknown> = {};
  const steps: CompiledStep[] = [];
  const lineMaps: Record<string, LineMapEntry[]> = {};
  let metrics: string[] = [];
  const imported = options.localModules ? stepModules(notebook, analysis) : {};
  const dataFiles = planDataFileImports(notebook, analysis, tasks, options, problems);
  const fileFlow = planFileFlow(notebook, analysis, dataFiles);

  for (const step of analysis.steps) {
    const name = taskOf(step.name);
    const cellIndex = step.cellIndices[0] ?? -1;
    const ctx: StepContext = { step: step.name, cellIndex, problems };
    const deploy = resolveDeployConfig(notebook, cellIndex);
    checkDeploy(deploy, ctx);
    const stepMetrics = metricNames(step);
    const local = stepBundles(imported[step.name] ?? [], options.localModules, ctx);
    if (step.kind === 'metrics') {
      metrics = stepMetrics;
    }
    const report = reportOutput(step, stepReport(notebook, cellIndex), ctx);
    const program = buildProgram({
      notebook,
      analysis,
      step,
      pipelineName: info.name,
      notebookName: baseName(notebookPath),
      metrics: stepMetrics,
      bundles: [...(options.bundles ?? []), ...local.bundles],
      parameterTypes: Object.fromEntries([...parameters.values()].map(p => [p.name, p.type])),
      files: fileFlow.specs.get(step.name),
      report
    });
    const image = deploy.image ?? options.defaultImage ?? DEFAULT_IMAGE;
    components[componentName(name)] = component(step, name, parameters, stepMetrics, report);
    executors[executorLabel(name)] = { container: containerSpec(image, program.text, deploy, ctx) };
    dagTasks[name] = task(step, name, analysis, deploy, taskOf);
    const k8s = kubernetesExecutorConfig(deploy, acceleratorKey, ctx);
    if (k8s) {
      platformExecutors[executorLabel(name)] = k8s;
    }
    steps.push({
      step: step.name,
      task: name,
      program: program.text,
      lineMap: program.lineMap,
      localModules: local.modules,
      ...(report ? { report } : {})
    });
    lineMaps[step.name] = program.lineMap;
  }
  addClaimTasks(notebook, { components, executors, dagTasks }, problems);
  problems.throwIfAny();
  addDataFileImports(dataFiles, { components, executors, dagTasks }, taskOf);
  addFileFlow(fileFlow, { components, dagTasks }, taskOf);

  const rootParameters = rootParameterDefinitions(parameters);
  const pipelineSpec: Record<string, unknown> = {
    components,
    deploymentSpec: { executors },
    pipelineInfo: compact({
      description: info.description,
      displayName: info.displayName,
      name: info.name
    }),
    root: compact({
      dag: { tasks: dagTasks },
      inputDefinitions: Object.keys(rootParameters).length
        ? { parameters: rootParameters }
        : undefined
    }),
    schemaVersion: SCHEMA_VERSION,
    sdkVersion: SDK_VERSION
  };
  const platformSpec = Object.keys(platformExecutors).length
    ? { platforms: { kubernetes: { deploymentSpec: { executors: platformExecutors } } } }
    : undefined;
  const documents = platformSpec ? [pipelineSpec, platformSpec] : [pipelineSpec];
  const yaml = yamlStream(header(info.name, info.description, parameters), documents);
  return {
    yaml,
    pipelineSpec,
    platformSpec,
    lineMaps,
    steps,
    metrics,
    warnings: [
      ...metadataWarnings,
      ...dataFiles.warnings,
      ...unreachableFileWarnings(notebook, analysis),
      ...packageWarnings(yaml)
    ]
  };
}

/**
 * Above this many bytes a package may not start on KFP: the KFP backend copies each step's program
 * into the Argo Workflow it creates, and Kubernetes keeps an object under about 1.5 MiB (etcd).
 */
export const PACKAGE_SIZE_WARNING_BYTES = 1024 * 1024;

function packageWarnings(yaml: string): CompileProblem[] {
  const bytes = new TextEncoder().encode(yaml).length;
  if (bytes <= PACKAGE_SIZE_WARNING_BYTES) {
    return [];
  }
  return [
    {
      cellIndex: -1,
      message:
        `the package is ${(bytes / 2 ** 20).toFixed(1)} MiB: Kubeflow Pipelines copies every step's ` +
        'program into the Argo Workflow of a run, which Kubernetes stores only up to about 1.5 MiB, so ' +
        'a run on KFP may fail to start. Fewer, larger steps, or the shared code of the imports and ' +
        'functions cells moved into a module installed in the image, make it smaller. Local runs are ' +
        'not affected.'
    }
  ];
}

/** Refuse an analysis with error diagnostics, each listed with its cell. */
export function refuseErrors(analysis: AnalysisResult): void {
  const errors = analysis.diagnostics.filter(d => d.severity === 'error');
  if (errors.length) {
    throw new CompileError(
      errors.map(d => ({
        cellIndex: d.cellIndex,
        step: d.step,
        variable: d.variable,
        message: d.message
      })),
      'The notebook has errors'
    );
  }
}

/** Analyze, refuse a notebook with error diagnostics (each listed with its cell), then compile. */
export function compileNotebook(
  notebook: NotebookInput,
  analyzer: Analyzer,
  options: CompileOptions = {}
): CompileResult {
  const analysis = analyzer.analyze(notebook);
  refuseErrors(analysis);
  return compile(notebook, analysis, options);
}
