import * as fs from 'fs';
import * as path from 'path';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { fromNbformat } from '../../model/notebook';
import { readNotebook } from '../analysis-service';

const ROOT = path.resolve(__dirname, '../../..');

function load(file: string): any {
  return JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf-8'));
}

/**
 * The part of JupyterLab's notebook model `readNotebook` reads (cells with their shared source and
 * metadata, the notebook metadata), filled from an nbformat file. @jupyterlab/notebook itself is
 * ESM, which this jest setup does not load.
 */
class CellModel {
  constructor(cell: any) {
    this.id = cell.id ?? '';
    this.type = cell.cell_type;
    this._source = Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? '');
    this._metadata = { ...(cell.metadata ?? {}) };
  }
  readonly id: string;
  readonly type: string;
  readonly sharedModel = {
    getSource: () => this._source,
    setSource: (value: string) => (this._source = value)
  };
  get metadata(): Record<string, unknown> {
    return { ...this._metadata };
  }
  getMetadata(key: string): unknown {
    return this._metadata[key];
  }
  setMetadata(key: string, value: unknown): void {
    this._metadata[key] = value;
  }
  private _source: string;
  private _metadata: Record<string, unknown>;
}

class Cells {
  constructor(cells: any[]) {
    this._cells = cells.map(c => new CellModel(c));
  }
  get(index: number): CellModel {
    return this._cells[index];
  }
  [Symbol.iterator](): Iterator<CellModel> {
    return this._cells[Symbol.iterator]();
  }
  private _cells: CellModel[];
}

function panelOf(nb: any, notebookPath: string): { panel: NotebookPanel; model: any } {
  const model = { cells: new Cells(nb.cells), metadata: { ...(nb.metadata ?? {}) } };
  const panel = { model, context: { path: notebookPath } } as unknown as NotebookPanel;
  return { panel, model };
}

describe('readNotebook', () => {
  it.each(['examples/pipeline.ipynb', 'tests/fixtures/analyzer_kale.ipynb'])(
    'reads the live model of %s as the file reader does',
    file => {
      const nb = load(file);
      const { panel } = panelOf(nb, `work/${path.basename(file)}`);
      const live = readNotebook(panel);
      const disk = fromNbformat(nb, `work/${path.basename(file)}`);
      expect(live.path).toBe(disk.path);
      expect(live.cells.map(c => [c.cellType, c.source, c.tags])).toEqual(
        disk.cells.map(c => [c.cellType, c.source, c.tags])
      );
      expect(live.metadata.kubeflow_notebook).toEqual(disk.metadata.kubeflow_notebook);
      expect(live.cells.map(c => c.id)).toEqual(disk.cells.map(c => c.id));
    }
  );

  it('follows edits to sources and tags made through the shared model', () => {
    const nb = load('examples/pipeline.ipynb');
    const { panel, model } = panelOf(nb, 'pipeline.ipynb');
    const index = nb.cells.findIndex((c: any) =>
      (c.metadata?.tags ?? []).includes('step:evaluate')
    );
    expect(index).toBeGreaterThan(0);
    const cell = model.cells.get(index);
    cell.sharedModel.setSource(cell.sharedModel.getSource() + '\nprint(raw.shape)');
    cell.setMetadata('tags', ['step:evaluate', 'prev:load_data']);
    model.cells.get(0).setMetadata('custom', { kept: true });

    const input = readNotebook(panel);
    expect(input.cells[index].source.endsWith('\nprint(raw.shape)')).toBe(true);
    expect(input.cells[index].tags).toEqual(['step:evaluate', 'prev:load_data']);
    expect(input.cells[0].metadata.custom).toEqual({ kept: true });
  });

  it('gives cells without tags an empty list and keeps markdown and raw cells typed', () => {
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { id: 'm1', cell_type: 'markdown', metadata: {}, source: '# Title' },
        { id: 'r1', cell_type: 'raw', metadata: { tags: ['skip'] }, source: 'raw text' },
        {
          id: 'c1',
          cell_type: 'code',
          metadata: { tags: 'not-a-list' },
          source: 'x = 1',
          outputs: [],
          execution_count: null
        }
      ]
    };
    const input = readNotebook(panelOf(nb, 'small.ipynb').panel);
    expect(input.cells.map(c => [c.id, c.cellType, c.tags])).toEqual([
      ['m1', 'markdown', []],
      ['r1', 'raw', ['skip']],
      ['c1', 'code', []]
    ]);
  });
});
