/**
 * The analyzer as the UI uses it: a Web Worker that owns the grammar, and promise-based requests.
 * Stale requests are dropped: only the latest result per notebook (by path) is delivered; an
 * overtaken request resolves to null.
 */
import type { NotebookInput } from '../model/notebook';
import { AnalyzerConnection, FromWorker, Port, ToWorker } from './protocol';
import type { AnalysisResult } from './types';

/** A started analyzer worker: its message port, the wasm locations to send it, how to stop it. */
export interface AnalyzerWorker {
  port: Port<FromWorker, ToWorker>;
  init: { treeSitterWasm?: string | Uint8Array; pythonWasm?: string | Uint8Array };
  terminate(): void;
}

export type SpawnAnalyzer = () => AnalyzerWorker | Promise<AnalyzerWorker>;

/** The default: a real Web Worker (spawn.ts, loaded on first use). */
const spawnWebWorker: SpawnAnalyzer = async () => (await import('./spawn')).spawnAnalyzerWorker();

export class AnalyzerClient {
  private readonly started: Promise<{ worker: AnalyzerWorker; connection: AnalyzerConnection }>;
  private disposed = false;

  /** `spawn` replaces the Web Worker (tests: `spawnInProcess` from in-process.ts). */
  constructor(spawn: SpawnAnalyzer = spawnWebWorker) {
    this.started = Promise.resolve(spawn()).then(worker => {
      if (this.disposed) {
        worker.terminate();
      }
      return { worker, connection: new AnalyzerConnection(worker.port, worker.init) };
    });
  }

  /** Resolves when the grammar is loaded in the worker; rejects if it cannot start. */
  get ready(): Promise<void> {
    return this.started.then(({ connection }) => connection.ready);
  }

  /** The analysis of `notebook`, or null when a newer request for the same notebook overtook it. */
  async analyze(notebook: NotebookInput): Promise<AnalysisResult | null> {
    const { connection } = await this.started;
    return connection.analyze(notebook);
  }

  dispose(): void {
    this.disposed = true;
    this.started.then(
      ({ worker }) => worker.terminate(),
      () => undefined
    );
  }
}
