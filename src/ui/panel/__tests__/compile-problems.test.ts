/** The compiler's problems the panel lists under the analyzer's (node: the real analyzer). */
import { createAnalyzer } from '../../../analysis';
import type { NotebookInput } from '../../../model/notebook';
import { compileProblemsOf } from '../CompileProblems';

const notebook = (metadata: Record<string, unknown>, source = 'x = 1'): NotebookInput => ({
  path: 'nb.ipynb',
  cells: [
    { id: 'a', cellType: 'markdown', source: '# title', tags: [], metadata: {} },
    { id: 'b', cellType: 'code', source, tags: ['step:one'], metadata: {} }
  ],
  metadata
});

describe('compileProblemsOf', () => {
  it("gives the compiler's warnings (here a Kale key it cannot carry over), none for a plain notebook", async () => {
    const analyzer = await createAnalyzer();
    const plain = notebook({});
    expect(compileProblemsOf(plain, analyzer.analyze(plain), {})).toEqual([]);
    const kale = notebook({ kubeflow_notebook: { kfp_host: 'http://ml-pipeline:8888' } });
    const problems = compileProblemsOf(kale, analyzer.analyze(kale), {});
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('kfp_host') })
    ]);
  });

  it('says nothing while the analyzer has errors: the list above shows them', async () => {
    const analyzer = await createAnalyzer();
    const broken = notebook({ kubeflow_notebook: { kfp_host: 'x' } }, 'x = (');
    expect(compileProblemsOf(broken, analyzer.analyze(broken), {})).toEqual([]);
  });
});
