/**
 * The analyzer as the UI uses it: a Web Worker that owns the grammar, and promise-based requests.
 * Stale requests are dropped: only the latest result per notebook (by path) is delivered.
 */
import treeSitterWasm from 'web-tree-sitter/tree-sitter.wasm';
import pythonWasm from 'tree-sitter-python/tree-sitter-python.wasm';
import type { NotebookInput } from '../model/notebook';
import { AnalyzerConnection, FromWorker, Port, ToWorker } from './protocol';
import type { AnalysisResult } from './types';

export class AnalyzerClient {
  private readonly worker: Worker;
  private readonly connection: AnalyzerConnection;

  constructor() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url));
    this.connection = new AnalyzerConnection(
      this.worker as unknown as Port<FromWorker, ToWorker>,
      // Absolute URLs: the worker resolves them against its own location otherwise.
      {
        treeSitterWasm: new URL(treeSitterWasm, location.href).href,
        pythonWasm: new URL(pythonWasm, location.href).href
      }
    );
  }

  /** Resolves when the grammar is loaded in the worker. */
  get ready(): Promise<void> {
    return this.connection.ready;
  }

  /** The analysis of `notebook`, or null when a newer request for the same notebook overtook it. */
  analyze(notebook: NotebookInput): Promise<AnalysisResult | null> {
    return this.connection.analyze(notebook);
  }

  dispose(): void {
    this.worker.terminate();
  }
}
