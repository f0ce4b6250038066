/**
 * The notebook's settings (pipeline name, description, experiment, base image, requests, volumes) as
 * stored in its metadata; a field writes on blur or Enter (a user action), never per keystroke.
 */
import * as React from 'react';
import type { NotebookSettings } from '../../model/notebook-settings';
import { useRowIds } from '../row-ids';
import type { Trans } from '../run/trans';

export interface SettingsSectionProps {
  settings: NotebookSettings;
  /** The steps' default image, shown when the notebook names none. */
  baseImage: string;
  update: (patch: Partial<NotebookSettings>) => void;
  trans: Trans;
}

export function SettingsSection(props: SettingsSectionProps): JSX.Element {
  const { settings: s, update, trans } = props;
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
      <Volumes volumes={s.volumes} update={update} trans={trans} />
    </details>
  );
}

type Volume = NotebookSettings['volumes'][number];

function Volumes(props: {
  volumes: readonly Volume[];
  update: (patch: Partial<NotebookSettings>) => void;
  trans: Trans;
}): JSX.Element {
  const { volumes, update, trans } = props;
  const rows = useRowIds(volumes.length);
  const set = (i: number, patch: Partial<Volume>) =>
    update({ volumes: volumes.map((w, j) => (j === i ? { ...w, ...patch } : w)) });
  const remove = (i: number) => update({ volumes: rows.remove(volumes, i) });
  return (
    <div className="jp-cellpipe-volumes">
      <span>{trans.__('Volumes')}</span>
      {volumes.map((v, i) => (
        <div className="jp-cellpipe-row" key={rows.ids[i]}>
          <Field
            label={trans.__('PVC')}
            name={`pvc-${i}`}
            value={v.pvcName}
            onCommit={x => set(i, { pvcName: x })}
          />
          <Field
            label={trans.__('Mount path')}
            name={`mount-${i}`}
            value={v.mountPath}
            onCommit={x => set(i, { mountPath: x })}
          />
          <button
            className="jp-cellpipe-remove"
            title={trans.__('Remove volume')}
            onClick={() => remove(i)}
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
  );
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
