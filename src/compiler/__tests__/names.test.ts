import { pipelineInfo, taskNames, toKebab } from '../names';
import { Problems } from '../types';
import { step } from './fixtures';

const nb = (metadata: Record<string, unknown>) => ({ cells: [], metadata });

describe('names', () => {
  it('turns step names into kebab-case task names', () => {
    expect(toKebab('train_Model 2')).toBe('train-model-2');
    expect(toKebab('__load__data__')).toBe('load-data');
    const problems = new Problems();
    const names = taskNames(
      [step('Load_Data', [0]), step('évaluer', [1]), step('___', [2])],
      problems
    );
    expect([...names]).toEqual([
      ['Load_Data', 'load-data'],
      ['évaluer', 'evaluer']
    ]);
    expect(problems.list.map(p => p.message)).toEqual([
      'step "___" has no valid task name (letters and digits, at most 63)'
    ]);
  });

  it('names the pipeline from kubeflow_notebook, else from the file name', () => {
    const problems = new Problems();
    expect(
      pipelineInfo(nb({ kubeflow_notebook: { pipeline_name: 'my-pipe' } }), 'x.ipynb', problems)
    ).toEqual({
      name: 'my-pipe'
    });
    expect(pipelineInfo(nb({}), 'work/My Analysis (v2).ipynb', problems)).toEqual({
      name: 'my-analysis-v2'
    });
    expect(problems.list).toEqual([]);
    pipelineInfo(nb({ kubeflow_notebook: { pipeline_name: '___' } }), 'x.ipynb', problems);
    expect(problems.list.map(p => p.message)).toEqual([
      'pipeline name "___" (kubeflow_notebook.pipeline_name) has no letters or digits'
    ]);
  });
});
