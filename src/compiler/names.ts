/**
 * Names KFP accepts: task and pipeline names in kebab-case, Python identifiers for variables.
 */
import { NotebookInput } from '../model/notebook';
import { kaleMetadata } from '../model/notebook-settings';
import { MAX_TASK_NAME, toKebab } from '../model/kfp-names';
import { StepInfo } from '../analysis/types';
import { Problems } from './types';

const KEBAB = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PIPELINE_NAME = /^[a-z0-9][a-z0-9-]{0,127}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export { toKebab };

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** Step name → task name; two steps that sanitize to the same task name are an error. */
export function taskNames(steps: readonly StepInfo[], problems: Problems): Map<string, string> {
  const byTask = new Map<string, string>();
  const out = new Map<string, string>();
  for (const step of steps) {
    const task = toKebab(step.name);
    const cellIndex = step.cellIndices[0] ?? -1;
    if (!KEBAB.test(task) || task.length > MAX_TASK_NAME) {
      problems.add({
        cellIndex,
        step: step.name,
        message: `step "${step.name}" has no valid task name (letters and digits, at most ${MAX_TASK_NAME})`
      });
      continue;
    }
    const other = byTask.get(task);
    if (other !== undefined) {
      problems.add({
        cellIndex,
        step: step.name,
        message: `steps "${other}" and "${step.name}" both become task "${task}"; rename one`
      });
      continue;
    }
    byTask.set(task, step.name);
    out.set(step.name, task);
  }
  return out;
}

/** The file name of a path, without folders. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

export interface PipelineInfo {
  name: string;
  /** The name as written, when it had to be sanitized. */
  displayName?: string;
  description?: string;
}

/** `kubeflow_notebook.pipeline_name`, else the notebook's file name, sanitized for KFP. */
export function pipelineInfo(
  notebook: NotebookInput,
  notebookPath: string,
  problems: Problems
): PipelineInfo {
  const kale = kaleMetadata(notebook);
  const written = typeof kale.pipeline_name === 'string' ? kale.pipeline_name.trim() : '';
  const source = written || baseName(notebookPath).replace(/\.ipynb$/i, '');
  const name = toKebab(source).slice(0, 128).replace(/-+$/, '');
  if (!PIPELINE_NAME.test(name)) {
    problems.add({
      cellIndex: -1,
      message: written
        ? `pipeline name "${written}" (kubeflow_notebook.pipeline_name) has no letters or digits`
        : `cannot derive a pipeline name from "${notebookPath}"; set kubeflow_notebook.pipeline_name`
    });
  }
  const info: PipelineInfo = { name };
  if (written && written !== name) {
    info.displayName = written;
  }
  const description = kale.pipeline_description;
  if (typeof description === 'string' && description.trim()) {
    info.description = description.trim();
  }
  return info;
}
