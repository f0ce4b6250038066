/**
 * The analyzer worker's messages, and both ends of the conversation as plain classes over a
 * port (a Worker, the worker's global scope, or a test double).
 */
import type { NotebookCell, NotebookInput } from '../model/notebook';
import type { AnalysisResult, Analyzer, AnalyzerInit } from './types';

/**
 * A cell as sent to the worker: the whole cell, or only its id when it is unchanged since the
 * previous request for the same notebook (a keystroke sends one cell, not the notebook).
 */
export type SentCell = NotebookCell | string;

export type ToWorker =
  | { type: 'init'; treeSitterWasm?: string | Uint8Array; pythonWasm?: string | Uint8Array }
  | {
      type: 'analyze';
      id: number;
      path?: string;
      cells: SentCell[];
      /** Absent: the same as in the previous request for the notebook. */
      metadata?: Record<string, unknown>;
    }
  /** The notebook is no longer followed: both ends drop what they remember of it. */
  | { type: 'forget'; path?: string };

/** A started analyzer worker: its message port, the wasm locations to send it, how to stop it. */
export interface AnalyzerWorker {
  port: Port<FromWorker, ToWorker>;
  init: { treeSitterWasm?: string | Uint8Array; pythonWasm?: string | Uint8Array };
  terminate(): void;
}

/** When the worker got a request, started and finished it (ms since the epoch, sub-ms). */
export interface WorkerTiming {
  received: number;
  started: number;
  finished: number;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: AnalysisResult; timing?: WorkerTiming }
  /** The request was overtaken by a newer one for the same notebook before it ran. */
  | { type: 'stale'; id: number }
  | { type: 'error'; id?: number; message: string };

export interface Port<In, Out> {
  postMessage(message: Out): void;
  onmessage: ((event: { data: In }) => void) | null;
}

/** Worker side: load the grammar on `init`; analyse only the latest queued request per notebook. */
export function serveAnalyzer(
  port: Port<ToWorker, FromWorker>,
  create: (init: AnalyzerInit) => Promise<Analyzer>
): void {
  let analyzer: Promise<Analyzer> | null = null;
  const queued = new Map<string, { id: number; notebook: NotebookInput; received: number }>();
  // Per notebook: the cells and metadata of its latest request, which later requests refer to.
  const known = new Map<string, Private.Known>();
  let scheduled = false;

  const drain = async () => {
    scheduled = false;
    const batch = [...queued.values()];
    queued.clear();
    for (const { id, notebook, received } of batch) {
      try {
        if (!analyzer) {
          throw new Error('the analyzer worker got a request before init');
        }
        const ready = await analyzer;
        const started = Private.now();
        const result = ready.analyze(notebook);
        const timing = { received, started, finished: Private.now() };
        port.postMessage({ type: 'result', id, result, timing });
      } catch (error) {
        port.postMessage({ type: 'error', id, message: messageOf(error) });
      }
    }
  };

  port.onmessage = event => {
    const message = event.data;
    if (message.type === 'init') {
      analyzer = create({ treeSitterWasm: message.treeSitterWasm, pythonWasm: message.pythonWasm });
      analyzer.then(
        () => port.postMessage({ type: 'ready' }),
        error => port.postMessage({ type: 'error', message: messageOf(error) })
      );
      return;
    }
    const key = message.path ?? '';
    if (message.type === 'forget') {
      known.delete(key);
      return;
    }
    if (message.type === 'analyze') {
      const received = Private.now();
      let notebook: NotebookInput;
      try {
        notebook = Private.resolve(message, known.get(key));
      } catch (error) {
        known.delete(key);
        port.postMessage({ type: 'error', id: message.id, message: messageOf(error) });
        return;
      }
      known.set(key, { cells: Private.byId(notebook.cells), metadata: notebook.metadata });
      const older = queued.get(key);
      if (older) {
        port.postMessage({ type: 'stale', id: older.id });
      }
      queued.set(key, { id: message.id, notebook, received });
      if (!scheduled) {
        scheduled = true;
        // Let messages already in the queue arrive first, so a burst of edits costs one analysis.
        setTimeout(() => void drain(), 0);
      }
    }
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Page side: a promise per request. A request overtaken by a newer one for the same notebook
 * resolves to null — only the latest result per notebook matters.
 */
export class AnalyzerConnection {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    {
      key: string;
      resolve: (r: AnalysisResult | null) => void;
      reject: (e: Error) => void;
      onTiming?: (timing: WorkerTiming) => void;
    }
  >();
  private readonly latest = new Map<string, number>();
  /** Per notebook: what the worker was last sent (what by-id cells refer to). */
  private readonly sent = new Map<string, Private.Known>();
  readonly ready: Promise<void>;

  constructor(
    private readonly port: Port<FromWorker, ToWorker>,
    init: { treeSitterWasm?: string | Uint8Array; pythonWasm?: string | Uint8Array }
  ) {
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    port.onmessage = event => {
      const message = event.data;
      if (message.type === 'ready') {
        readyResolve();
        return;
      }
      if (message.type === 'error' && message.id === undefined) {
        const error = new Error(`cellpipe analyzer failed to start: ${message.message}`);
        readyReject(error);
        this.pending.forEach(p => p.reject(error));
        this.pending.clear();
        return;
      }
      const request = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!request) {
        return;
      }
      this.pending.delete(message.id!);
      if (message.type === 'error') {
        // The worker may have lost the notebook's cells: send the next request whole.
        this.forget(request.key);
        request.reject(new Error(message.message));
      } else if (message.type === 'result' && this.latest.get(request.key) === message.id) {
        if (message.timing) {
          request.onTiming?.(message.timing);
        }
        request.resolve(message.result);
      } else {
        request.resolve(null);
      }
    };
    port.postMessage({ type: 'init', ...init });
  }

  /**
   * Analyse; resolves to null when a newer request for the same notebook overtakes this one.
   * Cells unchanged since the previous request for the notebook (the same object, or equal) are
   * sent by id only. `onTiming` gets the worker's times of this request.
   */
  analyze(
    notebook: NotebookInput,
    onTiming?: (timing: WorkerTiming) => void
  ): Promise<AnalysisResult | null> {
    const id = this.nextId++;
    const key = notebook.path ?? '';
    const previous = this.latest.get(key);
    this.latest.set(key, id);
    if (previous !== undefined) {
      // The older promise settles now: its result would be out of date anyway.
      this.pending.get(previous)?.resolve(null);
      this.pending.delete(previous);
    }
    const last = this.sent.get(key);
    const seen = new Set<string>();
    const cells = notebook.cells.map((cell): SentCell => {
      // A repeated id is always sent whole: only the first cell of an id is remembered.
      const first = !seen.has(cell.id);
      seen.add(cell.id);
      const before = first ? last?.cells.get(cell.id) : undefined;
      return before && Private.sameCell(before, cell) ? cell.id : cell;
    });
    const metadata =
      last && Private.sameJson(last.metadata, notebook.metadata) ? undefined : notebook.metadata;
    this.sent.set(key, { cells: Private.byId(notebook.cells), metadata: notebook.metadata });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { key, resolve, reject, onTiming });
      this.port.postMessage({ type: 'analyze', id, path: notebook.path, cells, metadata });
    });
  }

  /** Stop remembering `path`'s cells, here and in the worker (its next request is sent whole). */
  forget(path?: string): void {
    if (this.sent.delete(path ?? '')) {
      this.port.postMessage({ type: 'forget', path });
    }
  }
}

namespace Private {
  export interface Known {
    cells: Map<string, NotebookCell>;
    metadata: Record<string, unknown>;
  }

  /** Sub-millisecond wall-clock time, comparable between the page and its workers. */
  export function now(): number {
    return performance.timeOrigin + performance.now();
  }

  /** Cells by id; a repeated id keeps its first cell (both ends apply the same rule). */
  export function byId(cells: NotebookCell[]): Map<string, NotebookCell> {
    const map = new Map<string, NotebookCell>();
    for (const cell of cells) {
      if (!map.has(cell.id)) {
        map.set(cell.id, cell);
      }
    }
    return map;
  }

  /** The notebook a request describes, its by-id cells taken from the previous request. */
  export function resolve(
    message: { cells: SentCell[]; metadata?: Record<string, unknown>; path?: string },
    known: Known | undefined
  ): NotebookInput {
    const cells = message.cells.map(cell => {
      if (typeof cell !== 'string') {
        return cell;
      }
      const before = known?.cells.get(cell);
      if (!before) {
        throw new Error(`the analyzer worker does not know cell ${cell} of ${message.path ?? ''}`);
      }
      return before;
    });
    const metadata = message.metadata ?? known?.metadata ?? {};
    return { cells, metadata, path: message.path };
  }

  export function sameCell(a: NotebookCell, b: NotebookCell): boolean {
    return (
      a === b ||
      (a.source === b.source &&
        a.cellType === b.cellType &&
        sameJson(a.tags, b.tags) &&
        sameJson(a.metadata, b.metadata))
    );
  }

  export function sameJson(a: unknown, b: unknown): boolean {
    return a === b || JSON.stringify(a) === JSON.stringify(b);
  }
}
