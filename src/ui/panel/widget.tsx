import { ReactWidget } from '@jupyterlab/ui-components';
import type { ISignal } from '@lumino/signaling';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { flushSync } from 'react-dom';
import { DiagnosticsList } from '../diagnostics/DiagnosticsList';
import { GraphView } from '../graph/GraphView';
import type { GraphNode } from '../graph/layout';
import type { Diagnostic, QuickFix } from '../../analysis/types';
import { LocalRunModel, LocalRunView } from '../local';
import type { IFileClient, IKfpClient, ILocalRunClient } from '../../server-api';
import { pipelineIcon } from '../icons';
import { mark } from '../marks';
import { CompileProblems } from './CompileProblems';
import { ImageNotes } from './ImageNotes';
import { KfpSection } from './KfpSection';
import { FilesSection } from './FilesSection';
import { YamlSection } from './YamlSection';
import { NotebookSettings, PanelModel } from './model';

/** The clients of our server the panel's sections use (the plugin's IServerApi). */
export interface PanelClients {
  kfp: IKfpClient;
  files: IFileClient;
  localRuns: ILocalRunClient;
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
      <Follow signal={this.model.changed}>
        {() => (
          <PanelBody
            model={this.model}
            trans={this._trans}
            local={this._local}
            clients={this._clients}
          />
        )}
      </Follow>
    );
  }

  private _trans: TranslationBundle;
  private _clients: PanelClients;
  private _local: LocalRunModel;
}

/**
 * Renders `children()` again after `signal`, at once: in a microtask of the emitting task (the
 * analysis result's), not in a later task that the browser may run after a frame of its own.
 * Emissions of one task render once.
 */
function Follow(props: {
  signal: ISignal<unknown, unknown>;
  children: () => JSX.Element;
}): JSX.Element {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    let queued = false;
    let live = true;
    const slot = () => {
      if (queued) {
        return;
      }
      queued = true;
      // A microtask: never inside a React render or effect, where flushSync cannot run.
      queueMicrotask(() => {
        queued = false;
        if (live) {
          flushSync(() => setTick(tick => tick + 1));
        }
      });
    };
    props.signal.connect(slot);
    return () => {
      live = false;
      props.signal.disconnect(slot);
    };
  }, [props.signal]);
  return props.children();
}

/** A text field that writes on blur or Enter (a user action), not on every keystroke. */
function Field(props: {
  label: string;
  name: string;
  value: string;
  placeholder?: string;
  onCommit: (value: string) => void;
}): JSX.Element {
  const [text, setText] = React.useState(props.value);
  React.useEffect(() => setText(props.value), [props.value]);
  const commit = () => text !== props.value && props.onCommit(text);
  return (
    <label className="jp-cellpipe-field">
      <span>{props.label}</span>
      <input
        className="jp-mod-styled"
        name={props.name}
        value={text}
        placeholder={props.placeholder}
        onChange={e => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={e => e.key === 'Enter' && commit()}
      />
    </label>
  );
}

/** The notebook's settings; drawn again only when they (not the code) changed. */
const Settings = React.memo(
  SettingsBody,
  (a, b) =>
    a.update === b.update &&
    a.trans === b.trans &&
    a.baseImage === b.baseImage &&
    JSON.stringify(a.settings) === JSON.stringify(b.settings)
);

function SettingsBody(props: {
  settings: NotebookSettings;
  baseImage: string;
  update: (patch: Partial<NotebookSettings>) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { settings: s, update, trans } = props;
  const volumes = s.volumes;
  return (
    <details className="jp-cellpipe-section jp-cellpipe-settings" open>
      <summary>{trans.__('Settings')}</summary>
      <label className="jp-cellpipe-toggle">
        <input
          type="checkbox"
          name="enabled"
          checked={s.enabled}
          onChange={e => update({ enabled: e.target.checked })}
        />
        {trans.__('Enable cellpipe for this notebook')}
      </label>
      <Field
        label={trans.__('Pipeline name')}
        name="pipelineName"
        value={s.pipelineName}
        onCommit={v => update({ pipelineName: v })}
      />
      <Field
        label={trans.__('Description')}
        name="description"
        value={s.description}
        onCommit={v => update({ description: v })}
      />
      <Field
        label={trans.__('Experiment')}
        name="experiment"
        value={s.experiment}
        onCommit={v => update({ experiment: v })}
      />
      <Field
        label={trans.__('Base image')}
        name="dockerImage"
        value={s.dockerImage}
        placeholder={props.baseImage}
        onCommit={v => update({ dockerImage: v })}
      />
      <div className="jp-cellpipe-row">
        <Field
          label={trans.__('CPU request')}
          name="cpu"
          value={s.cpu}
          placeholder="500m"
          onCommit={v => update({ cpu: v })}
        />
        <Field
          label={trans.__('Memory request')}
          name="memory"
          value={s.memory}
          placeholder="1Gi"
          onCommit={v => update({ memory: v })}
        />
      </div>
      <div className="jp-cellpipe-volumes">
        <span>{trans.__('Volumes')}</span>
        {volumes.map((v, i) => (
          <div className="jp-cellpipe-row" key={i}>
            <Field
              label={trans.__('PVC')}
              name={`pvc-${i}`}
              value={v.pvcName}
              onCommit={x =>
                update({ volumes: volumes.map((w, j) => (j === i ? { ...w, pvcName: x } : w)) })
              }
            />
            <Field
              label={trans.__('Mount path')}
              name={`mount-${i}`}
              value={v.mountPath}
              onCommit={x =>
                update({ volumes: volumes.map((w, j) => (j === i ? { ...w, mountPath: x } : w)) })
              }
            />
            <button
              className="jp-cellpipe-remove"
              title={trans.__('Remove volume')}
              onClick={() => update({ volumes: volumes.filter((_, j) => j !== i) })}
            >
              🗑
            </button>
          </div>
        ))}
        <button
          className="jp-cellpipe-add"
          onClick={() => update({ volumes: [...volumes, { pvcName: 'data', mountPath: '/data' }] })}
        >
          {trans.__('+ Add volume')}
        </button>
      </div>
    </details>
  );
}

/** The local run section; drawn again only when its inputs changed. */
const LocalSection = React.memo(function LocalSection(props: {
  local: LocalRunModel;
  notebookPath: string;
  compile: () => Promise<string>;
  disabledReason?: string;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <details className="jp-cellpipe-section jp-cellpipe-local">
      <summary>{props.trans.__('Run locally')}</summary>
      <LocalRunView
        model={props.local}
        notebookPath={props.notebookPath}
        compile={props.compile}
        disabledReason={props.disabledReason}
        trans={props.trans}
      />
    </details>
  );
});

function PanelBody(props: {
  model: PanelModel;
  trans: TranslationBundle;
  local: LocalRunModel;
  clients: PanelClients;
}): JSX.Element {
  const { model, trans } = props;
  // Callbacks that stay the same function, so the memoized sections are not drawn again.
  const update = React.useCallback(
    (patch: Partial<NotebookSettings>) => model.updateNotebookSettings(patch),
    [model]
  );
  const selectNode = React.useCallback(
    (node: GraphNode) => model.revealCell(node.firstCell),
    [model]
  );
  const selectDiagnostic = React.useCallback(
    (d: Diagnostic) => model.revealCell(d.cellIndex),
    [model]
  );
  const fix = React.useCallback((f: QuickFix) => model.applyFix(f), [model]);
  const compile = React.useCallback(() => model.compileForRun(), [model]);
  const compileYaml = React.useCallback(() => model.compileYaml(), [model]);
  const compileProblems = React.useCallback(() => model.compileProblems(), [model]);
  const revealCell = React.useCallback((index: number) => model.revealCell(index), [model]);
  const analysis = model.analysis;
  const diagnostics = analysis?.diagnostics ?? NO_DIAGNOSTICS;
  const errors = React.useMemo(
    () => new Set(diagnostics.filter(d => d.severity === 'error' && d.step).map(d => d.step!)),
    [diagnostics]
  );
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
  const layout = model.layout;
  const settings = model.notebookSettings();
  const stepCount = analysis?.steps.filter(st => st.kind === 'step').length ?? 0;
  const hasErrors = diagnostics.some(d => d.severity === 'error');
  const disabledReason = hasErrors ? trans.__('Fix the problems first') : undefined;
  return (
    <div className="jp-cellpipe-body">
      {header}
      <p className="jp-cellpipe-notebook">{panel.context.path}</p>
      <p className="jp-cellpipe-summary">
        {analysis ? trans._n('%1 step', '%1 steps', stepCount, stepCount) : trans.__('Analysing…')}
      </p>
      {model.analysisError && <p className="jp-cellpipe-error">{model.analysisError}</p>}
      {settings && (
        <Settings
          settings={settings}
          baseImage={model.baseImage.image}
          update={update}
          trans={trans}
        />
      )}
      {settings && (
        <ImageNotes
          base={model.baseImage}
          notebookImage={settings.dockerImage}
          warnings={model.importWarnings}
          trans={trans}
        />
      )}
      <details className="jp-cellpipe-section" open>
        <summary>{trans.__('Execution graph')}</summary>
        {layout && (
          <GraphView
            layout={layout}
            revision={model.revision}
            states={model.stepStates}
            errors={errors}
            onSelect={selectNode}
            onRendered={markRendered}
          />
        )}
      </details>
      <details className="jp-cellpipe-section" open>
        <summary>
          {trans.__('Problems')} ({diagnostics.length})
        </summary>
        <DiagnosticsList diagnostics={diagnostics} onSelect={selectDiagnostic} onFix={fix} />
        <CompileProblems
          problems={compileProblems}
          revision={model.revision}
          baseImage={model.baseImage.image}
          onSelect={revealCell}
          trans={trans}
        />
      </details>
      <FilesSection
        analysis={analysis}
        notebookPath={panel.context.path}
        notebook={panel.model}
        client={props.clients.files}
        trans={trans}
      />
      <YamlSection
        compile={compileYaml}
        revision={model.revision}
        baseImage={model.baseImage.image}
        trans={trans}
      />
      <KfpSection
        model={model}
        client={props.clients.kfp}
        files={props.clients.files}
        trans={trans}
        pipelineName={settings?.pipelineName || undefined}
        namespace={model.settings.namespace || undefined}
        disabledReason={disabledReason}
      />
      <LocalSection
        local={props.local}
        notebookPath={panel.context.path}
        compile={compile}
        disabledReason={disabledReason}
        trans={trans}
      />
    </div>
  );
}

const NO_DIAGNOSTICS: Diagnostic[] = [];

function markRendered(): void {
  mark('graph-rendered');
}
