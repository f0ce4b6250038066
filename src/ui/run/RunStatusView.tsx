/**
 * The live view of a submitted run fed by the KFP API (phase and elapsed time; per step in pipeline
 * order: state, duration, links to its logs and visualization in KFP's UI; terminate/retry) and the list
 * of a pipeline's recent runs. The graph colours its steps from the same model (`onWatch`).
 */
import { ISignal } from '@lumino/signaling';
import * as React from 'react';
import { IKfpClient, KfpRun, ListRunsRequest } from '../../server-api';
import { isFinished, runPhase, stepDuration } from './state';
import { elapsedText } from './dialog-model';
import { useNow } from './use-now';
import { RunStatusModel } from './status';
import { Trans, plainTrans } from './trans';
import { errorText } from '../errors';

export interface RunStatusViewProps {
  model: RunStatusModel;
  /** For Terminate and Retry; hidden when absent. */
  client?: Pick<IKfpClient, 'terminateRun' | 'retryRun'>;
  trans?: Trans;
}

/** Renders again whenever `signal` fires. */
function useSignal(signal: ISignal<unknown, unknown>): void {
  const [, bump] = React.useReducer((n: number) => n + 1, 0);
  React.useEffect(() => {
    const slot = () => bump();
    signal.connect(slot);
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
}

export function RunStatusView(props: RunStatusViewProps): JSX.Element {
  useSignal(props.model.changed);
  return <RunStatusBody {...props} />;
}

function RunStatusBody(props: RunStatusViewProps): JSX.Element {
  const { model, client } = props;
  const trans = props.trans ?? plainTrans;
  const [actionError, setActionError] = React.useState<string | null>(null);
  const run = model.run;
  const moving = run !== null && !isFinished(run);
  const now = useNow(moving, 1000);
  const details = model.details;
  const started = run?.created_at ? Date.parse(run.created_at) : NaN;
  const ended = run?.finished_at ? Date.parse(run.finished_at) : NaN;
  const runElapsed = Number.isFinite(started)
    ? (Number.isFinite(ended) && ended > 0 && !moving ? ended : now) - started
    : undefined;
  const act = async (what: 'terminate' | 'retry') => {
    setActionError(null);
    try {
      await (what === 'terminate'
        ? client!.terminateRun(model.runId)
        : client!.retryRun(model.runId));
      model.stop();
      await model.start();
    } catch (error) {
      setActionError(errorText(error));
    }
  };
  return (
    <div className="jp-cellpipe-run-status" data-phase={model.phase}>
      <div className="jp-cellpipe-run-status-row">
        <strong>{run?.display_name ?? model.runId}</strong>
        <span className="jp-cellpipe-run-phase">{trans.__(model.phase)}</span>
        {runElapsed !== undefined && runElapsed >= 0 && ' '}
        {runElapsed !== undefined && runElapsed >= 0 && (
          <span className="jp-cellpipe-muted jp-cellpipe-run-elapsed">
            {elapsedText(runElapsed)}
          </span>
        )}
        {run?.ui_url && (
          <a
            href={run.ui_url}
            target="_blank"
            rel="noopener noreferrer"
            className="jp-cellpipe-link"
          >
            {trans.__('Open in Kubeflow Pipelines')}
          </a>
        )}
      </div>
      <ul className="jp-cellpipe-run-steps jp-cellpipe-run-list">
        {stepsInOrder(model).map(step => {
          const state = model.steps[step];
          const detail = details[step];
          const ms = stepDuration(detail, state, now);
          return (
            <li key={step} data-step={step} data-state={state} className="jp-cellpipe-run-item">
              <span className="jp-cellpipe-run-dot" />
              {step} <span className="jp-cellpipe-muted">{trans.__(state)}</span>
              {ms !== undefined && ' '}
              {ms !== undefined && (
                <span className="jp-cellpipe-muted jp-cellpipe-run-duration">
                  {elapsedText(ms)}
                </span>
              )}
              {detail?.logsUrl && ' '}
              {detail?.logsUrl && (
                <a
                  href={detail.logsUrl}
                  target="_blank"
                  rel="noopener noreferrer"
                  className="jp-cellpipe-link jp-cellpipe-run-logs"
                  title={trans.__('The logs of step %1 in Kubeflow Pipelines', step)}
                >
                  {trans.__('logs')}
                </a>
              )}
              {detail?.visualizationUrl && ' '}
              {detail?.visualizationUrl && (
                <a
                  href={detail.visualizationUrl}
                  target="_blank"
                  rel="noopener noreferrer"
                  className="jp-cellpipe-link jp-cellpipe-run-visualization"
                  title={trans.__('The report of step %1 in Kubeflow Pipelines', step)}
                >
                  {trans.__('report')}
                </a>
              )}
            </li>
          );
        })}
      </ul>
      {model.error && <div className="jp-cellpipe-run-status-error">{model.error}</div>}
      {run?.error?.message && (model.phase === 'failed' || model.phase === 'canceled') && (
        <div className="jp-cellpipe-run-status-error">{run.error.message}</div>
      )}
      {actionError && <div className="jp-cellpipe-run-status-error">{actionError}</div>}
      {client && run && (
        <div className="jp-cellpipe-run-status-row">
          {!isFinished(run) && (
            <button className="jp-mod-styled" onClick={() => void act('terminate')}>
              {trans.__('Terminate')}
            </button>
          )}
          {(run.state === 'FAILED' || run.state === 'CANCELED') && (
            <button className="jp-mod-styled" onClick={() => void act('retry')}>
              {trans.__('Retry')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** The model's steps in pipeline order, then any KFP reported that the order does not know. */
function stepsInOrder(model: RunStatusModel): string[] {
  const order = model.order.filter(step => step in model.steps);
  return [...order, ...Object.keys(model.steps).filter(step => !order.includes(step))];
}

export interface RecentRunsProps {
  client: Pick<IKfpClient, 'listRuns'>;
  /** Which runs: a namespace, an experiment and/or one pipeline. */
  filter?: ListRunsRequest;
  /** Called when a run is picked (e.g. to watch it with a RunStatusModel). */
  onSelect?: (run: KfpRun) => void;
  /** Changing this value reloads the list (e.g. the id of the run just created). */
  reloadKey?: unknown;
  trans?: Trans;
}

export function RecentRuns(props: RecentRunsProps): JSX.Element {
  const trans = props.trans ?? plainTrans;
  const [runs, setRuns] = React.useState<KfpRun[] | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const { client, reloadKey } = props;
  // By value: a filter written inline is a new object each render, the same runs.
  const filterKey = JSON.stringify(props.filter ?? {});
  React.useEffect(() => {
    let live = true;
    const filter = JSON.parse(filterKey) as ListRunsRequest;
    client
      .listRuns({ page_size: 10, ...filter })
      .then(data => {
        if (live) {
          setRuns(data.runs);
          setError(null);
        }
      })
      .catch((e: unknown) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [client, filterKey, reloadKey]);
  if (error) {
    return <div className="jp-cellpipe-run-status-error">{error}</div>;
  }
  if (runs === null) {
    return <div className="jp-cellpipe-muted">{trans.__('Loading runs…')}</div>;
  }
  if (!runs.length) {
    return <div className="jp-cellpipe-muted">{trans.__('No runs yet.')}</div>;
  }
  return (
    <ul className="jp-cellpipe-recent-runs jp-cellpipe-run-list">
      {runs.map(run => (
        <li key={run.run_id} data-run={run.run_id} className="jp-cellpipe-run-item">
          <button
            className="jp-cellpipe-recent-run jp-cellpipe-link-button"
            onClick={() => props.onSelect?.(run)}
          >
            {run.display_name || run.run_id}
          </button>
          <span className="jp-cellpipe-muted">{trans.__(runPhase(run))}</span>
          {run.created_at && (
            <span className="jp-cellpipe-muted">
              {run.created_at.replace('T', ' ').slice(0, 19)}
            </span>
          )}
          {run.ui_url && (
            <a
              href={run.ui_url}
              target="_blank"
              rel="noopener noreferrer"
              title={trans.__('Open in Kubeflow Pipelines')}
            >
              ↗
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}
