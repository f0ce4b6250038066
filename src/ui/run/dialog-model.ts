/**
 * The Run dialog's state as plain data: one reducer over what the user typed and what the server and
 * the compiler answered, and `formOf`, what follows from it (values, problems, whether Submit works).
 * No React and no requests here: `RunDialog` runs the effects and dispatches their answers.
 */
import { yamlLibrary } from '../lazy';
import type { IFileClient, IKfpClient, KfpExperiment } from '../../server-api';
import { FieldValue, TypedParameter, fieldText, parametersOfSpec, parseFields } from './fields';
import type {
  ExperimentChoice,
  RunDataFiles,
  SubmitResult,
  SubmitStage,
  UploadProgress
} from './submit';
import { STAGE_LABELS, defaultRunName } from './submit';
import type { Trans } from './trans';
import { ConnectionState, unavailableReason } from './connection-state';

/** What `compile` may answer: the YAML, or the compiler's `CompileResult` (which has these fields). */
export interface CompiledPackage {
  yaml: string;
  pipelineSpec?: Record<string, unknown>;
  steps?: readonly { step: string; task: string }[];
  /** What compiles but may not run as expected (the compiler's `warnings`). */
  warnings?: readonly { message: string }[];
  /** Data files to upload before the run, and those that will not reach the pods (`compileForRun`). */
  dataFiles?: RunDataFiles;
}

/** What `compile` is given: after the data files' upload, the URIs the importers bring in. */
export interface CompileRequest {
  dataFileUris?: Record<string, string>;
}

export interface RunDialogProps {
  /** Our server extension's client (`new KfpClient()`). */
  client: IKfpClient;
  /**
   * Compiles the notebook (e.g. `() => compileNotebook(nb, analyzer, options)`). Called when the dialog
   * opens, and again on submit with the uploaded data files' URIs when there are files to upload.
   */
  compile: (request?: CompileRequest) => Promise<string | CompiledPackage>;
  /** Uploads data files (`new FileClient()` by default). */
  files?: Pick<IFileClient, 'uploadDataFiles'>;
  /** The pipeline parameters with their notebook defaults; default: those of the compiled spec. */
  parameters?: readonly TypedParameter[];
  /** The pipeline's name in KFP (a new version is uploaded when it exists); default: the spec's name. */
  pipelineName?: string;
  /** Starting namespace; default: the server's (the notebook server's own namespace). */
  namespace?: string;
  /**
   * The notebook's experiment (`kubeflow_notebook.experiment_name`, the panel's Experiment): picked if it
   * exists, else offered for creation. Without one, KFP's "Default" (or the first listed) is picked.
   */
  experimentName?: string;
  /** Called once the run exists; `taskToStep` feeds a `RunStatusModel`. */
  onSubmitted?: (result: SubmittedRun) => void;
  /** Called when the user closes the dialog. */
  onClose: () => void;
  /** JupyterLab's TranslationBundle for 'cellpipe'; default: English as written. */
  trans?: Trans;
}

/** The created run, plus KFP task name → step name for following it with a `RunStatusModel`. */
export interface SubmittedRun extends SubmitResult {
  taskToStep: Record<string, string>;
}

/** The value of the experiment select that means "create one named `newExperiment`". */
export const NEW_EXPERIMENT = '__new__';

/** The submit stages in the order they happen. */
export const STAGES: readonly SubmitStage[] = [
  'files',
  'compiling',
  'uploading',
  'experiment',
  'creating',
  'done'
];

/** How many unplaced files the question names before "and N more". */
const NAMED_FILES = 5;

const NO_DATA_FILES: RunDataFiles = { notebookPath: '', upload: [], unplaced: [] };

export type Phase = 'editing' | 'confirming' | 'submitting' | 'submitted';

export interface DialogState {
  pkg: Required<CompiledPackage> | null;
  compileError: string | null;
  showYaml: boolean;
  runName: string;
  namespace: string;
  /** null while they are being listed. */
  experiments: KfpExperiment[] | null;
  /** An experiment id, or `NEW_EXPERIMENT`. */
  experiment: string;
  newExperiment: string;
  /** Parameter fields the user edited, by name (the others show their default). */
  fields: Readonly<Record<string, FieldValue>>;
  serverError: string | null;
  phase: Phase;
  /** The submit stages reached so far. */
  stages: readonly SubmitStage[];
  upload: UploadProgress | null;
  result: SubmitResult | null;
  /** Whether KFP answers: Submit waits for it. */
  kfp: ConnectionState;
  /** When each stage began (ms since the epoch; compiling: when the dialog opened), for elapsed times. */
  stageStarts: Partial<Record<SubmitStage, number>>;
  /** When the submit ended (done or failed); undefined while it goes. */
  endedAt?: number;
}

export type DialogAction =
  | { type: 'compiled'; pkg: Required<CompiledPackage>; pipelineName: string }
  | { type: 'compileFailed'; error: string }
  | { type: 'serverNamespace'; namespace: string }
  | { type: 'connection'; state: ConnectionState }
  | { type: 'listingExperiments' }
  | { type: 'experimentsListed'; experiments: KfpExperiment[]; wanted: string }
  | { type: 'serverFailed'; error: string; experiments?: KfpExperiment[] }
  | {
      type: 'edit';
      patch: Partial<Pick<DialogState, 'runName' | 'namespace' | 'experiment' | 'newExperiment'>>;
    }
  | { type: 'field'; name: string; value: FieldValue }
  | { type: 'toggleYaml' }
  | { type: 'confirm' }
  | { type: 'cancelConfirm' }
  | { type: 'submitting'; uploading: boolean; at: number }
  | { type: 'stage'; stage: SubmitStage; progress?: UploadProgress; at: number }
  | { type: 'submitted'; result: SubmitResult; at: number }
  | { type: 'submitFailed'; error: string; at: number };

export function initialState(options: {
  pipelineName?: string;
  namespace?: string;
  experimentName?: string;
  /** When the dialog opened (its compile starts then); default: now. */
  openedAt?: number;
}): DialogState {
  return {
    pkg: null,
    compileError: null,
    showYaml: false,
    runName: options.pipelineName ? defaultRunName(options.pipelineName) : '',
    namespace: options.namespace ?? '',
    experiments: null,
    experiment: NEW_EXPERIMENT,
    newExperiment: options.experimentName || 'Default',
    fields: {},
    serverError: null,
    phase: 'editing',
    stages: ['compiling'],
    upload: null,
    result: null,
    kfp: { kind: 'checking' },
    stageStarts: { compiling: options.openedAt ?? Date.now() }
  };
}

export function dialogReducer(state: DialogState, action: DialogAction): DialogState {
  switch (action.type) {
    case 'compiled':
      return {
        ...state,
        pkg: action.pkg,
        runName: state.runName || defaultRunName(action.pipelineName)
      };
    case 'compileFailed':
      return { ...state, compileError: action.error };
    case 'serverNamespace':
      return { ...state, namespace: action.namespace };
    case 'connection':
      return { ...state, kfp: action.state };
    case 'listingExperiments':
      return { ...state, experiments: null };
    case 'experimentsListed': {
      const list = action.experiments;
      const wanted = list.find(e => e.display_name === (action.wanted || 'Default'));
      // The notebook's own experiment is made when it does not exist; never another one picked instead.
      const fallback = action.wanted ? NEW_EXPERIMENT : (list[0]?.experiment_id ?? NEW_EXPERIMENT);
      return {
        ...state,
        experiments: list,
        serverError: null,
        experiment: wanted ? wanted.experiment_id : fallback,
        newExperiment: action.wanted || state.newExperiment
      };
    }
    case 'serverFailed':
      return {
        ...state,
        serverError: action.error,
        experiments: action.experiments ?? state.experiments
      };
    case 'edit':
      return { ...state, ...action.patch };
    case 'field':
      return { ...state, fields: { ...state.fields, [action.name]: action.value } };
    case 'toggleYaml':
      return { ...state, showYaml: !state.showYaml };
    case 'confirm':
      return { ...state, phase: 'confirming' };
    case 'cancelConfirm':
      return { ...state, phase: 'editing' };
    case 'submitting':
      return {
        ...state,
        phase: 'submitting',
        showYaml: false, // make room for the progress
        serverError: null,
        stages: action.uploading ? ['files'] : ['compiling'],
        upload: null,
        stageStarts: { [action.uploading ? 'files' : 'compiling']: action.at },
        endedAt: undefined
      };
    case 'stage':
      return {
        ...state,
        stages: state.stages.includes(action.stage)
          ? state.stages
          : [...state.stages, action.stage],
        upload: action.progress ?? state.upload,
        stageStarts: state.stages.includes(action.stage)
          ? state.stageStarts
          : { ...state.stageStarts, [action.stage]: action.at }
      };
    case 'submitted':
      return { ...state, result: action.result, phase: 'submitted', endedAt: action.at };
    case 'submitFailed':
      return { ...state, serverError: action.error, phase: 'editing', endedAt: action.at };
  }
}

/** What the dialog's state means for the form: the parameters, their values, what stops Submit. */
export interface DialogForm {
  pipelineName: string;
  parameters: readonly TypedParameter[];
  /** Each parameter's field as shown: edited, else its default. */
  edited: Record<string, FieldValue>;
  values: Record<string, unknown>;
  errors: Record<string, string>;
  experimentChoice: ExperimentChoice | undefined;
  problems: string[];
  editing: boolean;
  canSubmit: boolean;
}

export function formOf(
  state: DialogState,
  given: { parameters?: readonly TypedParameter[]; pipelineName?: string },
  trans: Trans
): DialogForm {
  const { pkg } = state;
  const parameters = given.parameters ?? (pkg ? parametersOfSpec(pkg.pipelineSpec) : []);
  const pipelineName = given.pipelineName || specName(pkg) || 'pipeline';
  const edited = Object.fromEntries(
    parameters.map(p => [p.name, state.fields[p.name] ?? fieldText(p)])
  );
  const { values, errors } = parseFields(parameters, edited);
  const fresh = state.newExperiment.trim();
  const experimentChoice: ExperimentChoice | undefined =
    state.experiment === NEW_EXPERIMENT
      ? fresh
        ? { name: fresh }
        : undefined
      : { id: state.experiment };
  const kfpProblem = unavailableReason(state.kfp, trans);
  const problems = [
    ...(kfpProblem ? [kfpProblem] : []),
    ...Object.values(errors),
    ...(state.runName.trim() ? [] : [trans.__('The run needs a name')]),
    ...(experimentChoice ? [] : [trans.__('Name the new experiment')])
  ];
  const editing = state.phase === 'editing' || state.phase === 'confirming';
  return {
    pipelineName,
    parameters,
    edited,
    values,
    errors,
    experimentChoice,
    problems,
    editing,
    canSubmit: editing && pkg !== null && problems.length === 0
  };
}

/** The package's own name (`pipelineInfo.name`), or ''. */
export function specName(pkg: Required<CompiledPackage> | null): string {
  const name = at(pkg?.pipelineSpec, 'pipelineInfo', 'name');
  return typeof name === 'string' || typeof name === 'number' ? String(name) : '';
}

/** What is at `path` in parsed YAML/JSON, or undefined when a step of the way is not an object. */
function at(value: unknown, ...path: string[]): unknown {
  for (const key of path) {
    if (!value || typeof value !== 'object') {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The package from what `compile` answered: YAML, spec, task → step names (YAML text: `yamlLibrary.load()` first). */
export function readPackage(compiled: string | CompiledPackage): Required<CompiledPackage> {
  const yaml = typeof compiled === 'string' ? compiled : compiled.yaml;
  let spec = typeof compiled === 'string' ? undefined : compiled.pipelineSpec;
  if (!spec) {
    const first = yamlLibrary.now.parseAllDocuments(yaml)[0];
    const read: unknown = first && 'toJSON' in first ? first.toJSON() : undefined;
    spec = read && typeof read === 'object' ? (read as Record<string, unknown>) : {};
  }
  let steps = typeof compiled === 'string' ? undefined : compiled.steps;
  if (!steps) {
    // Without the compiler's list, a step is named by its task's display name (cellpipe writes the
    // step's own name there), else by the task's key.
    const tasks = at(spec, 'root', 'dag', 'tasks');
    steps = Object.keys(tasks && typeof tasks === 'object' ? tasks : {}).map(task => {
      const name = at(tasks, task, 'taskInfo', 'name');
      return { step: typeof name === 'string' && name ? name : task, task };
    });
  }
  const warnings = typeof compiled === 'string' ? [] : (compiled.warnings ?? []);
  const dataFiles = (typeof compiled !== 'string' && compiled.dataFiles) || NO_DATA_FILES;
  return { yaml, pipelineSpec: spec, steps, warnings, dataFiles };
}

/** A stage's label; the data files' stage says how many files, and once answered, how many were sent. */
export function stageLabel(
  stage: SubmitStage,
  upload: UploadProgress | null,
  trans: Trans
): string {
  if (stage !== 'files' || !upload) {
    return trans.__(STAGE_LABELS[stage]);
  }
  if (upload.uploaded === undefined) {
    return upload.files === 1
      ? trans.__('Uploading 1 data file…')
      : trans.__('Uploading %1 data files…', upload.files);
  }
  const sent =
    upload.uploaded === 1
      ? trans.__('1 data file uploaded')
      : trans.__('%1 data files uploaded', upload.uploaded);
  return upload.skipped ? trans.__('%1, %2 skipped (unchanged)', sent, upload.skipped) : sent;
}

/** "N files will not exist in the pod: a, b… and M more". */
export function unplacedText(unplaced: readonly string[], trans: Trans): string {
  if (unplaced.length === 1) {
    return trans.__('1 file will not exist in the pod: %1', unplaced[0]);
  }
  const named =
    unplaced.length > NAMED_FILES
      ? trans.__(
          '%1 and %2 more',
          unplaced.slice(0, NAMED_FILES).join(', '),
          unplaced.length - NAMED_FILES
        )
      : unplaced.join(', ');
  return trans.__('%1 files will not exist in the pod: %2', unplaced.length, named);
}

/** How long each stage shown took, or has taken so far (ms): until the next stage began, the end, or `now`. */
export function stageDurations(
  state: Pick<DialogState, 'stages' | 'stageStarts' | 'endedAt'>,
  now: number
): Partial<Record<SubmitStage, number>> {
  const shown = STAGES.filter(s => state.stages.includes(s) && s !== 'done');
  const out: Partial<Record<SubmitStage, number>> = {};
  shown.forEach((stage, i) => {
    const start = state.stageStarts[stage];
    if (start === undefined) {
      return;
    }
    const next = shown[i + 1] ?? (state.stages.includes('done') ? 'done' : undefined);
    const end = (next && state.stageStarts[next]) ?? state.endedAt ?? now;
    out[stage] = Math.max(0, end - start);
  });
  return out;
}

/** "0.4 s", "12 s", "2 min 05 s": an elapsed time as people read it. */
export function elapsedText(ms: number): string {
  if (ms < 10000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) {
    return `${seconds} s`;
  }
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
