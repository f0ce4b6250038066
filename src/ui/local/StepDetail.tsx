/**
 * One step of a local run: its state and duration, its failure mapped to notebook cells, its log (live
 * while it runs), its report in a sandboxed frame, its outputs previewed by the server, a button to its
 * first cell and "Re-run from here".
 */
import * as React from 'react';
import type { ILocalRunClient, LocalStep, StepOutput, StepOutputs } from '../../server-api';
import { plainTrans, type Trans } from '../run/trans';
import { elapsedText } from '../run/dialog-model';
import { cellText, durationOf, failureParts } from './run-view';

export interface StepDetailProps {
  client: ILocalRunClient;
  notebookPath: string;
  /** The run the step belongs to: one followed now, or one kept in the store. */
  runId: string;
  /** Whether the run is followed now: its log comes from `liveLog`, not from the store. */
  live: boolean;
  step: LocalStep;
  /** The step's lines of the run's log so far (a live run). */
  liveLog: readonly string[];
  /** The step's first cell (0-based), or -1. */
  firstCell: number;
  reveal: (cellIndex: number) => void;
  /** Absent: no re-run (the run is going, or the package is not at hand). */
  onRerun?: () => void;
  trans?: Trans;
}

export function StepDetail(props: StepDetailProps): JSX.Element {
  const { client, notebookPath, runId, step, live, reveal } = props;
  const trans = props.trans ?? plainTrans;
  const done = step.state === 'succeeded' || step.state === 'cached';
  const [outputs, setOutputs] = React.useState<StepOutputs | null>(null);
  const [outputsError, setOutputsError] = React.useState<string | null>(null);
  const [keptLog, setKeptLog] = React.useState<string | null>(null);
  React.useEffect(() => {
    setOutputs(null);
    setOutputsError(null);
    if (!done) {
      return;
    }
    let current = true;
    client.outputs({ notebookPath, runId, task: step.task }).then(
      found => current && setOutputs(found),
      (reason: unknown) => current && setOutputsError(String((reason as Error).message ?? reason))
    );
    return () => {
      current = false;
    };
  }, [client, notebookPath, runId, step.task, done]);
  React.useEffect(() => {
    setKeptLog(null);
    if (live || step.state === 'cached') {
      return;
    }
    let current = true;
    client.log({ notebookPath, runId, task: step.task }).then(
      text => current && setKeptLog(text),
      () => current && setKeptLog('')
    );
    return () => {
      current = false;
    };
  }, [client, notebookPath, runId, step.task, step.state, live]);

  const seconds = durationOf(step);
  const log = live ? props.liveLog.join('\n') : (keptLog ?? '');
  return (
    <div className="jp-cellpipe-rv-step" data-step={step.step} data-state={step.state}>
      <div className="jp-cellpipe-rv-step-head">
        <strong>{step.step}</strong>
        <span className={`jp-cellpipe-rv-badge jp-cellpipe-rv-${step.state}`}>
          {stateLabel(step.state, trans)}
        </span>
        {seconds !== null && (
          <span className="jp-cellpipe-rv-duration">{elapsedText(seconds * 1000)}</span>
        )}
        {props.firstCell >= 0 && (
          <button
            className="jp-mod-styled jp-cellpipe-rv-jump"
            onClick={() => reveal(props.firstCell)}
          >
            {trans.__('Go to cell')}
          </button>
        )}
        {props.onRerun && (
          <button
            className="jp-mod-styled jp-cellpipe-rv-rerun"
            title={trans.__(
              'Run this step and every step after it again; the steps before come from the cache'
            )}
            onClick={props.onRerun}
          >
            {trans.__('Re-run from here')}
          </button>
        )}
      </div>
      {step.state === 'cached' && (
        <p className="jp-cellpipe-rv-note">
          {trans.__(
            'Taken from the cache: an earlier run made these outputs with the same code and inputs.'
          )}
        </p>
      )}
      {step.state === 'failed' && step.error && (
        <Failure error={step.error} reveal={reveal} trans={trans} />
      )}
      {(log || step.state === 'running') && (
        <details className="jp-cellpipe-rv-log" open={step.state === 'running'}>
          <summary>{step.state === 'running' ? trans.__('Log (live)') : trans.__('Log')}</summary>
          <pre>{log}</pre>
        </details>
      )}
      {done && outputs && (
        <>
          <h4>{trans.__('Report')}</h4>
          {outputs.report ? (
            <iframe
              className="jp-cellpipe-rv-report"
              title={trans.__('Report of step %1', step.step)}
              sandbox=""
              src={client.reportUrl({ notebookPath, runId, task: step.task })}
            />
          ) : (
            <p className="jp-cellpipe-rv-note jp-cellpipe-rv-no-report">{trans.__('No report')}</p>
          )}
          <h4>{trans.__('Outputs')}</h4>
          {outputs.outputs.length ? (
            <ul className="jp-cellpipe-rv-outputs">
              {outputs.outputs.map(output => (
                <OutputPreview key={output.name} output={output} trans={trans} />
              ))}
            </ul>
          ) : (
            <p className="jp-cellpipe-rv-note">{trans.__('No outputs')}</p>
          )}
        </>
      )}
      {done && outputsError && <p className="jp-cellpipe-rv-note">{outputsError}</p>}
    </div>
  );
}

export function stateLabel(state: LocalStep['state'], trans: Trans): string {
  const labels: Record<LocalStep['state'], string> = {
    pending: trans.__('pending'),
    running: trans.__('running'),
    succeeded: trans.__('succeeded'),
    cached: trans.__('cached'),
    failed: trans.__('failed'),
    skipped: trans.__('skipped'),
    interrupted: trans.__('interrupted')
  };
  return labels[state] ?? state;
}

/** The failure once, each notebook place in it a link to that cell. */
function Failure(props: {
  error: string;
  reveal: (cellIndex: number) => void;
  trans: Trans;
}): JSX.Element {
  return (
    <pre className="jp-cellpipe-rv-failure">
      {failureParts(props.error).map((part, i) =>
        typeof part === 'string' ? (
          <React.Fragment key={i}>{part}</React.Fragment>
        ) : (
          <button
            key={i}
            className="jp-cellpipe-rv-place"
            title={props.trans.__('Go to cell %1, line %2', part.cell, part.line)}
            onClick={() => props.reveal(part.cell - 1)}
          >
            {part.text}
          </button>
        )
      )}
    </pre>
  );
}

function bytesText(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) {
    return '';
  }
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const kib = bytes / 1024;
  return kib < 1024 ? `${kib.toFixed(1)} KiB` : `${(kib / 1024).toFixed(1)} MiB`;
}

function OutputPreview(props: { output: StepOutput; trans: Trans }): JSX.Element {
  const { output, trans } = props;
  const size = bytesText(output.bytes);
  return (
    <li className="jp-cellpipe-rv-output" data-output={output.name} data-kind={output.kind}>
      <code>{output.name}</code> <span className="jp-cellpipe-rv-type">{output.type}</span>
      {output.shape && <span> {trans.__('shape %1', `(${output.shape.join(', ')})`)}</span>}
      {output.dtype && <span> {output.dtype}</span>}
      {output.min !== undefined && (
        <span> {trans.__('min %1 max %2', cellText(output.min), cellText(output.max))}</span>
      )}
      {size && <span className="jp-cellpipe-rv-size"> {size}</span>}
      {output.kind === 'value' && <span> = {cellText(output.value)}</span>}
      {output.kind === 'file' && output.path && <span> {output.path}</span>}
      {output.kind === 'metrics' && output.values && (
        <span>
          {' '}
          {Object.entries(output.values)
            .map(([k, v]) => `${k} ${cellText(v)}`)
            .join(', ')}
        </span>
      )}
      {output.problem && <div className="jp-cellpipe-rv-note">{output.problem}</div>}
      {output.kind === 'table' && output.columns && output.rows && (
        <table className="jp-cellpipe-rv-head">
          <thead>
            <tr>
              {output.columns.map(c => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {output.rows.map((row, i) => (
              <tr key={i}>
                {row.map((v, j) => (
                  <td key={j}>{cellText(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}
