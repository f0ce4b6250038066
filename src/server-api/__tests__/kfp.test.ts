import { KfpClient } from '../kfp';
import { ServerApiError } from '../request';
import { FakeServerExtension } from './fake-server';

describe('KfpClient', () => {
  let server: FakeServerExtension;
  let client: KfpClient;

  beforeEach(async () => {
    server = await new FakeServerExtension().start();
    client = new KfpClient(server.settings());
  });
  afterEach(() => server.stop());

  it('asks our server extension only, under /cellpipe/api/kfp/, with the Jupyter token', async () => {
    server.routes['GET /cellpipe/api/kfp/health'] = {
      body: { reachable: true, endpoint: 'http://ml-pipeline:8888', namespace: 'team-a' }
    };
    const health = await client.health();
    expect(health.namespace).toBe('team-a');
    expect(server.requests[0].path).toBe('/cellpipe/api/kfp/health');
    expect(server.requests[0].headers.authorization).toBe('token jupyter-token');
  });

  it('asks for the connection status, which answers even when KFP does not', async () => {
    server.routes['GET /cellpipe/api/kfp/status'] = {
      body: { reachable: false, reason: 'unreachable', message: 'Cannot reach', fixes: [] }
    };
    const status = await client.status();
    expect([status.reachable, status.reason]).toEqual([false, 'unreachable']);
    expect(server.requests[0].path).toBe('/cellpipe/api/kfp/status');
  });

  it('lists and creates experiments in a namespace', async () => {
    server.routes['GET /cellpipe/api/kfp/experiments'] = {
      body: { experiments: [{ experiment_id: 'e1', display_name: 'Default' }] }
    };
    server.routes['POST /cellpipe/api/kfp/experiments'] = { body: { experiment_id: 'e2' } };
    expect(await client.listExperiments('team-a')).toEqual([
      { experiment_id: 'e1', display_name: 'Default' }
    ]);
    expect(server.requests[0].query).toEqual({ namespace: 'team-a' });
    await client.createExperiment('nightly', 'team-a');
    expect(server.requests[1].body).toEqual({
      name: 'nightly',
      namespace: 'team-a',
      description: ''
    });
  });

  it('answers an empty list when KFP has no experiments field', async () => {
    server.routes['GET /cellpipe/api/kfp/experiments'] = { body: {} };
    expect(await client.listExperiments()).toEqual([]);
    expect(server.requests[0].query).toEqual({});
  });

  it('finds a pipeline by name, or answers null', async () => {
    server.routes['GET /cellpipe/api/kfp/pipelines'] = (seen: any) => ({
      body: {
        pipeline: seen.query.name === 'demo' ? { pipeline_id: 'p1', display_name: 'demo' } : null
      }
    });
    expect(await client.findPipeline('demo', 'team-a')).toEqual({
      pipeline_id: 'p1',
      display_name: 'demo'
    });
    expect(server.requests[0].query).toEqual({ name: 'demo', namespace: 'team-a' });
    expect(await client.findPipeline('other')).toBeNull();
  });

  it('publishes a package and creates a run with typed parameters', async () => {
    server.routes['POST /cellpipe/api/kfp/pipelines'] = {
      body: { pipeline_id: 'p1', pipeline_version_id: 'v1', created_pipeline: true }
    };
    server.routes['POST /cellpipe/api/kfp/runs'] = {
      body: { run_id: 'r1', ui_url: 'http://ui/#/runs/details/r1' }
    };
    await client.publish({ package: 'root: {}\n', name: 'demo' });
    const run = await client.createRun({
      name: 'r',
      pipeline_id: 'p1',
      pipeline_version_id: 'v1',
      parameters: { rows: 3, rate: 0.5, flag: true, tags: ['a'], opts: { k: 1 } }
    });
    expect(run.run_id).toBe('r1');
    expect(server.requests[0].body).toEqual({ package: 'root: {}\n', name: 'demo' });
    expect(server.requests[1].body.parameters).toEqual({
      rows: 3,
      rate: 0.5,
      flag: true,
      tags: ['a'],
      opts: { k: 1 }
    });
  });

  it('reads, lists, terminates and retries runs, escaping ids', async () => {
    server.routes['GET /cellpipe/api/kfp/runs'] = { body: { runs: [{ run_id: 'a b' }] } };
    server.routes['POST /cellpipe/api/kfp/runs/'] = { body: {} };
    await client.getRun('a b');
    expect(server.requests[0].path).toBe('/cellpipe/api/kfp/runs/a%20b');
    const list = await client.listRuns({ namespace: 'team-a', pipeline_id: 'p1', page_size: 5 });
    expect(list.runs).toHaveLength(1);
    expect(server.requests[1].query).toEqual({
      namespace: 'team-a',
      pipeline_id: 'p1',
      page_size: '5'
    });
    await client.terminateRun('a b');
    await client.retryRun('a b');
    expect(server.requests.slice(2).map(r => `${r.method} ${r.path}`)).toEqual([
      'POST /cellpipe/api/kfp/runs/a%20b/terminate',
      'POST /cellpipe/api/kfp/runs/a%20b/retry'
    ]);
  });

  it("turns the server's error answers into ServerApiError with its message and reason", async () => {
    server.routes['GET /cellpipe/api/kfp/experiments'] = {
      status: 403,
      body: {
        reason: 'forbidden',
        message: 'Not allowed to access experiments in namespace "team-b" (bearer auth)',
        kfp_status: 403
      }
    };
    const error = await client.listExperiments('team-b').catch(e => e);
    expect(error).toBeInstanceOf(ServerApiError);
    expect(error).toMatchObject({
      status: 403,
      reason: 'forbidden',
      kfpStatus: 403,
      message: 'Not allowed to access experiments in namespace "team-b" (bearer auth)'
    });
  });

  it('names an unreachable Jupyter server as a network error', async () => {
    await server.stop();
    const error = await client.health().catch(e => e);
    expect(error).toBeInstanceOf(ServerApiError);
    expect(error.reason).toBe('network');
    expect(error.message).toMatch(/^Cannot reach the Jupyter server/);
    server = await new FakeServerExtension().start(); // for afterEach
  });
});
