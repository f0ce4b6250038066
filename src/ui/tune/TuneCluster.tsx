/**
 * The Tune dialog's cluster part: "Create in cluster" when the server can (its in-cluster credential),
 * else the reason; once created, the trials table polled from the server (parameters, objective metric,
 * state) and the best trial's parameters with one button that copies them into the notebook's
 * pipeline-parameters cell.
 */
import * as React from 'react';
import type { IKatibClient, KatibExperiment, KatibStatus, KatibTrial } from '../../server-api';
import { errorText } from '../errors';
import { Trans, plainTrans } from '../run/trans';

export interface TuneClusterProps {
  katib: IKatibClient;
  /** The Experiment to create, or null while the search has problems. */
  experiment: Record<string, unknown> | null;
  objective: string;
  /** Copies the values into the parameters cell; answers what it did (shown), or throws why not. */
  applyParameters: (values: Record<string, string>) => string;
  /** Milliseconds between two polls of the Experiment and its Trials. */
  pollMs?: number;
  trans?: Trans;
}

export function TuneCluster(props: TuneClusterProps): JSX.Element {
  const trans = props.trans ?? plainTrans;
  const { katib, pollMs = 5000 } = props;
  const [status, setStatus] = React.useState<KatibStatus | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [name, setName] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);
  const [state, setState] = React.useState<KatibExperiment | null>(null);
  const [trials, setTrials] = React.useState<KatibTrial[]>([]);
  const [applied, setApplied] = React.useState<string | null>(null);

  React.useEffect(() => {
    let live = true;
    katib.status().then(
      s => live && setStatus(s),
      e => live && setError(errorText(e))
    );
    return () => {
      live = false;
    };
  }, [katib]);

  React.useEffect(() => {
    if (!name) {
      return;
    }
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const [experiment, found] = await Promise.all([
          katib.experiment(name),
          katib.trials(name, props.objective)
        ]);
        if (!live) {
          return;
        }
        setState(experiment);
        setTrials(found);
        setError(null);
        if (['Succeeded', 'Failed'].includes(experiment.state)) {
          return;
        }
      } catch (e) {
        if (live) {
          setError(errorText(e));
        }
      }
      if (live) {
        timer = setTimeout(() => void poll(), pollMs);
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [name]); // eslint-disable-line react-hooks/exhaustive-deps

  const create = async () => {
    if (!props.experiment) {
      return;
    }
    setBusy(true);
    try {
      setName(await katib.createExperiment(props.experiment));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const names = [...new Set(trials.flatMap(t => Object.keys(t.parameters)))];

  return (
    <div className="jp-cellpipe-tune-cluster">
      {status && !status.available && (
        <p className="jp-cellpipe-tune-unavailable">
          {trans.__('Create in cluster is not available: %1', status.message)}
        </p>
      )}
      {status?.available && !name && (
        <button
          className="jp-mod-styled jp-mod-accept jp-cellpipe-tune-create"
          disabled={busy || !props.experiment}
          onClick={() => void create()}
        >
          {trans.__('Create in cluster (namespace %1)', status.namespace)}
        </button>
      )}
      {error && <p className="jp-cellpipe-tune-cluster-error">{error}</p>}
      {name && (
        <>
          <p className="jp-cellpipe-tune-experiment">
            {trans.__('Experiment %1: %2', name, state?.state ?? trans.__('Created'))}
          </p>
          <table className="jp-cellpipe-tune-trials-table">
            <thead>
              <tr>
                <th>{trans.__('Trial')}</th>
                {names.map(n => (
                  <th key={n}>{n}</th>
                ))}
                <th>{props.objective}</th>
                <th>{trans.__('State')}</th>
              </tr>
            </thead>
            <tbody>
              {trials.map(t => (
                <tr key={t.name} data-trial={t.name}>
                  <td>{t.name}</td>
                  {names.map(n => (
                    <td key={n}>{t.parameters[n] ?? ''}</td>
                  ))}
                  <td>{t.metric ?? '—'}</td>
                  <td>{t.state}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {state?.best && (
            <div className="jp-cellpipe-tune-best">
              {trans.__(
                'Best trial %1 (%2 = %3):',
                state.best.trial,
                props.objective,
                state.best.metric ?? '—'
              )}{' '}
              <code>
                {Object.entries(state.best.parameters)
                  .map(([k, v]) => `${k} = ${v}`)
                  .join(', ')}
              </code>{' '}
              <button
                className="jp-mod-styled jp-cellpipe-tune-apply"
                onClick={() => {
                  try {
                    setApplied(props.applyParameters(state.best!.parameters));
                  } catch (e) {
                    setApplied(errorText(e));
                  }
                }}
              >
                {trans.__('Copy into the parameters cell')}
              </button>
              {applied && <p className="jp-cellpipe-tune-applied">{applied}</p>}
            </div>
          )}
        </>
      )}
    </div>
  );
}
