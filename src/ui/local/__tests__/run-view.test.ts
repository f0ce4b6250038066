import { pipelineInfo } from '../../../compiler/names';
import { Problems } from '../../../compiler/types';
import type { KeptRun, LocalStep } from '../../../server-api';
import {
  chartPoints,
  compareRuns,
  durationOf,
  failureParts,
  firstPlace,
  inPipelineOrder,
  parseParameter,
  pipelineNameOf,
  progressOf,
  pythonLine,
  sessionKernel
} from '../run-view';

const step = (
  name: string,
  state: LocalStep['state'],
  started?: number,
  finished?: number
): LocalStep => ({
  task: name.replace(/_/g, '-'),
  step: name,
  state,
  started,
  finished
});

const kept = (
  id: string,
  parameters: Record<string, unknown>,
  metrics: Record<string, number>
): KeptRun => ({
  id,
  pipeline: 'demo',
  parameters,
  state: 'succeeded',
  started: 1,
  finished: 2,
  steps: [],
  metrics
});

describe('run view', () => {
  it('orders steps as the pipeline does, not alphabetically (unknown ones last, as they came)', () => {
    const steps = [
      step('evaluate', 'pending'),
      step('load_data', 'cached'),
      step('zeta', 'pending'),
      step('train', 'running')
    ];
    expect(inPipelineOrder(steps, ['load_data', 'train', 'evaluate']).map(s => s.step)).toEqual([
      'load_data',
      'train',
      'evaluate',
      'zeta'
    ]);
  });

  it('gives a duration to steps that ran, none to a cached one, and counts the finished', () => {
    expect(durationOf(step('a', 'succeeded', 10, 12.5))).toBe(2.5);
    expect(durationOf(step('a', 'cached', 10, 10))).toBeNull();
    expect(durationOf(step('a', 'running', 10))).toBeNull();
    const steps = [
      step('a', 'cached'),
      step('b', 'failed'),
      step('c', 'skipped'),
      step('d', 'running'),
      step('e', 'pending')
    ];
    expect(progressOf(steps)).toEqual({ done: 3, total: 5 });
  });

  it("drops the runner's shell advice from a failure and links the notebook places it names", () => {
    const error = [
      'step "train" failed (exit code 1).',
      'cellpipe: step "train" failed',
      'Traceback (most recent call last):',
      '  pipeline.ipynb, cell 7, line 2, in the cell',
      '    forest.fit(X, y)',
      'ValueError: bad shape',
      'Re-run from this step: cellpipe run <package> --from train'
    ].join('\n');
    const parts = failureParts(error);
    const text = parts.map(p => (typeof p === 'string' ? p : p.text)).join('');
    expect(text).not.toContain('cellpipe run');
    expect(text.match(/failed/g)).toHaveLength(1); // the runtime's 'cellpipe: step "train" failed' goes
    expect(text).toContain('ValueError: bad shape');
    expect(firstPlace(parts)).toEqual({ cell: 7, line: 2 });
  });

  it('reads a parameter back in its type, or names it in the error', () => {
    expect(parseParameter('n', 'int', ' 50 ')).toEqual({ value: 50 });
    expect(parseParameter('n', 'int', '5.5')).toEqual({
      error: 'parameter n: "5.5" is not a whole number'
    });
    expect(parseParameter('lr', 'float', '0.25')).toEqual({ value: 0.25 });
    expect(parseParameter('lr', 'float', 'fast')).toHaveProperty('error');
    expect(parseParameter('on', 'bool', 'True')).toEqual({ value: true });
    expect(parseParameter('name', 'str', 'abc')).toEqual({ value: 'abc' });
    expect(parseParameter('xs', 'list', '[1, 2]')).toEqual({ value: [1, 2] });
    expect(parseParameter('xs', 'list', '{}')).toHaveProperty('error');
  });

  it('compares runs: parameters and metrics side by side, the best of each metric (lower for a loss)', () => {
    const runs = [
      kept('r3', { n: 50 }, { accuracy: 0.91, loss: 0.4 }),
      kept('r2', { n: 25, seed: 1 }, { accuracy: 0.93, loss: 0.3 }),
      kept('r1', { n: 10 }, { accuracy: 0.88 })
    ];
    const compared = compareRuns(runs);
    expect(compared.parameters).toEqual(['n', 'seed']);
    expect(compared.metrics).toEqual(['accuracy', 'loss']);
    expect(compared.best).toEqual({ accuracy: 'r2', loss: 'r2' });
    expect(
      compareRuns([kept('a', {}, { val_loss: 2 }), kept('b', {}, { val_loss: 1 })]).best
    ).toEqual({ val_loss: 'b' });
  });

  it('charts a metric oldest to newest inside the box, higher values higher up', () => {
    const runs = [
      kept('new', {}, { acc: 0.9 }),
      kept('mid', {}, {}),
      kept('old', {}, { acc: 0.8 })
    ];
    const points = chartPoints(runs, 'acc', 100, 50, 5);
    expect(points.map(p => p.run)).toEqual(['old', 'new']);
    expect(points[0]).toMatchObject({ x: 5, y: 45 });
    expect(points[1]).toMatchObject({ x: 95, y: 5 });
    expect(chartPoints(runs, 'missing', 100, 50)).toEqual([]);
  });

  it('names the pipeline as the compiler does (the runs kept record that name)', () => {
    const problems = new Problems();
    const cases: [string, string | undefined][] = [
      ['work/My Analysis (v2).ipynb', undefined],
      ['work/x.ipynb', ' cellpipe demo '],
      ['pipeline.ipynb', '']
    ];
    for (const [path, written] of cases) {
      const metadata =
        written === undefined ? {} : { kubeflow_notebook: { pipeline_name: written } };
      expect(pipelineNameOf(path, written)).toBe(
        pipelineInfo({ cells: [], metadata }, path, problems).name
      );
    }
  });

  it("says the steps' Python once: its path, version and why that one", () => {
    const from = "the notebook's kernel 'ml'";
    expect(pythonLine({ python: '/v/bin/python', pythonVersion: '3.11.7', pythonFrom: from })).toBe(
      "/v/bin/python (3.11.7), from the notebook's kernel 'ml'"
    );
    expect(pythonLine({ python: '/v/bin/python' })).toBe('/v/bin/python'); // a kept run
    expect(pythonLine({ python: null, pythonVersion: '3.11.7' })).toBe('');
    expect(pythonLine(null)).toBe('');
  });

  it("reads the notebook session's running kernel, none without one", () => {
    const running = (name: string) => ({ sessionContext: { session: { kernel: { name } } } });
    expect(sessionKernel(running('ml-env'))).toBe('ml-env');
    expect(sessionKernel({ sessionContext: { session: { kernel: null } } })).toBeUndefined();
    expect(sessionKernel({ sessionContext: { session: null } })).toBeUndefined();
    expect(sessionKernel(null)).toBeUndefined();
  });
});
