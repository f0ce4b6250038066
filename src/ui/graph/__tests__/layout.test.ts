import { layoutGraph, edgeLabel, fileLabel, relayout, settle } from '../layout';
import type { StepInfo } from '../../../analysis/types';
import { dagreLibrary } from '../../lazy';

beforeAll(() => dagreLibrary.load());

function step(name: string, cells: number[], extra: Partial<StepInfo> = {}): StepInfo {
  return {
    name,
    kind: 'step',
    cellIndices: cells,
    depends: [],
    inputs: [],
    inputSources: {},
    outputs: [],
    parameters: [],
    ...extra
  };
}

describe('layoutGraph', () => {
  const steps = [
    step('load', [1, 2], { outputs: ['df'] }),
    step('train_a', [3], { inputs: ['df'], outputs: ['a'] }),
    step('train_b', [4], { inputs: ['df'], outputs: ['b'] }),
    step('evaluate', [5], { inputs: ['a', 'b'] })
  ];
  const edges = [
    { from: 'load', to: 'train_a', passes: ['df'] },
    { from: 'load', to: 'train_b', passes: ['df'] },
    { from: 'train_a', to: 'evaluate', passes: ['a'] },
    { from: 'train_b', to: 'evaluate', passes: ['b'] }
  ];

  it('places parallel branches side by side, each rank below its upstream', () => {
    const layout = layoutGraph({ steps, edges });
    const at = Object.fromEntries(layout.nodes.map(n => [n.name, n]));
    expect(at.train_a.y).toBe(at.train_b.y);
    expect(at.train_a.x).not.toBe(at.train_b.x);
    expect(Math.abs(at.train_a.x - at.train_b.x)).toBeGreaterThanOrEqual(
      (at.train_a.width + at.train_b.width) / 2
    );
    expect(at.train_a.y).toBeGreaterThan(at.load.y);
    expect(at.evaluate.y).toBeGreaterThan(at.train_a.y);
    expect(at.load.firstCell).toBe(1);
    expect(layout.width).toBeGreaterThanOrEqual(at.train_a.width + at.train_b.width);
  });

  it('labels each edge with the variables it passes and routes it between the nodes', () => {
    const layout = layoutGraph({ steps, edges });
    const e = layout.edges.find(x => x.from === 'train_b' && x.to === 'evaluate')!;
    expect(e.label).toBe('b');
    expect(e.points.length).toBeGreaterThanOrEqual(2);
    const from = layout.nodes.find(n => n.name === 'train_b')!;
    const to = layout.nodes.find(n => n.name === 'evaluate')!;
    expect(e.points[0].y).toBeLessThan(e.points[e.points.length - 1].y);
    expect(e.points[0].y).toBeGreaterThanOrEqual(from.y);
    expect(e.points[e.points.length - 1].y).toBeLessThanOrEqual(to.y);
  });

  it('drops edges to unknown steps and self loops instead of failing', () => {
    const layout = layoutGraph({
      steps: [step('only', [0])],
      edges: [
        { from: 'only', to: 'ghost', passes: ['x'] },
        { from: 'only', to: 'only', passes: [] }
      ]
    });
    expect(layout.nodes.map(n => n.name)).toEqual(['only']);
    expect(layout.edges).toEqual([]);
  });

  it('shortens long labels and leaves ordering-only edges unlabelled', () => {
    expect(edgeLabel([])).toBe('');
    expect(edgeLabel(['x', 'y'])).toBe('x, y');
    expect(edgeLabel(['features_train', 'features_test', 'labels_train', 'labels_test'])).toBe(
      'features_train, features_test +2'
    );
  });

  it('keeps positions when only the code changed and lays out again when the shape changed', () => {
    const first = relayout({ steps, edges }, null);
    const moved = steps.map(s => (s.name === 'load' ? { ...s, cellIndices: [2, 3] } : s));
    const same = relayout({ steps: moved, edges }, first);
    expect(same.nodes.map(n => [n.x, n.y])).toEqual(first.nodes.map(n => [n.x, n.y]));
    expect(same.nodes.find(n => n.name === 'load')!.firstCell).toBe(2);
    const grown = relayout(
      {
        steps: [...steps, step('report', [6])],
        edges: [...edges, { from: 'evaluate', to: 'report', passes: ['score'] }]
      },
      first
    );
    expect(grown.key).not.toBe(first.key);
    const report = grown.nodes.find(n => n.name === 'report')!;
    expect(report.y).toBeGreaterThan(grown.nodes.find(n => n.name === 'evaluate')!.y);
    expect(grown.edges.find(e => e.to === 'report')!.label).toBe('score');
  });

  it('returns the same layout, nodes and edges when nothing changed, new objects only for what did', () => {
    const first = relayout({ steps, edges }, null);
    expect(relayout({ steps, edges }, first)).toBe(first);
    const copy = relayout(
      { steps: steps.map(s => ({ ...s })), edges: edges.map(e => ({ ...e })) },
      first
    );
    expect(copy).not.toBe(first);
    copy.nodes.forEach((n, i) => expect(n).toBe(first.nodes[i]));
    copy.edges.forEach((e, i) => expect(e).toBe(first.edges[i]));
    const readsMore = steps.map(s =>
      s.name === 'evaluate' ? { ...s, inputs: ['a', 'b', 'df'] } : s
    );
    const next = relayout({ steps: readsMore, edges }, first);
    const changed = next.nodes.filter((n, i) => n !== first.nodes[i]).map(n => n.name);
    expect(changed).toEqual(['evaluate']);
    expect(next.nodes.find(n => n.name === 'evaluate')!.inputs).toEqual(['a', 'b', 'df']);
    expect(next.provisional).toBe(false);
  });

  it('draws a new edge straight over the kept positions until settle lays the graph out', () => {
    const first = relayout({ steps, edges }, null);
    const more = [...edges, { from: 'load', to: 'evaluate', passes: ['df'] }];
    const typed = relayout({ steps, edges: more }, first);
    expect(typed.provisional).toBe(true);
    expect(typed.nodes).toEqual(first.nodes);
    const added = typed.edges.find(e => e.from === 'load' && e.to === 'evaluate')!;
    const load = typed.nodes.find(n => n.name === 'load')!;
    const evaluate = typed.nodes.find(n => n.name === 'evaluate')!;
    expect(added.points).toEqual([
      { x: load.x, y: load.y + load.height / 2 },
      { x: evaluate.x, y: evaluate.y - evaluate.height / 2 }
    ]);
    expect(added.label).toBe('df');
    // A relabelled edge keeps its route and shows its new variables.
    const relabelled = relayout(
      {
        steps,
        edges: more.map(e => (e.to === 'train_a' ? { ...e, passes: ['df', 'rows'] } : e))
      },
      typed
    );
    const trainA = relabelled.edges.find(e => e.to === 'train_a')!;
    expect(trainA.label).toBe('df, rows');
    expect(trainA.points).toEqual(first.edges.find(e => e.to === 'train_a')!.points);
    expect(relabelled.provisional).toBe(true);

    const settled = settle(relabelled);
    expect(settled.provisional).toBe(false);
    expect(settled.key).toBe(relabelled.key);
    expect(settled).toEqual({
      ...layoutGraph(relabelled.source),
      key: relabelled.key,
      source: relabelled.source,
      provisional: false
    });
    expect(settle(settled)).toBe(settled);
    // An edge removed again: still provisional until settled; no trace of the removed edge.
    const back = relayout({ steps, edges }, settled);
    expect(back.provisional).toBe(true);
    expect(back.edges.map(e => `${e.from}->${e.to}`)).toEqual(edges.map(e => `${e.from}->${e.to}`));
  });
});

describe('file edges', () => {
  const steps = [step('clean', [1]), step('train', [2]), step('report', [3])];
  const edges = [
    { from: 'clean', to: 'train', passes: ['n'] },
    { from: 'train', to: 'report', passes: [] },
    { from: 'clean', to: 'train', passes: [], kind: 'file' as const, files: ['data/clean.csv'] },
    { from: 'clean', to: 'report', passes: [], kind: 'file' as const, files: ['a.csv', 'b.csv'] }
  ];

  it('are one drawn edge with the variable edge between the same steps, a dashed one alone', () => {
    const layout = layoutGraph({ steps, edges });
    expect(
      layout.edges.map(e => [e.from, e.to, e.passes, e.files, e.variable, e.label, e.fileLabel])
    ).toEqual([
      ['clean', 'train', ['n'], ['data/clean.csv'], true, 'n', 'clean.csv'],
      ['train', 'report', [], [], true, '', ''],
      ['clean', 'report', [], ['a.csv', 'b.csv'], false, '', 'a.csv, b.csv']
    ]);
    const report = layout.nodes.find(n => n.name === 'report')!;
    const fileEdge = layout.edges[2];
    expect(fileEdge.points[fileEdge.points.length - 1].y).toBeLessThanOrEqual(report.y);
  });

  it('shortens long file labels to file names', () => {
    expect(fileLabel([])).toBe('');
    expect(fileLabel(['data/x.csv'])).toBe('x.csv');
    expect(fileLabel(['features_train.parquet', 'features_test.parquet', 'c.csv'])).toBe(
      'features_train.parquet +2'
    );
  });

  it('a changed file list refreshes the edge over kept positions and keys a new layout', () => {
    const first = relayout({ steps, edges }, null);
    const renamed = edges.map(e =>
      e.kind === 'file' && e.to === 'train' ? { ...e, files: ['data/other.csv'] } : e
    );
    const next = relayout({ steps, edges: renamed }, first);
    expect(next.key).not.toBe(first.key);
    expect(next.provisional).toBe(true);
    const edge = next.edges.find(e => e.to === 'train')!;
    expect(edge.files).toEqual(['data/other.csv']);
    expect(edge.fileLabel).toBe('other.csv');
    expect(edge.points).toEqual(first.edges.find(e => e.to === 'train')!.points);
    expect(next.edges.find(e => e.to === 'report' && e.from === 'train')).toBe(
      first.edges.find(e => e.to === 'report' && e.from === 'train')
    );
  });
});
