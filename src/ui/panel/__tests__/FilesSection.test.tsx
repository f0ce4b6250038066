/**
 * @jest-environment jsdom
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import type { AnalysisResult, StepInfo } from '../../../analysis/types';
import type { FileStat, IFileClient } from '../../../kfp/files';
import { plainTrans } from '../../run/trans';
import { FILES_DELAY_MS, FilesSection } from '../FilesSection';

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
});
