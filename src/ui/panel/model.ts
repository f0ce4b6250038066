import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';
import { located } from '../../analysis/labels';
import type { AnalysisResult, QuickFix } from '../../analysis/types';
import {
  CompileOptions,
  CompileResult,
  compile,
  modulesFromImage,
  notebookModules
} from '../../compiler';
import { PanelCompileProblem, compileProblemsOf } from './CompileProblems';
import {
  IBundleClient,
  INotebookImageClient,
  NO_NOTEBOOK_IMAGE,
  NotebookImage
} from '../../server-api';
import { compileForRun } from '../run/submit';
import type { CompiledPackage } from '../run/RunDialog';
import { CellpipeSettings, DEFAULT_SETTINGS } from '../../settings';
import { AnalysisService } from '../analysis-service';
import { GraphLayout, Laidout, relayout, settle } from '../graph/layout';
import { dagreLibrary } from '../lazy';
import type { NotebookInput } from '../../model/notebook';
import { addDependency } from '../../model/write';
import { BaseImage, ImportWarning, baseImageOf, importWarnings, nonStdlib } from './images';
import {
  NotebookSettings,
  patchNotebookSettings,
  readNotebookSettings,
  validateNotebookSettings
} from '../../model/notebook-settings';

export type { NotebookSettings } from '../../model/notebook-settings';

const NO_WARNINGS: ImportWarning[] = [];

/** A notebook setting the panel would refuse, as a problem of the notebook naming the field. */
function settingsProblems(settings: NotebookSettings | null): PanelCompileProblem[] {
  return (settings ? validateNotebookSettings(settings) : []).map(e => ({
    severity: 'error',
    message: `notebook setting "${e.field}": ${e.message}`,
    cellIndex: -1
  }));
}

/** How long the typing pauses before a provisional graph is laid out again by dagre. */
const SETTLE_DELAY_MS = 400;

/**
 * State of the deployment panel: which notebook it shows, its latest analysis and graph layout,
 * the user settings. Each part has its own signal, so a view renders again on what it shows:
 * `notebookChanged` (another notebook), `analysisChanged` (a new analysis, its graph laid out again),
 * `notebookSettingsChanged` (the notebook's metadata), `settingsChanged` (the user settings),
 * `imagesChanged` (the base image, or which imports are the notebook's own), `stepStatesChanged`,
 * `pathChanged` (the notebook shown was renamed or moved).
 */
export class PanelModel {
  constructor(
    tracker: INotebookTracker,
    service: AnalysisService,
    /** The plugin's clients of our server (IServerApi). */
    clients: { bundles: IBundleClient; notebookImage: INotebookImageClient }
  ) {
    this._tracker = tracker;
    this._service = service;
    this._bundles = clients.bundles;
    service.changed.connect(this._onResult);
    tracker.currentChanged.connect(this._onCurrentChanged);
    this._onCurrentChanged();
    void clients.notebookImage.notebookImage().then(image => {
      this._notebookImage = image;
      this._imagesChanged.emit();
    });
  }

  /** The steps' default image: this notebook server's own when it can see it, else the settings'. */
  get baseImage(): BaseImage {
    const { image, own } = baseImageOf(this._settings.baseImage, this._notebookImage);
    if (this._baseImage.image !== image || this._baseImage.own !== own) {
      this._baseImage = { image, own };
    }
    return this._baseImage;
  }

  /**
   * Per step whose image is not this notebook server's: imported packages that are neither standard
   * library nor the notebook's own modules. Empty until the server said which modules are the notebook's.
   */
  get importWarnings(): ImportWarning[] {
    const input = this._service.input;
    const analysis = this._service.result;
    if (!input || !analysis || !this._local || this._local.key !== this._localWanted) {
      return NO_WARNINGS;
    }
    const base = this.baseImage;
    const key = [analysis, base, this._local];
    if (!this._warnings || this._warnings.key.some((k, i) => k !== key[i])) {
      this._warnings = { key, value: importWarnings(input, analysis, this._local.names, base) };
    }
    return this._warnings.value;
  }

  /** The panel shows another notebook (or none). */
  get notebookChanged(): ISignal<this, void> {
    return this._notebookChanged;
  }

  /** A new analysis result (or error), or its graph laid out again. */
  get analysisChanged(): ISignal<this, void> {
    return this._analysisChanged;
  }

  /** The notebook's settings in its metadata (`notebookSettings`). */
  get notebookSettingsChanged(): ISignal<this, void> {
    return this._notebookSettingsChanged;
  }

  /** The user settings (`settings`). */
  get settingsChanged(): ISignal<this, void> {
    return this._settingsChanged;
  }

  /** The base image, or which imports are the notebook's own (`baseImage`, `importWarnings`). */
  get imagesChanged(): ISignal<this, void> {
    return this._imagesChanged;
  }

  /** The run states of the steps (`stepStates`). */
  get stepStatesChanged(): ISignal<this, void> {
    return this._stepStatesChanged;
  }

  /**
   * The notebook shown was renamed or moved (`notebook.context.path`); its analysis, read with the
   * new path (the YAML's pipeline name and notebook name), follows as an `analysisChanged`.
   */
  get pathChanged(): ISignal<this, void> {
    return this._pathChanged;
  }

  get notebook(): NotebookPanel | null {
    return this._notebook;
  }

  get analysis(): AnalysisResult | null {
    return this._service.result;
  }

  get analysisError(): string | null {
    return this._service.error;
  }

  /** Increases with each analysis result shown. */
  get revision(): number {
    return this._revision;
  }

  get layout(): GraphLayout | null {
    return this._layout;
  }

  get settings(): CellpipeSettings {
    return this._settings;
  }

  set settings(value: CellpipeSettings) {
    this._settings = value;
    this._settingsChanged.emit();
    this._imagesChanged.emit(); // the settings' base image
  }

  /** Run states by step name (from a watched remote or local run). */
  get stepStates(): Readonly<Record<string, string>> {
    return this._states;
  }

  set stepStates(value: Readonly<Record<string, string>>) {
    this._states = value;
    this._stepStatesChanged.emit();
  }

  /** The notebook's deployment settings as stored in its metadata (the same object until they change). */
  notebookSettings(): NotebookSettings | null {
    return this._notebookSettings;
  }

  /** Write one notebook setting through the shared model (a user action only). */
  updateNotebookSettings(patch: Partial<NotebookSettings>): void {
    const model = this._notebook?.model;
    if (!model) {
      return;
    }
    const changed = patchNotebookSettings(
      model.getMetadata('kubeflow_notebook'),
      model.getMetadata('cellpipe'),
      patch
    );
    model.sharedModel.transact(() => {
      for (const [key, value] of Object.entries(changed)) {
        model.setMetadata(key, value);
      }
    });
  }

  /** Select the cell at `index` and scroll it into view. */
  revealCell(index: number): void {
    const panel = this._notebook;
    if (!panel || index < 0 || index >= panel.content.widgets.length) {
      return;
    }
    panel.content.activeCellIndex = index;
    panel.content.deselectAll();
    const cell = panel.content.widgets[index];
    void panel.content.scrollToItem(index, 'smart').catch(() => undefined);
    cell.node.scrollIntoView?.({ block: 'nearest' });
  }

  /** Apply an `add-dependency` quick fix: write `prev:` on the step's first tagged cell. */
  applyFix(fix: QuickFix): boolean {
    const model = this._notebook?.model;
    if (!model || fix.kind !== 'add-dependency') {
      return false;
    }
    return addDependency(model.cells, fix.step, fix.dependsOn);
  }

  /** Compile the current notebook from the latest analysis (throws CompileError on problems). */
  compileYaml(): string {
    const input = this._service.input;
    const analysis = this._service.result;
    if (!input || !analysis) {
      throw new Error('The notebook has not been analysed yet');
    }
    const errors = analysis.diagnostics.filter(d => d.severity === 'error');
    if (errors.length) {
      throw new Error(errors.map(d => located(d, d.message)).join('\n'));
    }
    return this._compile(input, analysis, {
      notebookPath: input.path,
      defaultImage: this.baseImage.image
    }).yaml;
  }

  /**
   * What is wrong with the notebook's settings (`validateNotebookSettings`), each naming its field,
   * then the compiler's problems for the notebook as analysed (see `compileProblemsOf`).
   */
  compileProblems(): PanelCompileProblem[] {
    const input = this._service.input;
    const analysis = this._service.result;
    if (!input || !analysis) {
      return [];
    }
    return [
      ...settingsProblems(this._notebookSettings),
      ...compileProblemsOf(
        input,
        analysis,
        { notebookPath: input.path, defaultImage: this.baseImage.image },
        this._compile
      )
    ];
  }

  /** Compile for a run: the server bundles the notebook's own modules the steps import, shipped with them. */
  async compileForRun(): Promise<string> {
    // A local run reads the notebook's folder; the local runner runs no importers.
    return (await this.compilePackageForRun({ importDataFiles: false })).yaml;
  }

  /** The same, with what the Run dialog also shows (spec, steps, warnings). */
  async compilePackageForRun(
    extra: Pick<CompileOptions, 'dataFileUris' | 'importDataFiles'> = {}
  ): Promise<CompileResult & Pick<CompiledPackage, 'dataFiles'>> {
    const input = this._service.input;
    const analysis = this._service.result;
    if (!input || !analysis) {
      throw new Error('The notebook has not been analysed yet');
    }
    const options = { notebookPath: input.path, defaultImage: this.baseImage.image, ...extra };
    return compileForRun(input, analysis, options, this._bundles);
  }

  dispose(): void {
    if (this._settleTimer !== null) {
      clearTimeout(this._settleTimer);
    }
    this._service.changed.disconnect(this._onResult);
    this._tracker.currentChanged.disconnect(this._onCurrentChanged);
    this._notebook?.model?.metadataChanged.disconnect(this._onMetadataChanged);
    this._notebook?.context.pathChanged.disconnect(this._onPathChanged);
    this._service.dispose();
    Signal.clearData(this);
  }

  /**
   * `compile`, done once per notebook read, analysis and options: the open YAML section and the
   * compiler's problems ask for the same package after each analysis. A refusal is kept and thrown again.
   */
  private _compile = (
    notebook: NotebookInput,
    analysis: AnalysisResult,
    options: CompileOptions
  ): CompileResult => {
    const key = [notebook, analysis, JSON.stringify(options)];
    if (!this._compiled || this._compiled.key.some((k, i) => k !== key[i])) {
      try {
        this._compiled = { key, result: compile(notebook, analysis, options) };
      } catch (error) {
        this._compiled = { key, error };
      }
    }
    if ('error' in this._compiled) {
      throw this._compiled.error;
    }
    return this._compiled.result;
  };

  private _onResult = (_: AnalysisService, result: AnalysisResult | null): void => {
    this._layout = result && dagreLibrary.loaded ? relayout(result, this._layout) : null;
    this._revision++;
    this._analysisChanged.emit();
    this._askLocalModules();
    if (result && !dagreLibrary.loaded) {
      // dagre comes with the first graph, not at start-up: the graph is drawn once it is here.
      void dagreLibrary.load().then(() => {
        if (this._service.result === result && !this._layout) {
          this._layout = relayout(result, null);
          this._analysisChanged.emit();
        }
      }, console.error);
    } else if (this._layout?.provisional) {
      this._settleLater();
    }
  };

  /** Lay a provisional graph out again once the typing pauses (dagre takes a while). */
  private _settleLater(): void {
    if (this._settleTimer !== null) {
      clearTimeout(this._settleTimer);
    }
    this._settleTimer = setTimeout(() => {
      this._settleTimer = null;
      const layout = this._layout;
      if (layout?.provisional) {
        this._layout = settle(layout);
        this._analysisChanged.emit();
      }
    }, SETTLE_DELAY_MS);
  }

  private _onCurrentChanged = (): void => {
    const next = this._tracker.currentWidget;
    if (next === this._notebook) {
      return;
    }
    this._notebook?.model?.metadataChanged.disconnect(this._onMetadataChanged);
    this._notebook?.context.pathChanged.disconnect(this._onPathChanged);
    this._notebook = next;
    this._layout = null;
    this._states = {};
    next?.model?.metadataChanged.connect(this._onMetadataChanged);
    next?.context.pathChanged.connect(this._onPathChanged);
    this._notebookSettings = this._readNotebookSettings();
    this._service.setNotebook(next);
    this._notebookChanged.emit();
    this._analysisChanged.emit();
    this._notebookSettingsChanged.emit();
    this._stepStatesChanged.emit();
  };

  /** A rename: the panel shows the new name now, and the notebook is read again under it. */
  private _onPathChanged = (): void => {
    this._pathChanged.emit();
    void this._service.refresh();
  };

  private _onMetadataChanged = (): void => {
    const read = this._readNotebookSettings();
    if (JSON.stringify(read) !== JSON.stringify(this._notebookSettings)) {
      this._notebookSettings = read;
      this._notebookSettingsChanged.emit();
    }
  };

  private _readNotebookSettings(): NotebookSettings | null {
    const model = this._notebook?.model;
    if (!model) {
      return null;
    }
    return readNotebookSettings(
      model.getMetadata('kubeflow_notebook'),
      model.getMetadata('cellpipe')
    );
  }

  /** Which imports are the notebook's own modules: asked again only when the imported set changes. */
  private _askLocalModules(): void {
    const input = this._service.input;
    const analysis = this._service.result;
    if (!input || !analysis) {
      return;
    }
    const names = nonStdlib(notebookModules(input, analysis));
    const key = JSON.stringify([input.path ?? '', names]);
    if (this._localWanted === key) {
      return;
    }
    this._localWanted = key;
    if (!names.length || !input.path) {
      this._local = { key, names: new Set() };
      return;
    }
    this._bundles.localModules(input.path, names, [...modulesFromImage(input)]).then(
      local => {
        if (this._localWanted === key) {
          this._local = { key, names: new Set(Object.keys(local.bundles)) };
          this._imagesChanged.emit();
        }
      },
      () => undefined // the server cannot tell: no warning rather than a wrong one
    );
  }

  private _tracker: INotebookTracker;
  private _service: AnalysisService;
  private _bundles: IBundleClient;
  private _notebook: NotebookPanel | null = null;
  private _layout: Laidout | null = null;
  private _settleTimer: ReturnType<typeof setTimeout> | null = null;
  private _revision = 0;
  private _states: Readonly<Record<string, string>> = {};
  private _settings: CellpipeSettings = DEFAULT_SETTINGS;
  private _notebookImage: NotebookImage = NO_NOTEBOOK_IMAGE;
  private _baseImage: BaseImage = { image: '', own: false };
  private _local: { key: string; names: ReadonlySet<string> } | null = null;
  private _localWanted: string | null = null;
  private _warnings: { key: unknown[]; value: ImportWarning[] } | null = null;
  private _compiled:
    { key: unknown[]; result: CompileResult } | { key: unknown[]; error: unknown } | null = null;
  private _notebookSettings: NotebookSettings | null = null;
  private _notebookChanged = new Signal<this, void>(this);
  private _analysisChanged = new Signal<this, void>(this);
  private _notebookSettingsChanged = new Signal<this, void>(this);
  private _settingsChanged = new Signal<this, void>(this);
  private _imagesChanged = new Signal<this, void>(this);
  private _stepStatesChanged = new Signal<this, void>(this);
  private _pathChanged = new Signal<this, void>(this);
}
