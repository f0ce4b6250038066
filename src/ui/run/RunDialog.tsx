/**
 * The "Compile & Run" dialog: typed parameter fields, experiment (pick or create), run name, namespace,
 * the compiled YAML to look at before submitting, and progress while uploading and creating the run.
 * Data files chosen for upload go to the object store first (the package is then compiled with their
 * URIs); data files with no way to the pods are listed and the user asked before submitting.
 */
import * as React from 'react';
import { FileClient, IFileClient, IKfpClient, KfpExperiment } from '../../server-api';
import { parseAllDocuments } from 'yaml';
import { FieldValue, TypedParameter, fieldText, parametersOfSpec, parseFields } from './fields';
import { taskToStepOf } from './status';
import { Trans, plainTrans } from './trans';
import {
  ExperimentChoice,
  RunDataFiles,
  STAGE_LABELS,
  SubmitResult,
  SubmitStage,
  UploadProgress,
  defaultRunName,
  submitRun
} from './submit';

/** What `compile` may answer: the YAML, or the compiler's `CompileResult` (which has these fields). */
export interface CompiledPackage {
  yaml: string;
  pipelineSpec?: Record<string, any>;
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
  /** Starting experiment name (picked if it exists, else offered for creation). */
  experimentName?: string;
  /** Called once the run exists; `taskToStep` feeds a `RunStatusModel`. */
  onSubmitted?: (result: SubmittedRun) => void;
  /** Called when the user closes the dialog. */
  onClose: () => void;
  /** JupyterLab's TranslationBundle for 'cellpipe'; default: English as written. */
  trans?: Trans;
}

const NEW_EXPERIMENT = '__new__';
const STAGES: SubmitStage[] = ['files', 'compiling', 'uploading', 'experiment', 'creating', 'done'];

type Phase = 'editing' | 'confirming' | 'submitting' | 'submitted';

const NO_DATA_FILES: RunDataFiles = { notebookPath: '', upload: [], unplaced: [] };
/** How many unplaced files the question names before "and N more". */
const NAMED_FILES = 5;

/** The created run, plus KFP task name → step name for following it with a `RunStatusModel`. */
export interface SubmittedRun extends SubmitResult {
  taskToStep: Record<string, string>;
}

/** The package from what `compile` answered: YAML, spec, task → step names. */
export function readPackage(compiled: string | CompiledPackage): Required<CompiledPackage> {
  const yaml = typeof compiled === 'string' ? compiled : compiled.yaml;
  let spec = typeof compiled === 'string' ? undefined : compiled.pipelineSpec;
  if (!spec) {
    const first = parseAllDocuments(yaml)[0];
    spec = (first && 'toJSON' in first ? first.toJSON() : {}) ?? {};
  }
  let steps = typeof compiled === 'string' ? undefined : compiled.steps;
  if (!steps) {
    // Without the compiler's list, a step is named by its task's display name (cellpipe writes the
    // step's own name there), else by the task's key.
    const tasks: Record<string, any> = spec?.root?.dag?.tasks ?? {};
    steps = Object.entries(tasks).map(([task, t]) => ({
      step: String(t?.taskInfo?.name || task),
      task
    }));
  }
  const warnings = typeof compiled === 'string' ? [] : (compiled.warnings ?? []);
  const dataFiles = (typeof compiled !== 'string' && compiled.dataFiles) || NO_DATA_FILES;
  return { yaml, pipelineSpec: spec as Record<string, any>, steps, warnings, dataFiles };
}

export function RunDialog(props: RunDialogProps): JSX.Element {
  const trans = props.trans ?? plainTrans;
  const { client } = props;
  const [pkg, setPkg] = React.useState<Required<CompiledPackage> | null>(null);
  const yaml = pkg?.yaml ?? null;
  const parameters = props.parameters ?? (pkg ? parametersOfSpec(pkg.pipelineSpec) : []);
  const pipelineName =
    props.pipelineName || String(pkg?.pipelineSpec?.pipelineInfo?.name ?? '') || 'pipeline';
  const [compileError, setCompileError] = React.useState<string | null>(null);
  const [showYaml, setShowYaml] = React.useState(false);
  const [namespace, setNamespace] = React.useState(props.namespace ?? '');
  const [experiments, setExperiments] = React.useState<KfpExperiment[] | null>(null);
  const [experiment, setExperiment] = React.useState<string>(NEW_EXPERIMENT);
  const [newExperiment, setNewExperiment] = React.useState(props.experimentName ?? 'Default');
  const [runName, setRunName] = React.useState(() =>
    props.pipelineName ? defaultRunName(props.pipelineName) : ''
  );
  const [fields, setFields] = React.useState<Record<string, FieldValue>>({});
  const [serverError, setServerError] = React.useState<string | null>(null);
  const [phase, setPhase] = React.useState<Phase>('editing');
  const [stages, setStages] = React.useState<SubmitStage[]>(['compiling']);
  const [upload, setUpload] = React.useState<UploadProgress | null>(null);
  const [result, setResult] = React.useState<SubmitResult | null>(null);

  // Compile once on open: the YAML is then viewable before submitting and is what gets submitted.
  React.useEffect(() => {
    let live = true;
    props
      .compile()
      .then(compiled => {
        if (!live) {
          return;
        }
        const read = readPackage(compiled);
        setPkg(read);
        const name = props.pipelineName || read.pipelineSpec?.pipelineInfo?.name;
        setRunName(current => current || defaultRunName(String(name || 'pipeline')));
      })
      .catch(error => live && setCompileError(String(error?.message ?? error)));
    return () => {
      live = false;
    };
  }, []);

  // The server knows the default namespace (the notebook's profile) and whether KFP answers.
  React.useEffect(() => {
    let live = true;
    client
      .health()
      .then(health => {
        if (live && !props.namespace && health.namespace) {
          setNamespace(health.namespace);
        }
      })
      .catch(error => live && setServerError(String(error?.message ?? error)));
    return () => {
      live = false;
    };
  }, []);

  React.useEffect(() => {
    let live = true;
    setExperiments(null);
    const timer = setTimeout(() => {
      client
        .listExperiments(namespace || undefined)
        .then(list => {
          if (!live) {
            return;
          }
          setExperiments(list);
          setServerError(null);
          const wanted = list.find(e => e.display_name === (props.experimentName ?? 'Default'));
          setExperiment(wanted ? wanted.experiment_id : (list[0]?.experiment_id ?? NEW_EXPERIMENT));
        })
        .catch(error => {
          if (live) {
            setExperiments([]);
            setServerError(String(error?.message ?? error));
          }
        });
    }, 300); // wait for typing in the namespace field to settle
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [namespace]);

  const edited = Object.fromEntries(parameters.map(p => [p.name, fields[p.name] ?? fieldText(p)]));
  const { values, errors } = parseFields(parameters, edited);
  const experimentChoice: ExperimentChoice | undefined =
    experiment === NEW_EXPERIMENT
      ? newExperiment.trim()
        ? { name: newExperiment.trim() }
        : undefined
      : { id: experiment };
  const problems = [
    ...Object.values(errors),
    ...(runName.trim() ? [] : [trans.__('The run needs a name')]),
    ...(experimentChoice ? [] : [trans.__('Name the new experiment')])
  ];
  const canSubmit =
    (phase === 'editing' || phase === 'confirming') && yaml !== null && problems.length === 0;

  /** `confirmed`: the user said Submit anyway to the files that will not exist in the pods. */
  const submit = async (confirmed = false) => {
    if (!canSubmit || pkg === null) {
      return;
    }
    const { notebookPath, upload: toUpload, unplaced } = pkg.dataFiles;
    if (unplaced.length && !confirmed) {
      setPhase('confirming');
      return;
    }
    setPhase('submitting');
    setShowYaml(false); // make room for the progress
    setServerError(null);
    setStages(toUpload.length ? ['files'] : ['compiling']);
    setUpload(null);
    const recompile = async (dataFileUris?: Record<string, string>) =>
      readPackage(await props.compile({ dataFileUris })).yaml;
    try {
      const done = await submitRun(
        client,
        {
          yaml: toUpload.length ? recompile : pkg.yaml,
          dataFiles: toUpload.length
            ? { notebookPath, upload: toUpload, client: props.files ?? new FileClient() }
            : undefined,
          pipelineName,
          runName: runName.trim(),
          namespace: namespace.trim() || undefined,
          experiment: experimentChoice,
          parameters: values
        },
        (stage, progress) => {
          setStages(seen => (seen.includes(stage) ? seen : [...seen, stage]));
          if (progress) {
            setUpload(progress);
          }
        }
      );
      setResult(done);
      setPhase('submitted');
      props.onSubmitted?.({ ...done, taskToStep: taskToStepOf(pkg.steps) });
    } catch (error) {
      setServerError(String((error as Error)?.message ?? error));
      setPhase('editing');
    }
  };

  const field = (p: TypedParameter) => {
    const value = edited[p.name];
    const set = (v: FieldValue) => setFields(f => ({ ...f, [p.name]: v }));
    const id = `jp-cellpipe-param-${p.name}`;
    let input: JSX.Element;
    if (p.type === 'BOOLEAN') {
      input = (
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          onChange={e => set(e.target.checked)}
        />
      );
    } else if (p.type === 'LIST' || p.type === 'STRUCT') {
      input = (
        <textarea
          id={id}
          className="jp-mod-styled"
          style={styles.control}
          rows={2}
          value={String(value)}
          onChange={e => set(e.target.value)}
        />
      );
    } else {
      input = (
        <input
          id={id}
          className="jp-mod-styled"
          style={styles.control}
          type={p.type === 'STRING' ? 'text' : 'number'}
          step={p.type === 'NUMBER_INTEGER' ? 1 : 'any'}
          value={String(value)}
          onChange={e => set(e.target.value)}
        />
      );
    }
    return (
      <div key={p.name} className="jp-cellpipe-run-param" style={styles.row}>
        <label htmlFor={id} style={styles.label}>
          {p.name} <span style={styles.type}>{p.type}</span>
        </label>
        {input}
        {errors[p.name] && (
          <span className="jp-cellpipe-run-field-error" style={styles.error}>
            {errors[p.name]}
          </span>
        )}
      </div>
    );
  };

  const editing = phase === 'editing' || phase === 'confirming';
  const stageLabel = (stage: SubmitStage) => {
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
  };
  const unplaced = pkg?.dataFiles.unplaced ?? [];
  return (
    <div className="jp-cellpipe-run-dialog" style={styles.dialog}>
      <h2 style={styles.heading}>{trans.__('Compile & Run: %1', pipelineName)}</h2>
      <div style={styles.scroll}>
        <fieldset disabled={!editing} style={styles.fieldset}>
          <div style={styles.row}>
            <label htmlFor="jp-cellpipe-run-name" style={styles.label}>
              {trans.__('Run name')}
            </label>
            <input
              id="jp-cellpipe-run-name"
              className="jp-mod-styled"
              style={styles.control}
              value={runName}
              onChange={e => setRunName(e.target.value)}
            />
          </div>
          <div style={styles.row}>
            <label htmlFor="jp-cellpipe-run-namespace" style={styles.label}>
              {trans.__('Namespace')}
            </label>
            <input
              id="jp-cellpipe-run-namespace"
              className="jp-mod-styled"
              style={styles.control}
              placeholder={trans.__('the server default')}
              value={namespace}
              onChange={e => setNamespace(e.target.value)}
            />
          </div>
          <div style={styles.row}>
            <label htmlFor="jp-cellpipe-run-experiment" style={styles.label}>
              {trans.__('Experiment')}
            </label>
            <select
              id="jp-cellpipe-run-experiment"
              className="jp-mod-styled"
              style={styles.control}
              value={experiment}
              disabled={experiments === null}
              onChange={e => setExperiment(e.target.value)}
            >
              {(experiments ?? []).map(e => (
                <option key={e.experiment_id} value={e.experiment_id}>
                  {e.display_name || e.experiment_id}
                </option>
              ))}
              <option value={NEW_EXPERIMENT}>{trans.__('New experiment…')}</option>
            </select>
            {experiment === NEW_EXPERIMENT && (
              <input
                aria-label={trans.__('New experiment name')}
                className="jp-mod-styled jp-cellpipe-run-new-experiment"
                style={{ ...styles.control, marginLeft: 148 }}
                value={newExperiment}
                onChange={e => setNewExperiment(e.target.value)}
              />
            )}
          </div>
          {parameters.length > 0 && (
            <div className="jp-cellpipe-run-params">
              <h3 style={styles.subheading}>{trans.__('Parameters')}</h3>
              {parameters.map(field)}
            </div>
          )}
        </fieldset>
        {!editing && (
          <ol className="jp-cellpipe-run-progress" style={styles.progress}>
            {STAGES.filter(s => stages.includes(s)).map((s, i, shown) => {
              const current = i === shown.length - 1 && phase === 'submitting';
              return (
                <li key={s} data-stage={s} data-state={current ? 'active' : 'done'}>
                  {current ? '… ' : '✓ '}
                  {stageLabel(s)}
                </li>
              );
            })}
          </ol>
        )}
        {result && (
          <div className="jp-cellpipe-run-created" style={styles.created}>
            {trans.__('Run created: ')}
            <strong>{result.run.display_name ?? runName}</strong>{' '}
            {result.run.ui_url && (
              <a href={result.run.ui_url} target="_blank" rel="noopener noreferrer" style={LINK}>
                {trans.__('Open in Kubeflow Pipelines')}
              </a>
            )}
            <div style={styles.type}>
              {result.published.created_pipeline
                ? trans.__('New pipeline uploaded.')
                : trans.__('Uploaded as version %1.', result.published.version_name || '')}
            </div>
          </div>
        )}
        {serverError && (
          <pre className="jp-cellpipe-run-error" style={styles.errorBox}>
            {serverError}
          </pre>
        )}
        <div style={styles.row}>
          <button
            className="jp-mod-styled jp-cellpipe-run-yaml-toggle"
            disabled={yaml === null}
            onClick={() => setShowYaml(s => !s)}
          >
            {showYaml ? trans.__('Hide YAML') : trans.__('View YAML')}
          </button>
          {yaml === null && !compileError && <span>{trans.__('Compiling…')}</span>}
        </div>
        {pkg && pkg.dataFiles.upload.length > 0 && (
          <div className="jp-cellpipe-run-datafiles" role="status" style={styles.type}>
            {trans.__(
              "On submit, first uploaded to the pipeline's object store (unchanged files are not sent again): %1",
              pkg.dataFiles.upload.join(', ')
            )}
          </div>
        )}
        {pkg?.warnings.map((w, i) => (
          <div key={i} className="jp-cellpipe-run-warning" role="status" style={styles.warning}>
            {trans.__('Warning: %1', w.message)}
          </div>
        ))}
        {showYaml && yaml !== null && (
          <pre className="jp-cellpipe-run-yaml" style={styles.yaml}>
            {yaml}
          </pre>
        )}
        {compileError && (
          <pre className="jp-cellpipe-run-error" style={styles.errorBox}>
            {compileError}
          </pre>
        )}
      </div>
      {phase === 'confirming' && (
        <div className="jp-cellpipe-run-confirm" role="alertdialog" style={styles.confirm}>
          <p style={styles.confirmText}>
            {unplaced.length === 1
              ? trans.__('1 file will not exist in the pod: %1', unplaced[0])
              : trans.__(
                  '%1 files will not exist in the pod: %2',
                  unplaced.length,
                  unplaced.length > NAMED_FILES
                    ? trans.__(
                        '%1 and %2 more',
                        unplaced.slice(0, NAMED_FILES).join(', '),
                        unplaced.length - NAMED_FILES
                      )
                    : unplaced.join(', ')
                )}
            <br />
            <span style={styles.type}>
              {trans.__(
                'No step writes them and nothing brings them to the cluster: choose how under Files (upload, a URI, the workspace volume, or the image).'
              )}
            </span>
          </p>
          <button
            className="jp-mod-styled jp-mod-warn jp-cellpipe-run-confirm-submit"
            onClick={() => void submit(true)}
          >
            {trans.__('Submit anyway')}
          </button>{' '}
          <button
            className="jp-mod-styled jp-mod-reject jp-cellpipe-run-confirm-cancel"
            onClick={() => setPhase('editing')}
          >
            {trans.__('Cancel')}
          </button>
        </div>
      )}
      <div className="jp-Dialog-footer" style={styles.footer}>
        <div className="jp-Dialog-footerButtons">
          <button className="jp-Dialog-button jp-mod-reject jp-mod-styled" onClick={props.onClose}>
            <div className="jp-Dialog-buttonLabel">
              {phase === 'submitted' ? trans.__('Close') : trans.__('Cancel')}
            </div>
          </button>
          {phase !== 'submitted' && phase !== 'confirming' && (
            <button
              className="jp-Dialog-button jp-mod-accept jp-mod-styled jp-cellpipe-run-submit"
              disabled={!canSubmit}
              title={problems.join('\n')}
              onClick={() => void submit()}
            >
              <div className="jp-Dialog-buttonLabel">{trans.__('Submit run')}</div>
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

/** JupyterLab resets link colours outside rendered Markdown; links here should look like links. */
export const LINK: React.CSSProperties = {
  color: 'var(--jp-content-link-color)',
  textDecoration: 'underline'
};

const styles: Record<string, React.CSSProperties> = {
  dialog: { display: 'flex', flexDirection: 'column', minHeight: 0, height: '100%' },
  heading: { fontSize: 'var(--jp-ui-font-size2)', margin: '0 0 8px' },
  subheading: { fontSize: 'var(--jp-ui-font-size1)', margin: '8px 0 4px' },
  scroll: { overflow: 'auto', flex: '1 1 auto', minHeight: 0 },
  fieldset: { border: 'none', padding: 0, margin: 0 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, margin: '4px 0' },
  label: { width: 140, flex: '0 0 140px' },
  type: { color: 'var(--jp-ui-font-color2)', fontSize: 'var(--jp-ui-font-size0)' },
  error: { color: 'var(--jp-error-color1)', flexBasis: '100%', marginLeft: 148 },
  errorBox: { color: 'var(--jp-error-color1)', whiteSpace: 'pre-wrap', margin: '8px 0' },
  warning: { color: 'var(--jp-warn-color0)', whiteSpace: 'pre-wrap', margin: '8px 0' },
  yaml: {
    maxHeight: 240,
    overflow: 'auto',
    background: 'var(--jp-layout-color2)',
    padding: 8,
    fontFamily: 'var(--jp-code-font-family)',
    fontSize: 'var(--jp-code-font-size)'
  },
  progress: { margin: '8px 0', paddingLeft: 0, listStyle: 'none' },
  created: { margin: '8px 0' },
  footer: { paddingTop: 12 },
  confirm: {
    margin: '8px 0 0',
    padding: 8,
    border: '1px solid var(--jp-warn-color1)',
    background: 'var(--jp-layout-color2)'
  },
  confirmText: { margin: '0 0 8px', whiteSpace: 'pre-wrap' },
  control: { flex: '1 1 220px', minWidth: 0, maxWidth: 420, width: 'auto' }
};
