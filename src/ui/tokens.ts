/**
 * Tokens the cellpipe plugins share. The Pipeline panel's plugin provides the analysis of the
 * current notebook; the pencil editor reads its suggested dependencies from it (no second worker).
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { AnalysisResult } from '../analysis/types';
import type { NotebookInput } from '../model/notebook';

/** The latest analysis of the current notebook (`AnalysisService` is one). */
export interface IPipelineAnalysis {
  readonly result: AnalysisResult | null;
  /** What `result` was computed from (its `path` says which notebook). */
  readonly input: NotebookInput | null;
  readonly changed: ISignal<unknown, AnalysisResult | null>;
}

export const IPipelineAnalysis = new Token<IPipelineAnalysis>(
  'cellpipe:IPipelineAnalysis',
  'The analysis of the current notebook, as the Pipeline panel shows it.'
);
