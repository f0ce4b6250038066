/**
 * The analyzer as the UI uses it: a Web Worker that owns the grammar, and promise-based requests.
 * Stale requests are dropped: only the latest result per notebook (by path) is delivered; an
 * overtaken request resolves to null. Unchanged cells are sent by id (see protocol.ts).
 */
import type { NotebookInput } from '../model/notebook';
import { AnalyzerConnection, AnalyzerWorker, WorkerTiming } from './protocol';
import type { AnalysisResult } from './types';

export type SpawnAnalyzer = () => AnalyzerWorker | Promise<AnalyzerWorker>;

/** The default: a real Web Worker (spawn.ts, loaded on first use). */
const spawnWebWorker: SpawnAnalyzer = async () => (await import('./spawn')).spawnAnalyzerWorker();

export class AnalyzerClient {
  private _started: Promise<{ worker: AnalyzerWorker; connection: AnalyzerConnection }> | null =
    null;
  private disposed = false;

  /** `spawn` replaces the Web Worker (tests: `spawnInProcess` from in-process.ts). */
  constructor(private readonly spawn: SpawnAnalyzer = spawnWebWorker) {}

  /** The worker, spawned by the first request: JupyterLab's start fetches neither it nor the wasm. */
  private get started(): Promise<{ worker: AnalyzerWorker; connection: AnalyzerConnection }> {
    this._started ??= Promise.resolve(this.spawn()).then(worker => {
      if (this.disposed) {
        worker.terminate();
      }
      return { worker, connection: new AnalyzerConnection(worker.port, worker.init) };
    });
    return this._started;
  }

  /** Resolves when the grammar is loaded in the worker; rejects if it cannot start. */
  get ready(): Promise<void> {
    return this.started.then(({ connection }) => connection.ready);
  }

  /**
   * The analysis of `notebook`, or null when a newer request for the same notebook overtook it.
   * Only the cells changed since the previous request for the notebook cross to the worker.
   */
  async analyze(
    notebook: NotebookInput,
    onTiming?: (timing: WorkerTiming) => void
  ): Promise<AnalysisResult | null> {
    const { connection } = await this.started;
    return connection.analyze(notebook, onTiming);
  }

  /** The notebook at `path` is no longer followed: forget its cells (here and in the worker). */
  forget(path?: string): void {
    this._started?.then(
      ({ connection }) => connection.forget(path),
      () => undefined
    );
  }

  dispose(): void {
    this.disposed = true;
    this._started?.then(
      ({ worker }) => worker.terminate(),
      () => undefined
    );
  }
}
