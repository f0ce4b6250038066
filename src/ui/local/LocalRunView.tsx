import * as React from 'react';
import { plainTrans, type Trans } from '../run/trans';
import { LocalRunModel } from './model';

export interface LocalRunViewProps {
  model: LocalRunModel;
  /** Compiles the notebook; resolves with the package YAML or rejects with readable errors. */
  compile: () => Promise<string>;
  notebookPath: string;
  disabledReason?: string;
  trans?: Trans;
}

/** "Run locally": compiles, runs on the Jupyter server's machine, shows states, logs and metrics. */
export function LocalRunView(props: LocalRunViewProps): JSX.Element {
  const { model, compile, notebookPath, disabledReason } = props;
  const trans = props.trans ?? plainTrans;
  const [, setTick] = React.useState(0);
  const [compileError, setCompileError] = React.useState<string | null>(null);
  React.useEffect(() => {
    const onChange = () => setTick(t => t + 1);
    model.changed.connect(onChange);
    return () => {
      model.changed.disconnect(onChange);
    };
  }, [model]);
  const start = async () => {
    setCompileError(null);
    let yaml: string;
    try {
      yaml = await compile();
    } catch (reason) {
      setCompileError(reason instanceof Error ? reason.message : String(reason));
      return;
    }
    await model.run({ package: yaml, notebookPath });
  };
  const snapshot = model.snapshot;
  const error = compileError ?? model.error;
  return (
    <div className="jp-cellpipe-local">
      <button
        className="jp-mod-styled jp-mod-accept jp-cellpipe-local-run"
        disabled={model.running || !!disabledReason}
        title={
          disabledReason ?? trans.__('Run the pipeline on this machine, reusing unchanged steps')
        }
        onClick={() => void start()}
      >
        {model.running ? trans.__('Running locally…') : trans.__('Run locally')}
      </button>
      {snapshot && (
        <ul className="jp-cellpipe-local-steps">
          {snapshot.steps.map(step => (
            <li key={step.task} data-step={step.step} data-state={step.state}>
              <span className={`jp-cellpipe-state jp-cellpipe-state-${step.state}`}>
                {step.state}
              </span>{' '}
              {step.step}
            </li>
          ))}
        </ul>
      )}
      {snapshot && Object.keys(snapshot.metrics).length > 0 && (
        <dl className="jp-cellpipe-local-metrics">
          {Object.entries(snapshot.metrics).map(([name, value]) => (
            <React.Fragment key={name}>
              <dt>{name}</dt>
              <dd>{value.toPrecision(4)}</dd>
            </React.Fragment>
          ))}
        </dl>
      )}
      {error && <pre className="jp-cellpipe-local-error">{error}</pre>}
      {snapshot && snapshot.logs.length > 0 && (
        <details className="jp-cellpipe-local-logs">
          <summary>{trans.__('Logs')}</summary>
          <pre>{snapshot.logs.slice(-80).join('\n')}</pre>
        </details>
      )}
    </div>
  );
}
