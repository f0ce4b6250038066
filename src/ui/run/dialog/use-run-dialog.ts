/**
 * What the Run dialog does: its state (`dialogReducer`), the requests that fill it — compile on open,
 * the server's namespace, the experiments of the namespace once typing settles — and `submit`.
 */
import * as React from 'react';
import { FileClient } from '../../../server-api';
import { submitRun } from '../submit';
import { taskToStepOf } from '../status';
import type { Trans } from '../trans';
import {
  DialogAction,
  DialogForm,
  DialogState,
  RunDialogProps,
  dialogReducer,
  formOf,
  initialState,
  readPackage,
  specName
} from '../dialog-model';
import { errorText } from '../../errors';
import { yamlLibrary } from '../../lazy';

/** How long typing in the namespace field settles before experiments are listed again. */
const NAMESPACE_SETTLE_MS = 300;

export interface RunDialogControl {
  state: DialogState;
  form: DialogForm;
  dispatch: React.Dispatch<DialogAction>;
  /** `confirmed`: the user said Submit anyway to the files that will not exist in the pods. */
  submit: (confirmed?: boolean) => Promise<void>;
  /** Asks the server again whether KFP answers. */
  recheck: () => void;
}

export function useRunDialog(props: RunDialogProps, trans: Trans): RunDialogControl {
  const { client, compile, pipelineName: givenName, experimentName } = props;
  const [state, dispatch] = React.useReducer(dialogReducer, props, initialState);
  const [asked, setAsked] = React.useState(0);
  const recheck = React.useCallback(() => setAsked(n => n + 1), []);
  const form = formOf(state, props, trans);
  const { pkg } = state;

  // Compile on open: the YAML is then viewable before submitting and is what gets submitted.
  React.useEffect(() => {
    let live = true;
    compile()
      // YAML text is read by the yaml library: fetched then, not at start-up.
      .then(async compiled => {
        if (typeof compiled === 'string') {
          await yamlLibrary.load();
        }
        return compiled;
      })
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

  // The server knows the default namespace (the notebook's profile) and whether KFP answers: Submit waits.
  const givenNamespace = props.namespace;
  React.useEffect(() => {
    let live = true;
    dispatch({ type: 'connection', state: { kind: 'checking' } });
    client.status().then(
      connection => {
        if (live) {
          dispatch({ type: 'connection', state: { kind: 'known', connection } });
          if (connection.reachable && !givenNamespace && connection.namespace) {
            dispatch({ type: 'serverNamespace', namespace: connection.namespace });
          }
        }
      },
      error =>
        live && dispatch({ type: 'connection', state: { kind: 'failed', error: errorText(error) } })
    );
    return () => {
      live = false;
    };
  }, [client, givenNamespace, asked]);

  const { namespace } = state;
  const reachable = state.kfp.kind === 'known' && state.kfp.connection.reachable;
  React.useEffect(() => {
    let live = true;
    if (!reachable) {
      return;
    }
    dispatch({ type: 'listingExperiments' });
    const timer = setTimeout(() => {
      client.listExperiments(namespace || undefined).then(
        experiments =>
          live &&
          dispatch({ type: 'experimentsListed', experiments, wanted: experimentName ?? '' }),
        error =>
          live && dispatch({ type: 'serverFailed', error: errorText(error), experiments: [] })
      );
    }, NAMESPACE_SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, namespace, experimentName, reachable]);

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
    dispatch({ type: 'submitting', uploading: upload.length > 0, at: Date.now() });
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
        (stage, progress) => dispatch({ type: 'stage', stage, progress, at: Date.now() })
      );
      dispatch({ type: 'submitted', result: done, at: Date.now() });
      props.onSubmitted?.({ ...done, taskToStep: taskToStepOf(pkg.steps) });
    } catch (error) {
      dispatch({ type: 'submitFailed', error: errorText(error), at: Date.now() });
    }
  };

  return { state, form, dispatch, submit, recheck };
}
