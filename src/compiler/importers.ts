/**
 * Data files that reach the cluster through KFP importers: for each file a step reads, no step writes, and
 * `cellpipe.dataFiles` gives a URI (the user's, or the server's upload), one importer task brings the URI in
 * as a `system.Artifact` (the IR `dsl.importer(artifact_uri=..., artifact_class=dsl.Artifact)` compiles to),
 * and each reading step gets it as an input artifact plus the relative path to put it at (the contract is
 * docs/step-program.md, "Data files").
 */
import { NotebookInput } from '../model/notebook';
import { MAX_TASK_NAME, toKebab } from '../model/kfp-names';
import {
  DataFileChoice,
  dataFileChoice,
  isNotebookRelative,
  normalizeDataPath,
  readDataFiles,
  uriProblem
} from '../model/data-files';
import { isPattern } from '../analysis/file-flow';
import { AnalysisResult, StepInfo } from '../analysis/types';
import {
  ARTIFACT_SCHEMA_VERSION,
  ComponentIR,
  PipelineIR,
  TaskIR,
  componentIR,
  componentName,
  executorLabel,
  taskIR
} from './pipeline';
import { CompileOptions, CompileProblem, Problems } from './types';

/** The consumer's STRUCT input parameter: input artifact name → path relative to the working folder. */
export const DATA_FILES_PARAMETER = 'cellpipe_data_files';
/** Prefix of a data file's input artifact name in the reading step. */
export const DATA_FILE_INPUT_PREFIX = 'cellpipe_file_';
/** The importer's one output, as kfp names it. */
export const IMPORTER_OUTPUT = 'artifact';

/** One importer task: the file it brings in and where from. */
export interface DataFileImporter {
  path: string;
  uri: string;
  task: string;
}

/** What a reading step gets: its input artifact of that file, and the importer task producing it. */
export interface StepDataFile {
  path: string;
  input: string;
  importer: string;
}

export interface DataFileImports {
  importers: DataFileImporter[];
  /** By step name, sorted by path. */
  byStep: Map<string, StepDataFile[]>;
  warnings: CompileProblem[];
}

/** A file fact as the analyzer records it (`{path, cellIndex, line}`); a bare path is read as one too. */
type FileFact = string | { path?: string | null };

/** `StepInfo.files` comes from the analyzer's file facts (src/analysis/files.ts); older analyses lack it. */
function stepFiles(step: StepInfo, kind: 'reads' | 'writes'): string[] {
  const files = (step as StepInfo & { files?: Partial<Record<string, FileFact[]>> }).files;
  const facts = files?.[kind] ?? [];
  const paths = facts
    .map(fact => (typeof fact === 'string' ? fact : fact?.path))
    .filter((path): path is string => typeof path === 'string' && isNotebookRelative(path))
    .map(normalizeDataPath)
    .filter(path => !isPattern(path)); // a pattern names no one file to import
  return [...new Set(paths)].sort();
}

/** The URI a file is imported from under its choice, or undefined when it is not imported. */
function importUri(
  choice: DataFileChoice | undefined,
  given: string | undefined
): string | undefined {
  if (choice?.source === 'uri') {
    return choice.uri;
  }
  if (choice === undefined || choice.source === 'upload') {
    return given ?? choice?.uri;
  }
  return undefined; // volume, image: the file is there already
}

/** A name made of `prefix` + the path's letters and digits, unique among `taken` (which it joins). */
export function uniqueName(
  prefix: string,
  path: string,
  taken: Set<string>,
  clean: (s: string) => string,
  max: number,
  sep: string
): string {
  const base = (prefix + clean(path)).slice(0, max - 4).replace(/[-_]+$/, '');
  let name = base;
  for (let n = 2; taken.has(name); n++) {
    name = `${base}${sep}${n}`;
  }
  taken.add(name);
  return name;
}

/** A path's letters and digits, each other run of characters as one `_`: the artifact names' tail. */
export const inputName = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+/, '');

/** Which data files are imported, by which importer tasks, into which steps. */
export function planDataFileImports(
  notebook: NotebookInput,
  analysis: AnalysisResult,
  tasks: ReadonlyMap<string, string>,
  options: Pick<CompileOptions, 'dataFileUris' | 'importDataFiles'>,
  problems: Problems
): DataFileImports {
  const plan: DataFileImports = { importers: [], byStep: new Map(), warnings: [] };
  if (options.importDataFiles === false) {
    return plan;
  }
  const files = readDataFiles(notebook);
  for (const p of files.problems) {
    problems.add({ cellIndex: -1, message: p.message });
  }
  const given = new Map<string, string>();
  for (const [path, uri] of Object.entries(options.dataFileUris ?? {})) {
    const problem = uriProblem(uri);
    if (problem) {
      problems.add({ cellIndex: -1, message: `data file "${path}": the uploaded ${problem}` });
    } else {
      given.set(normalizeDataPath(path), uri);
    }
  }
  const written = new Set(analysis.steps.flatMap(step => stepFiles(step, 'writes')));
  const taskNames = new Set(tasks.values());
  const importerOf = new Map<string, DataFileImporter>();

  for (const step of analysis.steps) {
    const cellIndex = step.cellIndices[0] ?? -1;
    const inputs = new Set([...step.inputs, ...step.outputs]);
    const own: StepDataFile[] = [];
    for (const path of stepFiles(step, 'reads')) {
      if (written.has(path)) {
        continue; // file flow between steps, not a data file
      }
      const choice = dataFileChoice(files, path);
      const uri = importUri(choice, given.get(path));
      if (uri === undefined) {
        if (choice?.source === 'upload') {
          plan.warnings.push({
            cellIndex,
            step: step.name,
            message:
              `step "${step.name}" reads "${path}", to be uploaded to the pipeline's object store: ` +
              'this package has no importer for it until the upload gives its URI (the panel uploads ' +
              'before a run; a package compiled without it does not bring the file)'
          });
        }
        continue;
      }
      let importer = importerOf.get(path);
      if (!importer) {
        const task = uniqueName('import-', path, taskNames, toKebab, MAX_TASK_NAME, '-');
        importer = { path, uri, task };
        importerOf.set(path, importer);
        plan.importers.push(importer);
      }
      const input = uniqueName(DATA_FILE_INPUT_PREFIX, path, inputs, inputName, 1000, '_');
      own.push({ path, input, importer: importer.task });
    }
    if (own.length) {
      if (step.parameters.includes(DATA_FILES_PARAMETER)) {
        problems.add({
          cellIndex,
          step: step.name,
          variable: DATA_FILES_PARAMETER,
          message: `step "${step.name}": the pipeline parameter "${DATA_FILES_PARAMETER}" is cellpipe's own name for the data files a step reads; rename it`
        });
      }
      plan.byStep.set(step.name, own);
    }
  }
  return plan;
}

const ARTIFACT_TYPE = {
  schemaTitle: 'system.Artifact',
  schemaVersion: ARTIFACT_SCHEMA_VERSION
};

/** The importer's component, executor and task, as kfp compiles `dsl.importer(...)`. */
function importerIR(importer: DataFileImporter): {
  component: Record<string, unknown>;
  executor: Record<string, unknown>;
  task: Record<string, unknown>;
} {
  return {
    component: {
      executorLabel: executorLabel(importer.task),
      inputDefinitions: { parameters: { uri: { parameterType: 'STRING' } } },
      outputDefinitions: {
        artifacts: { [IMPORTER_OUTPUT]: { artifactType: ARTIFACT_TYPE } }
      }
    },
    executor: {
      importer: {
        artifactUri: { constant: importer.uri },
        metadata: { 'cellpipe.path': importer.path },
        typeSchema: ARTIFACT_TYPE
      }
    },
    task: {
      cachingOptions: { enableCache: true },
      componentRef: { name: componentName(importer.task) },
      inputs: { parameters: { uri: { runtimeValue: { constant: importer.uri } } } },
      taskInfo: { name: `import ${importer.path}` }
    }
  };
}

/** The reading step's component takes each data file as an input artifact, and the STRUCT of paths. */
function addToComponent(component: ComponentIR, files: StepDataFile[]): void {
  const inputs = (component.inputDefinitions ??= {});
  const artifacts = (inputs.artifacts ??= {});
  for (const file of files) {
    artifacts[file.input] = {
      artifactType: ARTIFACT_TYPE,
      description: `data file ${file.path}`
    };
  }
  const parameters = (inputs.parameters ??= {});
  parameters[DATA_FILES_PARAMETER] = { parameterType: 'STRUCT' };
}

/** The reading step's task takes each importer's output and the constant map of paths; it waits for them. */
function addToTask(task: TaskIR, files: StepDataFile[]): void {
  const inputs = (task.inputs ??= {});
  const artifacts = (inputs.artifacts ??= {});
  for (const file of files) {
    artifacts[file.input] = {
      taskOutputArtifact: { outputArtifactKey: IMPORTER_OUTPUT, producerTask: file.importer }
    };
  }
  const parameters = (inputs.parameters ??= {});
  parameters[DATA_FILES_PARAMETER] = {
    runtimeValue: { constant: Object.fromEntries(files.map(f => [f.input, f.path])) }
  };
  const upstream = new Set<string>([...(task.dependentTasks ?? []), ...files.map(f => f.importer)]);
  task.dependentTasks = [...upstream].sort();
}

/** Adds the importers and wires them into the reading steps' components and tasks (in place). */
export function addDataFileImports(
  plan: DataFileImports,
  spec: PipelineIR,
  taskOf: (step: string) => string
): void {
  for (const importer of plan.importers) {
    const ir = importerIR(importer);
    spec.components[componentName(importer.task)] = ir.component;
    spec.executors[executorLabel(importer.task)] = ir.executor;
    spec.dagTasks[importer.task] = ir.task;
  }
  for (const [step, files] of plan.byStep) {
    const task = taskOf(step);
    addToComponent(componentIR(spec, task), files);
    addToTask(taskIR(spec, task), files);
  }
}
