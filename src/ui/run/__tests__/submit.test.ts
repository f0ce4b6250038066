import { KfpClient } from '../../../kfp/client';
import { FakeServerExtension } from '../../../kfp/__tests__/server';
import { SubmitStage, defaultRunName, submitRun } from '../submit';

describe('submitRun', () => {
  let server: FakeServerExtension;

  beforeEach(async () => {
    server = await new FakeServerExtension().start();
    server.routes['POST /cellpipe/api/kfp/pipelines'] = {
      body: {
        pipeline_id: 'p1',
        pipeline_version_id: 'v1',
        version_name: 'demo',
        created_pipeline: true
      }
    };
    server.routes['POST /cellpipe/api/kfp/experiments'] = { body: { experiment_id: 'e-new' } };
    server.routes['POST /cellpipe/api/kfp/runs'] = {
      body: { run_id: 'r1', display_name: 'nightly' }
    };
  });
  afterEach(() => server.stop());

  it('compiles, uploads, creates the experiment and the run, reporting each stage', async () => {
    const stages: SubmitStage[] = [];
    const result = await submitRun(
      new KfpClient(server.settings()),
      {
        yaml: async () => 'root: {}\n',
        pipelineName: 'demo',
        runName: 'nightly',
        namespace: 'team-a',
        experiment: { name: 'cellpipe' },
        parameters: { rows: 3 }
      },
      stage => stages.push(stage)
    );
    expect(stages).toEqual(['compiling', 'uploading', 'experiment', 'creating', 'done']);
    expect(result.run.run_id).toBe('r1');
    expect(result.experimentId).toBe('e-new');
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'POST /cellpipe/api/kfp/pipelines',
      'POST /cellpipe/api/kfp/experiments',
      'POST /cellpipe/api/kfp/runs'
    ]);
    expect(server.requests[0].body).toEqual({
      package: 'root: {}\n',
      name: 'demo',
      namespace: 'team-a'
    });
    expect(server.requests[2].body).toEqual({
      name: 'nightly',
      experiment_id: 'e-new',
      parameters: { rows: 3 },
      namespace: 'team-a',
      pipeline_id: 'p1',
      pipeline_version_id: 'v1'
    });
  });

  it('uses a picked experiment and falls back to the inline package when no version is listed', async () => {
    server.routes['POST /cellpipe/api/kfp/pipelines'] = {
      body: { pipeline_id: 'p1', pipeline_version_id: '', created_pipeline: true }
    };
    const stages: SubmitStage[] = [];
    await submitRun(
      new KfpClient(server.settings()),
      {
        yaml: 'root: {}\n',
        pipelineName: 'demo',
        runName: 'r',
        experiment: { id: 'e1' },
        parameters: {}
      },
      stage => stages.push(stage)
    );
    expect(stages).not.toContain('experiment');
    const run = server.requests[server.requests.length - 1];
    expect(run.body).toEqual({
      name: 'r',
      experiment_id: 'e1',
      parameters: {},
      package: 'root: {}\n'
    });
  });

  it('stops at the failing stage with the server message', async () => {
    server.routes['POST /cellpipe/api/kfp/pipelines'] = {
      status: 400,
      body: { reason: 'rejected', message: 'Kubeflow Pipelines rejected pipeline "demo": bad spec' }
    };
    const stages: SubmitStage[] = [];
    await expect(
      submitRun(
        new KfpClient(server.settings()),
        { yaml: 'x', pipelineName: 'demo', runName: 'r', parameters: {} },
        s => stages.push(s)
      )
    ).rejects.toThrow('Kubeflow Pipelines rejected pipeline "demo": bad spec');
    expect(stages).toEqual(['compiling', 'uploading']);
    expect(server.requests).toHaveLength(1);
  });

  it('names runs after the pipeline and the time', () => {
    expect(defaultRunName('demo', new Date(2026, 10, 23, 7, 5, 9))).toBe(
      'demo 2026-11-23 07:05:09'
    );
  });
});
