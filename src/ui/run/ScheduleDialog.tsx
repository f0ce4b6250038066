/**
 * The "Schedule" dialog: a recurring run of the notebook's pipeline on KFP — a cron expression (read
 * aloud as it is typed) or an interval, start and end, how many runs at once, catch-up, parameter values,
 * experiment. Uploads the pipeline as "Compile & Run" does, then creates the schedule.
 */
import * as React from 'react';
import { FileClient, IFileClient, IKfpClient, KfpRecurringRun } from '../../server-api';
import { errorText } from '../errors';
import { describeCron } from './cron';
import { CompileRequest, CompiledPackage, readPackage, specName } from './dialog-model';
import { ParameterFields } from './dialog/ParameterFields';
import { FieldValue, fieldText, parametersOfSpec, parseFields } from './fields';
import { schedulePipeline } from './submit';
import { Trans, plainTrans } from './trans';

export interface ScheduleDialogProps {
  client: IKfpClient;
  compile: (request?: CompileRequest) => Promise<string | CompiledPackage>;
  files?: Pick<IFileClient, 'uploadDataFiles'>;
  pipelineName?: string;
  namespace?: string;
  /** The notebook's experiment; default: Default. */
  experimentName?: string;
  onCreated?: (schedule: KfpRecurringRun) => void;
  onClose: () => void;
  trans?: Trans;
}

type Every = 'cron' | 'interval';

/** A `datetime-local` value (the user's local time) as RFC 3339 UTC, or '' when empty or not a time. */
function utc(local: string): string {
  const ms = local ? Date.parse(local) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
}

export function ScheduleDialog(props: ScheduleDialogProps): JSX.Element {
  const trans = props.trans ?? plainTrans;
  const { client, compile } = props;
  const [pkg, setPkg] = React.useState<Required<CompiledPackage> | null>(null);
  const [compileError, setCompileError] = React.useState<string | null>(null);
  const [every, setEvery] = React.useState<Every>('cron');
  const [cron, setCron] = React.useState('0 6 * * 1');
  const [minutes, setMinutes] = React.useState('60');
  const [start, setStart] = React.useState('');
  const [end, setEnd] = React.useState('');
  const [concurrency, setConcurrency] = React.useState('1');
  const [catchup, setCatchup] = React.useState(true);
  const [name, setName] = React.useState('');
  const [experiment, setExperiment] = React.useState(props.experimentName || 'Default');
  const [fields, setFields] = React.useState<Record<string, FieldValue>>({});
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const [created, setCreated] = React.useState<KfpRecurringRun | null>(null);

  React.useEffect(() => {
    let live = true;
    compile().then(
      compiled => live && setPkg(readPackage(compiled)),
      e => live && setCompileError(errorText(e))
    );
    return () => {
      live = false;
    };
  }, [compile]);

  const pipelineName = props.pipelineName || specName(pkg) || 'pipeline';
  const parameters = pkg ? parametersOfSpec(pkg.pipelineSpec) : [];
  const edited = Object.fromEntries(parameters.map(p => [p.name, fields[p.name] ?? fieldText(p)]));
  const { values, errors } = parseFields(parameters, edited);
  const reading = describeCron(cron);
  const interval = Math.round(Number(minutes) * 60);
  const max = Number(concurrency);
  const problems = [
    ...(every === 'cron' && !reading.ok ? [reading.error] : []),
    ...(every === 'interval' && !(interval >= 60)
      ? [trans.__('The interval must be at least 1 minute')]
      : []),
    ...(Number.isInteger(max) && max >= 1 && max <= 10
      ? []
      : [trans.__('Runs at once must be from 1 to 10')]),
    ...(start && end && utc(end) <= utc(start)
      ? [trans.__('The end must be after the start')]
      : []),
    ...(experiment.trim() ? [] : [trans.__('Name the experiment')]),
    ...Object.values(errors)
  ];
  const canSubmit = pkg !== null && !busy && !created && problems.length === 0;

  const submit = async () => {
    if (!canSubmit || !pkg) {
      return;
    }
    setBusy(true);
    setError(null);
    const namespace = props.namespace || undefined;
    try {
      const listed = await client.listExperiments(namespace);
      const found = listed.find(e => e.display_name === experiment.trim());
      const { upload, notebookPath } = pkg.dataFiles;
      const done = await schedulePipeline(client, {
        yaml: upload.length
          ? async dataFileUris => readPackage(await compile({ dataFileUris })).yaml
          : pkg.yaml,
        dataFiles: upload.length
          ? { notebookPath, upload, client: props.files ?? new FileClient() }
          : undefined,
        pipelineName,
        runName: name.trim() || `${pipelineName} (${every === 'cron' ? cron : `${minutes} min`})`,
        namespace,
        experiment: found ? { id: found.experiment_id } : { name: experiment.trim() },
        parameters: values,
        schedule: {
          ...(every === 'cron' ? { cron: cron.trim() } : { interval_seconds: interval }),
          start_time: utc(start) || undefined,
          end_time: utc(end) || undefined,
          max_concurrency: max,
          catchup
        }
      });
      setCreated(done.schedule);
      props.onCreated?.(done.schedule);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const row = (id: string, label: string, control: React.ReactNode) => (
    <div className="jp-cellpipe-run-row">
      <label htmlFor={id} className="jp-cellpipe-run-label">
        {label}
      </label>
      {control}
    </div>
  );
  return (
    <div className="jp-cellpipe-run-dialog jp-cellpipe-schedule-dialog">
      <h2 className="jp-cellpipe-run-heading">{trans.__('Schedule: %1', pipelineName)}</h2>
      <div className="jp-cellpipe-run-scroll">
        <fieldset disabled={busy || created !== null} className="jp-cellpipe-run-fieldset">
          {row(
            'jp-cellpipe-schedule-every',
            trans.__('Runs'),
            <select
              id="jp-cellpipe-schedule-every"
              className="jp-mod-styled jp-cellpipe-run-control"
              value={every}
              onChange={e => setEvery(e.target.value as Every)}
            >
              <option value="cron">{trans.__('on a cron schedule')}</option>
              <option value="interval">{trans.__('at an interval')}</option>
            </select>
          )}
          {every === 'cron'
            ? row(
                'jp-cellpipe-schedule-cron',
                trans.__('Cron (UTC)'),
                <input
                  id="jp-cellpipe-schedule-cron"
                  className="jp-mod-styled jp-cellpipe-run-control"
                  value={cron}
                  placeholder="minute hour day month weekday"
                  onChange={e => setCron(e.target.value)}
                />
              )
            : row(
                'jp-cellpipe-schedule-minutes',
                trans.__('Every (minutes)'),
                <input
                  id="jp-cellpipe-schedule-minutes"
                  className="jp-mod-styled jp-cellpipe-run-control"
                  inputMode="numeric"
                  value={minutes}
                  onChange={e => setMinutes(e.target.value)}
                />
              )}
          {every === 'cron' && (
            <div
              className="jp-cellpipe-run-indented jp-cellpipe-schedule-reading"
              data-ok={String(reading.ok)}
              role="status"
            >
              {reading.ok ? reading.text : reading.error}
            </div>
          )}
          {row(
            'jp-cellpipe-schedule-start',
            trans.__('Start (optional)'),
            <input
              id="jp-cellpipe-schedule-start"
              type="datetime-local"
              className="jp-mod-styled jp-cellpipe-run-control"
              value={start}
              onChange={e => setStart(e.target.value)}
            />
          )}
          {row(
            'jp-cellpipe-schedule-end',
            trans.__('End (optional)'),
            <input
              id="jp-cellpipe-schedule-end"
              type="datetime-local"
              className="jp-mod-styled jp-cellpipe-run-control"
              value={end}
              onChange={e => setEnd(e.target.value)}
            />
          )}
          {row(
            'jp-cellpipe-schedule-concurrency',
            trans.__('Runs at once'),
            <input
              id="jp-cellpipe-schedule-concurrency"
              className="jp-mod-styled jp-cellpipe-run-control"
              inputMode="numeric"
              value={concurrency}
              onChange={e => setConcurrency(e.target.value)}
            />
          )}
          <div className="jp-cellpipe-run-row">
            <label className="jp-cellpipe-schedule-catchup">
              <input
                type="checkbox"
                checked={catchup}
                onChange={e => setCatchup(e.target.checked)}
              />{' '}
              {trans.__('Catch up: start every run missed while paused or behind')}
            </label>
          </div>
          {row(
            'jp-cellpipe-schedule-name',
            trans.__('Name'),
            <input
              id="jp-cellpipe-schedule-name"
              className="jp-mod-styled jp-cellpipe-run-control"
              placeholder={`${pipelineName} (${every === 'cron' ? cron : `${minutes} min`})`}
              value={name}
              onChange={e => setName(e.target.value)}
            />
          )}
          {row(
            'jp-cellpipe-schedule-experiment',
            trans.__('Experiment'),
            <input
              id="jp-cellpipe-schedule-experiment"
              className="jp-mod-styled jp-cellpipe-run-control"
              value={experiment}
              onChange={e => setExperiment(e.target.value)}
            />
          )}
          <ParameterFields
            parameters={parameters}
            values={edited}
            errors={errors}
            onChange={(p, value) => setFields(f => ({ ...f, [p]: value }))}
            trans={trans}
          />
        </fieldset>
        {pkg === null && !compileError && <div>{trans.__('Compiling…')}</div>}
        {compileError && <pre className="jp-cellpipe-run-error">{compileError}</pre>}
        {error && <pre className="jp-cellpipe-run-error">{error}</pre>}
        {created && (
          <div className="jp-cellpipe-run-created jp-cellpipe-schedule-created">
            {trans.__('Schedule created: ')}
            <strong>{created.display_name ?? name}</strong>{' '}
            {created.ui_url && (
              <a
                href={created.ui_url}
                target="_blank"
                rel="noopener noreferrer"
                className="jp-cellpipe-link"
              >
                {trans.__('Open in Kubeflow Pipelines')}
              </a>
            )}
          </div>
        )}
      </div>
      <div className="jp-Dialog-footer jp-cellpipe-run-footer">
        {!canSubmit && !created && problems.length > 0 && (
          <span className="jp-cellpipe-run-submit-reason" role="status">
            {problems[0]}
          </span>
        )}
        <div className="jp-Dialog-footerButtons">
          <button className="jp-Dialog-button jp-mod-reject jp-mod-styled" onClick={props.onClose}>
            <div className="jp-Dialog-buttonLabel">
              {created ? trans.__('Close') : trans.__('Cancel')}
            </div>
          </button>
          {!created && (
            <button
              className="jp-Dialog-button jp-mod-accept jp-mod-styled jp-cellpipe-schedule-submit"
              disabled={!canSubmit}
              title={problems.join('\n')}
              onClick={() => void submit()}
            >
              <div className="jp-Dialog-buttonLabel">
                {busy ? trans.__('Scheduling…') : trans.__('Create schedule')}
              </div>
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
