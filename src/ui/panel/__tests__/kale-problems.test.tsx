/**
 * @jest-environment jsdom
 */
/**
 * Kale notebooks from the wild: what the compiler approximates or cannot carry over reaches the
 * panel's Problems list (the real analyzer and compiler over tests/fixtures/kale).
 */
import * as fs from 'fs';
import * as path from 'path';
import { TextEncoder } from 'util';
import * as React from 'react';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { createAnalyzer } from '../../../analysis';
import type { Analyzer } from '../../../analysis/types';
import { fromNbformat } from '../../../model/notebook';
import { plainTrans } from '../../run/trans';
import { CompileProblems, PanelCompileProblem, compileProblemsOf } from '../CompileProblems';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
// Browsers have it; jsdom does not (the compiler measures the package in bytes).
(globalThis as any).TextEncoder ??= TextEncoder;

const KALE = path.resolve(__dirname, '../../../../tests/fixtures/kale');

let analyzer: Analyzer;
beforeAll(async () => {
  // jsdom looks like a browser to the analyzer: hand it the grammars' bytes.
  const bytes = (file: string) => new Uint8Array(fs.readFileSync(require.resolve(file)));
  analyzer = await createAnalyzer({
    treeSitterWasm: bytes('web-tree-sitter/tree-sitter.wasm'),
    pythonWasm: bytes('tree-sitter-python/tree-sitter-python.wasm')
  });
});

/** The problems as the panel model asks for them (its options: the path and the default image). */
function problemsOf(name: string, edit?: (nb: any) => void): PanelCompileProblem[] {
  const raw = JSON.parse(fs.readFileSync(path.join(KALE, name), 'utf8'));
  edit?.(raw);
  const notebook = fromNbformat(raw, name);
  const analysis = analyzer.analyze(notebook);
  expect(analysis.diagnostics.filter(d => d.severity === 'error')).toEqual([]);
  return compileProblemsOf(notebook, analysis, {
    notebookPath: name,
    defaultImage: 'python:3.11'
  });
}

/** What the Problems list shows, one line per problem. */
function shown(problems: PanelCompileProblem[]): string[] {
  jest.useFakeTimers();
  const host = document.createElement('div');
  const root = createRoot(host);
  act(() =>
    root.render(
      <CompileProblems
        problems={() => problems}
        revision={1}
        baseImage="python:3.11"
        onSelect={() => undefined}
        trans={plainTrans}
        delayMs={1}
      />
    )
  );
  act(() => jest.advanceTimersByTime(1));
  const lines = [...host.querySelectorAll('li')].map(li => li.textContent ?? '');
  act(() => root.unmount());
  jest.useRealTimers();
  return lines;
}

const count = (lines: string[], text: string) => lines.filter(l => l.includes(text)).length;

describe("Kale's warnings in the panel's Problems list", () => {
  it('a Kale 0.x notebook: live volumes instead of snapshots, timeout per step, keys not carried over, unknown tags', () => {
    const problems = problemsOf('kale0_blocks.ipynb');
    expect(problems.every(p => p.severity === 'warning')).toBe(true);
    const lines = shown(problems);
    expect(lines).toHaveLength(problems.length);
    for (const text of [
      'compiler: notebook: kubeflow_notebook.volumes[2] ("workspace-kale-nb"): type "clone"',
      'compiler: notebook: kubeflow_notebook.volumes[3] ("restored-data"): type "snapshot"',
      'compiler: notebook: kubeflow_notebook.timeout: ',
      'compiler: notebook: kubeflow_notebook.kfp_host: ',
      'compiler: notebook: kubeflow_notebook.marshal_volume: ',
      'compiler: notebook: kubeflow_notebook.autosnapshot: ',
      'compiler: notebook: kubeflow_notebook.volumes[1] ("scratch"): type "new_pvc"',
      'tag hide-input: '
    ]) {
      expect(count(lines, text)).toBeGreaterThanOrEqual(1);
    }
    for (const volume of ['volumes[2] (', 'volumes[3] (']) {
      expect(lines.find(l => l.includes(volume))).toMatch(
        /the run sees and changes the live volume, not a copy; with volume_access_mode "rwo", a step scheduled on another node/
      );
    }
    expect(lines.find(l => l.includes('.timeout'))).toMatch(/each step is bounded to 3600 s/);
  });

  it('a Kale 2.x notebook: the notebook: sub-pipeline and an unknown tag, each once, at their cell', () => {
    const problems = problemsOf('kale2_steps.ipynb', nb => {
      // The same unknown tag on a second cell is still one warning.
      nb.cells[3].metadata.tags.push('my-team-tag');
    });
    const lines = shown(problems);
    expect(lines.filter(l => l.includes('tag my-team-tag: '))).toEqual([
      'compiler: cell 4 (step "train"): tag my-team-tag: is not a Kale tag; it is kept and ignored ' +
        '(1 more cell has this tag)'
    ]);
    expect(lines.filter(l => l.includes('tag notebook:evaluation: '))).toEqual([
      expect.stringMatching(
        /^compiler: cell \d+ \(step "evaluate"\): tag notebook:evaluation: sub-pipelines .* not supported yet/
      )
    ]);
  });
});
