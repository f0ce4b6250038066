import { ILocalRunClient, LocalRunSnapshot, StartLocalRun } from '../../../server-api';
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
});
