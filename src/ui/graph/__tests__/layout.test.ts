import { layoutGraph, edgeLabel, relayout } from '../layout';
import type { StepInfo } from '../../../analysis/types';

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
});
