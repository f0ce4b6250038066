/**
 * Files a KFP step reads that will not be in its pod: on KFP a step starts in an empty container,
 * so a file beside the notebook that no step writes (file flow carries those) is there only when
 * the notebook's workspace volume is mounted into the steps (Kale's `kubeflow_notebook.volumes`,
 * `abs_working_dir`), the file is in the image, or `cellpipe.dataFiles` brings it in. Warned at
 * compile time, naming the step and the file, before the run fails on it.
 */
import { kaleMetadata } from '../model/notebook-settings';
import { dataFileChoice, readDataFiles } from '../model/data-files';
import type { NotebookInput } from '../model/notebook';
import { readMatcher } from '../analysis/file-flow';
import type { AnalysisResult } from '../analysis/types';
import type { CompileProblem } from './types';

/** Kale mounts the notebook's workspace into the steps: its files are there as on the notebook server. */
export function mountsWorkspace(notebook: NotebookInput): boolean {
  const kale = kaleMetadata(notebook);
  const workingDir = kale.abs_working_dir;
  return (
    (typeof workingDir === 'string' && workingDir.trim() !== '') ||
    (Array.isArray(kale.volumes) && kale.volumes.length > 0)
  );
}

/** One warning per (step, file) read that no step writes and nothing brings to the pod. */
export function unreachableFileWarnings(
  notebook: NotebookInput,
  analysis: AnalysisResult
): CompileProblem[] {
  if (mountsWorkspace(notebook)) {
    return [];
  }
  const written = analysis.steps.flatMap(step => (step.files?.writes ?? []).map(w => w.path));
  const choices = readDataFiles(notebook);
  const warnings: CompileProblem[] = [];
  for (const step of analysis.steps) {
    // Hand-built or older analyses may lack some of `files`.
    for (const read of step.files?.reads ?? []) {
      const fed = written.some(readMatcher(read.path));
      if (fed || dataFileChoice(choices, read.path)) {
        continue;
      }
      warnings.push({
        cellIndex: read.cellIndex,
        step: step.name,
        message:
          `step "${step.name}" reads file "${read.path}", which no step writes: on Kubeflow Pipelines it ` +
          "will not exist in the step's pod unless the workspace volume is mounted or it is in the image " +
          '(or cellpipe.dataFiles brings it in)'
      });
    }
  }
  return warnings;
}
