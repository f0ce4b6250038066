/**
 * Whether cellpipe works on a notebook: its chips, markers and analysis exist only when it does.
 * The user's choice (`metadata.cellpipe.enabled`, written by the panel's switch) wins; without one a
 * notebook that carries Kale's annotations is on and any other notebook is off. Derived on every
 * read, never written: opening a notebook does not change it.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import { PromiseDelegate } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';
import { isObject, own } from '../model/own';
import { parseTags, readTags } from '../model/tags';

/** Does a cell carry a tag of Kale's (a kind, `prev:`, `limit:`, …)? Unknown tags do not count. */
function hasKaleTag(tags: readonly string[]): boolean {
  return tags.length > parseTags(tags).unknownTags.length;
}

/**
 * On or off, from the notebook's `cellpipe` and `kubeflow_notebook` metadata and its cells' tags: the
 * `enabled` the user chose, else on when Kale (its notebook metadata or a cell tag) or cellpipe's own
 * metadata has been written, else off.
 */
export function enabledFrom(
  cellpipe: unknown,
  kubeflowNotebook: unknown,
  cellTags: Iterable<readonly string[]>
): boolean {
  const chosen = isObject(cellpipe) ? own(cellpipe, 'enabled') : undefined;
  if (typeof chosen === 'boolean') {
    return chosen;
  }
  if (isObject(kubeflowNotebook) || (isObject(cellpipe) && Object.keys(cellpipe).length)) {
    return true;
  }
  for (const tags of cellTags) {
    if (hasKaleTag(tags)) {
      return true;
    }
  }
  return false;
}

/** The part of a notebook's model the enablement reads (JupyterLab's INotebookModel is one). */
interface EnablementModel {
  getMetadata(key: string): unknown;
  readonly metadataChanged: ISignal<unknown, unknown>;
  readonly cells: Iterable<{
    getMetadata(key: string): unknown;
    readonly sharedModel: { readonly metadataChanged: ISignal<unknown, unknown> };
  }> & { readonly changed: ISignal<unknown, unknown> };
}

/** One notebook's on/off state, followed through its metadata and its cells' tags. */
export class Enablement {
  /** The enablement of `panel` (one per notebook panel, made on first use). */
  static of(panel: NotebookPanel): Enablement {
    let found = Private.byPanel.get(panel);
    if (!found) {
      found = new Enablement(panel);
      Private.byPanel.set(panel, found);
    }
    return found;
  }

  private constructor(panel: NotebookPanel) {
    void panel.context.ready.then(() => {
      const model = panel.model as unknown as EnablementModel | null;
      if (!model || panel.isDisposed) {
        return;
      }
      this._model = model;
      model.metadataChanged.connect(this._update, this);
      model.cells.changed.connect(this._followCells, this);
      this._followCells();
      panel.disposed.connect(() => Signal.clearData(this));
      this._ready.resolve();
    });
  }

  /** Off until the notebook has loaded. */
  get enabled(): boolean {
    return this._enabled;
  }

  /** Resolves once the notebook has loaded and `enabled` says what it holds. */
  get ready(): Promise<void> {
    return this._ready.promise;
  }

  /** Emits the new state each time it flips. */
  get changed(): ISignal<this, boolean> {
    return this._changed;
  }

  private _followCells = (): void => {
    for (const cell of this._model!.cells) {
      // (connecting again is a no-op)
      cell.sharedModel.metadataChanged.connect(this._update, this);
    }
    this._update();
  };

  private _update = (): void => {
    const model = this._model!;
    const tags = Private.cellTags(model.cells);
    const next = enabledFrom(
      model.getMetadata('cellpipe'),
      model.getMetadata('kubeflow_notebook'),
      tags
    );
    if (next !== this._enabled) {
      this._enabled = next;
      this._changed.emit(next);
    }
  };

  private _model: EnablementModel | null = null;
  private _enabled = false;
  private _ready = new PromiseDelegate<void>();
  private _changed = new Signal<this, boolean>(this);
}

namespace Private {
  export const byPanel = new WeakMap<NotebookPanel, Enablement>();

  /** The cells' tags, read one cell at a time (the scan stops at the first Kale tag). */
  export function* cellTags(
    cells: Iterable<{ getMetadata(key: string): unknown }>
  ): Iterable<string[]> {
    for (const cell of cells) {
      yield readTags(cell.getMetadata('tags'));
    }
  }
}
