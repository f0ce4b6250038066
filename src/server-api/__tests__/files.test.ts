import { FileClient } from '../files';
import { FakeServerExtension } from './fake-server';

describe('FileClient', () => {
  let server: FakeServerExtension;
  beforeEach(async () => {
    server = await new FakeServerExtension().start();
  });
  afterEach(() => server.stop());

  it('posts the notebook path and the paths, authenticated, and reads the stats in order', async () => {
    const files = [
      { path: 'data/train.csv', exists: true, size: 8, mtime: 1700000000.5 },
      { path: 'clean.csv', exists: false }
    ];
    server.routes['POST /cellpipe/api/files/stat'] = { body: { files } };
    const found = await new FileClient(server.settings()).stat('work/nb.ipynb', [
      'data/train.csv',
      'clean.csv'
    ]);
    expect(found).toEqual(files);
    const [seen] = server.requests;
    expect(seen.body).toEqual({
      notebookPath: 'work/nb.ipynb',
      paths: ['data/train.csv', 'clean.csv']
    });
    expect(seen.headers.authorization).toBe('token jupyter-token');
  });

  it("says the server's reason", async () => {
    server.routes['POST /cellpipe/api/files/stat'] = {
      status: 400,
      body: { message: 'field "paths" names 501 paths; at most 500 per request' }
    };
    await expect(new FileClient(server.settings()).stat('nb.ipynb', ['a'])).rejects.toThrow(
      `Cannot look at the notebook's files: field "paths" names 501 paths; at most 500 per request`
    );
  });

  it('uploads data files: the notebook path and the paths, the answer in order', async () => {
    const files = [
      {
        path: 'data/train.csv',
        uri: 'minio://mlpipeline/cellpipe/data/ab12/train.csv',
        sha256: 'ab12',
        size: 618,
        uploaded: true
      },
      {
        path: 'labels.json',
        uri: 'minio://mlpipeline/cellpipe/data/cd34/labels.json',
        sha256: 'cd34',
        size: 9,
        uploaded: false
      }
    ];
    server.routes['POST /cellpipe/api/datafiles/upload'] = { body: { files } };
    const done = await new FileClient(server.settings()).uploadDataFiles('work/nb.ipynb', [
      'data/train.csv',
      'labels.json'
    ]);
    expect(done).toEqual(files);
    const [seen] = server.requests;
    expect(seen.path).toBe('/cellpipe/api/datafiles/upload');
    expect(seen.body).toEqual({
      notebookPath: 'work/nb.ipynb',
      paths: ['data/train.csv', 'labels.json']
    });
    expect(seen.headers.authorization).toBe('token jupyter-token');
  });

  it("names the file the server refused, in the server's words", async () => {
    server.routes['POST /cellpipe/api/datafiles/upload'] = {
      status: 404,
      body: {
        reason: 'not_found',
        message: "data file 'data/gone.csv' is not a file in the notebook's folder"
      }
    };
    await expect(
      new FileClient(server.settings()).uploadDataFiles('nb.ipynb', ['data/gone.csv'])
    ).rejects.toThrow(
      "Cannot upload the data files to the pipeline's object store: data file 'data/gone.csv' is not a file in the notebook's folder"
    );
  });
});
