/**
 * The last local runs of the notebook side by side: parameter values and metrics, the best value of each
 * metric marked, and a small chart of one metric across the runs (SVG, no chart library).
 */
import * as React from 'react';
import type { KeptRun } from '../../server-api';
import { plainTrans, type Trans } from '../run/trans';
import { cellText, chartPoints, compareRuns } from './run-view';

export interface RunsComparedProps {
  runs: readonly KeptRun[];
  /** The run shown above (its row is marked). */
  shownRun?: string | null;
  onShow?: (run: KeptRun) => void;
  trans?: Trans;
}

const CHART_WIDTH = 220;
const CHART_HEIGHT = 72;

/** `20261201-101500-abc123` → `12-01 10:15:00`. */
export function runLabel(id: string): string {
  const m = /^\d{4}(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(id);
  return m ? `${m[1]}-${m[2]} ${m[3]}:${m[4]}:${m[5]}` : id;
}

export function RunsCompared(props: RunsComparedProps): JSX.Element | null {
  const trans = props.trans ?? plainTrans;
  const compared = React.useMemo(() => compareRuns(props.runs), [props.runs]);
  const [chosen, setChosen] = React.useState<string | null>(null);
  if (!compared.runs.length) {
    return null;
  }
  const metric = chosen && compared.metrics.includes(chosen) ? chosen : compared.metrics[0];
  return (
    <div className="jp-cellpipe-rv-compare">
      <h4>{trans.__('Runs compared')}</h4>
      <div className="jp-cellpipe-rv-table-scroll">
        <table className="jp-cellpipe-rv-runs">
          <thead>
            <tr>
              <th>{trans.__('Run')}</th>
              <th>{trans.__('State')}</th>
              {compared.parameters.map(p => (
                <th key={`p-${p}`} className="jp-cellpipe-rv-param">
                  {p}
                </th>
              ))}
              {compared.metrics.map(m => (
                <th key={`m-${m}`} className="jp-cellpipe-rv-metric">
                  {m}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {compared.runs.map(run => (
              <tr
                key={run.id}
                data-run={run.id}
                className={run.id === props.shownRun ? 'jp-mod-selected' : undefined}
              >
                <td>
                  <button
                    className="jp-cellpipe-rv-run-link"
                    title={trans.__('Show this run')}
                    onClick={() => props.onShow?.(run)}
                  >
                    {runLabel(run.id)}
                  </button>
                </td>
                <td>{run.state ?? ''}</td>
                {compared.parameters.map(p => (
                  <td key={`p-${p}`}>{cellText(run.parameters[p])}</td>
                ))}
                {compared.metrics.map(m => {
                  const best = compared.best[m] === run.id;
                  return (
                    <td
                      key={`m-${m}`}
                      className={best ? 'jp-cellpipe-rv-best' : undefined}
                      title={best ? trans.__('best %1', m) : undefined}
                    >
                      {cellText(run.metrics[m])}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {metric && (
        <div className="jp-cellpipe-rv-chart">
          <label>
            {trans.__('Chart of')}{' '}
            <select value={metric} onChange={e => setChosen(e.target.value)}>
              {compared.metrics.map(m => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          <MetricChart runs={compared.runs} metric={metric} trans={trans} />
        </div>
      )}
    </div>
  );
}

function MetricChart(props: { runs: KeptRun[]; metric: string; trans: Trans }): JSX.Element {
  const points = chartPoints(props.runs, props.metric, CHART_WIDTH, CHART_HEIGHT);
  return (
    <svg
      className="jp-cellpipe-rv-chart-svg"
      viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
      role="img"
      aria-label={props.trans.__(
        '%1 across the last %2 runs, oldest first',
        props.metric,
        points.length
      )}
    >
      <polyline points={points.map(p => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')} />
      {points.map(p => (
        <circle key={p.run} cx={p.x} cy={p.y} r={3} data-run={p.run}>
          <title>{`${runLabel(p.run)}: ${cellText(p.value)}`}</title>
        </circle>
      ))}
    </svg>
  );
}
