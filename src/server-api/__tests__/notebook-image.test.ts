import { NotebookImageClient } from '../notebook-image';
import { FakeServerExtension } from './fake-server';

describe('NotebookImageClient', () => {
  let server: FakeServerExtension;
  beforeEach(async () => {
    server = await new FakeServerExtension().start();
  });
  afterEach(() => server.stop());

  it("reads the notebook server's image, where it was found and the declared reference", async () => {
    server.routes['GET /cellpipe/api/notebook-image'] = {
      body: { image: 'nb@sha256:1', source: 'pod', declared: 'nb:latest' }
    };
    expect(await new NotebookImageClient(server.settings()).notebookImage()).toEqual({
      image: 'nb@sha256:1',
      source: 'pod',
      declared: 'nb:latest',
      detail: null
    });
    expect(server.requests[0].headers.authorization).toBe('token jupyter-token');
  });

  it('answers "no image" with the reason, never rejecting: a refusal, an answer that is no image, no server', async () => {
    const client = new NotebookImageClient(server.settings());
    server.routes['GET /cellpipe/api/notebook-image'] = {
      status: 403,
      body: { message: 'pods is forbidden' }
    };
    expect(await client.notebookImage()).toEqual({
      image: null,
      source: null,
      detail: 'pods is forbidden'
    });
    server.routes['GET /cellpipe/api/notebook-image'] = { body: { image: 5 } };
    expect((await client.notebookImage()).image).toBeNull();
    await server.stop();
    const unreachable = await client.notebookImage();
    expect(unreachable.image).toBeNull();
    expect(unreachable.detail).toMatch(/^Cannot reach the Jupyter server: /);
    server = await new FakeServerExtension().start(); // for afterEach
  });
});
