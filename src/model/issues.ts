/**
 * Every issue of a notebook's metadata, in one list: `kubeflow_notebook` and `cellpipe` at notebook
 * level, then each code cell's tags and `cellpipe` metadata. The compiler refuses the errors and
 * carries the warnings; the cell editor shows a cell's own.
 */
import { readKaleNotebook } from './kale-volumes';
import {
  MetadataIssue,
  readCellpipeCell,
  readCellpipeNotebook,
  stepOfCells,
  tagIssues
} from './metadata';
import { NotebookInput } from './notebook';

/** The issues of one cell (`cellIndex` 0-based; `step` the step it belongs to, if any). */
export function cellIssues(
  tags: readonly string[],
  cellpipe: unknown,
  cellIndex: number,
  step?: string
): MetadataIssue[] {
  const sink = { cellIndex, step, issues: [] as MetadataIssue[] };
  tagIssues(tags, sink);
  readCellpipeCell(cellpipe, sink);
  return sink.issues;
}

export function notebookIssues(nb: NotebookInput): MetadataIssue[] {
  const sink = { cellIndex: -1, issues: [] as MetadataIssue[] };
  readKaleNotebook(nb.metadata.kubeflow_notebook, sink);
  readCellpipeNotebook(nb.metadata.cellpipe, sink);
  const steps = stepOfCells(nb.cells.map(cell => (cell.cellType === 'code' ? cell.tags : null)));
  // A tag warned about (unknown, or carried but not honoured) is listed once, at its first cell.
  const tagWarnings = new Map<string, { issue: MetadataIssue; more: number }>();
  nb.cells.forEach((cell, index) => {
    if (cell.cellType !== 'code') {
      return;
    }
    for (const issue of cellIssues(cell.tags, cell.metadata.cellpipe, index, steps[index])) {
      if (issue.severity === 'warning' && issue.field.startsWith('tag ')) {
        const first = tagWarnings.get(issue.message);
        if (first) {
          first.more++;
          continue;
        }
        tagWarnings.set(issue.message, { issue, more: 0 });
      }
      sink.issues.push(issue);
    }
  });
  for (const { issue, more } of tagWarnings.values()) {
    if (more) {
      issue.message += ` (${more} more ${more === 1 ? 'cell has' : 'cells have'} this tag)`;
    }
  }
  return sink.issues;
}
