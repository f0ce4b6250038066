/**
 * The `cellpipe:annotate` plugin: the ways into a cell's pipeline annotation — the pencil in each
 * code cell's toolbar, "Annotate cell…" in the cell's context menu, the palette and a keyboard
 * shortcut (declared in schema/annotate.json), and the chips of src/ui/chips — all opening the
 * pencil editor. JupyterLab hides the cell toolbar over a long first line: the others stay.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { Cell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { editIcon } from '@jupyterlab/ui-components';
import { editCellAnnotation } from './cell-editor';
import { CellChips } from './chips/widget';
import { IPipelineAnalysis } from './tokens';

export const EDIT_CELL_COMMAND = 'cellpipe:edit-cell';
/** The same editor, named for the context menu, the palette and the shortcut. */
export const ANNOTATE_CELL_COMMAND = 'cellpipe:annotate-cell';

export const annotatePlugin: JupyterFrontEndPlugin<void> = {
  id: 'cellpipe:annotate',
  description: 'Annotate notebook cells as pipeline steps (Kale-compatible tags).',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [IPipelineAnalysis, ITranslator, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    analysis: IPipelineAnalysis | null,
    translator: ITranslator | null,
    palette: ICommandPalette | null
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
    app.commands.addCommand(ANNOTATE_CELL_COMMAND, {
      label: trans.__('Annotate cell…'),
      caption: trans.__('Make this code cell a pipeline step, or change its annotation'),
      isEnabled: () => !!tracker.currentWidget,
      execute: () => {
        const panel = tracker.currentWidget;
        // The active cell: a right click activates the cell it is on. (Not contextMenuHitTest: it
        // answers from the last context menu, also when the command comes from the palette.)
        const cell = tracker.activeCell;
        if (panel && cell && cell.model.type === 'code') {
          return open(panel, cell);
        }
      }
    });
    palette?.addItem({ command: ANNOTATE_CELL_COMMAND, category: trans.__('cellpipe') });
    // A chip on each annotated cell, "+ step" on the others; Enter or a click runs the editor.
    new CellChips(tracker, app.commands, trans);
  }
};
