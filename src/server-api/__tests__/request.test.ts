import { ServerApiError, requestServer } from '../request';
import { FakeServerExtension } from './fake-server';

describe('requestServer', () => {
  let server: FakeServerExtension;
  beforeEach(async () => {
    server = await new FakeServerExtension().start();
  });
  afterEach(() => server.stop());

  async function failure(promise: Promise<unknown>): Promise<ServerApiError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e
    );
    expect(error).toBeInstanceOf(ServerApiError);
    return error as ServerApiError;
  }

  it('asks /cellpipe/api/<route> with the Jupyter token, the query without empty arguments, a JSON body', async () => {
    server.routes['POST /cellpipe/api/files/stat'] = { body: { files: [] } };
    const answer = await requestServer(server.settings(), ['files', 'stat'], {
      method: 'POST',
      query: { a: 'x y', b: undefined, c: '' },
      body: { paths: ['p'] }
    });
    expect(answer).toEqual({ files: [] });
    const [seen] = server.requests;
    expect(seen.path).toBe('/cellpipe/api/files/stat');
    expect(seen.query).toEqual({ a: 'x y' });
    expect(seen.body).toEqual({ paths: ['p'] });
    expect(seen.headers.authorization).toBe('token jupyter-token');
  });

  it("keeps the server's message, reason and KFP status, prefixed by what the call does", async () => {
    server.routes['POST /cellpipe/api/bundles'] = {
      status: 409,
      body: { message: 'module helpers is too big', reason: 'conflict', kfp_status: 412 }
    };
    const error = await failure(
      requestServer(server.settings(), ['bundles'], { method: 'POST', what: 'Cannot ship' })
    );
    expect(error).toMatchObject({
      status: 409,
      reason: 'conflict',
      kfpStatus: 412,
      message: 'Cannot ship: module helpers is too big'
    });
  });

  it('turns a body that is not JSON (a proxy error page) into the message', async () => {
    server.routes['GET /cellpipe/api/local/runs'] = {
      status: 502,
      raw: '<html><body>Bad Gateway</body></html>'
    };
    const error = await failure(requestServer(server.settings(), ['local', 'runs', 'r1']));
    expect(error).toMatchObject({
      status: 502,
      reason: 'server_error',
      message: '<html><body>Bad Gateway</body></html>'
    });
    expect(error.kfpStatus).toBeUndefined();
  });

  it('cuts a long page that is not JSON to 300 characters', async () => {
    server.routes['GET /cellpipe/api/notebook-image'] = { status: 500, raw: 'x'.repeat(1000) };
    const error = await failure(requestServer(server.settings(), ['notebook-image']));
    expect(error.message).toBe('x'.repeat(300));
  });

  it('says the status when the JSON refusal has no message, with the default reason asked for', async () => {
    server.routes['GET /cellpipe/api/kfp/runs'] = { status: 503, body: { detail: 'busy' } };
    const bare = await failure(
      requestServer(server.settings(), ['kfp', 'runs'], { defaultReason: 'kfp_error' })
    );
    expect(bare).toMatchObject({
      status: 503,
      reason: 'kfp_error',
      message: 'The server answered 503 Service Unavailable'
    });
    const named = await failure(
      requestServer(server.settings(), ['kfp', 'runs'], { what: 'Cannot list runs' })
    );
    expect(named.message).toBe('Cannot list runs: the server answered 503');
    expect(named.reason).toBe('server_error');
  });

  it('answers {} for an empty body and a JSON answer that is not an object as a refusal message', async () => {
    server.routes['GET /cellpipe/api/empty'] = { raw: '' };
    expect(await requestServer(server.settings(), ['empty'])).toEqual({});
    server.routes['GET /cellpipe/api/number'] = { status: 500, raw: '42' };
    const error = await failure(requestServer(server.settings(), ['number']));
    expect(error.message).toBe('42');
  });

  it('names a server it cannot reach as a network error, status 0', async () => {
    const settings = server.settings();
    await server.stop();
    const error = await failure(requestServer(settings, ['kfp', 'health']));
    expect(error).toMatchObject({ status: 0, reason: 'network' });
    expect(error.message).toMatch(/^Cannot reach the Jupyter server: /);
    server = await new FakeServerExtension().start(); // for afterEach
  });
});
