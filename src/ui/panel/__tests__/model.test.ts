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

/** A notebook panel's context as the panel model follows it: its path, and renames. */
class FakeContext {
  constructor(public path: string) {}
  readonly pathChanged = new Signal<this, string>(this);
  rename(path: string): void {
    this.path = path;
    this.pathChanged.emit(path);
  }
}

/** A panel model showing a one-step notebook with this metadata, analysed. */
async function panelModel(
  metadata: Record<string, unknown>,
  context = new FakeContext('nb.ipynb')
): Promise<PanelModel> {
  const analyzer = await createAnalyzer();
  const read = (): NotebookInput => ({
    path: context.path,
    cells: [{ id: 'a', cellType: 'code', source: 'x = 1', tags: ['step:one'], metadata: {} }],
    metadata
  });
  const panel = {
    context,
    model: { getMetadata: (key: string) => metadata[key], metadataChanged: new Signal({}) }
  };
  const tracker = { currentWidget: panel, currentChanged: new Signal({}) };
  // As AnalysisService: a refresh reads the notebook again (with its path) and publishes the result.
  const service = {
    input: read(),
    result: analyzer.analyze(read()),
    changed: new Signal<AnalysisService, AnalysisResult | null>({} as AnalysisService),
    setNotebook: (_: NotebookPanel | null) => undefined,
    refresh: () => {
      service.input = read();
      service.result = analyzer.analyze(service.input);
      service.changed.emit(service.result);
      return Promise.resolve();
    },
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

describe('PanelModel and a rename', () => {
  it('shows the new name and compiles the YAML under it at once, without a tab switch', async () => {
    const context = new FakeContext('work/old_name.ipynb');
    const model = await panelModel({}, context);
    const named = (yaml: string) => /^pipelineInfo:\n {2}name: (.*)$/m.exec(yaml)?.[1];
    expect(named(model.compileYaml())).toBe('old-name');
    const seen: string[] = [];
    model.pathChanged.connect(() => seen.push(`path ${model.notebook!.context.path}`));
    model.analysisChanged.connect(() => seen.push(`analysis ${model.revision}`));
    const before = model.revision;

    context.rename('work/new_name.ipynb');

    expect(seen).toEqual(['path work/new_name.ipynb', `analysis ${before + 1}`]);
    const yaml = model.compileYaml();
    expect(named(yaml)).toBe('new-name');
    expect(/old[-_]name/.test(yaml)).toBe(false);
    model.dispose();
    context.rename('work/later.ipynb'); // no longer followed once disposed
    expect(seen).toHaveLength(2);
  });
});
