import {
  KatibMetadataError,
  KatibSearch,
  readKatibMetadata,
  searchProblems,
  writeKatibMetadata
} from '../katib';

const kale = (katib: unknown) => ({
  kernelspec: { name: 'python3' },
  kubeflow_notebook: { pipeline_name: 'demo', katib_run: false, katib_metadata: katib }
});

const search: KatibSearch = {
  parameters: [
    { name: 'n_estimators', parameterType: 'int', feasibleSpace: { min: '10', max: '50' } },
    {
      name: 'criterion',
      parameterType: 'categorical',
      feasibleSpace: { list: ['gini', 'entropy'] }
    }
  ],
  objective: { type: 'maximize', objectiveMetricName: 'best_accuracy' },
  algorithm: 'grid',
  maxTrialCount: 12,
  parallelTrialCount: 3,
  maxFailedTrialCount: 3
};

describe('kubeflow_notebook.katib_metadata', () => {
  it('is absent when Kale left it empty', () => {
    expect(readKatibMetadata(kale({}))).toBeUndefined();
    expect(readKatibMetadata({})).toBeUndefined();
  });

  it("reads Kale's unfinished default (no parameters, no metric) without a complaint", () => {
    const read = readKatibMetadata(
      kale({
        algorithm: { algorithmName: 'grid' },
        maxFailedTrialCount: 3,
        maxTrialCount: 12,
        objective: { objectiveMetricName: '', type: 'minimize' },
        parallelTrialCount: 3,
        parameters: []
      })
    );
    expect(read).toMatchObject({
      parameters: [],
      algorithm: 'grid',
      objective: { type: 'minimize' }
    });
  });

  it("reads Kale's shape, numbers as strings and Kale's defaults for counts", () => {
    const read = readKatibMetadata(
      kale({
        parameters: [
          {
            name: 'n_estimators',
            parameterType: 'int',
            feasibleSpace: { min: 10, max: 50, step: '' }
          }
        ],
        objective: { type: 'minimize', objectiveMetricName: 'loss', goal: '0.1' },
        algorithm: { algorithmName: 'tpe' }
      })
    );
    expect(read).toEqual({
      parameters: [
        { name: 'n_estimators', parameterType: 'int', feasibleSpace: { min: '10', max: '50' } }
      ],
      objective: { type: 'minimize', objectiveMetricName: 'loss', goal: 0.1 },
      algorithm: 'tpe',
      maxTrialCount: 12,
      parallelTrialCount: 3,
      maxFailedTrialCount: 3
    });
  });

  it('names each bad parameter and setting', () => {
    const run = () =>
      readKatibMetadata(
        kale({
          parameters: [
            { name: 'lr', parameterType: 'double', feasibleSpace: { min: 'low', max: '1' } },
            { name: 'kind', parameterType: 'categorical', feasibleSpace: { list: [] } }
          ],
          objective: { type: 'best', objectiveMetricName: 'acc' },
          algorithm: { algorithmName: 'hyperband' },
          maxTrialCount: 0
        })
      );
    expect(run).toThrow(KatibMetadataError);
    expect(run).toThrow(
      [
        'katib_metadata: parameter "lr": min "low" is not a number',
        'katib_metadata: parameter "kind": list must hold at least one value, each a non-empty string',
        'katib_metadata: objective type "best" is not maximize or minimize',
        'katib_metadata: algorithm "hyperband" is not one of random, grid, bayesianoptimization, tpe, cmaes',
        'katib_metadata: maxTrialCount 0 is not a whole number ≥ 1'
      ].join('\n')
    );
  });

  it('writes it back as Kale does, keeping every key it does not know', () => {
    const before = kale({
      parameters: [
        {
          name: 'n_estimators',
          parameterType: 'int',
          feasibleSpace: { min: '1', max: '2' },
          note: 'x'
        }
      ],
      objective: { type: 'minimize', objectiveMetricName: 'loss', goal: 1, extra: true },
      algorithm: { algorithmName: 'random', algorithmSettings: [{ name: 'seed', value: '1' }] },
      resumePolicy: 'Never'
    });
    const after = writeKatibMetadata(before, search);
    expect(after.kernelspec).toEqual({ name: 'python3' });
    expect((after.kubeflow_notebook as any).pipeline_name).toBe('demo');
    const katib = (after.kubeflow_notebook as any).katib_metadata;
    expect(katib.resumePolicy).toBe('Never');
    expect(katib.parameters[0]).toEqual({
      name: 'n_estimators',
      parameterType: 'int',
      feasibleSpace: { min: '10', max: '50' },
      note: 'x'
    });
    expect(katib.objective).toEqual({
      type: 'maximize',
      objectiveMetricName: 'best_accuracy',
      extra: true
    });
    expect(katib.algorithm).toEqual({
      algorithmName: 'grid',
      algorithmSettings: [{ name: 'seed', value: '1' }]
    });
    expect(readKatibMetadata(after)).toEqual(search);
    // The input is not changed.
    expect((before.kubeflow_notebook.katib_metadata as any).objective.type).toBe('minimize');
  });

  it('asks for one parameter to search and a metric', () => {
    expect(
      searchProblems({
        ...search,
        parameters: [],
        objective: { type: 'maximize', objectiveMetricName: '' }
      })
    ).toEqual([
      'no parameter to search: give at least one a range or a list of values',
      'no objective metric: name one of the pipeline-metrics cell'
    ]);
  });
});
