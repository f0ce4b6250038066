/**
 * The analyzer's public result: what the panel draws and what the compiler wires.
 * Pure data (structured-clone safe) so it crosses the Web Worker boundary as is.
 */

export type Severity = 'error' | 'warning' | 'info';

/** Zero-based positions inside one cell's source (line, column in UTF-16 code units). */
export interface CellRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface QuickFix {
  title: string;
  /** A structured edit of the annotations; the UI applies it on a user click only. */
  kind: 'add-dependency';
  step: string;
  dependsOn: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Index of the cell in the notebook; -1 for notebook-level problems. */
  cellIndex: number;
  range?: CellRange;
  step?: string;
  variable?: string;
  /** The file a file diagnostic is about (as resolved: relative to the notebook's folder). */
  file?: string;
  fix?: QuickFix;
}

/** JSON value of a literal pipeline parameter. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export type ParameterType = 'int' | 'float' | 'str' | 'bool' | 'list' | 'dict';

export interface PipelineParameter {
  name: string;
  cellIndex: number;
  /** The value's source text, as written. */
  valueText: string;
  /** Present when the value is a Python literal; absent for anything else (a compile error). */
  value?: JsonValue;
  type?: ParameterType;
  range?: CellRange;
}

export interface StepInfo {
  name: string;
  kind: 'step' | 'metrics';
  /** Cells of the step, in notebook order (the tagged cell and the untagged ones below it). */
  cellIndices: number[];
  /** Immediate upstream steps as annotated (`prev:`), in order. */
  depends: string[];
  /** Variables loaded from upstream steps, sorted. */
  inputs: string[];
  /** For each input, the step that produces it (closest producer). */
  inputSources: Record<string, string>;
  /** Variables saved for downstream steps, sorted. */
  outputs: string[];
  /** Pipeline parameters the step reads, sorted. */
  parameters: string[];
  /**
   * Metrics step only: the names written one per line in the pipeline-metrics cell, in order
   * (also among its inputs when a step produces them).
   */
  metrics?: string[];
  /** The files the step reads and writes, as far as the analyzer can tell (`file-flow.ts`). */
  files?: StepFiles;
}

/** A file access with a known path (relative to the notebook's folder unless absolute). */
export interface FileUse {
  path: string;
  cellIndex: number;
  /** Zero-based line in the cell. */
  line: number;
}

/** A file access whose path is not known before running: the expression as written. */
export interface UnresolvedFile {
  expression: string;
  access: 'read' | 'write';
  cellIndex: number;
  line: number;
}

export interface StepFiles {
  /** Files read before the step writes them itself (a glob pattern for `glob`), first place each. */
  reads: FileUse[];
  /** Files written, first place each. */
  writes: FileUse[];
  unresolved: UnresolvedFile[];
}

export interface Edge {
  from: string;
  to: string;
  /** Variables passed along this edge, sorted; empty for an ordering-only dependency. */
  passes: string[];
  /** `file`: a file `from` writes and `to` reads (`files`); absent for variable and ordering edges. */
  kind?: 'file';
  /** File edges: the paths, sorted. */
  files?: string[];
}

export interface AnalysisResult {
  steps: StepInfo[];
  edges: Edge[];
  parameters: PipelineParameter[];
  /** Cells shared as code with every step, in notebook order. */
  importsCells: number[];
  functionsCells: number[];
  diagnostics: Diagnostic[];
}

/** How to find the two wasm files: bytes, or a URL/path. Omitted in node: read from node_modules. */
export interface AnalyzerInit {
  treeSitterWasm?: string | Uint8Array;
  pythonWasm?: string | Uint8Array;
}

/**
 * `createAnalyzer(init?: AnalyzerInit): Promise<Analyzer>` (exported by `src/analysis/index.ts`)
 * loads the grammar once; `analyze` is then synchronous and incremental (per-cell facts cached).
 */
export interface Analyzer {
  analyze(notebook: import('../model/notebook').NotebookInput): AnalysisResult;
  /** Free the syntax trees it keeps in wasm memory (the grammar stays loaded for the realm). */
  dispose?(): void;
}
