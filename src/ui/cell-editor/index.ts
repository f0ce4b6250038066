/**
 * Open the pencil editor for one cell and write the result through the cell model.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Cell } from '@jupyterlab/cells';
import { Notebook } from '@jupyterlab/notebook';
import { parseTags } from '../../model/tags';
import { applyCellEdit, readCell } from '../../model/write';
import { CellEditorBody } from './body';
import { otherStepNames } from './model';

export { CellEditorBody } from './body';

function tagsOf(raw: unknown): string[] {
  return Array.isArray(raw) ? raw.map(String) : [];
}

/** Show the editor for `cell`; Save writes (one undo step), Discard and Escape change nothing. */
export async function editCellAnnotation(notebook: Notebook, cell: Cell): Promise<boolean> {
  const cells = notebook.widgets;
  const index = cells.indexOf(cell);
  const others = otherStepNames(
    cells.map(c => tagsOf(c.model.getMetadata('tags'))),
    index,
    parseTags
  );
  const body = new CellEditorBody(readCell(cell.model), others);
  const result = await showDialog({
    title: `Pipeline annotation of cell ${index + 1}`,
    body,
    buttons: [Dialog.cancelButton({ label: 'Discard' }), Dialog.okButton({ label: 'Save' })],
    focusNodeSelector: 'select'
  });
  if (!result.button.accept || !result.value) {
    return false;
  }
  applyCellEdit(cell.model, result.value);
  return true;
}
