import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { createServerApi } from './server-api';
import { readSettings } from './settings';
import { annotatePlugin } from './ui/annotate-plugin';
import { AnalysisService } from './ui/analysis-service';
import { PanelModel } from './ui/panel/model';
import { PipelinePanel } from './ui/panel/widget';
import { IPipelineAnalysis, IServerApi } from './ui/tokens';

const PLUGIN_ID = 'cellpipe:plugin';

/** The one set of clients of our server extension; every request the browser makes goes through it. */
const serverApiPlugin: JupyterFrontEndPlugin<IServerApi> = {
  id: 'cellpipe:server-api',
  description: 'The clients of the cellpipe server extension.',
  autoStart: true,
  provides: IServerApi,
  activate: (): IServerApi => createServerApi()
};

export namespace CommandIDs {
  export const openPanel = 'cellpipe:open-panel';
}

/** Wires the deployment panel, its command and the settings. Behaviour lives in src/ui. */
const plugin: JupyterFrontEndPlugin<IPipelineAnalysis> = {
  id: PLUGIN_ID,
  description: 'Turn an annotated notebook into a Kubeflow Pipelines pipeline.',
  autoStart: true,
  requires: [INotebookTracker, IServerApi],
  provides: IPipelineAnalysis,
  optional: [ICommandPalette, ISettingRegistry, ILayoutRestorer, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    api: IServerApi,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('cellpipe');
    // One analysis of the current notebook, shared with the pencil editor (annotate plugin).
    const analysis = new AnalysisService();
    const model = new PanelModel(tracker, analysis, api);
    const panel = new PipelinePanel(model, trans, api);
    app.shell.add(panel, 'right', { rank: 600 });
    restorer?.add(panel, panel.id);

    app.commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Open Pipeline Panel'),
      caption: trans.__('Show the cellpipe deployment panel'),
      execute: () => app.shell.activateById(panel.id)
    });
    palette?.addItem({ command: CommandIDs.openPanel, category: trans.__('cellpipe') });

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () =>
            (model.settings = readSettings(settings.composite as Record<string, unknown>));
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => console.error('cellpipe: failed to load settings', reason));
    }
    return analysis;
  }
};

export default [serverApiPlugin, plugin, annotatePlugin];
