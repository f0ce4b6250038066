/**
 * The pipeline's schedules (KFP recurring runs): each with its state, when it runs, when it runs next
 * (computed here from its trigger), its last runs with their states, a link to KFP, and
 * enable / disable / delete.
 */
import * as React from 'react';
import type { IKfpClient, KfpRecurringRun, KfpRun, ListRunsRequest } from '../../server-api';
import { errorText } from '../errors';
import { describeCron, nextRunTime } from './cron';
import { useNow } from './use-now';
import { Trans, plainTrans } from './trans';

export interface SchedulesProps {
  client: Pick<
    IKfpClient,
    'listSchedules' | 'setScheduleEnabled' | 'deleteSchedule' | 'listScheduleRuns'
  >;
  filter?: ListRunsRequest;
  /** Changing it lists again (e.g. after a schedule was made). */
  reloadKey?: unknown;
  trans?: Trans;
  /** The time next runs are counted from (tests); else the clock, read again each minute. */
  now?: number;
}

/** How many of a schedule's last runs are shown. */
export const LAST_RUNS = 3;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon 7 Dec 2026, 06:00 UTC": schedules run in UTC, so their times are shown in it. */
export function utcText(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ` +
    `${date.getUTCFullYear()}, ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}` +
    (date.getUTCSeconds() ? `:${two(date.getUTCSeconds())}` : '') +
    ' UTC'
  );
}

/** When a schedule next starts a run, from its trigger (null: disabled, ended, or never). */
export function nextRunOf(schedule: KfpRecurringRun, now: number): Date | null {
  const cron = schedule.trigger?.cron_schedule;
  const periodic = schedule.trigger?.periodic_schedule;
  const span = cron?.cron ? cron : periodic;
  return nextRunTime(
    {
      enabled: schedule.status === 'ENABLED',
      cron: cron?.cron,
      intervalSeconds: cron?.cron ? undefined : Number(periodic?.interval_second) || undefined,
      startTime: span?.start_time,
      endTime: span?.end_time,
      createdAt: schedule.created_at
    },
    new Date(now)
  );
}

/** The last runs one schedule started, each its state linked to KFP; quiet when KFP cannot say. */
function LastRuns(props: {
  client: SchedulesProps['client'];
  id: string;
  reloadKey?: unknown;
  trans: Trans;
}): JSX.Element | null {
  const { client, id, reloadKey, trans } = props;
  const [runs, setRuns] = React.useState<KfpRun[] | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  React.useEffect(() => {
    let live = true;
    client.listScheduleRuns(id, LAST_RUNS).then(
      list => live && (setRuns(list.slice(0, LAST_RUNS)), setError(null)),
      e => live && setError(errorText(e))
    );
    return () => {
      live = false;
    };
  }, [client, id, reloadKey]);
  if (error) {
    return (
      <span className="jp-cellpipe-muted jp-cellpipe-schedule-runs" title={error}>
        {trans.__('last runs unknown')}
      </span>
    );
  }
  if (runs === null) {
    return null;
  }
  return (
    <span className="jp-cellpipe-muted jp-cellpipe-schedule-runs">
      {runs.length ? trans.__('last runs:') : trans.__('no runs yet')}
      {runs.map(run => (
        <React.Fragment key={run.run_id}>
          {' '}
          <a
            className="jp-cellpipe-schedule-run"
            data-run={run.run_id}
            data-state={run.state ?? ''}
            href={run.ui_url}
            target="_blank"
            rel="noopener noreferrer"
            title={`${run.display_name || run.run_id}${run.created_at ? ` · ${utcText(new Date(run.created_at))}` : ''}`}
          >
            {(run.state || 'unknown').toLowerCase()}
          </a>
        </React.Fragment>
      ))}
    </span>
  );
}

/** When a schedule runs, in words: the cron read aloud, or the interval. */
export function whenText(schedule: KfpRecurringRun, trans: Trans): string {
  const cron = schedule.trigger?.cron_schedule?.cron;
  if (cron) {
    const reading = describeCron(cron);
    return reading.ok ? reading.text : cron;
  }
  const seconds = Number(schedule.trigger?.periodic_schedule?.interval_second);
  if (Number.isFinite(seconds) && seconds > 0) {
    return seconds % 3600 === 0
      ? trans.__('every %1 h', seconds / 3600)
      : trans.__('every %1 min', Math.round(seconds / 60));
  }
  return '';
}

export function Schedules(props: SchedulesProps): JSX.Element | null {
  const trans = props.trans ?? plainTrans;
  const { client, reloadKey } = props;
  const clock = useNow(props.now === undefined, 60_000);
  const now = props.now ?? clock;
  const [schedules, setSchedules] = React.useState<KfpRecurringRun[] | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const filterKey = JSON.stringify(props.filter ?? {});
  React.useEffect(() => {
    let live = true;
    client.listSchedules(JSON.parse(filterKey) as ListRunsRequest).then(
      list => live && (setSchedules(list), setError(null)),
      e => live && setError(errorText(e))
    );
    return () => {
      live = false;
    };
  }, [client, filterKey, reloadKey]);

  const act = async (id: string, what: 'enable' | 'disable' | 'delete') => {
    setError(null);
    try {
      if (what === 'delete') {
        await client.deleteSchedule(id);
      } else {
        await client.setScheduleEnabled(id, what === 'enable');
      }
      // What KFP says now, rather than what was asked.
      setSchedules(list =>
        (list ?? [])
          .filter(s => what !== 'delete' || s.recurring_run_id !== id)
          .map(s =>
            s.recurring_run_id === id && what !== 'delete'
              ? { ...s, status: what === 'enable' ? 'ENABLED' : 'DISABLED' }
              : s
          )
      );
    } catch (e) {
      setError(errorText(e));
    }
  };

  if (schedules === null && !error) {
    return null;
  }
  return (
    <div className="jp-cellpipe-schedules">
      <h3 className="jp-cellpipe-recent-runs-title">{trans.__('Schedules')}</h3>
      {error && <div className="jp-cellpipe-run-status-error">{error}</div>}
      {schedules && !schedules.length && (
        <div className="jp-cellpipe-muted">{trans.__('No schedules.')}</div>
      )}
      <ul className="jp-cellpipe-run-list">
        {(schedules ?? []).map(s => {
          const enabled = s.status === 'ENABLED';
          const next = nextRunOf(s, now);
          return (
            <li
              key={s.recurring_run_id}
              data-schedule={s.recurring_run_id}
              data-status={s.status ?? ''}
              className="jp-cellpipe-run-item jp-cellpipe-schedule"
            >
              <span>{s.display_name || s.recurring_run_id}</span>{' '}
              <span className="jp-cellpipe-muted">{whenText(s, trans)}</span>{' '}
              <span className="jp-cellpipe-muted jp-cellpipe-schedule-status">
                {enabled ? trans.__('enabled') : trans.__('disabled')}
              </span>{' '}
              <span
                className="jp-cellpipe-muted jp-cellpipe-schedule-next"
                data-next={next?.toISOString() ?? ''}
              >
                {next ? trans.__('next: %1', utcText(next)) : trans.__('no next run')}
              </span>{' '}
              <LastRuns
                client={client}
                id={s.recurring_run_id}
                reloadKey={reloadKey}
                trans={trans}
              />{' '}
              <button
                className="jp-cellpipe-link-button jp-cellpipe-schedule-toggle"
                onClick={() => void act(s.recurring_run_id, enabled ? 'disable' : 'enable')}
              >
                {enabled ? trans.__('Disable') : trans.__('Enable')}
              </button>{' '}
              <button
                className="jp-cellpipe-link-button jp-cellpipe-schedule-delete"
                onClick={() => void act(s.recurring_run_id, 'delete')}
              >
                {trans.__('Delete')}
              </button>
              {s.ui_url && (
                <>
                  {' '}
                  <a
                    href={s.ui_url}
                    target="_blank"
                    rel="noopener noreferrer"
                    title={trans.__('Open in Kubeflow Pipelines')}
                  >
                    ↗
                  </a>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
