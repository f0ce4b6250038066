import type { INotebookModel } from '@jupyterlab/notebook';
import { applyTrialParameters } from '../parameters';

function notebook(cells: { tags: string[]; source: string }[]) {
  const models = cells.map(c => ({
    getMetadata: (key: string) => (key === 'tags' ? c.tags : undefined),
    sharedModel: {
      getSource: () => c.source,
      setSource: (s: string) => (c.source = s)
    }
  }));
  return {
    cells,
    model: {
      cells: { length: models.length, get: (i: number) => models[i] }
    } as unknown as INotebookModel
  };
}

describe('applyTrialParameters', () => {
  it('rewrites the pipeline-parameters cell only, and says what it left alone', () => {
    const nb = notebook([
      { tags: ['imports'], source: 'n_estimators = 1' },
      { tags: ['pipeline-parameters'], source: 'n_estimators = 25\nseed = 7' }
    ]);
    const said = applyTrialParameters(
      nb.model,
      { n_estimators: '30', depth: '4' },
      { n_estimators: 'NUMBER_INTEGER', depth: 'NUMBER_INTEGER' }
    );
    expect(nb.cells.map(c => c.source)).toEqual([
      'n_estimators = 1',
      'n_estimators = 30\nseed = 7'
    ]);
    expect(said).toBe(
      'Set n_estimators in the pipeline-parameters cell; no literal assignment of depth (left alone)'
    );
  });

  it('refuses a notebook without a pipeline-parameters cell', () => {
    const nb = notebook([{ tags: [], source: 'n = 1' }]);
    expect(() => applyTrialParameters(nb.model, { n: '2' }, {})).toThrow(
      'The notebook has no pipeline-parameters cell'
    );
    expect(nb.cells[0].source).toBe('n = 1');
  });
});
