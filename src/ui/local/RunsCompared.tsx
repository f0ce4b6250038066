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
/** Room around the line: the value labels sit in the left margin. */
const CHART_PAD = 10;
const CHART_LEFT = 44;

/** `20261201-101500-abc123` → `12-01 10:15:00`. */
export function runLabel(id: string): string {
  const m = /^\d{4}(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(id);
  return m ? `${m[1]}-${m[2]} ${m[3]}:${m[4]}:${m[5]}` : id;
}

/** `20261201-101500-abc123` → `10:15:00`: a column's head (the date is in its title). */
export function runTime(id: string): string {
  return runLabel(id).replace(/^\d{2}-\d{2} /, '');
}

export function RunsCompared(props: RunsComparedProps): JSX.Element | null {
  const trans = props.trans ?? plainTrans;
  const compared = React.useMemo(() => compareRuns(props.runs), [props.runs]);
  const [chosen, setChosen] = React.useState<string | null>(null);
  if (!compared.runs.length) {
    return null;
  }
  const metric = chosen && compared.metrics.includes(chosen) ? chosen : compared.metrics[0];
  const head = (what: string) => (
    <tr className="jp-cellpipe-rv-group">
      <th scope="rowgroup" colSpan={compared.runs.length + 1}>
        {what}
      </th>
    </tr>
  );
  // One column per run, newest first; a row per parameter and per metric: the sidebar is narrow,
  // and a notebook has more parameters and metrics than the runs compared.
  return (
    <div className="jp-cellpipe-rv-compare">
      <h4>{trans.__('Runs compared')}</h4>
      <div className="jp-cellpipe-rv-table-scroll">
        <table className="jp-cellpipe-rv-runs">
          <thead>
            <tr>
              <th scope="col">{trans.__('Run')}</th>
              {compared.runs.map(run => (
                <th
                  key={run.id}
                  scope="col"
                  data-run={run.id}
                  className={run.id === props.shownRun ? 'jp-mod-selected' : undefined}
                >
                  <button
                    className="jp-cellpipe-rv-run-link"
                    title={trans.__('Show run %1 (%2)', runLabel(run.id), run.id)}
                    onClick={() => props.onShow?.(run)}
                  >
                    {runTime(run.id)}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr data-row="state">
              <th scope="row">{trans.__('state')}</th>
              {compared.runs.map(run => (
                <td key={run.id}>{run.state ?? ''}</td>
              ))}
            </tr>
            {compared.parameters.length > 0 && head(trans.__('Parameters'))}
            {compared.parameters.map(p => (
              <tr key={`p-${p}`} data-parameter={p}>
                <th scope="row">{p}</th>
                {compared.runs.map(run => (
                  <td key={run.id}>{cellText(run.parameters[p])}</td>
                ))}
              </tr>
            ))}
            {compared.metrics.length > 0 && head(trans.__('Metrics'))}
            {compared.metrics.map(m => (
              <tr key={`m-${m}`} data-metric={m}>
                <th scope="row">{m}</th>
                {compared.runs.map(run => {
                  const best = compared.best[m] === run.id;
                  return (
                    <td
                      key={run.id}
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
  const points = chartPoints(
    props.runs,
    props.metric,
    CHART_WIDTH,
    CHART_HEIGHT,
    CHART_PAD,
    CHART_LEFT
  );
  const values = points.map(p => p.value);
  const high = Math.max(...values);
  const low = Math.min(...values);
  return (
    <svg
      className="jp-cellpipe-rv-chart-svg"
      viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
      role="img"
      aria-label={props.trans.__(
        '%1 across the last %2 runs, oldest first: from %3 to %4',
        props.metric,
        points.length,
        cellText(low),
        cellText(high)
      )}
    >
      {points.length > 0 && (
        <>
          <text x={2} y={CHART_PAD + 4} className="jp-cellpipe-rv-chart-label">
            {cellText(high)}
          </text>
          {high !== low && (
            <text x={2} y={CHART_HEIGHT - CHART_PAD + 4} className="jp-cellpipe-rv-chart-label">
              {cellText(low)}
            </text>
          )}
        </>
      )}
      <polyline points={points.map(p => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')} />
      {points.map(p => (
        <circle key={p.run} cx={p.x} cy={p.y} r={3} data-run={p.run}>
          <title>{`${runLabel(p.run)}: ${cellText(p.value)}`}</title>
        </circle>
      ))}
    </svg>
  );
}
