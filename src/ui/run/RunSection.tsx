/**
 * The run part of the deployment panel in one piece: the connection to KFP, the "Compile & Run" button
 * (opening the dialog), the live status of the run being watched, and the pipeline's recent runs (only
 * once KFP answers: an unreachable KFP is said so, not shown as "no runs").
 */
import * as React from 'react';
import type { IFileClient, IKfpClient, KfpRecurringRun, KfpRun } from '../../server-api';
import { CompileRequest, CompiledPackage, SubmittedRun } from './RunDialog';
import { KfpConnectionView, unavailableReason, useKfpConnection } from './connection';
import type { ScheduleDialogProps } from './ScheduleDialog';
import { Schedules } from './Schedules';
import { RecentRuns, RunStatusView } from './RunStatusView';
import { RunStatusModel } from './status';
import { Trans, plainTrans } from './trans';
import { errorText } from '../errors';

export interface RunSectionProps {
  client: IKfpClient;
  /** Uploads the data files chosen for upload (the plugin's IServerApi `files`); see `RunDialogProps.files`. */
  files?: Pick<IFileClient, 'uploadDataFiles'>;
  /** Compiles the current notebook (e.g. the compiler's `compileNotebook(...)`); see `RunDialogProps.compile`. */
  compile: (request?: CompileRequest) => Promise<string | CompiledPackage>;
  /** Opens the dialog; the panel passes `showRunDialog` (a modal), tests may render inline. */
  openDialog: (props: {
    client: IKfpClient;
    files?: Pick<IFileClient, 'uploadDataFiles'>;
    compile: (request?: CompileRequest) => Promise<string | CompiledPackage>;
    pipelineName?: string;
    namespace?: string;
    experimentName?: string;
    trans?: Trans;
  }) => Promise<SubmittedRun | null>;
  /** Opens the Schedule dialog (the panel passes `showScheduleDialog`); no Schedule button when absent. */
  openSchedule?: (props: Omit<ScheduleDialogProps, 'onClose'>) => Promise<KfpRecurringRun | null>;
  /** The pipeline's name in KFP; its recent runs are listed (all runs of the namespace when absent). */
  pipelineName?: string;
  /** Namespace from the user's settings; default: the server's. */
  namespace?: string;
  /** The notebook's experiment (`kubeflow_notebook.experiment_name`, the panel's Experiment). */
  experimentName?: string;
  /** KFP task name → step name for runs picked from the list (a submitted run brings its own). */
  taskToStep?: Readonly<Record<string, string>>;
  /** The run being watched changed (null: none): colour the graph from `model.steps` on `model.changed`. */
  onWatch?: (model: RunStatusModel | null) => void;
  /** Why Compile & Run is unavailable (e.g. the notebook has errors); enabled when absent. */
  disabledReason?: string;
  trans?: Trans;
}

export function RunSection(props: RunSectionProps): JSX.Element {
  const trans = props.trans ?? plainTrans;
  const [model, setModel] = React.useState<RunStatusModel | null>(null);
  const connection = useKfpConnection(props.client);
  const unavailable = unavailableReason(connection.state, trans);
  // The pipeline whose runs are listed: undefined while looking it up, null when KFP has none yet.
  const [pipelineId, setPipelineId] = React.useState<string | null | undefined>(undefined);
  const [lookupError, setLookupError] = React.useState<string | null>(null);
  const [mapping, setMapping] = React.useState<Readonly<Record<string, string>>>(
    props.taskToStep ?? {}
  );
  const [reloadKey, setReloadKey] = React.useState(0);

  const watch = (runId: string, taskToStep: Readonly<Record<string, string>>) => {
    const next = new RunStatusModel({ client: props.client, runId, taskToStep });
    setModel(next); // the effect below disposes the one it replaces
    props.onWatch?.(next);
    void next.start();
  };

  const { client, pipelineName, namespace } = props;
  const reachable = unavailable === undefined;
  React.useEffect(() => {
    let live = true;
    if (pipelineName && reachable) {
      setPipelineId(undefined);
      setLookupError(null);
      client.findPipeline(pipelineName, namespace || undefined).then(
        found => live && setPipelineId(current => current ?? found?.pipeline_id ?? null),
        error => live && setLookupError(errorText(error))
      );
    }
    return () => {
      live = false;
    };
  }, [client, pipelineName, namespace, reachable]);

  React.useEffect(() => () => model?.dispose(), [model]);
  // On unmount, the watcher of the moment hears that nothing is watched any more.
  const onWatch = React.useRef(props.onWatch);
  onWatch.current = props.onWatch;
  React.useEffect(() => {
    const latest = onWatch;
    return () => latest.current?.(null);
  }, []);

  const open = async () => {
    const result = await props.openDialog({
      client: props.client,
      files: props.files,
      compile: props.compile,
      pipelineName: props.pipelineName,
      namespace: props.namespace,
      experimentName: props.experimentName,
      trans: props.trans
    });
    if (result) {
      setMapping(result.taskToStep);
      setPipelineId(result.published.pipeline_id);
      setReloadKey(k => k + 1);
      watch(result.run.run_id, result.taskToStep);
    }
  };

  const schedule = async () => {
    const made = await props.openSchedule?.({
      client: props.client,
      files: props.files,
      compile: props.compile,
      pipelineName: props.pipelineName,
      namespace: props.namespace,
      experimentName: props.experimentName,
      trans: props.trans
    });
    if (made) {
      setPipelineId(made.pipeline_version_reference?.pipeline_id || pipelineId);
      setReloadKey(k => k + 1);
    }
  };

  const pick = (run: KfpRun) => watch(run.run_id, props.taskToStep ?? mapping);

  return (
    <div className="jp-cellpipe-run-section">
      <KfpConnectionView control={connection} trans={props.trans} />
      <button
        className="jp-mod-styled jp-mod-accept jp-cellpipe-compile-run"
        disabled={props.disabledReason !== undefined}
        title={
          props.disabledReason ?? trans.__('Compile the notebook and run it on Kubeflow Pipelines')
        }
        onClick={() => void open()}
      >
        {trans.__('Compile & Run')}
      </button>
      {props.openSchedule && (
        <button
          className="jp-mod-styled jp-cellpipe-schedule-open"
          disabled={props.disabledReason !== undefined}
          title={
            props.disabledReason ?? trans.__('Run the pipeline on a schedule on Kubeflow Pipelines')
          }
          onClick={() => void schedule()}
        >
          {trans.__('Schedule…')}
        </button>
      )}
      {model && <RunStatusView model={model} client={props.client} trans={props.trans} />}
      <h3 className="jp-cellpipe-recent-runs-title">{trans.__('Recent runs')}</h3>
      {!reachable ? (
        <div className="jp-cellpipe-recent-runs-unavailable jp-cellpipe-muted">
          {trans.__('Runs are listed once Kubeflow Pipelines answers.')}
        </div>
      ) : lookupError ? (
        <div className="jp-cellpipe-run-status-error">{lookupError}</div>
      ) : props.pipelineName && pipelineId === null ? (
        <div className="jp-cellpipe-recent-runs-empty">{trans.__('No runs yet.')}</div>
      ) : props.pipelineName && pipelineId === undefined ? (
        <div>{trans.__('Loading runs…')}</div>
      ) : (
        <RecentRuns
          client={props.client}
          filter={{ namespace: props.namespace || undefined, pipeline_id: pipelineId ?? undefined }}
          reloadKey={reloadKey}
          onSelect={pick}
          trans={props.trans}
        />
      )}
      {reachable &&
        props.openSchedule &&
        !lookupError &&
        (!props.pipelineName || typeof pipelineId === 'string') && (
          <Schedules
            client={props.client}
            filter={{
              namespace: props.namespace || undefined,
              pipeline_id: pipelineId ?? undefined
            }}
            reloadKey={reloadKey}
            trans={props.trans}
          />
        )}
    </div>
  );
}
