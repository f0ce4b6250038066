/**
 * The flow stage's phases hand on records nobody changes afterwards: a phase given frozen results of
 * the phases before it answers as usual, and leaves them as they were.
 */
import type { NotebookInput } from '../../model/notebook';
import { CellAnalysis, CellCache } from '../cell';
import { buildAnalysis, FlowMemo } from '../dataflow';
import { stepGraph } from '../dataflow/graph';
import { groupCells } from '../dataflow/grouping';
import { Diagnostics } from '../diagnostics';
import { withFileFlow } from '../file-flow';
import { loadGrammar } from '../parse';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    const children = value instanceof Map ? [...value.values()] : Object.values(value);
    children.forEach(deepFreeze);
  }
  return value;
}

const TAGS = [
  ['imports'],
  ['step:load'],
  ['step:train', 'prev:load', 'prev:lod'],
  ['step:report', 'prev:train', 'prev:report'],
  ['pipeline-metrics']
];
const SOURCES = [
  'import json',
  'rows = [1, 2, 3]\nopen("clean.csv", "w").write(json.dumps(rows))',
  'data = open("clean.csv").read()\nscore = len(data) + len(rows)',
  'print(score)',
  'score'
];
const NOTEBOOK: NotebookInput = deepFreeze({
  cells: SOURCES.map((source, i) => ({
    id: `cell-${i}`,
    cellType: 'code' as const,
    source,
    tags: TAGS[i],
    metadata: {}
  })),
  metadata: {}
});

let cellAt: (index: number) => CellAnalysis | null;

beforeAll(async () => {
  const cache = new CellCache(await loadGrammar());
  const cells = NOTEBOOK.cells.map(c => cache.get(c.id, c.source));
  cellAt = index => cells[index] ?? null;
});

describe('the flow stage phases', () => {
  it('the graph drops prev: tags naming no step in new records, the grouping unchanged', () => {
    const grouping = deepFreeze(groupCells(NOTEBOOK, new Diagnostics()));
    const before = JSON.stringify(grouping);
    const diagnostics = new Diagnostics();
    const graph = stepGraph(grouping, diagnostics);
    expect(graph.steps.map(s => [s.name, s.depends])).toEqual([
      ['load', []],
      ['train', ['load']],
      ['report', ['train']],
      ['metrics', ['report']]
    ]);
    expect(grouping.steps.map(s => s.depends)).toEqual([[], ['load', 'lod'], ['train', 'report']]);
    expect(JSON.stringify(grouping)).toBe(before);
    expect(diagnostics.list.map(d => d.code)).toEqual(['unknown-dependency', 'self-dependency']);
  });

  it('the files stage adds to a frozen analysis by making a new one', () => {
    const memo = new FlowMemo();
    const result = deepFreeze(buildAnalysis(NOTEBOOK, cellAt, memo));
    const before = JSON.stringify(result);
    const withFiles = withFileFlow(result, cellAt);
    expect(JSON.stringify(result)).toBe(before);
    expect(result.steps.every(s => s.files === undefined)).toBe(true);
    expect(withFiles.steps.find(s => s.name === 'train')?.files?.reads.map(r => r.path)).toEqual([
      'clean.csv'
    ]);
    expect(withFiles.edges.filter(e => e.files)).toEqual([
      expect.objectContaining({ from: 'load', to: 'train', files: ['clean.csv'] })
    ]);
    // The memo replays the same flows to a second analysis; the frozen first one is not touched.
    expect(buildAnalysis(NOTEBOOK, cellAt, memo)).toEqual(result);
  });
});
