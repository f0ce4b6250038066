import { ReactWidget } from '@jupyterlab/ui-components';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { DiagnosticsList } from '../diagnostics/DiagnosticsList';
import { GraphView } from '../graph/GraphView';
import type { GraphNode } from '../graph/layout';
import type { Diagnostic, QuickFix } from '../../analysis/types';
import { LocalRunModel } from '../local';
import type { IFileClient, IKatibClient, IKfpClient, ILocalRunClient } from '../../server-api';
import { pipelineIcon } from '../icons';
import { mark } from '../marks';
import { CellpipeOff } from './CellpipeOff';
import { CompileProblems } from './CompileProblems';
import { ImageNotes } from './ImageNotes';
import { KfpSection } from './KfpSection';
import { FilesSection } from './FilesSection';
import { LocalSection } from './LocalSection';
import { SettingsSection } from './SettingsSection';
import { YamlSection, yamlFileName } from './YamlSection';
import { NotebookSettings, PanelModel } from './model';
import { usePanelSignals } from './use-signals';

/** The clients of our server the panel's sections use (the plugin's IServerApi). */
export interface PanelClients {
  kfp: IKfpClient;
  files: IFileClient;
  localRuns: ILocalRunClient;
  katib?: IKatibClient;
}

/** The deployment panel: a Lumino widget hosting the React body. */
export class PipelinePanel extends ReactWidget {
  constructor(model: PanelModel, trans: TranslationBundle, clients: PanelClients) {
    super();
    this.model = model;
    this._trans = trans;
    this._clients = clients;
    this.id = 'cellpipe-panel';
    this.addClass('jp-cellpipe-panel');
    this.title.icon = pipelineIcon;
    this.title.caption = trans.__('Pipeline');
    this._local = new LocalRunModel(clients.localRuns);
    const localPython = () => (this._local.python = model.settings.localPython);
    localPython();
    model.settingsChanged.connect(localPython);
    this._local.changed.connect(() => {
      const steps = this._local.steps as Record<string, string> | undefined;
      if (steps) {
        model.stepStates = { ...steps };
      }
    });
  }

  readonly model: PanelModel;

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  render(): JSX.Element {
    return (
      <PanelBody
        model={this.model}
        trans={this._trans}
        local={this._local}
        clients={this._clients}
      />
    );
  }

  private _trans: TranslationBundle;
  private _clients: PanelClients;
  private _local: LocalRunModel;
}

interface PartProps {
  model: PanelModel;
  trans: TranslationBundle;
}

/** The panel: drawn again when it shows another notebook; each part follows its own signals. */
function PanelBody(
  props: PartProps & { local: LocalRunModel; clients: PanelClients }
): JSX.Element {
  const { model, trans } = props;
  usePanelSignals(model, 'notebookChanged');
  const panel = model.notebook;
  const header = <h2 className="jp-cellpipe-title">{trans.__('Pipeline')}</h2>;
  if (!panel || !panel.model) {
    return (
      <div className="jp-cellpipe-body">
        {header}
        <p className="jp-cellpipe-empty">{trans.__('Open a notebook to see its pipeline.')}</p>
      </div>
    );
  }
  return (
    <div className="jp-cellpipe-body">
      {header}
      <NotebookName model={model} />
      <CellpipeOff
        notebook={panel}
        turnOn={() => model.updateNotebookSettings({ enabled: true })}
        trans={trans}
      >
        <Summary model={model} trans={trans} />
        <Settings model={model} trans={trans} />
        <Images model={model} trans={trans} />
        <Graph model={model} trans={trans} />
        <Problems model={model} trans={trans} />
        <Files model={model} trans={trans} files={props.clients.files} />
        <Yaml model={model} trans={trans} />
        <Kfp model={model} trans={trans} clients={props.clients} />
        <Local model={model} trans={trans} local={props.local} />
      </CellpipeOff>
    </div>
  );
}

/** The notebook's path, followed through a rename. */
function NotebookName({ model }: { model: PanelModel }): JSX.Element {
  usePanelSignals(model, 'pathChanged');
  return <p className="jp-cellpipe-notebook">{model.notebook?.context.path}</p>;
}

function Summary({ model, trans }: PartProps): JSX.Element {
  usePanelSignals(model, 'analysisChanged');
  const analysis = model.analysis;
  const stepCount = analysis?.steps.filter(st => st.kind === 'step').length ?? 0;
  return (
    <>
      <p className="jp-cellpipe-summary">
        {analysis ? trans._n('%1 step', '%1 steps', stepCount, stepCount) : trans.__('Analysing…')}
      </p>
      {model.analysisError && <p className="jp-cellpipe-error">{model.analysisError}</p>}
    </>
  );
}

function Settings({ model, trans }: PartProps): JSX.Element | null {
  usePanelSignals(model, 'notebookSettingsChanged', 'imagesChanged');
  const update = React.useCallback(
    (patch: Partial<NotebookSettings>) => model.updateNotebookSettings(patch),
    [model]
  );
  const settings = model.notebookSettings();
  return (
    settings && (
      <SettingsSection
        settings={settings}
        baseImage={model.baseImage.image}
        update={update}
        trans={trans}
      />
    )
  );
}

function Images({ model, trans }: PartProps): JSX.Element | null {
  usePanelSignals(model, 'notebookSettingsChanged', 'imagesChanged', 'analysisChanged');
  const settings = model.notebookSettings();
  return (
    settings && (
      <ImageNotes
        base={model.baseImage}
        notebookImage={settings.dockerImage}
        warnings={model.importWarnings}
        trans={trans}
      />
    )
  );
}

function Graph({ model, trans }: PartProps): JSX.Element {
  usePanelSignals(model, 'analysisChanged', 'stepStatesChanged');
  const select = React.useCallback((node: GraphNode) => model.revealCell(node.firstCell), [model]);
  const diagnostics = model.analysis?.diagnostics ?? NO_DIAGNOSTICS;
  // The same set for the same diagnostics: the graph draws its nodes' error marks from it.
  const errors = React.useMemo(
    () => new Set(diagnostics.filter(d => d.severity === 'error' && d.step).map(d => d.step!)),
    [diagnostics]
  );
  const layout = model.layout;
  return (
    <details className="jp-cellpipe-section" open>
      <summary>{trans.__('Execution graph')}</summary>
      {layout && (
        <GraphView
          layout={layout}
          revision={model.revision}
          states={model.stepStates}
          errors={errors}
          onSelect={select}
          onRendered={markRendered}
        />
      )}
    </details>
  );
}

function Problems({ model, trans }: PartProps): JSX.Element {
  usePanelSignals(model, 'analysisChanged', 'imagesChanged');
  const select = React.useCallback((d: Diagnostic) => model.revealCell(d.cellIndex), [model]);
  const fix = React.useCallback((f: QuickFix) => model.applyFix(f), [model]);
  const compileProblems = React.useCallback(() => model.compileProblems(), [model]);
  const reveal = React.useCallback((index: number) => model.revealCell(index), [model]);
  const diagnostics = model.analysis?.diagnostics ?? NO_DIAGNOSTICS;
  return (
    <details className="jp-cellpipe-section" open>
      <summary>
        {trans.__('Problems')} ({diagnostics.length})
      </summary>
      <DiagnosticsList diagnostics={diagnostics} onSelect={select} onFix={fix} />
      <CompileProblems
        problems={compileProblems}
        revision={model.revision}
        baseImage={model.baseImage.image}
        onSelect={reveal}
        trans={trans}
      />
    </details>
  );
}

function Files(props: PartProps & { files: IFileClient }): JSX.Element | null {
  const { model } = props;
  usePanelSignals(model, 'analysisChanged', 'pathChanged');
  const panel = model.notebook;
  if (!panel?.model) {
    return null;
  }
  return (
    <FilesSection
      analysis={model.analysis}
      notebookPath={panel.context.path}
      notebook={panel.model}
      client={props.files}
      trans={props.trans}
    />
  );
}

function Yaml({ model, trans }: PartProps): JSX.Element {
  usePanelSignals(model, 'analysisChanged', 'imagesChanged', 'pathChanged');
  const compile = React.useCallback(() => model.compileYaml(), [model]);
  return (
    <YamlSection
      compile={compile}
      revision={model.revision}
      baseImage={model.baseImage.image}
      fileName={yamlFileName(model.notebook?.context.path ?? '')}
      trans={trans}
    />
  );
}

/** Why a run cannot start now (the notebook has errors), or undefined. */
function disabledReason(model: PanelModel, trans: TranslationBundle): string | undefined {
  const hasErrors = model.analysis?.diagnostics.some(d => d.severity === 'error') ?? false;
  return hasErrors ? trans.__('Fix the problems first') : undefined;
}

function Kfp(props: PartProps & { clients: PanelClients }): JSX.Element {
  const { model, trans } = props;
  usePanelSignals(model, 'analysisChanged', 'notebookSettingsChanged', 'settingsChanged');
  return (
    <KfpSection
      model={model}
      client={props.clients.kfp}
      files={props.clients.files}
      katib={props.clients.katib}
      trans={trans}
      pipelineName={model.notebookSettings()?.pipelineName || undefined}
      namespace={model.settings.namespace || undefined}
      disabledReason={disabledReason(model, trans)}
    />
  );
}

function Local(props: PartProps & { local: LocalRunModel }): JSX.Element | null {
  const { model, trans } = props;
  usePanelSignals(model, 'analysisChanged', 'pathChanged');
  const compile = React.useCallback(() => model.compileForRun(), [model]);
  const panel = model.notebook;
  return (
    panel && (
      <LocalSection
        local={props.local}
        notebookPath={panel.context.path}
        compile={compile}
        disabledReason={disabledReason(model, trans)}
        trans={trans}
        panel={model}
      />
    )
  );
}

const NO_DIAGNOSTICS: Diagnostic[] = [];

function markRendered(): void {
  mark('graph-rendered');
}
