/** The panel model over a fake notebook, tracker and analysis service (node: the real analyzer). */
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';
import { createAnalyzer } from '../../../analysis';
import type { AnalysisResult } from '../../../analysis/types';
import type { NotebookInput } from '../../../model/notebook';
import type { IBundleClient, INotebookImageClient } from '../../../server-api';
import { NO_NOTEBOOK_IMAGE } from '../../../server-api';
import type { AnalysisService } from '../../analysis-service';
import { PanelModel } from '../model';

/** A panel model showing a one-step notebook with this metadata, analysed. */
async function panelModel(metadata: Record<string, unknown>): Promise<PanelModel> {
  const input: NotebookInput = {
    path: 'nb.ipynb',
    cells: [{ id: 'a', cellType: 'code', source: 'x = 1', tags: ['step:one'], metadata: {} }],
    metadata
  };
  const analysis = (await createAnalyzer()).analyze(input);
  const panel = {
    model: { getMetadata: (key: string) => metadata[key], metadataChanged: new Signal({}) }
  };
  const tracker = { currentWidget: panel, currentChanged: new Signal({}) };
  const service = {
    input,
    result: analysis,
    changed: new Signal<AnalysisService, AnalysisResult | null>({} as AnalysisService),
    setNotebook: (_: NotebookPanel | null) => undefined,
    dispose: () => undefined
  };
  const bundles: IBundleClient = { localModules: () => Promise.resolve({ bundles: {} } as never) };
  const notebookImage: INotebookImageClient = {
    notebookImage: () => Promise.resolve(NO_NOTEBOOK_IMAGE)
  };
  return new PanelModel(
    tracker as unknown as INotebookTracker,
    service as unknown as AnalysisService,
    { bundles, notebookImage }
  );
}

describe('PanelModel.compileProblems', () => {
  it('lists a bad notebook setting as a problem of the notebook naming its field', async () => {
    const model = await panelModel({
      kubeflow_notebook: { docker_image: 'my image' },
      cellpipe: { defaults: { volumes: [{ pvcName: 'data', mountPath: 'relative' }] } }
    });
    const problems = model.compileProblems().filter(p => p.cellIndex === -1);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        message: expect.stringMatching(/^notebook setting "volumes\[0\]\.mountPath": .*"relative"/)
      }),
      expect.objectContaining({
        severity: 'error',
        message: expect.stringMatching(/^notebook setting "dockerImage": .*"my image"/)
      })
    ]);
    model.dispose();
  });

  it('has none for good settings', async () => {
    const model = await panelModel({
      kubeflow_notebook: { docker_image: 'python:3.11' },
      cellpipe: { defaults: { requests: { cpu: '500m' } } }
    });
    expect(model.compileProblems()).toEqual([]);
    model.dispose();
  });
});
