/**
 * The "Compile & Run" dialog: typed parameter fields, experiment (pick or create), run name, namespace,
 * the compiled YAML to look at before submitting, and progress while uploading and creating the run.
 * Data files chosen for upload go to the object store first (the package is then compiled with their
 * URIs); data files with no way to the pods are listed and the user asked before submitting.
 *
 * The state is `dialogReducer`'s (./dialog-model); this component runs the requests and lays out the
 * parts in ./dialog.
 */
import * as React from 'react';
import { FileClient, IFileClient, IKfpClient } from '../../server-api';
import type { TypedParameter } from './fields';
import { taskToStepOf } from './status';
import { Trans, plainTrans } from './trans';
import { SubmitResult, submitRun } from './submit';
import {
  CompiledPackage,
  dialogReducer,
  formOf,
  initialState,
  readPackage,
  specName
} from './dialog-model';
import { RunFields } from './dialog/RunFields';
import { ParameterFields } from './dialog/ParameterFields';
import { DataFilesConfirm, DataFilesNote } from './dialog/DataFilesConfirm';
import { RunCreated, SubmitProgress } from './dialog/SubmitProgress';

export { readPackage } from './dialog-model';
export type { CompiledPackage } from './dialog-model';

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

/** The created run, plus KFP task name → step name for following it with a `RunStatusModel`. */
export interface SubmittedRun extends SubmitResult {
  taskToStep: Record<string, string>;
}

/** How long typing in the namespace field settles before experiments are listed again. */
const NAMESPACE_SETTLE_MS = 300;

const errorText = (error: unknown): string => String((error as Error)?.message ?? error);

export function RunDialog(props: RunDialogProps): JSX.Element {
  const trans = props.trans ?? plainTrans;
  const { client, compile, pipelineName: givenName, experimentName } = props;
  const [state, dispatch] = React.useReducer(dialogReducer, props, initialState);
  const form = formOf(state, props, trans);
  const { pkg, phase } = state;

  // Compile on open: the YAML is then viewable before submitting and is what gets submitted.
  React.useEffect(() => {
    let live = true;
    compile()
      .then(compiled => {
        if (live) {
          const read = readPackage(compiled);
          dispatch({
            type: 'compiled',
            pkg: read,
            pipelineName: givenName || specName(read) || 'pipeline'
          });
        }
      })
      .catch(error => live && dispatch({ type: 'compileFailed', error: errorText(error) }));
    return () => {
      live = false;
    };
  }, [compile, givenName]);

  // The server knows the default namespace (the notebook's profile) and whether KFP answers.
  const givenNamespace = props.namespace;
  React.useEffect(() => {
    let live = true;
    client
      .health()
      .then(health => {
        if (live && !givenNamespace && health.namespace) {
          dispatch({ type: 'serverNamespace', namespace: health.namespace });
        }
      })
      .catch(error => live && dispatch({ type: 'serverFailed', error: errorText(error) }));
    return () => {
      live = false;
    };
  }, [client, givenNamespace]);

  const { namespace } = state;
  React.useEffect(() => {
    let live = true;
    dispatch({ type: 'listingExperiments' });
    const timer = setTimeout(() => {
      client.listExperiments(namespace || undefined).then(
        experiments =>
          live &&
          dispatch({ type: 'experimentsListed', experiments, wanted: experimentName ?? 'Default' }),
        error =>
          live && dispatch({ type: 'serverFailed', error: errorText(error), experiments: [] })
      );
    }, NAMESPACE_SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, namespace, experimentName]);

  /** `confirmed`: the user said Submit anyway to the files that will not exist in the pods. */
  const submit = async (confirmed = false) => {
    if (!form.canSubmit || pkg === null) {
      return;
    }
    const { notebookPath, upload, unplaced } = pkg.dataFiles;
    if (unplaced.length && !confirmed) {
      dispatch({ type: 'confirm' });
      return;
    }
    dispatch({ type: 'submitting', uploading: upload.length > 0 });
    const recompile = async (dataFileUris?: Record<string, string>) =>
      readPackage(await compile({ dataFileUris })).yaml;
    try {
      const done = await submitRun(
        client,
        {
          yaml: upload.length ? recompile : pkg.yaml,
          dataFiles: upload.length
            ? { notebookPath, upload, client: props.files ?? new FileClient() }
            : undefined,
          pipelineName: form.pipelineName,
          runName: state.runName.trim(),
          namespace: state.namespace.trim() || undefined,
          experiment: form.experimentChoice,
          parameters: form.values
        },
        (stage, progress) => dispatch({ type: 'stage', stage, progress })
      );
      dispatch({ type: 'submitted', result: done });
      props.onSubmitted?.({ ...done, taskToStep: taskToStepOf(pkg.steps) });
    } catch (error) {
      dispatch({ type: 'submitFailed', error: errorText(error) });
    }
  };

  return (
    <div className="jp-cellpipe-run-dialog">
      <h2 className="jp-cellpipe-run-heading">
        {trans.__('Compile & Run: %1', form.pipelineName)}
      </h2>
      <div className="jp-cellpipe-run-scroll">
        <fieldset disabled={!form.editing} className="jp-cellpipe-run-fieldset">
          <RunFields
            runName={state.runName}
            namespace={state.namespace}
            experiments={state.experiments}
            experiment={state.experiment}
            newExperiment={state.newExperiment}
            onEdit={patch => dispatch({ type: 'edit', patch })}
            trans={trans}
          />
          <ParameterFields
            parameters={form.parameters}
            values={form.edited}
            errors={form.errors}
            onChange={(name, value) => dispatch({ type: 'field', name, value })}
            trans={trans}
          />
        </fieldset>
        {!form.editing && (
          <SubmitProgress
            stages={state.stages}
            active={phase === 'submitting'}
            upload={state.upload}
            trans={trans}
          />
        )}
        {state.result && <RunCreated result={state.result} runName={state.runName} trans={trans} />}
        {state.serverError && <pre className="jp-cellpipe-run-error">{state.serverError}</pre>}
        <div className="jp-cellpipe-run-row">
          <button
            className="jp-mod-styled jp-cellpipe-run-yaml-toggle"
            disabled={pkg === null}
            onClick={() => dispatch({ type: 'toggleYaml' })}
          >
            {state.showYaml ? trans.__('Hide YAML') : trans.__('View YAML')}
          </button>
          {pkg === null && !state.compileError && <span>{trans.__('Compiling…')}</span>}
        </div>
        {pkg && <DataFilesNote upload={pkg.dataFiles.upload} trans={trans} />}
        {pkg?.warnings.map((w, i) => (
          <div key={i} className="jp-cellpipe-run-warning" role="status">
            {trans.__('Warning: %1', w.message)}
          </div>
        ))}
        {state.showYaml && pkg && <pre className="jp-cellpipe-run-yaml">{pkg.yaml}</pre>}
        {state.compileError && <pre className="jp-cellpipe-run-error">{state.compileError}</pre>}
      </div>
      {phase === 'confirming' && pkg && (
        <DataFilesConfirm
          unplaced={pkg.dataFiles.unplaced}
          onSubmit={() => void submit(true)}
          onCancel={() => dispatch({ type: 'cancelConfirm' })}
          trans={trans}
        />
      )}
      <div className="jp-Dialog-footer jp-cellpipe-run-footer">
        <div className="jp-Dialog-footerButtons">
          <button className="jp-Dialog-button jp-mod-reject jp-mod-styled" onClick={props.onClose}>
            <div className="jp-Dialog-buttonLabel">
              {phase === 'submitted' ? trans.__('Close') : trans.__('Cancel')}
            </div>
          </button>
          {phase !== 'submitted' && phase !== 'confirming' && (
            <button
              className="jp-Dialog-button jp-mod-accept jp-mod-styled jp-cellpipe-run-submit"
              disabled={!form.canSubmit}
              title={form.problems.join('\n')}
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
