/** Compile-time warning: a file a step reads that no step writes will not be in a KFP step's pod. */
import { createAnalyzer } from '../../analysis';
import type { Analyzer } from '../../analysis/types';
import type { NotebookInput } from '../../model/notebook';
import { compile } from '../index';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});
afterAll(() => analyzer.dispose?.());

function notebook(metadata: Record<string, unknown> = {}): NotebookInput {
  const cells: Array<[string[], string]> = [
    [['imports'], 'import pandas as pd'],
    [['step:load'], 'df = pd.read_csv("data/train.csv")\ndf.to_csv("clean.csv")'],
    [
      ['step:train', 'prev:load'],
      'clean = pd.read_csv("clean.csv")\nlabels = open("labels.txt").read()'
    ]
  ];
  return {
    cells: cells.map(([tags, source], i) => ({
      id: `c${i}`,
      cellType: 'code',
      source,
      tags,
      metadata: {}
    })),
    metadata,
    path: 'work/pipeline.ipynb'
  };
}

const fileWarnings = (nb: NotebookInput) =>
  compile(nb, analyzer.analyze(nb)).warnings.filter(w => w.message.includes('no step writes'));

describe('files no step writes', () => {
  it('are warned about, naming the step and the file; file flow between steps is not', () => {
    const warnings = fileWarnings(notebook());
    expect(warnings.map(w => [w.step, w.cellIndex])).toEqual([
      ['load', 1],
      ['train', 2]
    ]);
    expect(warnings[0].message).toBe(
      'step "load" reads file "data/train.csv", which no step writes: on Kubeflow Pipelines it will ' +
        "not exist in the step's pod unless the workspace volume is mounted or it is in the image " +
        '(or cellpipe.dataFiles brings it in)'
    );
    expect(warnings[1].message).toContain('"labels.txt"');
  });

  it.each([
    [
      'a Kale workspace volume',
      { kubeflow_notebook: { volumes: [{ type: 'pvc', name: 'ws', mount_point: '/home/jovyan' }] } }
    ],
    ['Kale’s abs_working_dir', { kubeflow_notebook: { abs_working_dir: '/home/jovyan/work' } }]
  ])('are not warned about when the notebook mounts its workspace (%s)', (_, metadata) => {
    expect(fileWarnings(notebook(metadata))).toEqual([]);
  });

  it('a file with a data-file choice is not warned about', () => {
    const nb = notebook({ cellpipe: { dataFiles: { 'labels.txt': { source: 'image' } } } });
    expect(fileWarnings(nb).map(w => w.step)).toEqual(['load']);
  });
});
