/** The worker conversation, both ends over an in-process channel with the real analyzer. */
import { createAnalyzer } from '..';
import { AnalyzerClient } from '../client';
import { channel, spawnInProcess } from '../in-process';
import { AnalyzerConnection, FromWorker, Port, serveAnalyzer, ToWorker } from '../protocol';
import type { NotebookCell, NotebookInput } from '../../model/notebook';

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

  describe('sends only what changed', () => {
    const TAGS = [
      ['imports'],
      ['step:load'],
      ['step:train', 'prev:load'],
      ['step:report', 'prev:train']
    ];
    const SOURCES = [
      'import math',
      'rows = [1, 2, 3]',
      'total = sum(rows) * math.pi',
      'print(total)'
    ];
    const cells = (sources: string[]): NotebookCell[] =>
      sources.map((source, i) => ({
        id: `c${i}`,
        cellType: 'code',
        source,
        tags: TAGS[i] ?? [],
        metadata: {}
      }));

    /** A connection to a real worker end, with every request it sends. */
    function connect(): { connection: AnalyzerConnection; sent: ToWorker[] } {
      const [page, worker] = channel();
      serveAnalyzer(worker, createAnalyzer);
      const sent: ToWorker[] = [];
      const spy: Port<FromWorker, ToWorker> = {
        get onmessage() {
          return page.onmessage;
        },
        set onmessage(handler) {
          page.onmessage = handler;
        },
        postMessage: message => {
          sent.push(structuredClone(message));
          page.postMessage(message);
        }
      };
      return { connection: new AnalyzerConnection(spy, {}), sent };
    }

    const analyzeRequests = (sent: ToWorker[]) =>
      sent.filter((m): m is Extract<ToWorker, { type: 'analyze' }> => m.type === 'analyze');

    it('sends unchanged cells by id and the worker analyses the whole notebook', async () => {
      const { connection, sent } = connect();
      const fresh = await createAnalyzer();
      const first: NotebookInput = { path: 'n.ipynb', cells: cells(SOURCES), metadata: { a: 1 } };
      expect(await connection.analyze(first)).toEqual(fresh.analyze(first));

      // One cell edited (a new object; the others the same objects, or equal copies).
      const edited = [...first.cells.map(c => ({ ...c }))];
      edited[3] = { ...edited[3], source: 'print(total, rows)' };
      const second: NotebookInput = { path: 'n.ipynb', cells: edited, metadata: { a: 1 } };
      const result = await connection.analyze(second);
      expect(result).toEqual(fresh.analyze(second));
      expect(result!.steps.find(s => s.name === 'report')!.inputs).toEqual(['rows', 'total']);

      const [whole, incremental] = analyzeRequests(sent);
      expect(whole.cells.every(c => typeof c !== 'string')).toBe(true);
      expect(whole.metadata).toEqual({ a: 1 });
      expect(incremental.cells).toEqual(['c0', 'c1', 'c2', edited[3]]);
      expect(incremental.metadata).toBeUndefined();
    });

    it('follows moved, deleted, added and retagged cells, and metadata changes', async () => {
      const { connection, sent } = connect();
      const fresh = await createAnalyzer();
      const base = cells(SOURCES);
      await connection.analyze({ path: 'n.ipynb', cells: base, metadata: {} });
      const added: NotebookCell = {
        id: 'new',
        cellType: 'code',
        source: 'print(rows)',
        tags: ['step:extra', 'prev:load'],
        metadata: {}
      };
      const retagged = { ...base[3], tags: ['step:report', 'prev:extra'] };
      const next: NotebookInput = {
        path: 'n.ipynb',
        cells: [base[0], base[2], base[1], added, retagged],
        metadata: { kubeflow_notebook: { pipeline_name: 'p' } }
      };
      // (train moved above load: a dependency on a step below, reported by the analysis)
      expect(await connection.analyze(next)).toEqual(fresh.analyze(next));
      const last = analyzeRequests(sent).pop()!;
      expect(last.cells.filter(c => typeof c === 'string')).toEqual(['c0', 'c2', 'c1']);
      expect(last.cells.slice(3)).toEqual([added, retagged]);
      expect(last.metadata).toEqual({ kubeflow_notebook: { pipeline_name: 'p' } });
    });

    it('sends cells that share an id whole, and analyses them all', async () => {
      const { connection, sent } = connect();
      const fresh = await createAnalyzer();
      const twins = cells(SOURCES).map((c, i) => (i >= 2 ? { ...c, id: 'twin' } : c));
      const notebook: NotebookInput = { path: 't.ipynb', cells: twins, metadata: {} };
      await connection.analyze(notebook);
      const again = { ...notebook, cells: twins.map(c => ({ ...c })) };
      expect(await connection.analyze(again)).toEqual(fresh.analyze(again));
      const last = analyzeRequests(sent).pop()!;
      expect(last.cells.slice(0, 3)).toEqual(['c0', 'c1', 'twin']);
      expect(typeof last.cells[3]).toBe('object');
    });

    it('keeps each notebook apart; after forget or an error the next request is whole', async () => {
      const { connection, sent } = connect();
      const a: NotebookInput = { path: 'a.ipynb', cells: cells(SOURCES), metadata: {} };
      const b: NotebookInput = { path: 'b.ipynb', cells: cells(['x = 1']), metadata: {} };
      await connection.analyze(a);
      await connection.analyze(b);
      await connection.analyze(a);
      expect(
        analyzeRequests(sent).map(m => m.cells.filter(c => typeof c === 'string').length)
      ).toEqual([0, 0, 4]);
      connection.forget('a.ipynb');
      expect(sent[sent.length - 1]).toEqual({ type: 'forget', path: 'a.ipynb' });
      expect(await connection.analyze(a)).not.toBeNull();
      expect(
        analyzeRequests(sent)
          .pop()!
          .cells.some(c => typeof c === 'string')
      ).toBe(false);

      // A worker that lost the cells answers with an error naming the cell; the next request
      // is sent whole and analysed.
      const [page, worker] = channel();
      serveAnalyzer(worker, createAnalyzer);
      const lost = new AnalyzerConnection(page, {});
      await lost.analyze(a);
      worker.onmessage!({ data: { type: 'forget', path: 'a.ipynb' } });
      await expect(lost.analyze(a)).rejects.toThrow('does not know cell c0 of a.ipynb');
      expect((await lost.analyze(a))!.steps.map(s => s.name)).toEqual(['load', 'train', 'report']);
    });

    it("reports the worker's times of a request", async () => {
      const { connection } = connect();
      const before = performance.timeOrigin + performance.now();
      let timing: { received: number; started: number; finished: number } | undefined;
      await connection.analyze(notebook('x = 1'), t => (timing = t));
      expect(timing!.received).toBeGreaterThanOrEqual(before);
      expect(timing!.started).toBeGreaterThanOrEqual(timing!.received);
      expect(timing!.finished).toBeGreaterThanOrEqual(timing!.started);
    });
  });
});
