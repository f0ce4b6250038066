/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import { KfpClient } from '../../../server-api';
import { FakeServerExtension } from '../../../server-api/__tests__/fake-server';
import { RecentRuns, RunStatusView } from '../RunStatusView';
import { RunStatusModel } from '../status';
import { until } from './dom';

describe('run views', () => {
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

  it('shows each step state, the KFP link, and terminates a running run', async () => {
    let state = 'RUNNING';
    server.routes['GET /cellpipe/api/kfp/runs/r1'] = () => ({
      body: {
        run_id: 'r1',
        display_name: 'nightly',
        state,
        ui_url: 'http://kfp/#/runs/details/r1',
        run_details: {
          task_details: [
            {
              display_name: 'load-data',
              state: 'SUCCEEDED',
              executor_detail: {},
              start_time: '2026-01-01T00:00:00Z',
              end_time: '2026-01-01T00:00:02Z',
              logs_url: 'http://kfp/#/runs/details/r1?task=t1',
              visualization_url: 'http://kfp/#/artifacts/5'
            },
            {
              display_name: 'train',
              state: state === 'RUNNING' ? 'RUNNING' : 'CANCELED',
              start_time: '2026-01-01T00:00:02Z',
              logs_url: 'http://kfp/#/runs/details/r1?task=t2'
            }
          ]
        }
      }
    });
    server.routes['POST /cellpipe/api/kfp/runs/r1/terminate'] = () => {
      state = 'CANCELED';
      return { body: { run_id: 'r1', terminated: true } };
    };
    const client = new KfpClient(server.settings());
    let polls = 0;
    const model = new RunStatusModel({
      client,
      runId: 'r1',
      taskToStep: { 'load-data': 'load_data', train: 'train', report: 'report' },
      scheduler: () => {
        polls++;
        return () => undefined;
      }
    });
    await act(async () => root.render(<RunStatusView model={model} client={client} />));
    await act(async () => model.start());
    const q = (s: string) => host.querySelector<HTMLElement>(s);
    const stateOf = (step: string) => q(`[data-step="${step}"]`)?.getAttribute('data-state');
    await until(() => stateOf('train') === 'running', 'the first poll');
    expect(stateOf('load_data')).toBe('cached');
    expect(stateOf('report')).toBe('pending');
    expect(q('.jp-cellpipe-run-status')!.getAttribute('data-phase')).toBe('running');
    expect(q('.jp-cellpipe-run-status a')!.getAttribute('href')).toBe(
      'http://kfp/#/runs/details/r1'
    );
    expect(polls).toBe(1);
    // In pipeline order, with each step's duration and its logs and report in KFP's UI.
    expect(
      [...host.querySelectorAll('[data-step]')].map(li => li.getAttribute('data-step'))
    ).toEqual(['load_data', 'train', 'report']);
    expect(q('[data-step="load_data"] .jp-cellpipe-run-duration')!.textContent).toBe('2.0 s');
    expect(q('[data-step="train"] .jp-cellpipe-run-duration')).not.toBeNull(); // running: to now
    expect(q('[data-step="report"] .jp-cellpipe-run-duration')).toBeNull(); // not started
    expect(q('[data-step="load_data"] .jp-cellpipe-run-logs')!.getAttribute('href')).toBe(
      'http://kfp/#/runs/details/r1?task=t1'
    );
    expect(q('[data-step="load_data"] .jp-cellpipe-run-visualization')!.getAttribute('href')).toBe(
      'http://kfp/#/artifacts/5'
    );
    expect(q('[data-step="train"] .jp-cellpipe-run-visualization')).toBeNull();

    const terminate = [...host.querySelectorAll('button')].find(
      b => b.textContent === 'Terminate'
    )!;
    await act(async () => terminate.click());
    await until(
      () => q('.jp-cellpipe-run-status')!.getAttribute('data-phase') === 'canceled',
      'the end'
    );
    expect(stateOf('train')).toBe('failed');
    expect(stateOf('report')).toBe('skipped');
    expect([...host.querySelectorAll('button')].map(b => b.textContent)).toEqual(['Retry']);
    model.dispose();
  });

  it('lists recent runs of a pipeline and reports the picked one', async () => {
    server.routes['GET /cellpipe/api/kfp/runs'] = {
      body: {
        runs: [
          {
            run_id: 'r2',
            display_name: 'second',
            state: 'RUNNING',
            created_at: '2026-11-23T07:00:00Z'
          },
          {
            run_id: 'r1',
            display_name: 'first',
            state: 'FAILED',
            ui_url: 'http://kfp/#/runs/details/r1'
          }
        ]
      }
    };
    const picked: string[] = [];
    await act(async () =>
      root.render(
        <RecentRuns
          client={new KfpClient(server.settings())}
          filter={{ namespace: 'team-a', pipeline_id: 'p1' }}
          onSelect={run => picked.push(run.run_id)}
        />
      )
    );
    await until(() => host.querySelectorAll('[data-run]').length === 2, 'the runs');
    expect(host.textContent).toContain('second');
    expect(host.textContent).toContain('2026-11-23 07:00:00');
    expect(server.requests[0].query).toEqual({
      namespace: 'team-a',
      pipeline_id: 'p1',
      page_size: '10'
    });
    await act(async () => host.querySelector<HTMLButtonElement>('[data-run="r1"] button')!.click());
    expect(picked).toEqual(['r1']);
  });

  it('says so when KFP cannot be reached', async () => {
    server.routes['GET /cellpipe/api/kfp/runs'] = {
      status: 502,
      body: {
        reason: 'unreachable',
        message: 'Cannot reach Kubeflow Pipelines at http://ml-pipeline:8888'
      }
    };
    await act(async () => root.render(<RecentRuns client={new KfpClient(server.settings())} />));
    await until(() => host.textContent!.includes('Cannot reach'), 'the error');
  });
});
