import { ReactWidget } from '@jupyterlab/apputils';
import { addIcon, deleteIcon } from '@jupyterlab/ui-components';
import * as React from 'react';
import { FieldError } from '../../model/validate';
import { CellEdit } from '../../model/write';
import {
  CellForm,
  GPU_TYPES,
  KIND_CHOICES,
  KindChoice,
  MAP_SECTIONS,
  MapSection,
  editToForm,
  formErrors,
  formToEdit
} from './model';

const SECTION_TITLES: Record<MapSection, [string, string, string]> = {
  env: ['Environment variables', 'NAME', 'value'],
  limits: ['Limits', 'cpu / memory', 'e.g. 2Gi'],
  requests: ['Requests', 'cpu / memory', 'e.g. 500m'],
  labels: ['Pod labels', 'key', 'value'],
  annotations: ['Pod annotations', 'key', 'value'],
  nodeSelector: ['Node selector', 'label key', 'value']
};

interface Props {
  initial: CellForm;
  otherSteps: string[];
  onChange: (form: CellForm, errors: FieldError[]) => void;
}

function EditorForm({ initial, otherSteps, onChange }: Props): JSX.Element {
  const [form, setForm] = React.useState(initial);
  const errors = React.useMemo(() => formErrors(form, otherSteps), [form, otherSteps]);
  React.useEffect(() => onChange(form, errors), [form, errors]);
  const update = (patch: Partial<CellForm>) => setForm({ ...form, ...patch });
  const nameError = errors.find(e => e.field === 'stepName');
  const setRows = (section: MapSection, rows: CellForm['rows'][MapSection]) =>
    update({ rows: { ...form.rows, [section]: rows } });

  return (
    <div className="jp-cellpipe-cell-editor">
      <label className="jp-cellpipe-ce-field">
        <span>Cell type</span>
        <select
          className="jp-cellpipe-kind"
          value={form.kind}
          onChange={e => update({ kind: e.target.value as KindChoice })}
        >
          {KIND_CHOICES.map(c => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      {form.kind === 'step' && (
        <>
          <label className="jp-cellpipe-ce-field">
            <span>Step name</span>
            <input
              className="jp-cellpipe-step-name"
              value={form.stepName}
              placeholder="load_data"
              aria-invalid={!!nameError}
              onChange={e => update({ stepName: e.target.value })}
            />
          </label>
          {nameError && <div className="jp-cellpipe-field-error">{nameError.message}</div>}
          <fieldset className="jp-cellpipe-deps">
            <legend>Depends on</legend>
            {otherSteps.length === 0 && <em>No other steps yet</em>}
            {otherSteps.map(name => (
              <label key={name} className="jp-cellpipe-dep">
                <input
                  type="checkbox"
                  name={name}
                  checked={form.prev.includes(name)}
                  onChange={e =>
                    update({
                      prev: e.target.checked
                        ? [...form.prev, name]
                        : form.prev.filter(p => p !== name)
                    })
                  }
                />
                {name}
              </label>
            ))}
          </fieldset>
          <fieldset className="jp-cellpipe-gpu">
            <legend>GPU</legend>
            <label>
              <input
                type="checkbox"
                className="jp-cellpipe-gpu-enabled"
                checked={form.gpu.enabled}
                onChange={e => update({ gpu: { ...form.gpu, enabled: e.target.checked } })}
              />
              Use GPUs
            </label>
            {form.gpu.enabled && (
              <div className="jp-cellpipe-ce-row">
                <input
                  className="jp-cellpipe-gpu-count"
                  aria-label="GPU count"
                  type="number"
                  min={1}
                  value={form.gpu.count}
                  onChange={e => update({ gpu: { ...form.gpu, count: e.target.value } })}
                />
                <select
                  className="jp-cellpipe-gpu-type"
                  aria-label="GPU type"
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
                  aria-label="Accelerator product"
                  placeholder="product, e.g. NVIDIA-A100-SXM4-40GB"
                  value={form.gpu.product}
                  onChange={e => update({ gpu: { ...form.gpu, product: e.target.value } })}
                />
              </div>
            )}
          </fieldset>
          {MAP_SECTIONS.map(section => {
            const [title, keyHint, valueHint] = SECTION_TITLES[section];
            const rows = form.rows[section];
            return (
              <fieldset
                key={section}
                className={`jp-cellpipe-ce-section jp-cellpipe-ce-${section}`}
              >
                <legend>{title}</legend>
                {rows.map((row, i) => (
                  <div key={i} className="jp-cellpipe-ce-row">
                    <input
                      aria-label={`${title} ${i + 1} key`}
                      placeholder={keyHint}
                      value={row.key}
                      onChange={e =>
                        setRows(
                          section,
                          rows.map((r, k) => (k === i ? { ...r, key: e.target.value } : r))
                        )
                      }
                    />
                    <input
                      aria-label={`${title} ${i + 1} value`}
                      placeholder={valueHint}
                      value={row.value}
                      onChange={e =>
                        setRows(
                          section,
                          rows.map((r, k) => (k === i ? { ...r, value: e.target.value } : r))
                        )
                      }
                    />
                    <button
                      className="jp-cellpipe-ce-remove jp-mod-minimal jp-Button"
                      title={`Remove this ${title.toLowerCase()} entry`}
                      aria-label={`Remove ${title} ${i + 1}`}
                      onClick={() =>
                        setRows(
                          section,
                          rows.filter((_, k) => k !== i)
                        )
                      }
                    >
                      <deleteIcon.react tag="span" />
                    </button>
                  </div>
                ))}
                <button
                  className="jp-cellpipe-ce-add jp-mod-minimal jp-Button"
                  aria-label={`Add ${title}`}
                  onClick={() => setRows(section, [...rows, { key: '', value: '' }])}
                >
                  <addIcon.react tag="span" /> Add
                </button>
              </fieldset>
            );
          })}
          <label className="jp-cellpipe-ce-field">
            <span>Image</span>
            <input
              className="jp-cellpipe-image"
              placeholder="the notebook's base image"
              value={form.image}
              onChange={e => update({ image: e.target.value })}
            />
          </label>
          <label className="jp-cellpipe-ce-field">
            <span>Caching</span>
            <select
              className="jp-cellpipe-caching"
              value={form.caching}
              onChange={e => update({ caching: e.target.value as CellForm['caching'] })}
            >
              <option value="default">Notebook default</option>
              <option value="on">On</option>
              <option value="off">Off</option>
            </select>
          </label>
        </>
      )}
      {errors.length > 0 && (
        <ul className="jp-cellpipe-errors" role="alert">
          {errors
            .filter(e => e !== nameError)
            .map((e, i) => (
              <li key={i}>{e.message}</li>
            ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The dialog body: holds the form, disables the dialog's Save button while the form has
 * errors, and gives the edit (or null when invalid) as the dialog's value.
 */
export class CellEditorBody extends ReactWidget {
  constructor(edit: CellEdit, otherSteps: string[]) {
    super();
    this.addClass('jp-cellpipe-cell-editor-body');
    this._form = editToForm(edit);
    this._initial = this._form;
    this._otherSteps = otherSteps;
  }

  /** The edit to save, or null when the form has errors. */
  getValue(): CellEdit | null {
    return this._errors.length ? null : formToEdit(this._form);
  }

  render(): JSX.Element {
    return (
      <EditorForm
        initial={this._initial}
        otherSteps={this._otherSteps}
        onChange={(form, errors) => {
          this._form = form;
          this._errors = errors;
          const save = this.node
            .closest('.jp-Dialog-content')
            ?.querySelector<HTMLButtonElement>('button.jp-mod-accept');
          if (save) {
            save.disabled = errors.length > 0;
            save.title = errors.length ? errors[0].message : '';
          }
        }}
      />
    );
  }

  private _form: CellForm;
  private readonly _initial: CellForm;
  private readonly _otherSteps: string[];
  private _errors: ReturnType<typeof formErrors> = [];
}
