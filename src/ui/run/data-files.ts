/**
 * How each data file — a file a step reads that no step writes — gets to a KFP step's pod: the one
 * answer the panel's Files section shows and the Run dialog acts on (upload first, ask about the rest).
 * Pure: the notebook's metadata and the analysis in, a plan out.
 */
import type { AnalysisResult } from '../../analysis/types';
import { isPattern, readMatcher } from '../../analysis/file-flow';
import { mountsWorkspace } from '../../compiler/files';
import {
  ALL_DATA_FILES,
  DataFileChoice,
  DataFileSource,
  DataFilesProblem,
  dataFileChoice,
  isNotebookRelative,
  normalizeDataPath,
  readDataFiles
} from '../../model/data-files';
import type { NotebookInput } from '../../model/notebook';

/** `mounted`: the notebook's Kale volumes / abs_working_dir mount the workspace; else the choice's source. */
export type DataFileWay = 'mounted' | DataFileSource;

export interface DataFilePlace {
  /** As the analyzer wrote it (normalized when relative). */
  path: string;
  /** The steps that read it, in the analysis' order. */
  steps: string[];
  /** How it gets there; undefined: it will not exist in the step's pod. */
  way?: DataFileWay;
  /** The file's own entry in `cellpipe.dataFiles` (not the notebook-wide `"*"`). */
  own?: DataFileChoice;
  /** A single file inside the notebook's folder: the only kind an importer can bring (upload, URI). */
  importable: boolean;
  /** A relative path: a choice can be recorded for it. */
  choosable: boolean;
}

export interface DataFilesPlan {
  /** Kale mounts the notebook's workspace into the steps: every file is there, nothing to choose. */
  mounted: boolean;
  /** The notebook-wide choice (`"*"`). */
  all?: DataFileChoice;
  files: DataFilePlace[];
  /** Bad entries of `cellpipe.dataFiles`, each naming its file. */
  problems: DataFilesProblem[];
}

/** The data files of the analysed notebook, each with how it reaches the pod (sorted by path). */
export function planDataFiles(
  notebook: Pick<NotebookInput, 'metadata'>,
  analysis: Pick<AnalysisResult, 'steps'>
): DataFilesPlan {
  const mounted = mountsWorkspace(notebook as NotebookInput);
  const choices = readDataFiles(notebook as NotebookInput);
  const written = analysis.steps.flatMap(step => (step.files?.writes ?? []).map(w => w.path));
  const byPath = new Map<string, DataFilePlace>();
  for (const step of analysis.steps) {
    for (const read of step.files?.reads ?? []) {
      if (written.some(readMatcher(read.path))) {
        continue; // file flow between steps carries it
      }
      const choosable = isNotebookRelative(read.path);
      const path = choosable ? normalizeDataPath(read.path) : read.path;
      const known = byPath.get(path);
      if (known) {
        known.steps.includes(step.name) || known.steps.push(step.name);
        continue;
      }
      const importable = choosable && !isPattern(read.path);
      const choice = choosable
        ? dataFileChoice(choices, path)
        : choices.choices.get(ALL_DATA_FILES);
      const own = choosable ? choices.choices.get(path) : undefined;
      byPath.set(path, {
        path,
        steps: [step.name],
        way: mounted ? 'mounted' : wayOf(choice, importable),
        own,
        importable,
        choosable
      });
    }
  }
  return {
    mounted,
    all: choices.choices.get(ALL_DATA_FILES),
    files: [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    problems: choices.problems
  };
}

/** An importer brings one file inside the notebook's folder: a pattern or an outside path cannot be uploaded. */
function wayOf(choice: DataFileChoice | undefined, importable: boolean): DataFileWay | undefined {
  if (!choice || (!importable && (choice.source === 'upload' || choice.source === 'uri'))) {
    return undefined;
  }
  return choice.source;
}

/** The files to upload before a KFP run. */
export function uploadsOf(plan: DataFilesPlan): string[] {
  return plan.files.filter(f => f.way === 'upload').map(f => f.path);
}

/** The files that will not exist in the pods of the steps reading them. */
export function unplacedOf(plan: DataFilesPlan): string[] {
  return plan.files.filter(f => f.way === undefined).map(f => f.path);
}
