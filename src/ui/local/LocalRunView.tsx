import * as React from 'react';
import type { PipelineParameter } from '../../analysis/types';
import type { KeptRun, LocalStep, StartLocalRun } from '../../server-api';
import { GraphView } from '../graph/GraphView';
import type { GraphLayout, GraphNode } from '../graph/layout';
import { elapsedText } from '../run/dialog-model';
import { plainTrans, type Trans } from '../run/trans';
import { LocalRunModel } from './model';
import { RunsCompared, runLabel } from './RunsCompared';
import {
  durationOf,
  inPipelineOrder,
  parameterText,
  parseParameter,
  progressOf,
  pythonLine
} from './run-view';
import { StepDetail, stateLabel } from './StepDetail';

export interface LocalRunViewProps {
  model: LocalRunModel;
  /** Compiles the notebook; resolves with the package YAML or rejects with readable errors. */
  compile: () => Promise<string>;
  notebookPath: string;
  disabledReason?: string;
  trans?: Trans;
  /** The notebook's graph, drawn with the run's step states; absent: no graph. */
  layout?: GraphLayout | null;
  revision?: number;
  /** The pipeline parameters, editable for a local run. */
  parameters?: readonly PipelineParameter[];
  /** The notebook's pipeline name: the run list shows the runs of this notebook only. */
  pipelineName?: string;
  /** Select the cell at a 0-based index. */
  reveal?: (cellIndex: number) => void;
  /** The notebook session's kernel now, asked at each start (a kernel switched but not saved counts). */
  kernelName?: () => string | undefined;
}

const NO_PARAMETERS: readonly PipelineParameter[] = [];
const noReveal = () => undefined;

/**
 * "Run locally": parameters, the run button and its progress, the run's graph and steps in pipeline
 * order (a step opens its report, log, outputs and failure), and the notebook's last runs compared.
 */
export function LocalRunView(props: LocalRunViewProps): JSX.Element {
  const { model, compile, notebookPath, disabledReason, layout, pipelineName } = props;
  const trans = props.trans ?? plainTrans;
  const reveal = props.reveal ?? noReveal;
  const parameters = props.parameters ?? NO_PARAMETERS;
  const [, setTick] = React.useState(0);
  const [startError, setStartError] = React.useState<string | null>(null);
  const [values, setValues] = React.useState<Record<string, string>>({});
  const [selected, setSelected] = React.useState<string | null>(null);
  const [keptId, setKeptId] = React.useState<string | null>(null);
  React.useEffect(() => {
    const onChange = () => setTick(t => t + 1);
    model.changed.connect(onChange);
    return () => {
      model.changed.disconnect(onChange);
    };
  }, [model]);
  // This notebook's run and runs only: another notebook's never show here.
  React.useEffect(() => {
    model.show(notebookPath);
    setValues({});
    setSelected(null);
    setKeptId(null);
    setStartError(null);
  }, [model, notebookPath]);
  React.useEffect(() => {
    void model.loadHistory(notebookPath, pipelineName);
  }, [model, notebookPath, pipelineName]);
  const running = model.running;
  React.useEffect(() => {
    if (!running) {
      return;
    }
    const timer = setInterval(() => setTick(t => t + 1), 1000);
    return () => clearInterval(timer);
  }, [running]);

  const start = async (fromTask?: string) => {
    setStartError(null);
    const overrides: Record<string, unknown> = {};
    for (const parameter of parameters) {
      const text = values[parameter.name];
      if (text === undefined || text === parameterText(parameter)) {
        continue;
      }
      const parsed = parseParameter(parameter.name, parameter.type, text);
      if ('error' in parsed) {
        setStartError(parsed.error);
        return;
      }
      overrides[parameter.name] = parsed.value;
    }
    let yaml: string;
    try {
      yaml = await compile();
    } catch (reason) {
      setStartError(reason instanceof Error ? reason.message : String(reason));
      return;
    }
    setKeptId(null);
    const request: StartLocalRun = { package: yaml, notebookPath };
    if (Object.keys(overrides).length) {
      request.parameters = overrides;
    }
    const kernel = props.kernelName?.();
    if (kernel) {
      request.kernelName = kernel;
    }
    if (fromTask) {
      request.fromStep = fromTask;
    }
    await model.run(request);
  };

  const snapshot = model.snapshot;
  const history = model.history;
  const kept: KeptRun | null =
    (keptId ? history.find(r => r.id === keptId) : null) ??
    (snapshot ? null : (history[0] ?? null));
  const live = !kept && !!snapshot;
  const order = React.useMemo(() => (layout?.nodes ?? []).map(n => n.name), [layout]);
  const steps = inPipelineOrder(kept?.steps ?? snapshot?.steps ?? [], order);
  // Nodes are drawn again only when their own state changes (GraphView compares each node's).
  const states: Record<string, string> = {};
  for (const step of steps) {
    states[step.step] = step.state;
  }
  const failed = steps.find(s => s.state === 'failed');
  const shown = steps.find(s => s.step === selected) ?? failed ?? null;
  const runId = kept?.id ?? snapshot?.id ?? null;
  const progress = progressOf(steps);
  const elapsed = running && model.startedAt !== null ? Date.now() - model.startedAt : null; // ms
  // A step's failure is shown with the step, once; the run's own error only when no step failed, and
  // not over a kept run the user chose (a refused start has no run: its error always shows).
  const runError = live ? (failed ? null : model.error) : snapshot ? null : model.error;
  const error = startError ?? runError;
  const selectNode = React.useCallback((node: GraphNode) => setSelected(node.name), []);
  const firstCell = (step: LocalStep) =>
    layout?.nodes.find(n => n.name === step.step)?.firstCell ?? -1;
  const pythonText = pythonLine(kept ?? snapshot);

  return (
    <div className="jp-cellpipe-local jp-cellpipe-rv">
      {parameters.length > 0 && (
        <fieldset className="jp-cellpipe-rv-params" disabled={running}>
          <legend>{trans.__('Parameters for this run')}</legend>
          {parameters.map(parameter => (
            <label key={parameter.name} className="jp-cellpipe-rv-param-field">
              <span>{parameter.name}</span>
              <input
                className="jp-mod-styled"
                data-parameter={parameter.name}
                value={values[parameter.name] ?? parameterText(parameter)}
                onChange={e => {
                  const text = e.target.value;
                  setValues(v => ({ ...v, [parameter.name]: text }));
                }}
              />
            </label>
          ))}
        </fieldset>
      )}
      <button
        className="jp-mod-styled jp-mod-accept jp-cellpipe-local-run"
        disabled={running || !!disabledReason}
        title={
          disabledReason ?? trans.__('Run the pipeline on this machine, reusing unchanged steps')
        }
        onClick={() => void start()}
      >
        {running ? trans.__('Running locally…') : trans.__('Run locally')}
      </button>
      {live && steps.length > 0 && (
        <p className="jp-cellpipe-rv-progress" role="status">
          {trans.__('%1 of %2 steps done', progress.done, progress.total)}
          {elapsed !== null && ` · ${elapsedText(elapsed)}`}
        </p>
      )}
      {kept && (
        <p className="jp-cellpipe-rv-progress">
          {trans.__('Run %1 (%2)', runLabel(kept.id), kept.state ?? '')}
        </p>
      )}
      {pythonText && (
        <p className="jp-cellpipe-rv-note jp-cellpipe-rv-python">
          {trans.__('Python: %1', pythonText)}
        </p>
      )}
      {error && <pre className="jp-cellpipe-local-error">{error}</pre>}
      {layout && steps.length > 0 && (
        <GraphView
          layout={layout}
          states={states}
          revision={props.revision}
          onSelect={selectNode}
        />
      )}
      {steps.length > 0 && (
        <ul className="jp-cellpipe-local-steps">
          {steps.map(step => {
            const seconds = durationOf(step);
            return (
              <li
                key={step.task}
                data-step={step.step}
                data-state={step.state}
                className={shown?.task === step.task ? 'jp-mod-selected' : undefined}
              >
                <button
                  className="jp-cellpipe-rv-step-button"
                  onClick={() => setSelected(step.step)}
                >
                  <span className={`jp-cellpipe-rv-badge jp-cellpipe-rv-${step.state}`}>
                    {stateLabel(step.state, trans)}
                  </span>{' '}
                  {step.step}
                  {seconds !== null && (
                    <span className="jp-cellpipe-rv-duration"> {elapsedText(seconds * 1000)}</span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {shown && runId && (
        <StepDetail
          client={model.client}
          notebookPath={notebookPath}
          runId={runId}
          live={live}
          step={shown}
          liveLog={live ? stepLines(snapshot?.logs ?? [], shown.step) : []}
          firstCell={firstCell(shown)}
          reveal={reveal}
          onRerun={running || disabledReason ? undefined : () => void start(shown.task)}
          trans={trans}
        />
      )}
      {live && snapshot && snapshot.done && Object.keys(snapshot.metrics).length > 0 && (
        <dl className="jp-cellpipe-local-metrics">
          {Object.entries(snapshot.metrics).map(([name, value]) => (
            <React.Fragment key={name}>
              <dt>{name}</dt>
              <dd>{value.toPrecision(4)}</dd>
            </React.Fragment>
          ))}
        </dl>
      )}
      {live && snapshot && snapshot.logs.length > 0 && (
        <details className="jp-cellpipe-local-logs">
          <summary>{trans.__('Logs of the whole run')}</summary>
          <pre>{snapshot.logs.slice(-80).join('\n')}</pre>
        </details>
      )}
      {model.historyError && <p className="jp-cellpipe-rv-note">{model.historyError}</p>}
      <RunsCompared
        runs={history}
        shownRun={kept?.id ?? null}
        onShow={run => {
          setKeptId(run.id);
          setSelected(null);
        }}
        trans={trans}
      />
    </div>
  );
}

/** The lines of one step in the run's log (`[step] line`), without the prefix. */
export function stepLines(logs: readonly string[], step: string): string[] {
  const prefix = `[${step}] `;
  return logs.filter(line => line.startsWith(prefix)).map(line => line.slice(prefix.length));
}
