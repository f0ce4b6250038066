/**
 * The analyzer worker's messages, and both ends of the conversation as plain classes over a
 * port (a Worker, the worker's global scope, or a test double).
 */
import type { NotebookInput } from '../model/notebook';
import type { AnalysisResult, Analyzer, AnalyzerInit } from './types';

export type ToWorker =
  | { type: 'init'; treeSitterWasm?: string | Uint8Array; pythonWasm?: string | Uint8Array }
  | { type: 'analyze'; id: number; notebook: NotebookInput };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: AnalysisResult }
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
  const queued = new Map<string, { id: number; notebook: NotebookInput }>();
  let scheduled = false;

  const drain = async () => {
    scheduled = false;
    const batch = [...queued.values()];
    queued.clear();
    for (const { id, notebook } of batch) {
      try {
        if (!analyzer) {
          throw new Error('the analyzer worker got a request before init');
        }
        const result = (await analyzer).analyze(notebook);
        port.postMessage({ type: 'result', id, result });
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
    if (message.type === 'analyze') {
      const key = message.notebook.path ?? '';
      const older = queued.get(key);
      if (older) {
        port.postMessage({ type: 'stale', id: older.id });
      }
      queued.set(key, { id: message.id, notebook: message.notebook });
      if (!scheduled) {
        scheduled = true;
        // Let messages already in the queue arrive first, so a burst of edits costs one analysis.
        setTimeout(drain, 0);
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
    { key: string; resolve: (r: AnalysisResult | null) => void; reject: (e: Error) => void }
  >();
  private readonly latest = new Map<string, number>();
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
        request.reject(new Error(message.message));
      } else if (message.type === 'result' && this.latest.get(request.key) === message.id) {
        request.resolve(message.result);
      } else {
        request.resolve(null);
      }
    };
    port.postMessage({ type: 'init', ...init });
  }

  /** Analyse; resolves to null when a newer request for the same notebook overtakes this one. */
  analyze(notebook: NotebookInput): Promise<AnalysisResult | null> {
    const id = this.nextId++;
    const key = notebook.path ?? '';
    const previous = this.latest.get(key);
    this.latest.set(key, id);
    if (previous !== undefined) {
      // The older promise settles now: its result would be out of date anyway.
      this.pending.get(previous)?.resolve(null);
      this.pending.delete(previous);
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { key, resolve, reject });
      this.port.postMessage({ type: 'analyze', id, notebook });
    });
  }
}
