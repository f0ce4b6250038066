import * as fs from 'fs';
import * as path from 'path';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';
import { AnalyzerClient } from '../../analysis/client';
import { spawnInProcess } from '../../analysis/in-process';
import { createAnalyzer } from '../../analysis';
import type { ToWorker } from '../../analysis/protocol';
import { fromNbformat } from '../../model/notebook';
import { AnalysisService, keepUnchanged, NotebookReader } from '../analysis-service';

const ROOT = path.resolve(__dirname, '../../..');

function load(file: string): any {
  return JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf-8'));
}

/**
 * The part of JupyterLab's notebook model the analysis service reads (cells with their shared
 * source and metadata and the signals they emit, the notebook metadata and its signals), filled
 * from an nbformat file. @jupyterlab/notebook itself is ESM, which this jest setup does not load.
 */
class CellModel {
  constructor(cell: any, notebook: NotebookModel) {
    this.id = cell.id ?? '';
    this.type = cell.cell_type;
    this._notebook = notebook;
    this._source = Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? '');
    this._metadata = { ...(cell.metadata ?? {}) };
  }
  readonly id: string;
  readonly type: string;
  readonly sharedModel = new SharedCell(this);
  get metadata(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this._metadata));
  }
  getMetadata(key: string): unknown {
    return this._metadata[key];
  }
  setMetadata(key: string, value: unknown): void {
    this._metadata[key] = value;
    this.sharedModel.metadataChanged.emit({ key, newValue: value });
    this._notebook.contentChanged.emit();
  }
  getSource(): string {
    return this._source;
  }
  setSource(value: string): void {
    this._source = value;
    // As in JupyterLab: the notebook hears of it first, then the cell's other listeners.
    this._notebook.contentChanged.emit();
    this.sharedModel.changed.emit({ sourceChange: [{ insert: value }] });
  }
  private _notebook: NotebookModel;
  private _source: string;
  private _metadata: Record<string, unknown>;
}

class SharedCell {
  constructor(private _cell: CellModel) {}
  readonly changed = new Signal<this, unknown>(this);
  readonly metadataChanged = new Signal<this, unknown>(this);
  getSource(): string {
    return this._cell.getSource();
  }
  setSource(value: string): void {
    this._cell.setSource(value);
  }
}

class NotebookModel {
  constructor(nb: any) {
    this.cells = new Cells(nb.cells.map((c: any) => new CellModel(c, this)));
    this._metadata = { ...(nb.metadata ?? {}) };
  }
  readonly cells: Cells;
  readonly contentChanged = new Signal<this, void>(this);
  readonly metadataChanged = new Signal<this, unknown>(this);
  get metadata(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this._metadata));
  }
  getMetadata(key: string): unknown {
    return this._metadata[key];
  }
  setMetadata(key: string, value: unknown): void {
    this._metadata[key] = value;
    this.metadataChanged.emit({ key });
  }
  private _metadata: Record<string, unknown>;
}

class Cells {
  constructor(private _cells: CellModel[]) {}
  readonly changed = new Signal<this, void>(this);
  get length(): number {
    return this._cells.length;
  }
  get(index: number): CellModel {
    return this._cells[index];
  }
  move(from: number, to: number): void {
    const [cell] = this._cells.splice(from, 1);
    this._cells.splice(to, 0, cell);
  }
  [Symbol.iterator](): Iterator<CellModel> {
    return this._cells[Symbol.iterator]();
  }
}

/** What a new reader reads (nothing remembered). */
function readNotebook(panel: NotebookPanel) {
  const reader = new NotebookReader(panel);
  const input = reader.read();
  reader.dispose();
  return input;
}

function panelOf(nb: any, notebookPath: string): { panel: NotebookPanel; model: any } {
  const model = new NotebookModel(nb);
  const panel = {
    model,
    context: { path: notebookPath, ready: Promise.resolve() },
    content: { widgets: [] },
    isDisposed: false,
    disposed: new Signal<unknown, void>({})
  } as unknown as NotebookPanel;
  return { panel, model };
}

describe('NotebookReader, first read', () => {
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

describe('NotebookReader', () => {
  it('reads again only the cells edited since its last read, and reads what readNotebook reads', () => {
    const nb = load('examples/pipeline.ipynb');
    const { panel, model } = panelOf(nb, 'pipeline.ipynb');
    const reader = new NotebookReader(panel);
    const first = reader.read();
    expect(first).toEqual(readNotebook(panel));
    expect(reader.read().cells.every((c, i) => c === first.cells[i])).toBe(true);

    model.cells.get(3).sharedModel.setSource('x = 1');
    model.cells.get(5).setMetadata('tags', ['skip']);
    model.setMetadata('kubeflow_notebook', { pipeline_name: 'renamed' });
    const second = reader.read();
    expect(second).toEqual(readNotebook(panel));
    const reread = second.cells.flatMap((c, i) => (c === first.cells[i] ? [] : [i]));
    expect(reread).toEqual([3, 5]);
    expect(second.cells[3].source).toBe('x = 1');
    expect(second.cells[5].tags).toEqual(['skip']);
    expect(second.metadata).not.toBe(first.metadata);
    expect(reader.read().metadata).toBe(second.metadata);

    // Moved cells are the same objects at their new places.
    model.cells.move(1, 4);
    const moved = reader.read();
    expect(moved).toEqual(readNotebook(panel));
    expect(moved.cells[4]).toBe(second.cells[1]);
  });
});

describe('keepUnchanged', () => {
  it('keeps the parts equal to the previous value as they were', () => {
    const prev = {
      steps: [
        { name: 'a', inputs: ['x'] },
        { name: 'b', inputs: [] }
      ],
      n: 1
    };
    const same = JSON.parse(JSON.stringify(prev));
    expect(keepUnchanged(prev, same)).toBe(prev);
    const next = {
      steps: [
        { name: 'a', inputs: ['x'] },
        { name: 'b', inputs: ['y'] }
      ],
      n: 1
    };
    const kept = keepUnchanged(prev, next);
    expect(kept).toEqual(next);
    expect(kept).not.toBe(prev);
    expect(kept.steps[0]).toBe(prev.steps[0]);
    expect(kept.steps[1]).not.toBe(prev.steps[1]);
    expect(keepUnchanged(prev, { ...prev, extra: true })).toEqual({ ...prev, extra: true });
    expect(keepUnchanged({ a: [1] }, { a: [1, 2] })).toEqual({ a: [1, 2] });
    expect(keepUnchanged({ a: undefined }, { b: undefined })).toEqual({ b: undefined });
    expect(keepUnchanged([1, 2], { 0: 1, 1: 2 })).toEqual({ 0: 1, 1: 2 });
    expect(keepUnchanged(null, [1])).toEqual([1]);
  });
});

describe('AnalysisService', () => {
  /** A service over the real analyzer in this thread, and the requests it sends. */
  function service(): { service: AnalysisService; sent: ToWorker[] } {
    const sent: ToWorker[] = [];
    const client = new AnalyzerClient(() => {
      const worker = spawnInProcess(createAnalyzer);
      const post = worker.port.postMessage.bind(worker.port);
      worker.port.postMessage = message => {
        sent.push(message);
        post(message);
      };
      return worker;
    });
    return { service: new AnalysisService(client), sent };
  }

  const analyses = (sent: ToWorker[]) => sent.filter(m => m.type === 'analyze').length;

  it('analyses edits as they come: one request in flight, the edits made meanwhile in the next', async () => {
    const { service: s, sent } = service();
    const nb = load('examples/pipeline.ipynb');
    const { panel, model } = panelOf(nb, 'pipeline.ipynb');
    const results: unknown[] = [];
    s.changed.connect((_, r) => results.push(r));
    s.setNotebook(panel);
    await new Promise(resolve => setTimeout(resolve));
    await s.whenIdle();
    expect(analyses(sent)).toBe(1);
    const evaluate = nb.cells.findIndex((c: any) =>
      (c.metadata?.tags ?? []).includes('step:evaluate')
    );
    const cell = model.cells.get(evaluate);
    const first = s.result!;

    // Keystrokes: the first goes at once; the others, typed while it is analysed, go together.
    const typed = 'print(raw)';
    for (let k = 1; k <= typed.length; k++) {
      cell.sharedModel.setSource(
        `${nb.cells[evaluate].source.join?.('') ?? ''}\n${typed.slice(0, k)}`
      );
      if (k === 1) {
        await Promise.resolve();
      }
    }
    await new Promise(resolve => setTimeout(resolve));
    await s.whenIdle();
    expect(analyses(sent)).toBe(3);
    const edge = s.result!.edges.find(e => e.from === 'load_data' && e.to === 'evaluate');
    expect(edge?.passes).toContain('raw');
    expect(s.input!.cells[evaluate].source.endsWith('\nprint(raw)')).toBe(true);
    // Only the edited cell crossed to the worker; the unchanged steps are the same objects.
    const last = sent.filter(m => m.type === 'analyze').pop() as any;
    expect(last.cells.filter((c: unknown) => typeof c !== 'string').map((c: any) => c.id)).toEqual([
      cell.id
    ]);
    const same = s.result!.steps.filter(st => first.steps.includes(st)).map(st => st.name);
    expect(same).toEqual(expect.arrayContaining(['train_forest', 'train_logreg']));
    expect(same).not.toContain('evaluate');
    expect(results[results.length - 1]).toBe(s.result);

    // A metadata edit is analysed too, and following no notebook forgets this one.
    cell.setMetadata('tags', ['step:evaluate']);
    await new Promise(resolve => setTimeout(resolve));
    await s.whenIdle();
    expect(s.result!.steps.find(st => st.name === 'evaluate')!.depends).toEqual([]);
    s.setNotebook(null);
    await new Promise(resolve => setTimeout(resolve));
    expect(sent[sent.length - 1]).toEqual({ type: 'forget', path: 'pipeline.ipynb' });
    expect(analyses(sent)).toBe(4);
    expect(results[results.length - 1]).toBeNull();
    s.dispose();
  });
});

describe('AnalysisService, cellpipe off', () => {
  it('analyses nothing and shows no markers while the notebook is off, and clears them when turned off', async () => {
    const sent: ToWorker[] = [];
    const client = new AnalyzerClient(() => {
      const worker = spawnInProcess(createAnalyzer);
      const post = worker.port.postMessage.bind(worker.port);
      worker.port.postMessage = message => {
        sent.push(message);
        post(message);
      };
      return worker;
    });
    const s = new AnalysisService(client);
    const settle = async () => {
      await new Promise(resolve => setTimeout(resolve));
      await s.whenIdle();
    };
    // The example without its annotations: a new notebook, off.
    const nb = load('examples/pipeline.ipynb');
    for (const cell of nb.cells) {
      cell.metadata = {};
    }
    nb.metadata = {};
    nb.cells[1].source = 'print(no_such)';
    const { panel, model } = panelOf(nb, 'new.ipynb');
    const shown: unknown[][] = [];
    const editor = {
      isDisposed: false,
      injectExtension: () => undefined,
      editor: { dispatch: (spec: any) => shown.push(spec.effects.value) }
    };
    (panel as any).content.widgets = nb.cells.map(() => ({ editor }));
    s.setNotebook(panel);
    await settle();
    expect(s.enabled).toBe(false);
    expect(sent.filter(m => m.type === 'analyze')).toHaveLength(0);
    expect(s.result).toBeNull();

    // Turned on by the user: analysed, the undefined name marked.
    model.setMetadata('cellpipe', { enabled: true });
    await settle();
    expect(s.enabled).toBe(true);
    expect(s.result).not.toBeNull();
    expect(shown.flat()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: expect.stringContaining('no_such') })
      ])
    );

    // Off again: the result goes and the markers are cleared.
    model.setMetadata('cellpipe', { enabled: false });
    await settle();
    expect(s.result).toBeNull();
    expect(shown[shown.length - 1]).toEqual([]);
    const analysed = sent.filter(m => m.type === 'analyze').length;
    model.cells.get(1).sharedModel.setSource('print(still_no_such)');
    await settle();
    expect(sent.filter(m => m.type === 'analyze')).toHaveLength(analysed);
    s.dispose();
  });
});

describe('AnalysisService.whatIf', () => {
  it('analyses the notebook as if a cell were a new step, apart from the followed analysis', async () => {
    const s = new AnalysisService(new AnalyzerClient(() => spawnInProcess(createAnalyzer)));
    const nb = load('examples/pipeline.ipynb');
    const index = nb.cells.findIndex((c: any) =>
      (c.metadata?.tags ?? []).includes('step:evaluate')
    );
    const prev = nb.cells[index].metadata.tags
      .filter((t: string) => t.startsWith('prev:'))
      .map((t: string) => t.slice(5));
    nb.cells[index].metadata.tags = [];
    const { panel } = panelOf(nb, 'pipeline.ipynb');
    s.setNotebook(panel);
    await new Promise(resolve => setTimeout(resolve));
    await s.whenIdle();
    const followed = s.result;
    const result = await s.whatIf(panel, index, ['step:new_one']);
    const fixes = result!.diagnostics
      .filter(d => d.fix?.step === 'new_one')
      .map(d => d.fix!.dependsOn);
    // The steps it depended on are suggested again (it reads their variables).
    expect(prev.length).toBeGreaterThan(0);
    expect([...new Set(fixes)]).toEqual(expect.arrayContaining(prev));
    expect(s.result).toBe(followed);
    expect(s.result!.steps.map(st => st.name)).not.toContain('new_one');
    s.dispose();
  });
});

describe('AnalysisService markers', () => {
  /** An editor that records the marker lists dispatched to it. */
  function editorWidget(): { editor: any; shown: unknown[][] } {
    const shown: unknown[][] = [];
    const editor = {
      isDisposed: false,
      injectExtension: () => undefined,
      editor: { dispatch: (spec: any) => shown.push(spec.effects.value) }
    };
    return { editor, shown };
  }

  /** A panel over `nb` whose cells have editors. */
  function panelWithEditors(nb: any, notebookPath: string) {
    const { panel } = panelOf(nb, notebookPath);
    const editors = nb.cells.map(() => editorWidget());
    (panel as any).content.widgets = editors.map((e: any) => ({ editor: e.editor }));
    return { panel, editors };
  }

  it('leaves the markers of a notebook it stops following as they are', async () => {
    const client = new AnalyzerClient(() => spawnInProcess(createAnalyzer));
    const s = new AnalysisService(client);
    const broken = load('examples/pipeline.ipynb');
    const evaluate = broken.cells.findIndex((c: any) =>
      (c.metadata?.tags ?? []).includes('step:evaluate')
    );
    broken.cells[evaluate].source = [].concat(broken.cells[evaluate].source, '\nprint(no_such)');
    const a = panelWithEditors(broken, 'a.ipynb');
    const b = panelWithEditors(load('examples/pipeline.ipynb'), 'b.ipynb');
    const settle = async () => {
      await new Promise(resolve => setTimeout(resolve));
      await s.whenIdle();
    };

    s.setNotebook(a.panel);
    await settle();
    const shownInA = a.editors[evaluate].shown;
    expect(shownInA).toHaveLength(1);
    expect(shownInA[0]).toEqual([expect.objectContaining({ severity: 'error' })]);

    // Another notebook gets the focus: the first one, still open, keeps its markers.
    s.setNotebook(b.panel);
    await settle();
    expect(s.input!.path).toBe('b.ipynb');
    expect(shownInA).toHaveLength(1);

    // Back to the first: nothing to draw again, its markers are still right.
    s.setNotebook(a.panel);
    await settle();
    expect(s.input!.path).toBe('a.ipynb');
    expect(shownInA).toHaveLength(1);

    // The problem fixed: its marker goes.
    const cell = (a.panel.model as any).cells.get(evaluate);
    cell.sharedModel.setSource(cell.getSource().replace('\nprint(no_such)', ''));
    await settle();
    expect(s.result!.diagnostics.filter(d => d.severity === 'error')).toEqual([]);
    expect(shownInA).toEqual([expect.any(Array), []]);
    s.dispose();
  });
});
