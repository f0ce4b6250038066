/** The "Local run Python" setting reaches the server with each start (issue 18). */
import type {
  ILocalRunClient,
  KeptRun,
  LocalRunSnapshot,
  StartLocalRun,
  StepOutputs
} from '../../../server-api';
import { LocalRunModel } from '../model';

const DONE: LocalRunSnapshot = {
  id: 'r1',
  done: true,
  steps: [],
  logs: [],
  metrics: {},
  error: null,
  store: '/tmp/.cellpipe',
  python: '/opt/venvs/ml/bin/python'
};

class RecordingClient implements ILocalRunClient {
  started: StartLocalRun[] = [];
  async start(request: StartLocalRun): Promise<LocalRunSnapshot> {
    this.started.push(request);
    return DONE;
  }
  async get(): Promise<LocalRunSnapshot> {
    return DONE;
  }
  async history(): Promise<KeptRun[]> {
    return [];
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

describe('LocalRunModel and the Local run Python setting', () => {
  it('sends no python while the setting is empty: the server takes the notebook kernel’s', async () => {
    const client = new RecordingClient();
    const model = new LocalRunModel(client, async () => undefined);
    await model.run({ package: 'yaml', notebookPath: 'a.ipynb' });
    expect(client.started).toEqual([{ package: 'yaml', notebookPath: 'a.ipynb' }]);
  });

  it('sends the chosen python with each start, and a later change with the next one', async () => {
    const client = new RecordingClient();
    const model = new LocalRunModel(client, async () => undefined);
    model.python = '/opt/venvs/ml/bin/python';
    await model.run({ package: 'yaml', notebookPath: 'a.ipynb' });
    model.python = '';
    await model.run({ package: 'yaml', notebookPath: 'a.ipynb' });
    expect(client.started.map(request => request.python)).toEqual([
      '/opt/venvs/ml/bin/python',
      undefined
    ]);
    expect(model.snapshot?.python).toBe('/opt/venvs/ml/bin/python');
  });
});
