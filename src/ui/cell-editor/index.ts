/**
 * Open the pencil editor for one cell and write the result through the cell model.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Cell } from '@jupyterlab/cells';
import { NotebookPanel } from '@jupyterlab/notebook';
import { parseTags, readTags } from '../../model/tags';
import { applyCellEdit, readCell } from '../../model/write';
import { Trans, plainTrans } from '../run/trans';
import type { IPipelineAnalysis } from '../tokens';
import { CellEditorBody } from './body';
import { downstreamSteps, otherStepNames, storedIssues, suggestedDependencies } from './model';

export { CellEditorBody } from './body';

export interface EditorOptions {
  trans?: Trans;
  /** Where the suggested dependencies come from (the Pipeline panel's analysis). */
  analysis?: IPipelineAnalysis | null;
}

/** Show the editor for `cell`; Save writes (one undo step), Discard and Escape change nothing. */
export async function editCellAnnotation(
  panel: NotebookPanel,
  cell: Cell,
  options: EditorOptions = {}
): Promise<boolean> {
  const trans = options.trans ?? plainTrans;
  const cells = panel.content.widgets;
  const index = cells.indexOf(cell);
  const cellTags = cells.map(c => readTags(c.model.getMetadata('tags')));
  const others = otherStepNames(cellTags, index, parseTags);
  const edit = readCell(cell.model);
  const downstream =
    edit.kind === 'step' ? downstreamSteps(cellTags, index, edit.stepName, parseTags) : [];
  const body = new CellEditorBody(
    edit,
    others,
    trans,
    downstream,
    storedIssues(cellTags, index, cell.model.getMetadata('cellpipe'))
  );
  // Suggestions from the latest analysis of this notebook, and from newer ones while open.
  const analysis = options.analysis;
  const suggest = () => {
    if (analysis?.input?.path === panel.context.path && edit.kind === 'step') {
      body.suggested = suggestedDependencies(analysis.result, edit.stepName, index);
    }
  };
  suggest();
  analysis?.changed.connect(suggest);
  try {
    const result = await showDialog({
      title: trans.__('Pipeline annotation of cell %1', index + 1),
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Discard') }),
        Dialog.okButton({ label: trans.__('Save') })
      ],
      focusNodeSelector: 'select'
    });
    if (!result.button.accept || !result.value) {
      return false;
    }
    applyCellEdit(cell.model, result.value);
    return true;
  } finally {
    analysis?.changed.disconnect(suggest);
  }
}
