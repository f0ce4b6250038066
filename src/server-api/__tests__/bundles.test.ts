import { BundleClient } from '../bundles';
import { FakeServerExtension } from './fake-server';

describe('BundleClient', () => {
  let server: FakeServerExtension;
  beforeEach(async () => {
    server = await new FakeServerExtension().start();
  });
  afterEach(() => server.stop());

  it('posts the notebook path and module names, authenticated, and reads LocalModules', async () => {
    const answer = {
      local: ['helpers'],
      bundles: { helpers: ['ab'.repeat(32), 'UEsFBg=='] },
      requires: { helpers: [] },
      maxBytes: 65536
    };
    server.routes['POST /cellpipe/api/bundles'] = { body: answer };
    const found = await new BundleClient(server.settings()).localModules('work/nb.ipynb', [
      'helpers',
      'numpy'
    ]);
    expect(found).toEqual({
      bundles: answer.bundles,
      requires: answer.requires,
      maxBytes: 65536
    });
    const [seen] = server.requests;
    expect(seen.body).toEqual({ path: 'work/nb.ipynb', modules: ['helpers', 'numpy'] });
    expect(seen.headers.authorization).toBe('token jupyter-token');
  });

  it("says the server's reason, e.g. a module over the limit", async () => {
    server.routes['POST /cellpipe/api/bundles'] = {
      status: 400,
      body: { message: 'local module big (90000 bytes) zip to more than the 65536-byte limit' }
    };
    await expect(
      new BundleClient(server.settings()).localModules('nb.ipynb', ['big'])
    ).rejects.toThrow(
      "Cannot ship the notebook's local modules: local module big (90000 bytes) zip to more than the 65536-byte limit"
    );
  });
});
