import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';
import { CellpipeSettings, DEFAULT_SETTINGS } from '../../settings';

/**
 * State of the deployment panel: which notebook it shows and the user settings.
 * Emits `changed` whenever the view should render again.
 */
export class PanelModel {
  constructor(tracker: INotebookTracker) {
    this._tracker = tracker;
    tracker.currentChanged.connect(this._onCurrentChanged, this);
    this._onCurrentChanged();
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get notebook(): NotebookPanel | null {
    return this._notebook;
  }

  get settings(): CellpipeSettings {
    return this._settings;
  }

  set settings(value: CellpipeSettings) {
    this._settings = value;
    this._changed.emit();
  }

  dispose(): void {
    this._tracker.currentChanged.disconnect(this._onCurrentChanged, this);
    Signal.clearData(this);
  }

  private _onCurrentChanged(): void {
    const next = this._tracker.currentWidget;
    if (next === this._notebook) {
      return;
    }
    this._notebook?.model?.contentChanged.disconnect(this._emit, this);
    this._notebook = next;
    next?.context.ready.then(() => {
      if (this._notebook === next) {
        next.model?.contentChanged.connect(this._emit, this);
        this._emit();
      }
    });
    this._emit();
  }

  private _emit(): void {
    this._changed.emit();
  }

  private _tracker: INotebookTracker;
  private _notebook: NotebookPanel | null = null;
  private _settings: CellpipeSettings = DEFAULT_SETTINGS;
  private _changed = new Signal<this, void>(this);
}
