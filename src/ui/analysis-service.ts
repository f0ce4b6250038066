/**
 * The glue between the open notebook and the analyzer worker: on every edit (lightly debounced)
 * the notebook is read into a NotebookInput and analysed in the worker; the latest result is
 * published through `changed`. Inline markers are pushed into each cell editor.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';
import { AnalyzerClient } from '../analysis/client';
import type { AnalysisResult, Diagnostic } from '../analysis/types';
import type { CellType, NotebookCell, NotebookInput } from '../model/notebook';
import { markerField, setMarkers } from './diagnostics/markers';
import { diagnosticsByCell } from './diagnostics/ranges';

/** Read the notebook's shared model into the analyzer's input. */
export function readNotebook(panel: NotebookPanel): NotebookInput {
  const model = panel.model!;
  const cells: NotebookCell[] = [];
  let index = 0;
  for (const cell of model.cells) {
    const tags = cell.getMetadata('tags');
    const type = cell.type as CellType;
    cells.push({
      id: cell.id || `cell-${index}`,
      cellType: type === 'markdown' || type === 'raw' ? type : 'code',
      source: cell.sharedModel.getSource(),
      tags: Array.isArray(tags) ? tags.map(String) : [],
      metadata: { ...(cell.metadata as Record<string, unknown>) }
    });
    index++;
  }
  return {
    cells,
    metadata: { ...(model.metadata as Record<string, unknown>) },
    path: panel.context.path
  };
}

export class AnalysisService {
  constructor(client: AnalyzerClient = new AnalyzerClient(), delayMs = 15) {
    this._client = client;
    this._delay = delayMs;
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

  /** Follow `panel` (null: none). */
  setNotebook(panel: NotebookPanel | null): void {
    if (panel === this._panel) {
      return;
    }
    this._panel?.model?.contentChanged.disconnect(this._schedule, this);
    this._panel?.model?.metadataChanged.disconnect(this._schedule, this);
    this._panel = panel;
    this._result = null;
    this._input = null;
    if (!panel) {
      this._changed.emit(null);
      return;
    }
    panel.context.ready.then(() => {
      if (this._panel === panel && panel.model) {
        panel.model.contentChanged.connect(this._schedule, this);
        panel.model.metadataChanged.connect(this._schedule, this);
        this.refresh();
      }
    });
  }

  /** Analyse now. */
  async refresh(): Promise<void> {
    const panel = this._panel;
    if (!panel?.model) {
      return;
    }
    const mark = (name: string) =>
      typeof performance !== 'undefined' && performance.mark(`cellpipe:${name}`);
    mark('read-start');
    const input = readNotebook(panel);
    mark('read-end');
    try {
      const result = await this._client.analyze(input);
      mark('analysed');
      if (!result || panel !== this._panel) {
        return;
      }
      this._error = null;
      this._input = input;
      this._result = result;
      this._pushMarkers(panel, result.diagnostics);
      mark('markers');
      this._changed.emit(result);
    } catch (reason) {
      this._error = String((reason as Error)?.message ?? reason);
      this._changed.emit(this._result);
    }
  }

  dispose(): void {
    this.setNotebook(null);
    this._client.dispose();
    Signal.clearData(this);
  }

  private _schedule(): void {
    if (typeof performance !== 'undefined') {
      performance.mark('cellpipe:edit');
    }
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      void this.refresh();
    }, this._delay);
  }

  private _pushMarkers(panel: NotebookPanel, diagnostics: Diagnostic[]): void {
    const by = diagnosticsByCell(diagnostics);
    panel.content.widgets.forEach((cell, index) => {
      const editor = cell.editor as any;
      if (!editor?.editor) {
        return;
      }
      if (!this._installed.has(editor)) {
        editor.injectExtension?.(markerField);
        this._installed.add(editor);
      }
      const list = by.get(index) ?? [];
      const signature = list.length
        ? JSON.stringify(list.map(d => [d.severity, d.message, d.code, d.range]))
        : '';
      if ((this._marked.get(editor) ?? '') === signature) {
        return;
      }
      this._marked.set(editor, signature);
      editor.editor.dispatch({ effects: setMarkers.of(list) });
    });
  }

  private _client: AnalyzerClient;
  private _delay: number;
  private _panel: NotebookPanel | null = null;
  private _result: AnalysisResult | null = null;
  private _input: NotebookInput | null = null;
  private _error: string | null = null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _installed = new WeakSet<object>();
  private _marked = new WeakMap<object, string>();
  private _changed = new Signal<this, AnalysisResult | null>(this);
}
