/**
 * The analyzer: notebook → steps, the variables passed between them, parameters, diagnostics.
 * `createAnalyzer` loads the grammar once; `analyze` is synchronous and incremental (per-cell facts
 * cached by content; an edited cell is re-parsed from its previous tree).
 */
import type { NotebookInput } from '../model/notebook';
import { CellAnalysis, CellCache } from './cell';
import { buildAnalysis, FlowMemo } from './dataflow';
import { FileMemo, withFileFlow } from './file-flow';
import { loadGrammar } from './parse';
import type { AnalysisResult, Analyzer, AnalyzerInit } from './types';

export * from './types';
export { maskMagics } from './magics';
export type { MaskedLine } from './magics';

export async function createAnalyzer(init?: AnalyzerInit): Promise<Analyzer> {
  const cache = new CellCache(await loadGrammar(init));
  const memo = new FlowMemo();
  const files = new FileMemo();
  return {
    analyze(notebook: NotebookInput): AnalysisResult {
      const cells = new Map<number, CellAnalysis | null>();
      const cellAt = (index: number): CellAnalysis | null => {
        let cell = cells.get(index);
        if (cell === undefined) {
          const source = notebook.cells[index];
          cell = source && source.cellType === 'code' ? cache.get(source.id, source.source) : null;
          cells.set(index, cell);
        }
        return cell;
      };
      const result = withFileFlow(buildAnalysis(notebook, cellAt, memo), cellAt, files);
      cache.keepOnly(new Set(notebook.cells.map(c => c.id)));
      return result;
    },
    dispose(): void {
      cache.clear();
    }
  };
}
