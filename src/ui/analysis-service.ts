/**
 * The glue between the open notebook and the analyzer worker: each edit is analysed as soon as
 * the worker is free (one request in flight; edits made meanwhile go in the next one), only the
 * cells changed since the previous request cross to the worker, and the latest result is
 * published through `changed`, its unchanged parts kept as they were (the views compare by
 * identity). Inline markers are pushed into the cell editors whose diagnostics changed.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ICellModel } from '@jupyterlab/cells';
import { ISignal, Signal } from '@lumino/signaling';
import { AnalyzerClient } from '../analysis/client';
import type { WorkerTiming } from '../analysis/protocol';
import type { AnalysisResult, Diagnostic } from '../analysis/types';
import type { CellType, NotebookCell, NotebookInput } from '../model/notebook';
import { readTags } from '../model/tags';
import type { Extension } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
import { markerField, setMarkers } from './diagnostics/markers';
import { Enablement } from './enablement';

/**
 * A cell's editor as the markers use it: JupyterLab 4's CodeMirror editor (its view, and the
 * extension hook), read structurally since a cell's editor is typed as the generic IEditor.
 */
interface MarkedEditor {
  readonly isDisposed: boolean;
  readonly editor?: EditorView;
  injectExtension?(extension: Extension): void;
}
import { diagnosticsByCell } from './diagnostics/ranges';
import { mark } from './marks';
import { errorText } from './errors';

type SharedCell = ICellModel['sharedModel'];

/** One cell of the notebook's shared model as the analyzer reads it. */
function readCell(cell: ICellModel, index: number): NotebookCell {
  const type = cell.type as CellType;
  return {
    id: cell.id || `cell-${index}`,
    cellType: type === 'markdown' || type === 'raw' ? type : 'code',
    source: cell.sharedModel.getSource(),
    tags: readTags(cell.getMetadata('tags')),
    metadata: { ...(cell.metadata as Record<string, unknown>) }
  };
}

/**
 * Reads the notebook's shared model into the analyzer's input, again only the cells changed
 * since its last read: the others are the very objects it returned before (so the analyzer
 * client sends them by id).
 */
export class NotebookReader {
  constructor(panel: NotebookPanel) {
    this._panel = panel;
    panel.model?.metadataChanged.connect(this._onMetadata, this);
  }

  read(): NotebookInput {
    const model = this._panel.model!;
    const cells: NotebookCell[] = [];
    let index = 0;
    for (const cell of model.cells) {
      const shared = cell.sharedModel;
      let read = this._cells.get(shared);
      // The index only matters to a cell without an id (its id is made of it).
      if (!read || (!read.id && read.index !== index)) {
        // (connecting again is a no-op)
        shared.changed.connect(this._onCell, this);
        shared.metadataChanged.connect(this._onCell, this);
        read = { cell: readCell(cell, index), id: cell.id, index };
        this._cells.set(shared, read);
      }
      cells.push(read.cell);
      index++;
    }
    this._metadata ??= { ...(model.metadata as Record<string, unknown>) };
    return { cells, metadata: this._metadata, path: this._panel.context.path };
  }

  dispose(): void {
    Signal.disconnectReceiver(this);
  }

  // Slots are arrow-function properties (connected with `this` as before, so clearData still finds them).
  private _onCell = (shared: SharedCell): void => {
    this._cells.delete(shared);
  };

  private _onMetadata = (): void => {
    this._metadata = null;
  };

  private _panel: NotebookPanel;
  /** Each cell as last read, with its own id (empty: none) and the index it was read at. */
  private _cells = new WeakMap<SharedCell, { cell: NotebookCell; id: string; index: number }>();
  private _metadata: Record<string, unknown> | null = null;
}

/**
 * `next` with every part deep-equal to the same part of `prev` replaced by that part of `prev`
 * (`prev` itself when all is equal): unchanged steps, edges and diagnostics keep their identity.
 */
export function keepUnchanged<T>(prev: unknown, next: T): T {
  if (prev === next || typeof next !== 'object' || next === null) {
    return next;
  }
  if (typeof prev !== 'object' || prev === null || Array.isArray(prev) !== Array.isArray(next)) {
    return next;
  }
  if (Array.isArray(next)) {
    const before = prev as unknown[];
    const items = next as unknown[];
    let same = before.length === items.length;
    const out = items.map((value, i) => {
      const kept = keepUnchanged(before[i], value);
      same &&= kept === before[i];
      return kept;
    });
    return (same ? prev : out) as T;
  }
  const before = prev as Record<string, unknown>;
  const keys = Object.keys(next);
  let same = keys.length === Object.keys(before).length;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const kept = keepUnchanged(before[key], (next as Record<string, unknown>)[key]);
    out[key] = kept;
    same &&= kept === before[key] && key in before;
  }
  return (same ? prev : out) as T;
}

export class AnalysisService {
  constructor(client: AnalyzerClient = new AnalyzerClient()) {
    this._client = client;
  }

  /** Emits after each new result (or null when no notebook is shown). */
  get changed(): ISignal<this, AnalysisResult | null> {
    return this._changed;
  }

  get result(): AnalysisResult | null {
    return this._result;
  }

  get input(): NotebookInput | null {
    return this._input;
  }

  get error(): string | null {
    return this._error;
  }

  /** Follow `panel` (null: none); a notebook with cellpipe off is not analysed and shows no markers. */
  setNotebook(panel: NotebookPanel | null): void {
    if (panel === this._panel) {
      return;
    }
    this._enablement?.changed.disconnect(this._onEnabled, this);
    this._enablement = null;
    this._stop();
    this._panel = panel;
    this._result = null;
    this._input = null;
    if (!panel) {
      this._changed.emit(null);
      return;
    }
    const enablement = Enablement.of(panel);
    void enablement.ready.then(() => {
      if (this._panel === panel && panel.model) {
        this._enablement = enablement;
        enablement.changed.connect(this._onEnabled, this);
        this._onEnabled();
      }
    });
  }

  /**
   * The analysis of `panel`'s notebook as it would be with cell `index` tagged `tags` (the pencil
   * editor's suggestions for a cell made a step): analysed apart, on or off, the followed notebook's
   * analysis untouched. Null when a newer request overtook it.
   */
  async whatIf(
    panel: NotebookPanel,
    index: number,
    tags: readonly string[]
  ): Promise<AnalysisResult | null> {
    if (!panel.model) {
      return null;
    }
    const reader = new NotebookReader(panel);
    const input = reader.read();
    reader.dispose();
    const path = `${input.path ?? ''}#cellpipe-what-if`;
    const cells = input.cells.map((c, i) => (i === index ? { ...c, tags: [...tags] } : c));
    try {
      return await this._client.analyze({ ...input, cells, path });
    } finally {
      this._client.forget(path);
    }
  }

  /** Whether the notebook followed has cellpipe on (off: no result, no markers). */
  get enabled(): boolean {
    return this._enablement?.enabled ?? false;
  }

  private _onEnabled = (): void => {
    const panel = this._panel;
    if (!panel?.model) {
      return;
    }
    if (this.enabled && !this._reader) {
      this._reader = new NotebookReader(panel);
      panel.model.contentChanged.connect(this._schedule, this);
      panel.model.metadataChanged.connect(this._schedule, this);
      void this.refresh();
    } else if (!this.enabled) {
      this._stop();
      this._result = null;
      this._input = null;
      this._error = null;
      this._markedFrom = null;
      this._pushMarkers(panel, []);
      this._changed.emit(null);
    }
  };

  /** Stop following the current notebook's edits. */
  private _stop(): void {
    this._panel?.model?.contentChanged.disconnect(this._schedule, this);
    this._panel?.model?.metadataChanged.disconnect(this._schedule, this);
    if (this._reader) {
      this._reader.dispose();
      this._client.forget(this._panel?.context.path);
      this._reader = null;
    }
  }

  /**
   * Analyse now, or right after the request in flight (edits made meanwhile are all in the next
   * one). Resolves when the notebook as it is now has been analysed.
   */
  refresh(): Promise<void> {
    if (this._running) {
      this._again = true;
      return this._running;
    }
    this._running = (async () => {
      try {
        do {
          this._again = false;
          await this._analyse();
        } while (this._again);
      } finally {
        this._running = null;
      }
    })();
    return this._running;
  }

  /** Resolves once the edits made so far are analysed (nothing queued or in flight). */
  async whenIdle(): Promise<void> {
    while (this._queued || this._running) {
      await (this._running ?? Promise.resolve());
    }
  }

  dispose(): void {
    this.setNotebook(null);
    this._client.dispose();
    Signal.clearData(this);
  }

  /** An edit: analyse once the edit's transaction is over (its other signals come first). */
  private _schedule = (): void => {
    mark('edit');
    if (this._queued) {
      return;
    }
    this._queued = true;
    queueMicrotask(() => {
      this._queued = false;
      void this.refresh();
    });
  };

  private async _analyse(): Promise<void> {
    const panel = this._panel;
    const reader = this._reader;
    if (!panel?.model || !reader) {
      return;
    }
    mark('read-start');
    const input = reader.read();
    mark('read-end');
    try {
      const result = await this._client.analyze(input, Private.markWorker);
      mark('analysed');
      // Another notebook, or this one turned off meanwhile.
      if (!result || panel !== this._panel || reader !== this._reader) {
        return;
      }
      this._error = null;
      this._input = input;
      this._result = keepUnchanged(this._result, result);
      // Markers wait for the analysis of the latest text when an edit is already waiting.
      if (!this._again) {
        this._pushMarkers(panel, this._result.diagnostics);
      }
      mark('markers');
      this._changed.emit(this._result);
    } catch (reason) {
      if (panel !== this._panel || reader !== this._reader) {
        return;
      }
      this._error = errorText(reason);
      this._changed.emit(this._result);
    }
  }

  /** Dispatch markers to the editors whose cells' diagnostics changed, and only to those. */
  private _pushMarkers(panel: NotebookPanel, diagnostics: Diagnostic[]): void {
    // Unchanged diagnostics need nothing, unless a cell that has some had no editor yet
    // (JupyterLab creates the editors of cells out of view later).
    if (diagnostics === this._markedFrom && !this._unmarked) {
      return;
    }
    this._markedFrom = diagnostics;
    this._unmarked = false;
    const by = diagnosticsByCell(diagnostics);
    const widgets = panel.content.widgets;
    const before = this._marked.get(panel);
    const marked = new Map<MarkedEditor, string>();
    const update = (editor: MarkedEditor | null | undefined, list: Diagnostic[]) => {
      if (!editor?.editor || editor.isDisposed) {
        this._unmarked ||= list.length > 0;
        return;
      }
      const signature = list.length
        ? JSON.stringify(list.map(d => [d.severity, d.message, d.code, d.range]))
        : '';
      if (signature) {
        marked.set(editor, signature);
      }
      if ((before?.get(editor) ?? '') === signature) {
        return;
      }
      if (!this._installed.has(editor)) {
        editor.injectExtension?.(markerField);
        this._installed.add(editor);
      }
      editor.editor.dispatch({ effects: setMarkers.of(list) });
    };
    by.forEach((list, index) => update(widgets[index]?.editor, list));
    // Editors of this notebook that showed markers and have none now are cleared.
    before?.forEach((_, editor) => {
      if (!marked.has(editor)) {
        update(editor, []);
      }
    });
    this._marked.set(panel, marked);
  }

  private _client: AnalyzerClient;
  private _panel: NotebookPanel | null = null;
  private _reader: NotebookReader | null = null;
  private _enablement: Enablement | null = null;
  private _result: AnalysisResult | null = null;
  private _input: NotebookInput | null = null;
  private _error: string | null = null;
  private _queued = false;
  private _running: Promise<void> | null = null;
  private _again = false;
  private _installed = new WeakSet<MarkedEditor>();
  /**
   * Per notebook, its editors showing markers, with the signature of what they show (a notebook
   * no longer followed keeps its markers, and they are right again when it is followed again).
   */
  private _marked = new WeakMap<NotebookPanel, Map<MarkedEditor, string>>();
  private _markedFrom: Diagnostic[] | null = null;
  private _unmarked = false;
  private _changed = new Signal<this, AnalysisResult | null>(this);
}

namespace Private {
  /** The worker's start and end of an analysis, on this page's timeline. */
  export function markWorker(timing: WorkerTiming): void {
    if (typeof performance !== 'undefined') {
      mark('worker-start', timing.started - performance.timeOrigin);
      mark('worker-end', timing.finished - performance.timeOrigin);
    }
  }
}
