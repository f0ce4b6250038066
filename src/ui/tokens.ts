/**
 * Tokens the cellpipe plugins share. The server API plugin provides the one set of clients of our
 * server extension; the Pipeline panel's plugin provides the analysis of the current notebook; the
 * pencil editor reads its suggested dependencies from it (no second worker).
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { AnalysisResult } from '../analysis/types';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { NotebookInput } from '../model/notebook';
import type { ServerApi } from '../server-api';

/** The clients of our server extension (KFP, bundles, files, local runs, notebook image), made once. */
export type IServerApi = ServerApi;

export const IServerApi = new Token<IServerApi>(
  'cellpipe:IServerApi',
  'The clients of the cellpipe server extension: every request the browser makes to it.'
);

/** The latest analysis of the current notebook (`AnalysisService` is one). */
export interface IPipelineAnalysis {
  readonly result: AnalysisResult | null;
  /** What `result` was computed from (its `path` says which notebook). */
  readonly input: NotebookInput | null;
  readonly changed: ISignal<unknown, AnalysisResult | null>;
  /** The notebook analysed as if cell `index` carried `tags` (what a cell would depend on as a step). */
  whatIf?(
    panel: NotebookPanel,
    index: number,
    tags: readonly string[]
  ): Promise<AnalysisResult | null>;
}

export const IPipelineAnalysis = new Token<IPipelineAnalysis>(
  'cellpipe:IPipelineAnalysis',
  'The analysis of the current notebook, as the Pipeline panel shows it.'
);
