/**
 * The notebook's metadata as the compiler takes it: every issue `notebookIssues` finds (errors refuse
 * the notebook, warnings travel with the package), and the claims Kale's volumes ask the run to create.
 */
import { NotebookInput } from '../model/notebook';
import { notebookIssues } from '../model/issues';
import { readKaleNotebook } from '../model/kale-volumes';
import { claimTasks } from './pipeline';
import { CompileProblem, Problems } from './types';

/** Adds the metadata's errors to `problems`; returns its warnings. */
export function metadataProblems(notebook: NotebookInput, problems: Problems): CompileProblem[] {
  const warnings: CompileProblem[] = [];
  for (const issue of notebookIssues(notebook)) {
    const problem: CompileProblem = { cellIndex: issue.cellIndex, message: issue.message };
    if (issue.step !== undefined) {
      problem.step = issue.step;
    }
    (issue.severity === 'error' ? problems.list : warnings).push(problem);
  }
  return warnings;
}

/** Adds the CreatePVC/DeletePVC tasks of Kale's `new_pvc`/`pv` volumes to the IR being built. */
export function addClaimTasks(
  notebook: NotebookInput,
  ir: {
    components: Record<string, unknown>;
    executors: Record<string, unknown>;
    dagTasks: Record<string, unknown>;
  },
  problems: Problems
): void {
  const claims = readKaleNotebook(notebook.metadata.kubeflow_notebook, {
    cellIndex: -1,
    issues: []
  }).claims;
  const built = claimTasks(claims, Object.keys(ir.dagTasks));
  for (const name of Object.keys(built.tasks)) {
    if (Object.hasOwn(ir.dagTasks, name)) {
      problems.add({
        cellIndex: -1,
        message: `a step's task and the task that creates or deletes a Kale volume are both named "${name}"; rename the step or the volume`
      });
    }
  }
  Object.assign(ir.components, built.components);
  Object.assign(ir.executors, built.executors);
  Object.assign(ir.dagTasks, built.tasks);
}
