import { LocalRunClient } from '../local-runs';
import { FakeServerExtension } from './fake-server';

/** The run view's reads of a notebook's local run store (cellpipe/server/local_result_handlers.py). */
describe('LocalRunClient: runs kept and step results', () => {
  let server: FakeServerExtension;
  beforeEach(async () => {
    server = await new FakeServerExtension().start();
  });
  afterEach(() => server.stop());

  const step = { notebookPath: 'work/my nb.ipynb', runId: '20261201-101500-abc123', task: 'train' };

  it("reads the notebook's kept runs of its pipeline, a step's outputs and log, each naming the notebook", async () => {
    const run = {
      id: step.runId,
      pipeline: 'demo',
      parameters: { n: 1 },
      state: 'succeeded',
      steps: [],
      metrics: {}
    };
    server.routes['GET /cellpipe/api/local/history'] = { body: { runs: [run] } };
    server.routes[`GET /cellpipe/api/local/runs/${step.runId}/steps/train/outputs`] = {
      body: { outputs: [{ name: 'x', kind: 'other', type: 'int' }], report: true }
    };
    server.routes[`GET /cellpipe/api/local/runs/${step.runId}/steps/train/log`] = {
      body: { log: 'fitting\n' }
    };
    const client = new LocalRunClient(server.settings());
    expect(await client.history('work/my nb.ipynb', 'demo')).toEqual([run]);
    expect(await client.outputs(step)).toEqual({
      outputs: [{ name: 'x', kind: 'other', type: 'int' }],
      report: true
    });
    expect(await client.log(step)).toBe('fitting\n');
    expect(server.requests.map(r => [r.path, r.query])).toEqual([
      ['/cellpipe/api/local/history', { notebook: 'work/my nb.ipynb', pipeline: 'demo' }],
      [
        `/cellpipe/api/local/runs/${step.runId}/steps/train/outputs`,
        { notebook: 'work/my nb.ipynb' }
      ],
      [`/cellpipe/api/local/runs/${step.runId}/steps/train/log`, { notebook: 'work/my nb.ipynb' }]
    ]);
  });

  it("gives the report page's address for a frame, the notebook in its query", () => {
    const client = new LocalRunClient(server.settings());
    const url = new URL(client.reportUrl({ ...step, task: 'evaluate' }));
    expect(url.pathname).toBe(`/cellpipe/api/local/runs/${step.runId}/steps/evaluate/report`);
    expect(url.searchParams.get('notebook')).toBe('work/my nb.ipynb');
  });
});
