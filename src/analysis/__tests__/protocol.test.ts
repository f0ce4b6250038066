/** The worker conversation, both ends over an in-process channel with the real analyzer. */
import { createAnalyzer } from '..';
import { AnalyzerClient } from '../client';
import { channel, spawnInProcess } from '../in-process';
import { AnalyzerConnection, serveAnalyzer } from '../protocol';
import type { NotebookInput } from '../../model/notebook';

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

  it('AnalyzerClient delivers only the latest result, through any spawned worker', async () => {
    const client = new AnalyzerClient(() => spawnInProcess());
    await client.ready;
    const [first, second] = [
      client.analyze(notebook('a = 1')),
      client.analyze(notebook('print(undefined_here)'))
    ];
    expect(await first).toBeNull();
    expect((await second)!.diagnostics.map(d => d.variable)).toEqual(['undefined_here']);
    client.dispose();
  });

  it('AnalyzerClient reports a worker that cannot start', async () => {
    const client = new AnalyzerClient(() =>
      spawnInProcess(() => Promise.reject(new Error('grammar missing')))
    );
    await expect(client.ready).rejects.toThrow('grammar missing');
    client.dispose();
  });
});
