/**
 * The pipeline's schedules (KFP recurring runs): each with its state, when it runs, a link to KFP, and
 * enable / disable / delete.
 */
import * as React from 'react';
import type { IKfpClient, KfpRecurringRun, ListRunsRequest } from '../../server-api';
import { errorText } from '../errors';
import { describeCron } from './cron';
import { Trans, plainTrans } from './trans';

export interface SchedulesProps {
  client: Pick<IKfpClient, 'listSchedules' | 'setScheduleEnabled' | 'deleteSchedule'>;
  filter?: ListRunsRequest;
  /** Changing it lists again (e.g. after a schedule was made). */
  reloadKey?: unknown;
  trans?: Trans;
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
