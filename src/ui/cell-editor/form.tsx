/**
 * The pencil editor's form as a React view of `CellForm` (./model). No JupyterLab imports: the
 * dialog (./body) passes the translator and the theme's icons, and the jsdom tests render it alone.
 */
import * as React from 'react';
import type { MetadataIssue } from '../../model/metadata';
import { FieldError } from '../../model/validate';
import { Trans, plainTrans } from '../run/trans';
import {
  CellForm,
  GPU_TYPES,
  KIND_CHOICES,
  KindChoice,
  LIST_FIELDS,
  ListRow,
  ListSection,
  MapSection,
  Row,
  SuggestedDependency,
  addSuggested,
  formErrors,
  newListRow
} from './model';

export interface FormIcons {
  add: React.ReactNode;
  remove: React.ReactNode;
}

const TEXT_ICONS: FormIcons = { add: '+', remove: '\u2715' };

export interface EditorFormProps {
  initial: CellForm;
  otherSteps: readonly string[];
  /** Steps that already run after this one: depending on them would make a cycle. */
  downstream?: readonly string[];
  /** The analyzer's suggested dependencies of this step (they may arrive after the first render). */
  suggested?: readonly SuggestedDependency[];
  onChange: (form: CellForm, errors: FieldError[]) => void;
  trans?: Trans;
  icons?: FormIcons;
  /**
   * What the compiler says about this cell's stored metadata (tags, `cellpipe.deploy`): a field of
   * the wrong shape is not shown above and is written back as it is unless set here.
   */
  stored?: readonly MetadataIssue[];
}

type Section = { kind: 'map'; name: MapSection } | { kind: 'list'; name: ListSection };

/** The order of the DeployConfig sections in the dialog. */
const SECTIONS: Section[] = [
  { kind: 'map', name: 'env' },
  { kind: 'list', name: 'secrets' },
  { kind: 'map', name: 'requests' },
  { kind: 'map', name: 'limits' },
  { kind: 'map', name: 'labels' },
  { kind: 'map', name: 'annotations' },
  { kind: 'map', name: 'nodeSelector' },
  { kind: 'list', name: 'tolerations' },
  { kind: 'list', name: 'volumes' },
  { kind: 'list', name: 'secretVolumes' }
];

/** Title, key hint and value hint of each map section. */
function mapTexts(trans: Trans): Record<MapSection, [string, string, string]> {
  return {
    env: [trans.__('Environment variables'), trans.__('NAME'), trans.__('value')],
    limits: [trans.__('Limits'), trans.__('cpu / memory'), trans.__('e.g. 2Gi')],
    requests: [trans.__('Requests'), trans.__('cpu / memory'), trans.__('e.g. 500m')],
    labels: [trans.__('Pod labels'), trans.__('key'), trans.__('value')],
    annotations: [trans.__('Pod annotations'), trans.__('key'), trans.__('value')],
    nodeSelector: [trans.__('Node selector'), trans.__('label key'), trans.__('value')]
  };
}

/** Title of each list section, and label and placeholder of each of its fields. */
function listTexts(
  trans: Trans
): Record<ListSection, { title: string; fields: Record<string, [string, string]> }> {
  return {
    tolerations: {
      title: trans.__('Tolerations'),
      fields: {
        key: [trans.__('key'), trans.__('taint key')],
        operator: [trans.__('operator'), ''],
        value: [trans.__('value'), trans.__('value')],
        effect: [trans.__('effect'), ''],
        tolerationSeconds: [trans.__('seconds'), trans.__('seconds')]
      }
    },
    secrets: {
      title: trans.__('Secrets as environment variables'),
      fields: {
        envVar: [trans.__('variable'), trans.__('ENV_VAR')],
        secretName: [trans.__('secret name'), trans.__('secret name')],
        key: [trans.__('key'), trans.__('key in the secret')]
      }
    },
    secretVolumes: {
      title: trans.__('Secrets as files'),
      fields: {
        secretName: [trans.__('secret name'), trans.__('secret name')],
        mountPath: [trans.__('mount path'), trans.__('/etc/secret')]
      }
    },
    volumes: {
      title: trans.__('Volumes'),
      fields: {
        pvcName: [trans.__('claim name'), trans.__('PVC name')],
        mountPath: [trans.__('mount path'), trans.__('/data')]
      }
    }
  };
}

/** Depending on a step that already runs after this one makes a cycle: named, with the way out. */
function cycleErrors(form: CellForm, downstream: readonly string[], trans: Trans): FieldError[] {
  if (form.kind !== 'step') {
    return [];
  }
  return form.prev
    .filter(name => downstream.includes(name))
    .map(name => ({
      field: 'prev',
      message: trans.__(
        'Depends on: "%1" already runs after this step, so depending on it makes a cycle; untick it',
        name
      )
    }));
}

export function EditorForm(props: EditorFormProps): JSX.Element {
  const { initial, otherSteps, onChange } = props;
  const trans = props.trans ?? plainTrans;
  const icons = props.icons ?? TEXT_ICONS;
  const suggested = props.suggested ?? [];
  const stored = props.stored ?? [];
  const [form, setForm] = React.useState(initial);
  const downstream = props.downstream ?? [];
  const errors = React.useMemo(
    () => [...formErrors(form, otherSteps), ...cycleErrors(form, downstream, trans)],
    [form, otherSteps, downstream]
  );
  React.useEffect(() => {
    onChange(form, errors);
  }, [form, errors]);
  const update = (patch: Partial<CellForm>) => setForm({ ...form, ...patch });
  const nameError = errors.find(e => e.field === 'stepName');
  const uid = React.useId();
  const maps = mapTexts(trans);
  const lists = listTexts(trans);
  const setRows = (section: MapSection, rows: Row[]) =>
    update({ rows: { ...form.rows, [section]: rows } });
  const setList = (section: ListSection, rows: ListRow[]) =>
    update({ lists: { ...form.lists, [section]: rows } });
  // Shown next to their row, so not again in the list at the bottom.
  const inline = (e: FieldError) =>
    e === nameError ||
    SECTIONS.some(s => s.kind === 'list' && e.field.startsWith(`deploy.${s.name}[`));
  const pending = suggested.filter(
    s => otherSteps.includes(s.step) && !form.prev.includes(s.step) && !downstream.includes(s.step)
  );

  const addButton = (title: string, onClick: () => void) => (
    <button
      type="button"
      className="jp-cellpipe-ce-add jp-mod-minimal jp-Button"
      aria-label={trans.__('Add %1', title)}
      onClick={onClick}
    >
      {icons.add} {trans.__('Add')}
    </button>
  );
  const removeButton = (title: string, i: number, onClick: () => void) => (
    <button
      type="button"
      className="jp-cellpipe-ce-remove jp-mod-minimal jp-Button"
      title={trans.__('Remove this entry of %1', title)}
      aria-label={trans.__('Remove %1 %2', title, i + 1)}
      onClick={onClick}
    >
      {icons.remove}
    </button>
  );

  const mapSection = (section: MapSection) => {
    const [title, keyHint, valueHint] = maps[section];
    const rows = form.rows[section];
    const edit = (i: number, patch: Partial<Row>) =>
      setRows(
        section,
        rows.map((r, k) => (k === i ? { ...r, ...patch } : r))
      );
    return (
      <fieldset key={section} className={`jp-cellpipe-ce-section jp-cellpipe-ce-${section}`}>
        <legend>{title}</legend>
        {rows.map((row, i) => (
          <div key={i} className="jp-cellpipe-ce-row">
            <input
              aria-label={trans.__('%1 %2 key', title, i + 1)}
              placeholder={keyHint}
              value={row.key}
              onChange={e => edit(i, { key: e.target.value })}
            />
            <input
              aria-label={trans.__('%1 %2 value', title, i + 1)}
              placeholder={valueHint}
              value={row.value}
              onChange={e => edit(i, { value: e.target.value })}
            />
            {removeButton(title, i, () =>
              setRows(
                section,
                rows.filter((_, k) => k !== i)
              )
            )}
          </div>
        ))}
        {addButton(title, () => setRows(section, [...rows, { key: '', value: '' }]))}
      </fieldset>
    );
  };

  const listSection = (section: ListSection) => {
    const { title, fields: texts } = lists[section];
    const rows = form.lists[section];
    const edit = (i: number, name: string, value: string) =>
      setList(
        section,
        rows.map((r, k) => (k === i ? { ...r, fields: { ...r.fields, [name]: value } } : r))
      );
    return (
      <fieldset key={section} className={`jp-cellpipe-ce-section jp-cellpipe-ce-${section}`}>
        <legend>{title}</legend>
        {rows.map((row, i) => {
          const prefix = `deploy.${section}[${i}].`;
          const rowErrors = errors.filter(e => e.field.startsWith(prefix));
          const errorId = `${uid}-${section}-${i}-error`;
          return (
            <div key={i} className="jp-cellpipe-ce-entry">
              <div className="jp-cellpipe-ce-row">
                {LIST_FIELDS[section].map(f => {
                  const [label, placeholder] = texts[f.name];
                  const invalid = rowErrors.some(e => e.field === prefix + f.name);
                  const common = {
                    key: f.name,
                    name: f.name,
                    className: `jp-cellpipe-ce-${f.name}`,
                    'aria-label': trans.__('%1 %2 %3', title, i + 1, label),
                    'aria-invalid': invalid,
                    'aria-describedby': invalid ? errorId : undefined,
                    value: row.fields[f.name]
                  };
                  return f.options ? (
                    <select {...common} onChange={e => edit(i, f.name, e.target.value)}>
                      {f.options.map(o => (
                        <option key={o.value} value={o.value}>
                          {o.value ? o.label : trans.__('any effect')}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      {...common}
                      type={f.numeric ? 'number' : 'text'}
                      min={f.numeric ? 0 : undefined}
                      placeholder={placeholder}
                      onChange={e => edit(i, f.name, e.target.value)}
                    />
                  );
                })}
                {removeButton(title, i, () =>
                  setList(
                    section,
                    rows.filter((_, k) => k !== i)
                  )
                )}
              </div>
              {rowErrors.length > 0 && (
                <div id={errorId} className="jp-cellpipe-field-error">
                  {rowErrors.map(e => (
                    <div key={e.field}>{e.message}</div>
                  ))}
                </div>
              )}
            </div>
          );
        })}
        {addButton(title, () => setList(section, [...rows, newListRow(section)]))}
      </fieldset>
    );
  };

  return (
    <div className="jp-cellpipe-cell-editor">
      <label className="jp-cellpipe-ce-field">
        <span>{trans.__('Cell type')}</span>
        <select
          className="jp-cellpipe-kind"
          value={form.kind}
          onChange={e => update({ kind: e.target.value as KindChoice })}
        >
          {KIND_CHOICES.map(c => (
            <option key={c.value} value={c.value}>
              {trans.__(c.label)}
            </option>
          ))}
        </select>
      </label>
      {form.kind === 'step' && (
        <>
          <label className="jp-cellpipe-ce-field">
            <span>{trans.__('Step name')}</span>
            <input
              className="jp-cellpipe-step-name"
              value={form.stepName}
              placeholder="load_data"
              aria-invalid={!!nameError}
              aria-describedby={nameError ? `${uid}-name-error` : undefined}
              onChange={e => update({ stepName: e.target.value })}
            />
          </label>
          {nameError && (
            <div id={`${uid}-name-error`} className="jp-cellpipe-field-error">
              {nameError.message}
            </div>
          )}
          <fieldset className="jp-cellpipe-deps">
            <legend>{trans.__('Depends on')}</legend>
            {otherSteps.length === 0 && <em>{trans.__('No other steps yet')}</em>}
            {otherSteps.map(name => {
              const suggestion = pending.find(s => s.step === name);
              const hintId = `${uid}-dep-${name}`;
              // Already after this step: offered only to be unticked (a cycle the notebook has).
              const cycle = downstream.includes(name);
              return (
                <label
                  key={name}
                  className={
                    suggestion ? 'jp-cellpipe-dep jp-cellpipe-dep-suggested' : 'jp-cellpipe-dep'
                  }
                >
                  <input
                    type="checkbox"
                    name={name}
                    checked={form.prev.includes(name)}
                    disabled={cycle && !form.prev.includes(name)}
                    aria-describedby={suggestion || cycle ? hintId : undefined}
                    onChange={e =>
                      update({
                        prev: e.target.checked
                          ? [...form.prev, name]
                          : form.prev.filter(p => p !== name)
                      })
                    }
                  />
                  {name}
                  {cycle && (
                    <span id={hintId} className="jp-cellpipe-dep-hint">
                      {trans.__('runs after this step')}
                    </span>
                  )}
                  {suggestion && !cycle && (
                    <span id={hintId} className="jp-cellpipe-dep-hint">
                      {suggestion.reads.length
                        ? trans.__('suggested: reads %1', suggestion.reads.join(', '))
                        : trans.__('suggested')}
                    </span>
                  )}
                </label>
              );
            })}
            {pending.length > 0 && (
              <button
                type="button"
                className="jp-cellpipe-add-suggested jp-mod-minimal jp-Button"
                title={trans.__('Depend on %1', pending.map(s => s.step).join(', '))}
                onClick={() => setForm(addSuggested(form, pending, otherSteps))}
              >
                {trans.__('Add suggested')}
              </button>
            )}
          </fieldset>
          <fieldset className="jp-cellpipe-gpu">
            <legend>{trans.__('GPU')}</legend>
            <label>
              <input
                type="checkbox"
                className="jp-cellpipe-gpu-enabled"
                checked={form.gpu.enabled}
                onChange={e => update({ gpu: { ...form.gpu, enabled: e.target.checked } })}
              />
              {trans.__('Use GPUs')}
            </label>
            {form.gpu.enabled && (
              <div className="jp-cellpipe-ce-row">
                <input
                  className="jp-cellpipe-gpu-count"
                  aria-label={trans.__('GPU count')}
                  type="number"
                  min={1}
                  value={form.gpu.count}
                  onChange={e => update({ gpu: { ...form.gpu, count: e.target.value } })}
                />
                <select
                  className="jp-cellpipe-gpu-type"
                  aria-label={trans.__('GPU type')}
                  value={form.gpu.type}
                  onChange={e => update({ gpu: { ...form.gpu, type: e.target.value } })}
                >
                  {[...new Set([...GPU_TYPES, form.gpu.type])].map(t => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
                <input
                  className="jp-cellpipe-gpu-product"
                  aria-label={trans.__('Accelerator product')}
                  placeholder={trans.__('product, e.g. NVIDIA-A100-SXM4-40GB')}
                  value={form.gpu.product}
                  onChange={e => update({ gpu: { ...form.gpu, product: e.target.value } })}
                />
              </div>
            )}
          </fieldset>
          {SECTIONS.map(s => (s.kind === 'map' ? mapSection(s.name) : listSection(s.name)))}
          <label className="jp-cellpipe-ce-field">
            <span>{trans.__('Image')}</span>
            <input
              className="jp-cellpipe-image"
              placeholder={trans.__("the notebook's base image")}
              value={form.image}
              onChange={e => update({ image: e.target.value })}
            />
          </label>
          <label className="jp-cellpipe-ce-field">
            <span>{trans.__('Caching')}</span>
            <select
              className="jp-cellpipe-caching"
              value={form.caching}
              onChange={e => update({ caching: e.target.value as CellForm['caching'] })}
            >
              <option value="default">{trans.__('Notebook default')}</option>
              <option value="on">{trans.__('On')}</option>
              <option value="off">{trans.__('Off')}</option>
            </select>
          </label>
        </>
      )}
      {stored.length > 0 && (
        <div className="jp-cellpipe-stored-issues" role="status">
          <p>
            {trans.__(
              "This cell's metadata as it is now (setting a field here replaces what it holds):"
            )}
          </p>
          <ul>
            {stored.map((issue, i) => (
              <li key={i} className={`jp-cellpipe-stored-${issue.severity}`}>
                {issue.severity === 'error' ? trans.__('Error: ') : trans.__('Warning: ')}
                {issue.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {errors.some(e => !inline(e)) && (
        <ul className="jp-cellpipe-errors" role="alert">
          {errors
            .filter(e => !inline(e))
            .map((e, i) => (
              <li key={i}>{e.message}</li>
            ))}
        </ul>
      )}
    </div>
  );
}
