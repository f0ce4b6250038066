/**
 * The `cellpipe:annotate` plugin: the pencil in each code cell's toolbar (declared in
 * schema/annotate.json) and the command it runs (the chips of src/ui/chips run it too).
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Cell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { editIcon } from '@jupyterlab/ui-components';
import { editCellAnnotation } from './cell-editor';
import { CellChips } from './chips/widget';
import { IPipelineAnalysis } from './tokens';

export const EDIT_CELL_COMMAND = 'cellpipe:edit-cell';

export const annotatePlugin: JupyterFrontEndPlugin<void> = {
  id: 'cellpipe:annotate',
  description: 'Annotate notebook cells as pipeline steps (Kale-compatible tags).',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [IPipelineAnalysis, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    analysis: IPipelineAnalysis | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('cellpipe');
    const open = (panel: NotebookPanel, cell: Cell) => {
      panel.content.activeCellIndex = panel.content.widgets.indexOf(cell);
      return editCellAnnotation(panel, cell, { trans, analysis });
    };
    app.commands.addCommand(EDIT_CELL_COMMAND, {
      label: trans.__('Edit pipeline annotation'),
      caption: trans.__('Edit the pipeline annotation of this cell'),
      icon: editIcon,
      isVisible: () => tracker.activeCell?.model.type === 'code',
      isEnabled: () => !!tracker.currentWidget && tracker.activeCell?.model.type === 'code',
      execute: () => {
        const panel = tracker.currentWidget;
        const cell = tracker.activeCell;
        if (panel && cell && cell.model.type === 'code') {
          return open(panel, cell);
        }
      }
    });
    // A chip on each annotated cell; Enter or a click on it runs the command above.
    new CellChips(tracker, app.commands, trans);
  }
};
