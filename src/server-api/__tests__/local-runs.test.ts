import { LocalRunClient } from '../local-runs';
import { ServerApiError } from '../request';
import { FakeServerExtension } from './fake-server';

const SNAPSHOT = {
  id: 'r 1',
  done: false,
  steps: [{ task: 'load', step: 'load', state: 'interrupted' }],
  logs: [],
  metrics: {},
  error: null,
  store: '/work/.cellpipe'
};

describe('LocalRunClient', () => {
  let server: FakeServerExtension;
  beforeEach(async () => {
    server = await new FakeServerExtension().start();
  });
  afterEach(() => server.stop());

  it('posts the compiled package and reads a run by its quoted id, authenticated', async () => {
    server.routes['POST /cellpipe/api/local/runs'] = { body: SNAPSHOT };
    server.routes['GET /cellpipe/api/local/runs/'] = { body: { ...SNAPSHOT, done: true } };
    const client = new LocalRunClient(server.settings());
    const request = { package: 'pipelineInfo: {}', notebookPath: 'work/nb.ipynb', useCache: true };
    expect(await client.start(request)).toEqual(SNAPSHOT);
    expect((await client.get('r 1')).done).toBe(true);
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'POST /cellpipe/api/local/runs',
      'GET /cellpipe/api/local/runs/r%201'
    ]);
    expect(server.requests[0].body).toEqual(request);
    expect(server.requests[0].headers.authorization).toBe('token jupyter-token');
  });

  it("says the server's refusal in its words", async () => {
    server.routes['POST /cellpipe/api/local/runs'] = {
      status: 400,
      body: { reason: 'bad_request', message: "the notebook's folder work/ may not be written" }
    };
    const error = await new LocalRunClient(server.settings())
      .start({ package: 'x', notebookPath: 'work/nb.ipynb' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerApiError);
    expect(error).toMatchObject({
      status: 400,
      reason: 'bad_request',
      message: "the notebook's folder work/ may not be written"
    });
  });

  it('reads an answer that is not JSON (a proxy error page) as a refusal, not a SyntaxError', async () => {
    server.routes['GET /cellpipe/api/local/runs/'] = {
      status: 504,
      statusText: 'Gateway Timeout',
      raw: '<html>504 Gateway Time-out</html>'
    };
    const error = await new LocalRunClient(server.settings()).get('r1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerApiError);
    expect(error).toMatchObject({ status: 504, message: '<html>504 Gateway Time-out</html>' });
  });

  it('names an unreachable server', async () => {
    const settings = server.settings();
    await server.stop();
    const error = await new LocalRunClient(settings).get('r1').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, reason: 'network' });
    expect((error as Error).message).toMatch(/^Cannot reach the Jupyter server: /);
    server = await new FakeServerExtension().start(); // for afterEach
  });
});
