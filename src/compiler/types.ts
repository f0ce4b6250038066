/**
 * The compiler's public data: options in, a pipeline package out, problems as data.
 */
import { located } from '../analysis/labels';

export interface CompileOptions {
  /** Notebook path for messages and tracebacks; defaults to `notebook.path`, else `notebook.ipynb`. */
  notebookPath?: string;
  /** Image of a step when neither the step nor the notebook names one. */
  defaultImage?: string;
  /** Node label that selects a GPU product (`gpu.product`). */
  acceleratorNodeSelectorKey?: string;
  /** Bundles every step carries: `[sha256_hex, base64_zip]` pairs (see docs/step-program.md). */
  bundles?: [string, string][];
  /** The notebook's own modules: a step carries the bundles of those its code imports. */
  localModules?: LocalModules;
  /** Data file → URI uploaded for this compile (`POST /cellpipe/api/datafiles/upload`); see importers.ts. */
  dataFileUris?: Record<string, string>;
  /** false: no importers for data files (a local run reads the notebook's folder). Default true. */
  importDataFiles?: boolean;
}

/**
 * The notebook's own modules (`.py` files and packages beside it), bundled by value beside the notebook:
 * by the server (`POST /cellpipe/api/bundles`, `cellpipe/runtime/bundle.py`) or by the CLI (`src/cli/bundles.ts`).
 */
export interface LocalModules {
  /** Each local top-level module's bundle, `[sha256_hex, base64_zip]`, by module name. */
  bundles: Record<string, [string, string]>;
  /** The local modules each local module imports: a step that imports it carries them too. */
  requires: Record<string, string[]>;
  /** The most zip bytes a step may carry inline (`CELLPIPE_MAX_BUNDLE_BYTES`). */
  maxBytes: number;
}

/** Inline bundles travel in the step's command line: well under Linux's 128 KiB per argument. */
export const DEFAULT_MAX_BUNDLE_BYTES = 64 * 1024;

export const DEFAULT_IMAGE = 'python:3.11';
export const DEFAULT_ACCELERATOR_NODE_SELECTOR_KEY = 'cloud.google.com/gke-accelerator';

/** `[first_program_line, last_program_line, cell_index, first_cell_line]`: 1-based program lines, 0-based cell lines. */
export type LineMapEntry = [number, number, number, number];

export interface CompiledStep {
  /** The step's name in the notebook (`step:NAME`). */
  step: string;
  /** Its KFP task name (kebab-case). */
  task: string;
  /** The self-contained Python program the executor runs. */
  program: string;
  lineMap: LineMapEntry[];
  /** The notebook's own modules the step carries by value, sorted. */
  localModules: string[];
  /** Its report output (`system.HTML`; docs/step-program.md, "Step reports"); absent when turned off. */
  report?: string;
}

export interface CompileResult {
  /** The pipeline package: PipelineSpec, then the kfp-kubernetes platform spec when a step needs one. */
  yaml: string;
  pipelineSpec: Record<string, unknown>;
  platformSpec?: Record<string, unknown>;
  /** Line maps by step name. */
  lineMaps: Record<string, LineMapEntry[]>;
  steps: CompiledStep[];
  /** Metric names of the metrics task, for choosing a Katib objective later. */
  metrics: string[];
  /** What compiles but may not run as expected (e.g. a package too large for KFP's Argo workflow). */
  warnings: CompileProblem[];
}

/** One reason a notebook cannot be compiled. `cellIndex` is 0-based; -1 for the notebook. */
export interface CompileProblem {
  message: string;
  cellIndex: number;
  step?: string;
  variable?: string;
}

/** Where a problem is, in a person's words: `cell 4 (step "train"): …` (see `cellLabel`). */
export function describeProblem(problem: CompileProblem): string {
  return located(problem, problem.message);
}

export class CompileError extends Error {
  readonly problems: CompileProblem[];

  constructor(problems: CompileProblem[], headline = 'Cannot compile the notebook') {
    super([`${headline}:`, ...problems.map(p => `  ${describeProblem(p)}`)].join('\n'));
    this.name = 'CompileError';
    this.problems = problems;
  }
}

/** Collects problems so one compile reports all of them, not only the first. */
export class Problems {
  readonly list: CompileProblem[] = [];

  add(problem: CompileProblem): void {
    this.list.push(problem);
  }

  throwIfAny(headline?: string): void {
    if (this.list.length) {
      throw new CompileError(this.list, headline);
    }
  }
}
