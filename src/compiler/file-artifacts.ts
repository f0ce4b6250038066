/**
 * Files between steps, and what each step program is told about files (docs/step-program.md, "Files"):
 * a file one step writes and a downstream step reads (the analyzer's `file` edges) travels as a
 * `system.Artifact` — an output of the writer, an input of the reader, named as importers.ts names data
 * files — so a KFP step, which starts in an empty pod, finds it where the notebook did. Each program gets
 * `_CELLPIPE_FILES`: the working folder, the paths the step reads (the local runner hashes them into
 * its cache key) and which artifact carries which path out of or into the step.
 */
import { NotebookInput } from '../model/notebook';
import { resolveDeployConfig, kaleMetadata } from '../model/notebook-settings';
import { isNotebookRelative, normalizeDataPath } from '../model/data-files';
import { isPattern } from '../analysis/file-flow';
import { AnalysisResult, StepInfo } from '../analysis/types';
import { DATA_FILE_INPUT_PREFIX, DataFileImports, inputName, uniqueName } from './importers';
import {
  ARTIFACT_SCHEMA_VERSION,
  METRICS_OUTPUT,
  PipelineIR,
  componentIR,
  taskIR
} from './pipeline';

/** What a step program is told about files (`_CELLPIPE_FILES`); empty parts are left out. */
export interface StepFileSpec {
  /** Absolute folder the step starts in on KFP: the notebook's, inside its mounted workspace volume. */
  workdir?: string;
  /** Paths (glob patterns kept) the step reads from the working folder, file-flow inputs excluded. */
  reads?: string[];
  /** Output artifact name → path relative to the working folder, saved after the step. */
  outputs?: Record<string, string>;
  /** Input artifact name → path relative to the working folder, placed before the step. */
  inputs?: Record<string, string>;
}

/** One file carried from a writer to a reader. */
export interface FileFlow {
  path: string;
  from: string;
  to: string;
  /** The writer's output artifact. */
  output: string;
  /** The reader's input artifact. */
  input: string;
}

export interface FileFlowPlan {
  flows: FileFlow[];
  /** By step name; a step with nothing to say about files has none. */
  specs: Map<string, StepFileSpec>;
}

/** A path a file artifact can carry: one file, relative to the notebook's folder, inside it. */
const carriable = (path: string) => isNotebookRelative(path) && !isPattern(path);

/**
 * Kale's `abs_working_dir` when the step mounts a volume holding it (the notebook's workspace):
 * there the notebook's folder exists in the pod as on the notebook server.
 */
export function stepWorkdir(notebook: NotebookInput, cellIndex: number): string | undefined {
  const dir = kaleMetadata(notebook).abs_working_dir;
  if (typeof dir !== 'string' || !dir.startsWith('/')) {
    return undefined;
  }
  const volumes = resolveDeployConfig(notebook, cellIndex).volumes ?? [];
  const under = (mount: string) => {
    const root = mount.replace(/\/+$/, '');
    return dir === root || dir.startsWith(root + '/') || root === '';
  };
  return volumes.some(v => under(v.mountPath)) ? dir.replace(/\/+$/, '') || '/' : undefined;
}

const readPaths = (step: StepInfo) =>
  (step.files?.reads ?? []).map(r =>
    isNotebookRelative(r.path) ? normalizeDataPath(r.path) : r.path
  );

/** The file artifacts between steps and each step's file spec. */
export function planFileFlow(
  notebook: NotebookInput,
  analysis: AnalysisResult,
  dataFiles: DataFileImports
): FileFlowPlan {
  const byName = new Map(analysis.steps.map(s => [s.name, s]));
  // Names already used by each step's artifacts: variables, metrics, data files.
  const outputsTaken = new Map<string, Set<string>>();
  const inputsTaken = new Map<string, Set<string>>();
  for (const step of analysis.steps) {
    const imported = (dataFiles.byStep.get(step.name) ?? []).map(f => f.input);
    outputsTaken.set(step.name, new Set([...step.outputs, ...step.inputs, METRICS_OUTPUT]));
    inputsTaken.set(step.name, new Set([...step.inputs, ...step.outputs, ...imported]));
  }
  const outputOf = new Map<string, string>(); // `${writer}\0${path}` → its output artifact
  const flows: FileFlow[] = [];
  const edges = analysis.edges
    .filter(e => e.kind === 'file' && byName.has(e.from) && byName.has(e.to))
    .sort((a, b) => (a.from + '\0' + a.to < b.from + '\0' + b.to ? -1 : 1));
  for (const edge of edges) {
    for (const path of [
      ...new Set((edge.files ?? []).filter(carriable).map(normalizeDataPath))
    ].sort()) {
      const key = `${edge.from}\0${path}`;
      let output = outputOf.get(key);
      if (!output) {
        output = uniqueName(
          DATA_FILE_INPUT_PREFIX,
          path,
          outputsTaken.get(edge.from)!,
          inputName,
          1000,
          '_'
        );
        outputOf.set(key, output);
      }
      const input = uniqueName(
        DATA_FILE_INPUT_PREFIX,
        path,
        inputsTaken.get(edge.to)!,
        inputName,
        1000,
        '_'
      );
      flows.push({ path, from: edge.from, to: edge.to, output, input });
    }
  }

  const specs = new Map<string, StepFileSpec>();
  for (const step of analysis.steps) {
    const incoming = flows.filter(f => f.to === step.name);
    const outgoing = flows.filter(f => f.from === step.name);
    const carried = new Set(incoming.map(f => f.path));
    const reads = [...new Set(readPaths(step).filter(p => !carried.has(p)))].sort();
    const spec: StepFileSpec = {
      workdir: stepWorkdir(notebook, step.cellIndices[0] ?? -1),
      reads: reads.length ? reads : undefined,
      outputs: outgoing.length ? sortedMap(outgoing.map(f => [f.output, f.path])) : undefined,
      inputs: incoming.length ? sortedMap(incoming.map(f => [f.input, f.path])) : undefined
    };
    const present = Object.entries(spec).filter(([, v]) => v !== undefined);
    if (present.length) {
      specs.set(step.name, Object.fromEntries(present) as StepFileSpec);
    }
  }
  return { flows, specs };
}

function sortedMap(entries: [string, string][]): Record<string, string> {
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const ARTIFACT_TYPE = { schemaTitle: 'system.Artifact', schemaVersion: ARTIFACT_SCHEMA_VERSION };

/** Adds each flow's output to the writer's component, its input to the reader's component and task (in place). */
export function addFileFlow(
  plan: FileFlowPlan,
  spec: Pick<PipelineIR, 'components' | 'dagTasks'>,
  taskOf: (step: string) => string
): void {
  for (const flow of plan.flows) {
    const writer = componentIR(spec, taskOf(flow.from));
    const outputs = ((writer.outputDefinitions ??= {}).artifacts ??= {});
    outputs[flow.output] = { artifactType: ARTIFACT_TYPE, description: `file ${flow.path}` };

    const reader = componentIR(spec, taskOf(flow.to));
    const inputs = ((reader.inputDefinitions ??= {}).artifacts ??= {});
    inputs[flow.input] = { artifactType: ARTIFACT_TYPE, description: `file ${flow.path}` };

    const task = taskIR(spec, taskOf(flow.to));
    const taskInputs = ((task.inputs ??= {}).artifacts ??= {});
    taskInputs[flow.input] = {
      taskOutputArtifact: { outputArtifactKey: flow.output, producerTask: taskOf(flow.from) }
    };
  }
}
