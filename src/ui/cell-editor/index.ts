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
import {
  downstreamSteps,
  otherStepNames,
  storedIssues,
  suggestedDependencies,
  withReportTag
} from './model';

/** The name a cell that is not a step yet is analysed under, to suggest what it would depend on. */
const NEW_STEP = 'cellpipe_new_step';

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
    storedIssues(cellTags, index, cell.model.getMetadata('cellpipe')),
    parseTags(cellTags[index]).report
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
  // A cell not a step yet: what it would depend on as one (the notebook analysed as if it were).
  if (edit.kind !== 'step' && analysis?.whatIf) {
    const kept = cellTags[index].filter(
      t => parseTags([t]).kind === null && !/^(step|block):$/.test(t)
    );
    const tags = [...kept, `step:${NEW_STEP}`];
    void analysis.whatIf(panel, index, tags).then(
      result => {
        if (result && !body.isDisposed) {
          body.suggested = suggestedDependencies(result, NEW_STEP, index);
        }
      },
      () => undefined // no suggestion rather than an error in the editor
    );
  }
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
    const { edit: saved, report } = result.value;
    // One transaction: one undo step for the annotation and its report tag.
    cell.model.sharedModel.transact(() => {
      applyCellEdit(cell.model, saved);
      const tags = readTags(cell.model.getMetadata('tags'));
      const next = saved.kind === 'step' ? withReportTag(tags, report) : tags;
      if (next.join('\n') !== tags.join('\n')) {
        cell.model.setMetadata('tags', next);
      }
    });
    return true;
  } finally {
    analysis?.changed.disconnect(suggest);
  }
}
