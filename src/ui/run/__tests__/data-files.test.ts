import type { AnalysisResult } from '../../../analysis/types';
import { step } from '../../../compiler/__tests__/fixtures';
import { planDataFiles, unplacedOf, uploadsOf } from '../data-files';

const reads = (...paths: string[]) => ({
  reads: paths.map((path, line) => ({ path, cellIndex: 1, line })),
  writes: [],
  unresolved: []
});

const ANALYSIS: Pick<AnalysisResult, 'steps'> = {
  steps: [
    step('load', [1], {
      files: {
        ...reads('data/train.csv', './labels.json', 'images/*.png', '/srv/shared.csv'),
        writes: [{ path: 'clean.csv', cellIndex: 1, line: 9 }]
      }
    }),
    step('train', [2], { files: reads('clean.csv', 'data/train.csv', 'weights.pt') })
  ]
};

const metadata = (dataFiles?: unknown, kale: Record<string, unknown> = {}) => ({
  metadata: { kubeflow_notebook: kale, ...(dataFiles ? { cellpipe: { dataFiles } } : {}) }
});

describe('planDataFiles', () => {
  it('lists each file read and not written once, with its readers; no choice: it will not exist', () => {
    const plan = planDataFiles(metadata(), ANALYSIS);
    expect(plan.mounted).toBe(false);
    expect(plan.files.map(f => [f.path, f.steps, f.way, f.importable, f.choosable])).toEqual([
      ['/srv/shared.csv', ['load'], undefined, false, false],
      ['data/train.csv', ['load', 'train'], undefined, true, true],
      ['images/*.png', ['load'], undefined, false, true],
      ['labels.json', ['load'], undefined, true, true],
      ['weights.pt', ['train'], undefined, true, true]
    ]);
    expect(unplacedOf(plan)).toHaveLength(5);
    expect(uploadsOf(plan)).toEqual([]);
  });

  it('applies each file’s own choice, else the notebook-wide one; a pattern or an outside path cannot be imported', () => {
    const plan = planDataFiles(
      metadata({
        '*': { source: 'upload' },
        'labels.json': { source: 'uri', uri: 'gs://bucket/labels.json' },
        'weights.pt': { source: 'image' }
      }),
      ANALYSIS
    );
    const way = Object.fromEntries(plan.files.map(f => [f.path, f.way]));
    expect(way).toEqual({
      '/srv/shared.csv': undefined,
      'data/train.csv': 'upload',
      'images/*.png': undefined,
      'labels.json': 'uri',
      'weights.pt': 'image'
    });
    expect(plan.all).toEqual({ source: 'upload' });
    expect(plan.files.find(f => f.path === 'labels.json')!.own).toEqual({
      source: 'uri',
      uri: 'gs://bucket/labels.json'
    });
    expect(plan.files.find(f => f.path === 'data/train.csv')!.own).toBeUndefined();
    expect(uploadsOf(plan)).toEqual(['data/train.csv']);
    expect(unplacedOf(plan)).toEqual(['/srv/shared.csv', 'images/*.png']);
    // The volume or the image holds patterns and outside paths.
    const volume = planDataFiles(metadata({ '*': { source: 'volume' } }), ANALYSIS);
    expect(unplacedOf(volume)).toEqual([]);
  });

  it('every file is there when Kale mounts the workspace, whatever the choices', () => {
    for (const kale of [
      { volumes: [{ mount_point: '/home/jovyan', name: 'ws', type: 'pvc' }] },
      { abs_working_dir: '/home/jovyan/work' }
    ]) {
      const plan = planDataFiles(metadata({ 'weights.pt': { source: 'image' } }, kale), ANALYSIS);
      expect(plan.mounted).toBe(true);
      expect(new Set(plan.files.map(f => f.way))).toEqual(new Set(['mounted']));
      expect(uploadsOf(plan)).toEqual([]);
    }
  });

  it('a pattern some step writes a match of travels as file flow; an exact read only when written as is', () => {
    const analysis: Pick<AnalysisResult, 'steps'> = {
      steps: [
        step('split', [1], {
          files: { ...reads('raw.csv'), writes: [{ path: 'parts/a.csv', cellIndex: 1, line: 3 }] }
        }),
        step('merge', [2], {
          files: reads('parts/*.csv', 'other/*.csv', 'parts/a.csv', 'parts/b.csv')
        })
      ]
    };
    const plan = planDataFiles(metadata(), analysis);
    expect(plan.files.map(f => [f.path, f.importable])).toEqual([
      ['other/*.csv', false],
      ['parts/b.csv', true],
      ['raw.csv', true]
    ]);
  });

  it('names bad entries', () => {
    const plan = planDataFiles(metadata({ 'weights.pt': { source: 'ftp' } }), ANALYSIS);
    expect(plan.problems.map(p => p.path)).toEqual(['weights.pt']);
    expect(plan.files.find(f => f.path === 'weights.pt')!.way).toBeUndefined();
  });
});
