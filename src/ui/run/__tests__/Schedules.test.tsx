/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import { KfpClient } from '../../../server-api';
import { FakeServerExtension } from '../../../server-api/__tests__/fake-server';
import { Schedules, utcText } from '../Schedules';
import { until } from './dom';

// Tuesday 1 December 2026, 04:00 UTC.
const NOW = Date.parse('2026-12-01T04:00:00Z');

describe('Schedules: next run and last runs', () => {
  let server: FakeServerExtension;
  let host: HTMLDivElement;
  let root: Root;

  beforeEach(async () => {
    server = await new FakeServerExtension().start();
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
  });

  afterEach(async () => {
    await act(async () => root.unmount());
    host.remove();
    await server.stop();
  });

  const q = (selector: string) => host.querySelector(selector) as HTMLElement;

  it('shows when each schedule runs next and the states of its last runs', async () => {
    server.routes['GET /cellpipe/api/kfp/recurringruns'] = {
      body: {
        recurring_runs: [
          {
            recurring_run_id: 's1',
            status: 'ENABLED',
            trigger: { cron_schedule: { cron: '0 0 6 * * 1' } }
          },
          {
            recurring_run_id: 's2',
            status: 'DISABLED',
            trigger: { cron_schedule: { cron: '0 6 * * *' } }
          },
          {
            recurring_run_id: 's3',
            status: 'ENABLED',
            trigger: {
              periodic_schedule: { interval_second: '3600', end_time: '2026-11-30T00:00:00Z' }
            }
          },
          {
            recurring_run_id: 's4',
            status: 'ENABLED',
            trigger: {
              periodic_schedule: { interval_second: '7200', start_time: '2026-12-01T03:30:00Z' }
            }
          }
        ]
      }
    };
    server.routes['GET /cellpipe/api/kfp/recurringruns/s1/runs'] = {
      body: {
        runs: [
          { run_id: 'r2', state: 'RUNNING', ui_url: 'ui/#/runs/details/r2' },
          { run_id: 'r1', state: 'FAILED', ui_url: 'ui/#/runs/details/r1' }
        ]
      }
    };
    server.routes['GET /cellpipe/api/kfp/recurringruns/s2/runs'] = { body: { runs: [] } };
    server.routes['GET /cellpipe/api/kfp/recurringruns/s3/runs'] = {
      status: 502,
      body: { message: 'KFP did not answer', reason: 'kfp_unreachable' }
    };
    server.routes['GET /cellpipe/api/kfp/recurringruns/s4/runs'] = { body: { runs: [] } };
    await act(async () =>
      root.render(<Schedules client={new KfpClient(server.settings())} now={NOW} />)
    );
    await until(() => host.querySelectorAll('.jp-cellpipe-schedule-runs').length === 4, 'runs');

    const next = (id: string) => q(`[data-schedule="${id}"] .jp-cellpipe-schedule-next`);
    expect(next('s1').textContent).toBe('next: Mon 7 Dec 2026, 06:00 UTC');
    expect(next('s1').dataset.next).toBe('2026-12-07T06:00:00.000Z');
    expect(next('s2').textContent).toBe('no next run'); // disabled
    expect(next('s3').textContent).toBe('no next run'); // its end has passed
    expect(next('s4').dataset.next).toBe('2026-12-01T05:30:00.000Z');

    const runs = [...host.querySelectorAll<HTMLAnchorElement>('[data-schedule="s1"] a[data-run]')];
    expect(runs.map(a => [a.dataset.run, a.dataset.state, a.textContent])).toEqual([
      ['r2', 'RUNNING', 'running'],
      ['r1', 'FAILED', 'failed']
    ]);
    expect(runs[1].getAttribute('href')).toBe('ui/#/runs/details/r1');
    const asked = server.requests.find(r => r.path.endsWith('/recurringruns/s1/runs'));
    expect(asked?.query).toEqual({ page_size: '3' });
    expect(q('[data-schedule="s2"] .jp-cellpipe-schedule-runs').textContent).toBe('no runs yet');
    // KFP's refusal for one schedule's runs stays on that row, and the list stays.
    const unknown = q('[data-schedule="s3"] .jp-cellpipe-schedule-runs');
    expect(unknown.textContent).toBe('last runs unknown');
    expect(unknown.title).toContain('KFP did not answer');
    expect(host.querySelector('.jp-cellpipe-run-status-error')).toBeNull();
  });

  it('writes times in UTC, with seconds only when there are some', () => {
    expect(utcText(new Date('2027-02-28T23:05:00Z'))).toBe('Sun 28 Feb 2027, 23:05 UTC');
    expect(utcText(new Date('2027-02-28T23:05:09Z'))).toBe('Sun 28 Feb 2027, 23:05:09 UTC');
  });
});
