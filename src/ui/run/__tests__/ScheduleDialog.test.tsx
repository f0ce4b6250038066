/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import { KfpClient, KfpRecurringRun } from '../../../server-api';
import { FakeServerExtension } from '../../../server-api/__tests__/fake-server';
import { yamlLibrary } from '../../lazy';
import { ScheduleDialog } from '../ScheduleDialog';
import { Schedules } from '../Schedules';
import { setValue, until } from './dom';

const SPEC = {
  pipelineInfo: { name: 'demo' },
  root: {
    inputDefinitions: {
      parameters: { rows: { parameterType: 'NUMBER_INTEGER', defaultValue: 10 } }
    }
  }
};

describe('scheduling', () => {
  let server: FakeServerExtension;
  let host: HTMLDivElement;
  let root: Root;

  beforeAll(() => yamlLibrary.load());

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

  const q = <T extends Element>(selector: string) => host.querySelector<T>(selector)!;

  it('reads the cron aloud, says why it cannot submit, and creates the schedule in the notebook experiment', async () => {
    server.routes['GET /cellpipe/api/kfp/experiments'] = {
      body: { experiments: [{ experiment_id: 'e2', display_name: 'nightly' }] }
    };
    server.routes['POST /cellpipe/api/kfp/pipelines'] = {
      body: { pipeline_id: 'p1', pipeline_version_id: 'v3', created_pipeline: false }
    };
    server.routes['POST /cellpipe/api/kfp/recurringruns'] = {
      body: {
        recurring_run_id: 's1',
        display_name: 'weekly',
        ui_url: 'ui/#/recurringrun/details/s1'
      }
    };
    const created: KfpRecurringRun[] = [];
    await act(async () =>
      root.render(
        <ScheduleDialog
          client={new KfpClient(server.settings())}
          compile={async () => ({ yaml: 'x: 1\n', pipelineSpec: SPEC, steps: [] })}
          namespace="team-a"
          experimentName="nightly"
          onCreated={s => created.push(s)}
          onClose={() => undefined}
        />
      )
    );
    await until(() => !q<HTMLButtonElement>('.jp-cellpipe-schedule-submit').disabled, 'compiled');
    expect(q('.jp-cellpipe-schedule-reading').textContent).toBe('every Monday at 06:00 UTC');

    await act(async () => setValue(q('#jp-cellpipe-schedule-cron'), '0 6 *'));
    expect(q('.jp-cellpipe-schedule-reading').getAttribute('data-ok')).toBe('false');
    expect(q<HTMLButtonElement>('.jp-cellpipe-schedule-submit').disabled).toBe(true);
    expect(q('.jp-cellpipe-run-submit-reason').textContent).toContain('5 fields');

    await act(async () => setValue(q('#jp-cellpipe-schedule-cron'), '30 2 * * *'));
    expect(q('.jp-cellpipe-schedule-reading').textContent).toBe('every day at 02:30 UTC');
    await act(async () => setValue(q('#jp-cellpipe-schedule-concurrency'), '2'));
    await act(async () => q<HTMLInputElement>('.jp-cellpipe-schedule-catchup input').click());
    await act(async () => setValue(q('#jp-cellpipe-schedule-name'), 'weekly'));
    await act(async () => setValue(q('#jp-cellpipe-param-rows'), '5'));
    await act(async () => q<HTMLButtonElement>('.jp-cellpipe-schedule-submit').click());
    await until(() => created.length === 1, 'the schedule');

    const sent = server.requests.find(r => r.path === '/cellpipe/api/kfp/recurringruns')!.body;
    expect(sent).toEqual({
      name: 'weekly',
      experiment_id: 'e2', // the notebook's experiment exists: used, not made again
      parameters: { rows: 5 },
      namespace: 'team-a',
      cron: '30 2 * * *',
      max_concurrency: 2,
      catchup: false,
      pipeline_id: 'p1',
      pipeline_version_id: 'v3'
    });
    expect(server.requests.some(r => r.method === 'POST' && r.path.endsWith('/experiments'))).toBe(
      false
    );
    expect(q('.jp-cellpipe-schedule-created a').getAttribute('href')).toBe(
      'ui/#/recurringrun/details/s1'
    );
  });

  it('lists the schedules with when they run, and disables and deletes one', async () => {
    server.routes['GET /cellpipe/api/kfp/recurringruns'] = {
      body: {
        recurring_runs: [
          {
            recurring_run_id: 's1',
            display_name: 'weekly',
            status: 'ENABLED',
            trigger: { cron_schedule: { cron: '0 0 6 * * 1' } }
          },
          {
            recurring_run_id: 's2',
            display_name: 'hourly',
            status: 'DISABLED',
            trigger: { periodic_schedule: { interval_second: '7200' } }
          }
        ]
      }
    };
    server.routes['POST /cellpipe/api/kfp/recurringruns/s1/disable'] = { body: {} };
    server.routes['DELETE /cellpipe/api/kfp/recurringruns/s2'] = { body: {} };
    await act(async () =>
      root.render(
        <Schedules
          client={new KfpClient(server.settings())}
          filter={{ namespace: 'team-a', pipeline_id: 'p1' }}
        />
      )
    );
    await until(() => !!host.querySelector('[data-schedule="s2"]'), 'the schedules');
    expect(server.requests[0].query).toEqual({ namespace: 'team-a', pipeline_id: 'p1' });
    expect(q('[data-schedule="s1"]').textContent).toContain('every Monday at 06:00 UTC');
    expect(q('[data-schedule="s2"]').textContent).toContain('every 2 h');

    await act(async () =>
      q<HTMLButtonElement>('[data-schedule="s1"] .jp-cellpipe-schedule-toggle').click()
    );
    await until(() => q('[data-schedule="s1"]').getAttribute('data-status') === 'DISABLED', 'off');
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toContain(
      'POST /cellpipe/api/kfp/recurringruns/s1/disable'
    );
    await act(async () =>
      q<HTMLButtonElement>('[data-schedule="s2"] .jp-cellpipe-schedule-delete').click()
    );
    await until(() => !host.querySelector('[data-schedule="s2"]'), 'deleted');
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toContain(
      'DELETE /cellpipe/api/kfp/recurringruns/s2'
    );
  });
});
