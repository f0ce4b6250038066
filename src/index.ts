import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { readSettings } from './settings';
import { annotatePlugin } from './ui/annotate-plugin';
import { AnalysisService } from './ui/analysis-service';
import { PanelModel } from './ui/panel/model';
import { PipelinePanel } from './ui/panel/widget';
import { IPipelineAnalysis } from './ui/tokens';

const PLUGIN_ID = 'cellpipe:plugin';

export namespace CommandIDs {
  export const openPanel = 'cellpipe:open-panel';
}

/** Wires the deployment panel, its command and the settings. Behaviour lives in src/ui. */
const plugin: JupyterFrontEndPlugin<IPipelineAnalysis> = {
  id: PLUGIN_ID,
  description: 'Turn an annotated notebook into a Kubeflow Pipelines pipeline.',
  autoStart: true,
  requires: [INotebookTracker],
  provides: IPipelineAnalysis,
  optional: [ICommandPalette, ISettingRegistry, ILayoutRestorer, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('cellpipe');
    // One analysis of the current notebook, shared with the pencil editor (annotate plugin).
    const analysis = new AnalysisService();
    const model = new PanelModel(tracker, analysis);
    const panel = new PipelinePanel(model, trans);
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
          const apply = () => (model.settings = readSettings(settings.composite as any));
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => console.error('cellpipe: failed to load settings', reason));
    }
    return analysis;
  }
};

export default [plugin, annotatePlugin];
