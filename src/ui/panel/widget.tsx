import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { DiagnosticsList } from '../diagnostics/DiagnosticsList';
import { GraphView } from '../graph/GraphView';
import { LocalRunClient, LocalRunModel, LocalRunView } from '../local';
import { pipelineIcon } from '../icons';
import { KfpSection } from './KfpSection';
import { NotebookSettings, PanelModel } from './model';

/** The deployment panel: a Lumino widget hosting the React body. */
export class PipelinePanel extends ReactWidget {
  constructor(model: PanelModel, trans: TranslationBundle) {
    super();
    this.model = model;
    this._trans = trans;
    this.id = 'cellpipe-panel';
    this.addClass('jp-cellpipe-panel');
    this.title.icon = pipelineIcon;
    this.title.caption = trans.__('Pipeline');
    this._local = new LocalRunModel(new LocalRunClient());
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
      <UseSignal signal={this.model.changed}>
        {() => <PanelBody model={this.model} trans={this._trans} local={this._local} />}
      </UseSignal>
    );
  }

  private _trans: TranslationBundle;
  private _local: LocalRunModel;
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

function Settings(props: {
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

function YamlSection(props: { model: PanelModel; trans: TranslationBundle }): JSX.Element {
  const [open, setOpen] = React.useState(false);
  let yaml = '';
  let error = '';
  if (open) {
    try {
      yaml = props.model.compileYaml();
    } catch (reason) {
      error = String((reason as Error).message ?? reason);
    }
  }
  return (
    <details
      className="jp-cellpipe-section jp-cellpipe-yaml"
      onToggle={e => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary>{props.trans.__('Compiled YAML')}</summary>
      {error ? (
        <pre className="jp-cellpipe-compile-error">{error}</pre>
      ) : (
        <pre className="jp-cellpipe-yaml-text">{yaml}</pre>
      )}
    </details>
  );
}

function PanelBody(props: {
  model: PanelModel;
  trans: TranslationBundle;
  local: LocalRunModel;
}): JSX.Element {
  const { model, trans } = props;
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
  const analysis = model.analysis;
  const layout = model.layout;
  const settings = model.notebookSettings();
  const stepCount = analysis?.steps.filter(st => st.kind === 'step').length ?? 0;
  const diagnostics = analysis?.diagnostics ?? [];
  const errors = new Set(
    diagnostics.filter(d => d.severity === 'error' && d.step).map(d => d.step!)
  );
  const hasErrors = diagnostics.some(d => d.severity === 'error');
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
          baseImage={model.settings.baseImage}
          update={patch => model.updateNotebookSettings(patch)}
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
            onSelect={node => model.revealCell(node.firstCell)}
            onRendered={() => {
              if (typeof performance !== 'undefined') {
                performance.mark('cellpipe:graph-rendered');
              }
            }}
          />
        )}
      </details>
      <details className="jp-cellpipe-section" open>
        <summary>
          {trans.__('Problems')} ({diagnostics.length})
        </summary>
        <DiagnosticsList
          diagnostics={diagnostics}
          onSelect={d => model.revealCell(d.cellIndex)}
          onFix={fix => model.applyFix(fix)}
        />
      </details>
      <YamlSection model={model} trans={trans} />
      <KfpSection
        model={model}
        trans={trans}
        disabledReason={hasErrors ? trans.__('Fix the problems first') : undefined}
      />
      <details className="jp-cellpipe-section jp-cellpipe-local">
        <summary>{trans.__('Run locally')}</summary>
        <LocalRunView
          model={props.local}
          notebookPath={panel.context.path}
          compile={async () => model.compileYaml()}
          disabledReason={hasErrors ? trans.__('Fix the problems first') : undefined}
          trans={trans}
        />
      </details>
    </div>
  );
}
