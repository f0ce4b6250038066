/**
 * @jest-environment jsdom
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import type { AnalysisResult, StepInfo } from '../../../analysis/types';
import type { FileStat, IFileClient, UploadedDataFile } from '../../../server-api';
import { plainTrans } from '../../run/trans';
import { DataFilesNotebook, FILES_DELAY_MS, FilesSection } from '../FilesSection';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

function step(name: string, files: StepInfo['files']): StepInfo {
  return {
    name,
    kind: 'step',
    cellIndices: [1],
    depends: [],
    inputs: [],
    inputSources: {},
    outputs: [],
    parameters: [],
    files
  };
}

const ANALYSIS: Pick<AnalysisResult, 'steps' | 'edges'> = {
  steps: [
    step('load', {
      reads: [{ path: 'data/train.csv', cellIndex: 1, line: 0 }],
      writes: [{ path: 'clean.csv', cellIndex: 1, line: 1 }],
      unresolved: [{ expression: 'f"out_{run}.csv"', access: 'write', cellIndex: 2, line: 3 }]
    }),
    step('train', {
      reads: [
        { path: 'clean.csv', cellIndex: 3, line: 0 },
        { path: 'labels.txt', cellIndex: 3, line: 1 }
      ],
      writes: [],
      unresolved: []
    }),
    step('plain', { reads: [], writes: [], unresolved: [] })
  ],
  edges: [
    { from: 'load', to: 'train', passes: [] },
    { from: 'load', to: 'train', passes: [], kind: 'file', files: ['clean.csv'] }
  ]
};

/** The server's side: what is on disk. */
class DiskClient implements IFileClient {
  asked: Array<{ notebookPath: string; paths: string[] }> = [];
  disk: Record<string, number> = { 'data/train.csv': 1536 };
  async stat(notebookPath: string, paths: string[]): Promise<FileStat[]> {
    this.asked.push({ notebookPath, paths });
    return paths.map(path =>
      path in this.disk ? { path, exists: true, size: this.disk[path] } : { path, exists: false }
    );
  }
  async uploadDataFiles(): Promise<UploadedDataFile[]> {
    throw new Error('the Files section never uploads (the Run dialog does)');
  }
}

/** A notebook model over plain metadata, telling its listeners of each change, as JupyterLab's does. */
class Notebook implements DataFilesNotebook {
  private slots = new Set<() => void>();
  readonly metadataChanged = {
    connect: (slot: () => void) => this.slots.add(slot),
    disconnect: (slot: () => void) => this.slots.delete(slot)
  };
  constructor(public metadata: Record<string, any>) {}
  getMetadata(key: string): unknown {
    return this.metadata[key];
  }
  setMetadata(key: string, value: unknown): void {
    this.metadata = { ...this.metadata, [key]: value };
    this.slots.forEach(slot => slot());
  }
  deleteMetadata(key: string): void {
    const { [key]: _, ...rest } = this.metadata;
    this.metadata = rest;
    this.slots.forEach(slot => slot());
  }
}

describe('FilesSection', () => {
  let host: HTMLDivElement;
  let root: Root;
  let client: DiskClient;

  beforeEach(() => {
    jest.useFakeTimers();
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
    client = new DiskClient();
  });

  afterEach(() => {
    act(() => root.unmount());
    host.remove();
    jest.useRealTimers();
  });

  const render = (analysis = ANALYSIS) =>
    act(() =>
      root.render(
        <FilesSection
          analysis={analysis}
          notebookPath="work/pipeline.ipynb"
          trans={plainTrans}
          client={client}
        />
      )
    );
  const openSection = () =>
    act(() => {
      const details = host.querySelector('details')!;
      details.open = true;
      details.dispatchEvent(new Event('toggle'));
    });
  const settle = async () => {
    await act(async () => {
      jest.advanceTimersByTime(FILES_DELAY_MS);
    });
  };
  const row = (stepName: string, access: string, path: string) =>
    host
      .querySelector(`[data-step="${stepName}"] [data-access="${access}"][data-file="${path}"]`)!
      .textContent!.replace(/\s+/g, ' ')
      .trim();

  it('lists each step’s files with existence and size, asking the server only while open', async () => {
    render();
    await settle();
    expect(client.asked).toEqual([]); // closed: nothing asked
    expect(host.querySelector('summary')!.textContent).toBe('Files (5)');
    openSection();
    await settle();
    expect(client.asked).toEqual([
      {
        notebookPath: 'work/pipeline.ipynb',
        paths: ['clean.csv', 'data/train.csv', 'labels.txt']
      }
    ]);
    expect(row('load', 'read', 'data/train.csv')).toBe('reads data/train.csv — 1.5 KB');
    expect(row('load', 'write', 'clean.csv')).toBe('writes clean.csv — not written yet');
    expect(row('train', 'read', 'clean.csv')).toBe(
      'reads clean.csv — not written yet, from step "load"'
    );
    expect(row('train', 'read', 'labels.txt')).toBe('reads labels.txt — missing');
    // A step without files is not listed.
    expect(host.querySelector('[data-step="plain"]')).toBeNull();
  });

  it('names paths not known before running', async () => {
    render();
    openSection();
    const unresolved = host.querySelector('[data-step="load"] .jp-cellpipe-file-unresolved')!;
    expect(unresolved.textContent!.replace(/\s+/g, ' ').trim()).toBe(
      'writes a path not known before running: f"out_{run}.csv" (cell 3)'
    );
  });

  it('asks again on Refresh (after a run) and when the paths change, not on a same-paths analysis', async () => {
    render();
    openSection();
    await settle();
    client.disk['clean.csv'] = 20;
    render({ ...ANALYSIS }); // a new analysis, the same steps and paths
    await settle();
    expect(client.asked).toHaveLength(1);
    act(() => host.querySelector<HTMLButtonElement>('.jp-cellpipe-files-refresh')!.click());
    await settle();
    expect(client.asked).toHaveLength(2);
    expect(row('train', 'read', 'clean.csv')).toBe('reads clean.csv — 20 B, from step "load"');
    const more = {
      ...ANALYSIS,
      steps: [
        ...ANALYSIS.steps,
        step('extra', {
          reads: [{ path: 'more.csv', cellIndex: 5, line: 0 }],
          writes: [],
          unresolved: []
        })
      ]
    };
    render(more);
    await settle();
    expect(client.asked).toHaveLength(3);
    expect(client.asked[2].paths).toContain('more.csv');
  });

  it('shows the server’s error', async () => {
    client.stat = async () => {
      throw new Error("Cannot look at the notebook's files: the server answered 403");
    };
    render();
    openSection();
    await settle();
    expect(host.querySelector('.jp-cellpipe-error')!.textContent).toBe(
      "Cannot look at the notebook's files: the server answered 403"
    );
  });

  describe('how data files get to the cluster', () => {
    const METADATA = {
      kernelspec: { name: 'python3', display_name: 'Python 3' },
      kubeflow_notebook: { pipeline_name: 'demo', docker_image: 'python:3.11' },
      cellpipe: { enabled: true }
    };
    const renderWith = (notebook: Notebook) =>
      act(() =>
        root.render(
          <FilesSection
            analysis={ANALYSIS}
            notebookPath="work/pipeline.ipynb"
            trans={plainTrans}
            client={client}
            notebook={notebook}
          />
        )
      );
    const dataFile = (path: string) =>
      host.querySelector<HTMLLIElement>(`.jp-cellpipe-datafile[data-datafile="${path}"]`)!;
    const pick = (select: HTMLSelectElement, value: string) =>
      act(() => {
        select.value = value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      });
    const typeInto = (input: HTMLInputElement, value: string) =>
      act(() => {
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(
          input,
          value
        );
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
    const notThere = (el: Element | null) =>
      el?.querySelector('.jp-cellpipe-file-not-there')?.textContent?.trim() ?? null;

    it('lists the files read and written by no step, unchosen ones marked; a choice is written to cellpipe.dataFiles, the rest kept', async () => {
      const notebook = new Notebook(JSON.parse(JSON.stringify(METADATA)));
      renderWith(notebook);
      openSection();
      await settle();
      const listed = [...host.querySelectorAll('.jp-cellpipe-datafile')].map(li => [
        li.getAttribute('data-datafile'),
        li.getAttribute('data-way')
      ]);
      // clean.csv is written by "load": file flow carries it, no choice to make.
      expect(listed).toEqual([
        ['data/train.csv', 'none'],
        ['labels.txt', 'none']
      ]);
      expect(notThere(dataFile('data/train.csv'))).toBe("! will not exist in the step's pod");
      const readRow = () =>
        host.querySelector('[data-step="load"] [data-access="read"][data-file="data/train.csv"]');
      expect(notThere(readRow())).toBe("! will not exist in the step's pod");
      expect(
        notThere(host.querySelector('[data-step="train"] [data-file="clean.csv"]'))
      ).toBeNull();

      await pick(dataFile('data/train.csv').querySelector('select')!, 'upload');
      expect(notebook.metadata).toEqual({
        ...METADATA,
        cellpipe: { enabled: true, dataFiles: { 'data/train.csv': { source: 'upload' } } }
      });
      expect(JSON.stringify(notebook.metadata.kubeflow_notebook)).toBe(
        JSON.stringify(METADATA.kubeflow_notebook)
      );
      expect(dataFile('data/train.csv').getAttribute('data-way')).toBe('upload');
      expect(notThere(dataFile('data/train.csv'))).toBeNull();
      expect(readRow()!.getAttribute('data-way')).toBe('upload');
      expect(notThere(readRow())).toBeNull();
      expect(notThere(dataFile('labels.txt'))).not.toBeNull();

      // The notebook-wide default reaches the files without their own choice.
      await pick(host.querySelector<HTMLSelectElement>('select[data-default]')!, 'image');
      expect(notebook.metadata.cellpipe.dataFiles).toEqual({
        'data/train.csv': { source: 'upload' },
        '*': { source: 'image' }
      });
      expect(dataFile('labels.txt').getAttribute('data-way')).toBe('image');
      expect(dataFile('labels.txt').querySelector('select option')!.textContent).toBe(
        'the default: already in the image'
      );
      expect(host.querySelectorAll('.jp-cellpipe-file-not-there')).toHaveLength(0);

      // Back to "not chosen": the entries go, and what the section added with them.
      await pick(dataFile('data/train.csv').querySelector('select')!, '');
      await pick(host.querySelector<HTMLSelectElement>('select[data-default]')!, '');
      expect(notebook.metadata).toEqual(METADATA);
    });

    it('takes a URI once an importer can read it, showing why not inline', async () => {
      const notebook = new Notebook(JSON.parse(JSON.stringify(METADATA)));
      renderWith(notebook);
      openSection();
      await pick(dataFile('labels.txt').querySelector('select')!, 'uri');
      const input = () => dataFile('labels.txt').querySelector<HTMLInputElement>('input')!;
      expect(dataFile('labels.txt').querySelector('[role="alert"]')!.textContent!.trim()).toBe(
        'needs a "uri"'
      );
      await typeInto(input(), 'https://example.com/labels.txt');
      await act(() =>
        input().dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
      );
      expect(dataFile('labels.txt').querySelector('[role="alert"]')!.textContent).toContain(
        'has scheme "https"; a KFP importer reads s3://, gs://, minio://'
      );
      expect(notebook.metadata).toEqual(METADATA); // nothing written
      await typeInto(input(), 'gs://bucket/labels.txt');
      await act(() => input().dispatchEvent(new FocusEvent('focusout', { bubbles: true })));
      expect(notebook.metadata.cellpipe.dataFiles).toEqual({
        'labels.txt': { source: 'uri', uri: 'gs://bucket/labels.txt' }
      });
      expect(dataFile('labels.txt').getAttribute('data-way')).toBe('uri');
      expect(dataFile('labels.txt').querySelector('[role="alert"]')).toBeNull();
      expect(input().value).toBe('gs://bucket/labels.txt');
    });

    it('shows the mounted workspace volume as chosen, not editable, when Kale mounts it', async () => {
      const notebook = new Notebook({
        ...METADATA,
        kubeflow_notebook: { ...METADATA.kubeflow_notebook, abs_working_dir: '/home/jovyan/work' }
      });
      renderWith(notebook);
      openSection();
      expect(host.querySelector('select[data-default]')).toBeNull();
      for (const path of ['data/train.csv', 'labels.txt']) {
        const select = dataFile(path).querySelector('select')!;
        expect(select.disabled).toBe(true);
        expect(select.selectedOptions[0].textContent).toBe('workspace volume (mounted)');
        expect(dataFile(path).getAttribute('data-way')).toBe('mounted');
      }
      expect(host.querySelectorAll('.jp-cellpipe-file-not-there')).toHaveLength(0);
    });

    it('follows metadata changed elsewhere (an undo, another view)', async () => {
      const notebook = new Notebook(JSON.parse(JSON.stringify(METADATA)));
      renderWith(notebook);
      openSection();
      await act(() =>
        notebook.setMetadata('cellpipe', { dataFiles: { 'labels.txt': { source: 'volume' } } })
      );
      expect(dataFile('labels.txt').getAttribute('data-way')).toBe('volume');
      expect(dataFile('labels.txt').querySelector('select')!.value).toBe('volume');
    });
  });
});
