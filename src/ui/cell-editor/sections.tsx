/**
 * The DeployConfig sections of the pencil editor: key/value rows (env, requests, labels…) and lists of
 * entries (secrets, tolerations, volumes…), each row keyed by a stable id so removing one keeps the others.
 */
import * as React from 'react';
import type { FieldError } from '../../model/validate';
import { useRowIds } from '../row-ids';
import type { Trans } from '../run/trans';
import type { ListTexts, MapTexts } from './form-texts';
import { LIST_FIELDS, ListField, ListRow, ListSection, MapSection, Row, newListRow } from './model';

export interface FormIcons {
  add: React.ReactNode;
  remove: React.ReactNode;
}

interface SectionBase {
  trans: Trans;
  icons: FormIcons;
}

export function MapSectionView(
  props: SectionBase & {
    section: MapSection;
    texts: MapTexts;
    rows: readonly Row[];
    onChange: (rows: Row[]) => void;
  }
): JSX.Element {
  const { section, rows, onChange, trans } = props;
  const { title, keyHint, valueHint } = props.texts;
  const ids = useRowIds(rows.length);
  const edit = (i: number, patch: Partial<Row>) =>
    onChange(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const remove = (i: number) => onChange(ids.remove(rows, i));
  return (
    <fieldset className={`jp-cellpipe-ce-section jp-cellpipe-ce-${section}`}>
      <legend>{title}</legend>
      {rows.map((row, i) => (
        <div key={ids.ids[i]} className="jp-cellpipe-ce-row">
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
          <RemoveButton {...props} title={title} index={i} onClick={() => remove(i)} />
        </div>
      ))}
      <AddButton
        {...props}
        title={title}
        onClick={() => onChange([...rows, { key: '', value: '' }])}
      />
    </fieldset>
  );
}

export function ListSectionView(
  props: SectionBase & {
    section: ListSection;
    texts: ListTexts;
    rows: readonly ListRow[];
    /** The form's errors; those of this section's rows are shown under their row. */
    errors: readonly FieldError[];
    /** Prefix of the ids of the rows' error messages (unique in the page). */
    uid: string;
    onChange: (rows: ListRow[]) => void;
  }
): JSX.Element {
  const { section, rows, onChange } = props;
  const { title } = props.texts;
  const ids = useRowIds(rows.length);
  const edit = (i: number, name: string, value: string) =>
    onChange(rows.map((r, k) => (k === i ? { ...r, fields: { ...r.fields, [name]: value } } : r)));
  const remove = (i: number) => onChange(ids.remove(rows, i));
  return (
    <fieldset className={`jp-cellpipe-ce-section jp-cellpipe-ce-${section}`}>
      <legend>{title}</legend>
      {rows.map((row, i) => {
        const prefix = `deploy.${section}[${i}].`;
        return (
          <ListRowView
            key={ids.ids[i]}
            {...props}
            index={i}
            row={row}
            prefix={prefix}
            errors={props.errors.filter(e => e.field.startsWith(prefix))}
            errorId={`${props.uid}-${section}-${ids.ids[i]}-error`}
            onEdit={(name, value) => edit(i, name, value)}
            onRemove={() => remove(i)}
          />
        );
      })}
      <AddButton
        {...props}
        title={title}
        onClick={() => onChange([...rows, newListRow(section)])}
      />
    </fieldset>
  );
}

function ListRowView(
  props: SectionBase & {
    section: ListSection;
    texts: ListTexts;
    index: number;
    row: ListRow;
    /** `deploy.<section>[<index>].`: the start of this row's error fields. */
    prefix: string;
    errors: readonly FieldError[];
    errorId: string;
    onEdit: (name: string, value: string) => void;
    onRemove: () => void;
  }
): JSX.Element {
  const { texts, index, errors } = props;
  return (
    <div className="jp-cellpipe-ce-entry">
      <div className="jp-cellpipe-ce-row">
        {LIST_FIELDS[props.section].map(f => (
          <ListFieldInput
            key={f.name}
            field={f}
            label={props.trans.__('%1 %2 %3', texts.title, index + 1, texts.fields[f.name][0])}
            placeholder={texts.fields[f.name][1]}
            value={props.row.fields[f.name]}
            invalid={errors.some(e => e.field === props.prefix + f.name)}
            errorId={props.errorId}
            onChange={value => props.onEdit(f.name, value)}
            trans={props.trans}
          />
        ))}
        <RemoveButton {...props} title={texts.title} onClick={props.onRemove} />
      </div>
      {errors.length > 0 && (
        <div id={props.errorId} className="jp-cellpipe-field-error">
          {errors.map(e => (
            <div key={e.field}>{e.message}</div>
          ))}
        </div>
      )}
    </div>
  );
}

function ListFieldInput(props: {
  field: ListField;
  label: string;
  placeholder: string;
  value: string;
  invalid: boolean;
  errorId: string;
  onChange: (value: string) => void;
  trans: Trans;
}): JSX.Element {
  const f = props.field;
  const common = {
    name: f.name,
    className: `jp-cellpipe-ce-${f.name}`,
    'aria-label': props.label,
    'aria-invalid': props.invalid,
    'aria-describedby': props.invalid ? props.errorId : undefined,
    value: props.value
  };
  return f.options ? (
    <select {...common} onChange={e => props.onChange(e.target.value)}>
      {f.options.map(o => (
        <option key={o.value} value={o.value}>
          {o.value ? o.label : props.trans.__('any effect')}
        </option>
      ))}
    </select>
  ) : (
    <input
      {...common}
      type={f.numeric ? 'number' : 'text'}
      min={f.numeric ? 0 : undefined}
      placeholder={props.placeholder}
      onChange={e => props.onChange(e.target.value)}
    />
  );
}

function AddButton(props: SectionBase & { title: string; onClick: () => void }): JSX.Element {
  return (
    <button
      type="button"
      className="jp-cellpipe-ce-add jp-mod-minimal jp-Button"
      aria-label={props.trans.__('Add %1', props.title)}
      onClick={props.onClick}
    >
      {props.icons.add} {props.trans.__('Add')}
    </button>
  );
}

function RemoveButton(
  props: SectionBase & { title: string; index: number; onClick: () => void }
): JSX.Element {
  return (
    <button
      type="button"
      className="jp-cellpipe-ce-remove jp-mod-minimal jp-Button"
      title={props.trans.__('Remove this entry of %1', props.title)}
      aria-label={props.trans.__('Remove %1 %2', props.title, props.index + 1)}
      onClick={props.onClick}
    >
      {props.icons.remove}
    </button>
  );
}
