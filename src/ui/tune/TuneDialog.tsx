/**
 * The "Tune" dialog: a Katib search over the notebook's pipeline parameters (one row each: fixed, a
 * range or a list), the objective (a pipeline metric), the algorithm and trial counts; the Experiment
 * YAML to copy or download. Prefilled from `kubeflow_notebook.katib_metadata`, written back there only
 * on Save (docs/tuning.md).
 */
import * as React from 'react';
import type { CompileResult } from '../../compiler';
import { buildExperiment } from '../../compiler/katib';
import {
  DEFAULT_SEARCH,
  KATIB_ALGORITHMS,
  KatibAlgorithm,
  KatibMetadataError,
  KatibParameter,
  KatibSearch,
  readKatibMetadata,
  writeKatibMetadata
} from '../../model/katib';
import type { IKatibClient } from '../../server-api';
import { errorText } from '../errors';
import { Trans, plainTrans } from '../run/trans';
import { TuneCluster } from './TuneCluster';

export interface TuneDialogProps {
  /** The notebook compiled as for a run (data imports off: a trial pod has no notebook folder). */
  compile: () => Promise<CompileResult>;
  /** The notebook's metadata now. */
  metadata: Record<string, unknown>;
  /** Writes the notebook's metadata (Save only). */
  save: (metadata: Record<string, unknown>) => void;
  onClose: () => void;
  /** The server's Katib client: "Create in cluster" and the trials (absent: the YAML only). */
  katib?: IKatibClient;
  /** Copies a trial's values into the parameters cell (KFP types by name); answers what it did. */
  applyParameters?: (values: Record<string, string>, types: Record<string, string>) => string;
  trans?: Trans;
}

type Mode = 'fixed' | 'range' | 'list';
interface Row {
  mode: Mode;
  min: string;
  max: string;
  step: string;
  list: string;
}

const KATIB_TYPE: Record<string, 'int' | 'double' | undefined> = {
  NUMBER_INTEGER: 'int',
  NUMBER_DOUBLE: 'double'
};
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

type Parameters = Record<string, { parameterType: string; defaultValue?: unknown }>;

function rowOf(stored: KatibParameter | undefined): Row {
  const empty: Row = { mode: 'fixed', min: '', max: '', step: '', list: '' };
  if (!stored) {
    return empty;
  }
  const space = stored.feasibleSpace;
  return 'list' in space
    ? { ...empty, mode: 'list', list: space.list.join(', ') }
    : { ...empty, mode: 'range', min: space.min, max: space.max, step: space.step ?? '' };
}

/** The rows as Katib parameters (fixed rows left out). */
export function searchedParameters(
  rows: Record<string, Row>,
  parameters: Parameters
): KatibParameter[] {
  const out: KatibParameter[] = [];
  for (const [name, row] of Object.entries(rows)) {
    const kfp = parameters[name]?.parameterType;
    if (row.mode === 'range') {
      out.push({
        name,
        parameterType: KATIB_TYPE[kfp] ?? 'double',
        feasibleSpace: row.step.trim()
          ? { min: row.min.trim(), max: row.max.trim(), step: row.step.trim() }
          : { min: row.min.trim(), max: row.max.trim() }
      });
    } else if (row.mode === 'list') {
      const list = row.list
        .split(',')
        .map(v => v.trim())
        .filter(Boolean);
      const numeric = KATIB_TYPE[kfp] !== undefined && list.every(v => NUMBER.test(v));
      out.push({
        name,
        parameterType: numeric ? 'discrete' : 'categorical',
        feasibleSpace: { list }
      });
    }
  }
  return out;
}

export function TuneDialog(props: TuneDialogProps): JSX.Element {
  const trans = props.trans ?? plainTrans;
  const [result, setResult] = React.useState<CompileResult | null>(null);
  const [compileError, setCompileError] = React.useState<string | null>(null);
  const stored = React.useMemo(() => {
    try {
      return { search: readKatibMetadata(props.metadata) };
    } catch (e) {
      return { error: errorText(e) };
    }
  }, [props.metadata]);
  const [rows, setRows] = React.useState<Record<string, Row>>({});
  const [metric, setMetric] = React.useState(stored.search?.objective.objectiveMetricName ?? '');
  const [type, setType] = React.useState(stored.search?.objective.type ?? 'maximize');
  const [goal, setGoal] = React.useState(
    stored.search?.objective.goal === undefined ? '' : String(stored.search.objective.goal)
  );
  const [algorithm, setAlgorithm] = React.useState<KatibAlgorithm>(
    stored.search?.algorithm ?? DEFAULT_SEARCH.algorithm
  );
  const [counts, setCounts] = React.useState({
    maxTrialCount: String(stored.search?.maxTrialCount ?? DEFAULT_SEARCH.maxTrialCount),
    parallelTrialCount: String(
      stored.search?.parallelTrialCount ?? DEFAULT_SEARCH.parallelTrialCount
    ),
    maxFailedTrialCount: String(
      stored.search?.maxFailedTrialCount ?? DEFAULT_SEARCH.maxFailedTrialCount
    )
  });
  const [saved, setSaved] = React.useState(false);
  const [copied, setCopied] = React.useState(false);

  React.useEffect(() => {
    let live = true;
    props.compile().then(
      compiled => {
        if (!live) {
          return;
        }
        setResult(compiled);
        const params = parametersOf(compiled);
        setRows(
          Object.fromEntries(
            Object.keys(params).map(name => [
              name,
              rowOf(stored.search?.parameters.find(p => p.name === name))
            ])
          )
        );
        setMetric(m => m || compiled.metrics[0] || '');
      },
      e => live && setCompileError(errorText(e))
    );
    return () => {
      live = false;
    };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const parameters = result ? parametersOf(result) : {};
  const search: KatibSearch = {
    parameters: searchedParameters(rows, parameters),
    objective: {
      type,
      objectiveMetricName: metric,
      ...(goal.trim() ? { goal: Number(goal) } : {})
    },
    algorithm,
    maxTrialCount: Number(counts.maxTrialCount),
    parallelTrialCount: Number(counts.parallelTrialCount),
    maxFailedTrialCount: Number(counts.maxFailedTrialCount)
  };
  let yaml = '';
  let experiment: Record<string, unknown> | null = null;
  let problems: string[] = [];
  if (result) {
    try {
      ({ yaml, experiment } = buildExperiment(result, search));
    } catch (e) {
      problems = e instanceof KatibMetadataError ? e.problems : [errorText(e)];
    }
  }
  const setRow = (name: string, patch: Partial<Row>) => {
    setRows(r => ({ ...r, [name]: { ...r[name], ...patch } }));
    setSaved(false);
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'experiment.yaml';
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <div className="jp-cellpipe-tune-dialog" role="dialog" aria-label={trans.__('Tune with Katib')}>
      <h2>{trans.__('Tune with Katib')}</h2>
      {stored.error && <p className="jp-cellpipe-tune-stored-error">{stored.error}</p>}
      {compileError && <pre className="jp-cellpipe-tune-compile-error">{compileError}</pre>}
      {!result && !compileError && <p>{trans.__('Compiling…')}</p>}
      {result && (
        <>
          <table className="jp-cellpipe-tune-parameters">
            <thead>
              <tr>
                <th>{trans.__('Parameter')}</th>
                <th>{trans.__('Search')}</th>
                <th>{trans.__('Space')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(rows).map(([name, row]) => (
                <tr key={name} data-parameter={name}>
                  <td>
                    <code>{name}</code> = {JSON.stringify(parameters[name]?.defaultValue)}
                  </td>
                  <td>
                    <select
                      aria-label={trans.__('Search of %1', name)}
                      className="jp-cellpipe-tune-mode"
                      value={row.mode}
                      onChange={e => setRow(name, { mode: e.target.value as Mode })}
                    >
                      <option value="fixed">{trans.__('fixed')}</option>
                      {KATIB_TYPE[parameters[name]?.parameterType] && (
                        <option value="range">{trans.__('range')}</option>
                      )}
                      <option value="list">{trans.__('list of values')}</option>
                    </select>
                  </td>
                  <td>
                    {row.mode === 'range' && (
                      <>
                        {(['min', 'max', 'step'] as const).map(key => (
                          <input
                            key={key}
                            className={`jp-cellpipe-tune-${key}`}
                            aria-label={`${name} ${key}`}
                            placeholder={key}
                            size={6}
                            value={row[key]}
                            onChange={e => setRow(name, { [key]: e.target.value })}
                          />
                        ))}
                      </>
                    )}
                    {row.mode === 'list' && (
                      <input
                        className="jp-cellpipe-tune-list"
                        aria-label={`${name} values`}
                        placeholder="a, b, c"
                        value={row.list}
                        onChange={e => setRow(name, { list: e.target.value })}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="jp-cellpipe-tune-objective">
            <label>
              {trans.__('Objective')}{' '}
              <select value={type} onChange={e => setType(e.target.value as 'maximize')}>
                <option value="maximize">{trans.__('maximize')}</option>
                <option value="minimize">{trans.__('minimize')}</option>
              </select>{' '}
              <select
                className="jp-cellpipe-tune-metric"
                aria-label={trans.__('Metric')}
                value={metric}
                onChange={e => setMetric(e.target.value)}
              >
                {result.metrics.map(m => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </label>{' '}
            <label>
              {trans.__('Goal')}{' '}
              <input size={6} value={goal} onChange={e => setGoal(e.target.value)} />
            </label>
          </div>
          <div className="jp-cellpipe-tune-trials">
            <label>
              {trans.__('Algorithm')}{' '}
              <select
                value={algorithm}
                onChange={e => setAlgorithm(e.target.value as KatibAlgorithm)}
              >
                {KATIB_ALGORITHMS.map(a => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </label>{' '}
            {(
              [
                ['maxTrialCount', trans.__('Max trials')],
                ['parallelTrialCount', trans.__('Parallel')],
                ['maxFailedTrialCount', trans.__('Max failed')]
              ] as const
            ).map(([key, label]) => (
              <label key={key}>
                {label}{' '}
                <input
                  size={3}
                  value={counts[key]}
                  onChange={e => setCounts(c => ({ ...c, [key]: e.target.value }))}
                />{' '}
              </label>
            ))}
          </div>
          {problems.length > 0 ? (
            <ul className="jp-cellpipe-tune-problems">
              {problems.map(p => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : (
            <textarea
              className="jp-cellpipe-tune-yaml"
              aria-label={trans.__('Katib Experiment')}
              readOnly
              rows={12}
              value={yaml}
            />
          )}
          {props.katib && (
            <TuneCluster
              katib={props.katib}
              experiment={problems.length ? null : experiment}
              objective={metric}
              applyParameters={values => {
                if (!props.applyParameters) {
                  throw new Error(trans.__('The notebook cannot be edited here'));
                }
                const types = Object.fromEntries(
                  Object.entries(parameters).map(([name, p]) => [name, p.parameterType])
                );
                return props.applyParameters(values, types);
              }}
              trans={trans}
            />
          )}
        </>
      )}
      <div className="jp-Dialog-footer jp-cellpipe-run-footer">
        <div className="jp-Dialog-footerButtons jp-cellpipe-tune-footer">
          <button
            className="jp-Dialog-button jp-mod-styled jp-cellpipe-tune-save"
            disabled={!result || problems.length > 0}
            title={trans.__(
              "Write the search into the notebook's kubeflow_notebook.katib_metadata"
            )}
            onClick={() => {
              props.save(writeKatibMetadata(props.metadata, search));
              setSaved(true);
            }}
          >
            {saved ? trans.__('Saved') : trans.__('Save to notebook')}
          </button>
          <button
            className="jp-Dialog-button jp-mod-styled jp-cellpipe-tune-copy"
            disabled={!yaml || problems.length > 0}
            onClick={() =>
              void navigator.clipboard?.writeText(yaml).then(
                () => setCopied(true),
                () => undefined
              )
            }
          >
            {copied ? trans.__('Copied') : trans.__('Copy YAML')}
          </button>
          <button
            className="jp-Dialog-button jp-mod-styled jp-cellpipe-tune-download"
            disabled={!yaml || problems.length > 0}
            onClick={download}
          >
            {trans.__('Download')}
          </button>
          <button className="jp-Dialog-button jp-mod-styled jp-mod-reject" onClick={props.onClose}>
            {trans.__('Close')}
          </button>
        </div>
      </div>
    </div>
  );
}

function parametersOf(result: CompileResult): Parameters {
  return (
    (result.pipelineSpec as { root?: { inputDefinitions?: { parameters?: Parameters } } }).root
      ?.inputDefinitions?.parameters ?? {}
  );
}
