/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import { KfpClient } from '../../../server-api';
import { FakeServerExtension } from '../../../server-api/__tests__/fake-server';
import { RunSection } from '../RunSection';
import { RunStatusModel } from '../status';
import { submitRun } from '../submit';
import { until } from './dom';
import { reachableStatus, unreachableStatus } from './kfp-status';

const PACKAGE =
  'pipelineInfo: {name: demo}\nroot: {dag: {tasks: {train: {}}}}\nschemaVersion: 2.1.0\n';

describe('RunSection', () => {
  let server: FakeServerExtension;
  let host: HTMLDivElement;
  let root: Root;

  beforeEach(async () => {
    server = await new FakeServerExtension().start();
    server.routes['GET /cellpipe/api/kfp/status'] = { body: reachableStatus() };
    server.routes['POST /cellpipe/api/kfp/pipelines'] = {
      body: { pipeline_id: 'p9', pipeline_version_id: 'v1', created_pipeline: true }
    };
    server.routes['POST /cellpipe/api/kfp/runs'] = {
      body: { run_id: 'r5', display_name: 'fresh' }
    };
    server.routes['GET /cellpipe/api/kfp/runs/r5'] = {
      body: {
        run_id: 'r5',
        display_name: 'fresh',
        state: 'SUCCEEDED',
        run_details: {
          task_details: [{ display_name: 'train', state: 'SUCCEEDED', pod_name: 'x' }]
        }
      }
    };
    server.routes['GET /cellpipe/api/kfp/runs/r1'] = { body: { run_id: 'r1', state: 'FAILED' } };
    server.routes['GET /cellpipe/api/kfp/runs'] = (seen: any) => ({
      body: {
        runs: seen.query.pipeline_id
          ? [{ run_id: 'r5', display_name: 'fresh', state: 'SUCCEEDED' }]
          : [{ run_id: 'r1', display_name: 'older', state: 'FAILED' }]
      }
    });
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
  });

  afterEach(async () => {
    await act(async () => root.unmount());
    host.remove();
    await server.stop();
  });

  it('submits through the dialog, then watches the new run and lists the pipeline runs', async () => {
    const client = new KfpClient(server.settings());
    const watched: (RunStatusModel | null)[] = [];
    const dialogs: object[] = [];
    await act(async () =>
      root.render(
        <RunSection
          client={client}
          compile={async () => PACKAGE}
          namespace="team-a"
          openDialog={async props => {
            dialogs.push(props);
            const yaml = String(await props.compile());
            const result = await submitRun(props.client, {
              yaml,
              pipelineName: 'demo',
              runName: 'fresh',
              namespace: props.namespace,
              experiment: { id: 'e1' },
              parameters: {}
            });
            return { ...result, taskToStep: { train: 'train_step' } };
          }}
          onWatch={model => watched.push(model)}
        />
      )
    );
    await until(() => host.textContent!.includes('older'), 'the recent runs');
    const firstList = server.requests.find(r => r.path === '/cellpipe/api/kfp/runs')!;
    expect(firstList.query).toEqual({ namespace: 'team-a', page_size: '10' });

    const button = host.querySelector<HTMLButtonElement>('.jp-cellpipe-compile-run')!;
    expect(button.textContent).toBe('Compile & Run');
    await act(async () => button.click());
    await until(
      () => !!host.querySelector('[data-step="train_step"][data-state="succeeded"]'),
      'the run status'
    );
    expect(dialogs).toHaveLength(1);
    expect(watched).toHaveLength(1);
    expect(watched[0]!.runId).toBe('r5');
    await until(
      () => host.textContent!.includes('fresh') && !host.textContent!.includes('older'),
      'the reload'
    );
    const lastList = server.requests
      .filter(r => r.method === 'GET' && r.path === '/cellpipe/api/kfp/runs')
      .pop()!;
    expect(lastList.query).toEqual({ namespace: 'team-a', pipeline_id: 'p9', page_size: '10' });

    // Picking a run from the list watches that one instead.
    await act(async () => host.querySelector<HTMLButtonElement>('[data-run="r5"] button')!.click());
    expect(watched).toHaveLength(2);
    expect(watched[0]!.isDisposed).toBe(true);
  });

  it("lists the runs of the notebook's pipeline, or none when KFP does not know it yet", async () => {
    server.routes['GET /cellpipe/api/kfp/pipelines'] = (seen: any) => ({
      body: { pipeline: seen.query.name === 'demo' ? { pipeline_id: 'p9' } : null }
    });
    const client = new KfpClient(server.settings());
    const section = (name: string) => (
      <RunSection
        client={client}
        compile={async () => PACKAGE}
        openDialog={async () => null}
        pipelineName={name}
      />
    );
    await act(async () => root.render(section('demo')));
    await until(() => host.textContent!.includes('fresh'), 'the pipeline runs');
    const list = server.requests.find(r => r.path === '/cellpipe/api/kfp/runs')!;
    expect(list.query).toEqual({ pipeline_id: 'p9', page_size: '10' });

    await act(async () => root.render(section('never-uploaded')));
    await until(() => !!host.querySelector('.jp-cellpipe-recent-runs-empty'), 'no runs');
    expect(host.querySelector('[data-run]')).toBeNull();
  });

  it('says KFP cannot be reached, names the settings that fix it, and lists no runs', async () => {
    server.routes['GET /cellpipe/api/kfp/status'] = { body: unreachableStatus() };
    const dialogs: object[] = [];
    await act(async () =>
      root.render(
        <RunSection
          client={new KfpClient(server.settings())}
          compile={async () => PACKAGE}
          openDialog={async props => {
            dialogs.push(props);
            return null;
          }}
          pipelineName="demo"
          experimentName="nightly"
        />
      )
    );
    await until(
      () => !!host.querySelector('.jp-cellpipe-kfp-connection[data-state="unreachable"]'),
      'the connection state'
    );
    const text = host.textContent!;
    expect(text).toContain('Cannot reach Kubeflow Pipelines at http://ml-pipeline');
    expect(text).toContain('c.CellpipeKFP.endpoint');
    expect(text).toContain('KF_PIPELINES_ENDPOINT');
    expect(host.querySelector('.jp-cellpipe-kfp-auth')!.textContent).toBe('none');
    expect(text).not.toContain('No runs yet');
    expect(host.querySelector('.jp-cellpipe-recent-runs-unavailable')).not.toBeNull();
    // Nothing but the status was asked: no pipeline lookup, no run list.
    expect(server.requests.map(r => r.path)).toEqual(['/cellpipe/api/kfp/status']);

    // Check again: KFP came up, the runs are listed.
    server.routes['GET /cellpipe/api/kfp/status'] = { body: reachableStatus() };
    server.routes['GET /cellpipe/api/kfp/pipelines'] = {
      body: { pipeline: { pipeline_id: 'p9' } }
    };
    await act(async () => host.querySelector<HTMLButtonElement>('.jp-cellpipe-kfp-check')!.click());
    await until(() => host.textContent!.includes('fresh'), 'the runs once KFP answers');

    // The dialog is opened with the notebook's experiment.
    await act(async () =>
      host.querySelector<HTMLButtonElement>('.jp-cellpipe-compile-run')!.click()
    );
    expect(dialogs).toEqual([expect.objectContaining({ experimentName: 'nightly' })]);
  });

  it('shows why the runs could not be listed instead of "No runs yet"', async () => {
    server.routes['GET /cellpipe/api/kfp/pipelines'] = {
      status: 403,
      body: { reason: 'forbidden', message: 'Not allowed to access pipeline "demo"' }
    };
    await act(async () =>
      root.render(
        <RunSection
          client={new KfpClient(server.settings())}
          compile={async () => PACKAGE}
          openDialog={async () => null}
          pipelineName="demo"
        />
      )
    );
    await until(() => host.textContent!.includes('Not allowed to access'), 'the lookup error');
    expect(host.textContent).not.toContain('No runs yet');
  });

  it('is disabled with the reason when the notebook cannot be compiled', async () => {
    await act(async () =>
      root.render(
        <RunSection
          client={new KfpClient(server.settings())}
          compile={async () => PACKAGE}
          openDialog={async () => null}
          disabledReason="cell 2: step has no name"
        />
      )
    );
    const button = host.querySelector<HTMLButtonElement>('.jp-cellpipe-compile-run')!;
    expect(button.disabled).toBe(true);
    expect(button.title).toBe('cell 2: step has no name');
  });
});
