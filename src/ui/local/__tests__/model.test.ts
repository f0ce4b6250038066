import {
  ILocalRunClient,
  KeptRun,
  LocalRunSnapshot,
  StartLocalRun,
  StepOutputs
} from '../../../server-api';
import { LocalRunModel } from '../model';

function snapshot(id: string, done: boolean, states: [string, string][]): LocalRunSnapshot {
  return {
    id,
    done,
    steps: states.map(([step, state]) => ({
      task: step.replace('_', '-'),
      step,
      state: state as any
    })),
    logs: [],
    metrics: done ? { accuracy: 0.9 } : {},
    error: null,
    store: '/tmp/.cellpipe'
  };
}

class FakeClient implements ILocalRunClient {
  constructor(private replies: LocalRunSnapshot[]) {}
  started: StartLocalRun[] = [];
  polled: string[] = [];
  async start(request: StartLocalRun): Promise<LocalRunSnapshot> {
    this.started.push(request);
    return this.replies.shift()!;
  }
  async get(runId: string): Promise<LocalRunSnapshot> {
    this.polled.push(runId);
    return this.replies.shift()!;
  }
  histories: [string, string | undefined][] = [];
  kept: Record<string, KeptRun[]> = {};
  async history(notebookPath: string, pipeline?: string): Promise<KeptRun[]> {
    this.histories.push([notebookPath, pipeline]);
    return this.kept[notebookPath] ?? [];
  }
  async outputs(): Promise<StepOutputs> {
    return { outputs: [], report: false };
  }
  async log(): Promise<string> {
    return '';
  }
  reportUrl(): string {
    return '';
  }
}

describe('LocalRunModel', () => {
  it('polls until the run is done and exposes step states by step name', async () => {
    const client = new FakeClient([
      snapshot('r1', false, [
        ['load_data', 'running'],
        ['train', 'pending']
      ]),
      snapshot('r1', false, [
        ['load_data', 'cached'],
        ['train', 'running']
      ]),
      snapshot('r1', true, [
        ['load_data', 'cached'],
        ['train', 'succeeded']
      ])
    ]);
    const sleeps: number[] = [];
    const model = new LocalRunModel(client, async ms => void sleeps.push(ms), 123);
    const seen: Record<string, string>[] = [];
    model.changed.connect(() => seen.push({ ...model.steps }));
    const last = await model.run({ package: 'yaml', notebookPath: 'a/nb.ipynb' });
    expect(client.started).toEqual([{ package: 'yaml', notebookPath: 'a/nb.ipynb' }]);
    expect(client.polled).toEqual(['r1', 'r1']);
    expect(sleeps).toEqual([123, 123]);
    expect(last?.metrics).toEqual({ accuracy: 0.9 });
    expect(model.steps).toEqual({ load_data: 'cached', train: 'succeeded' });
    expect(model.running).toBe(false);
    expect(seen).toContainEqual({ load_data: 'running', train: 'pending' });
  });

  it('reports a failed request as an error and stops running', async () => {
    const client: ILocalRunClient = {
      ...new FakeClient([]),
      history: async () => [],
      start: () => Promise.reject(new Error('the request has no compiled pipeline package')),
      get: () => Promise.reject(new Error('unused'))
    };
    const model = new LocalRunModel(client, async () => undefined);
    expect(await model.run({ package: '', notebookPath: 'x.ipynb' })).toBeNull();
    expect(model.error).toBe('the request has no compiled pipeline package');
    expect(model.running).toBe(false);
  });

  it('stop() ends polling without waiting for the run', async () => {
    const client = new FakeClient([
      snapshot('r2', false, [['a', 'running']]),
      snapshot('r2', false, [['a', 'running']])
    ]);
    const model: LocalRunModel = new LocalRunModel(client, async () => model.stop());
    await model.run({ package: 'y', notebookPath: 'n.ipynb' });
    expect(client.polled.length).toBeLessThanOrEqual(1);
    expect(model.running).toBe(false);
  });

  it("keys runs by notebook: switching notebooks never shows the other notebook's run, both ways", async () => {
    let release: () => void = () => undefined;
    const client = new FakeClient([
      snapshot('ra', false, [['a_step', 'running']]),
      snapshot('ra', true, [['a_step', 'succeeded']]),
      snapshot('rb', true, [['b_step', 'failed']])
    ]);
    const model = new LocalRunModel(client, () => new Promise<void>(r => (release = r)));
    model.show('a.ipynb');
    const runA = model.run({ package: 'A', notebookPath: 'a.ipynb' });
    await Promise.resolve();
    await Promise.resolve();
    expect(model.steps).toEqual({ a_step: 'running' });
    model.show('b.ipynb'); // a's run goes on while b is shown
    expect(model.snapshot).toBeNull();
    expect(model.steps).toEqual({});
    expect(model.running).toBe(false);
    let emitted = 0;
    model.changed.connect(() => emitted++);
    release();
    await runA;
    expect(model.steps).toEqual({}); // a's end does not reach b's view
    expect(emitted).toBe(0);
    await model.run({ package: 'B', notebookPath: 'b.ipynb' });
    expect(model.steps).toEqual({ b_step: 'failed' });
    model.show('a.ipynb');
    expect(model.steps).toEqual({ a_step: 'succeeded' });
    expect(model.lastRequest?.package).toBe('A');
  });

  it("reads the notebook's kept runs of its pipeline, and again after each run", async () => {
    const client = new FakeClient([snapshot('r1', true, [['s', 'succeeded']])]);
    client.kept['a.ipynb'] = [
      {
        id: '20261201-101500-abc123',
        pipeline: 'a',
        parameters: { n: 1 },
        state: 'succeeded',
        started: 1,
        finished: 2,
        steps: [],
        metrics: { acc: 0.5 }
      }
    ];
    const model = new LocalRunModel(client, async () => undefined);
    model.show('a.ipynb');
    await model.loadHistory('a.ipynb', 'a');
    expect(model.history.map(r => r.id)).toEqual(['20261201-101500-abc123']);
    model.show('b.ipynb');
    expect(model.history).toEqual([]);
    await model.run({ package: 'y', notebookPath: 'a.ipynb' });
    await Promise.resolve();
    expect(client.histories).toEqual([
      ['a.ipynb', 'a'],
      ['a.ipynb', 'a']
    ]);
  });

  it('sends no python while the "Local run Python" setting is empty (the server takes the kernel\'s), else the one chosen at each start', async () => {
    const done = { ...snapshot('r1', true, []), python: '/opt/venvs/ml/bin/python' };
    const client = new FakeClient([done, done, done]);
    const model = new LocalRunModel(client, async () => undefined);
    await model.run({ package: 'yaml', notebookPath: 'a.ipynb' });
    expect(client.started).toEqual([{ package: 'yaml', notebookPath: 'a.ipynb' }]);
    model.python = '/opt/venvs/ml/bin/python';
    await model.run({ package: 'yaml', notebookPath: 'a.ipynb' });
    model.python = '';
    await model.run({ package: 'yaml', notebookPath: 'a.ipynb' });
    expect(client.started.map(request => request.python)).toEqual([
      undefined,
      '/opt/venvs/ml/bin/python',
      undefined
    ]);
    expect(model.snapshot?.python).toBe('/opt/venvs/ml/bin/python');
  });
});
