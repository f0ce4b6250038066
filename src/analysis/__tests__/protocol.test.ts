/** The worker conversation, both ends over an in-process channel with the real analyzer. */
import { createAnalyzer } from '..';
import { AnalyzerConnection, FromWorker, Port, serveAnalyzer, ToWorker } from '../protocol';
import type { NotebookInput } from '../../model/notebook';

/** Two ports wired to each other; messages are delivered asynchronously, like a Worker's. */
function channel(): [Port<FromWorker, ToWorker>, Port<ToWorker, FromWorker>] {
  const page: Port<FromWorker, ToWorker> = {
    onmessage: null,
    postMessage: message => setTimeout(() => worker.onmessage?.({ data: structuredClone(message) }))
  };
  const worker: Port<ToWorker, FromWorker> = {
    onmessage: null,
    postMessage: message => setTimeout(() => page.onmessage?.({ data: structuredClone(message) }))
  };
  return [page, worker];
}

function notebook(source: string, path = 'a.ipynb'): NotebookInput {
  return {
    path,
    cells: [{ id: 'c', cellType: 'code', source, tags: ['step:only'], metadata: {} }],
    metadata: {}
  };
}

describe('analyzer worker protocol', () => {
  it('loads the grammar, then answers requests', async () => {
    const [page, worker] = channel();
    serveAnalyzer(worker, createAnalyzer);
    const connection = new AnalyzerConnection(page, {});
    await connection.ready;
    const result = await connection.analyze(notebook('x = 1\nprint(y)'));
    expect(result!.steps.map(s => s.name)).toEqual(['only']);
    expect(result!.diagnostics.map(d => d.variable)).toEqual(['y']);
  });

  it('only the latest request per notebook gets a result', async () => {
    const [page, worker] = channel();
    serveAnalyzer(worker, createAnalyzer);
    const connection = new AnalyzerConnection(page, {});
    const first = connection.analyze(notebook('a = 1'));
    const other = connection.analyze(notebook('b = 1', 'b.ipynb'));
    const second = connection.analyze(notebook('a = 2\nprint(zz)'));
    expect(await first).toBeNull();
    expect((await other)!.diagnostics).toEqual([]);
    expect((await second)!.diagnostics.map(d => d.variable)).toEqual(['zz']);
  });

  it('reports a failed start to every caller', async () => {
    const [page, worker] = channel();
    serveAnalyzer(worker, () => Promise.reject(new Error('no wasm here')));
    const connection = new AnalyzerConnection(page, {});
    await expect(connection.ready).rejects.toThrow(
      'cellpipe analyzer failed to start: no wasm here'
    );
    await expect(connection.analyze(notebook('x = 1'))).rejects.toThrow('no wasm here');
  });
});
