/** The pipeline parameters as typed fields: a checkbox, a number, a text, or JSON for lists and structs. */
import * as React from 'react';
import type { FieldValue, TypedParameter } from '../fields';
import type { Trans } from '../trans';

export interface ParameterFieldsProps {
  parameters: readonly TypedParameter[];
  /** Each field's value as shown. */
  values: Readonly<Record<string, FieldValue>>;
  errors: Readonly<Record<string, string>>;
  onChange: (name: string, value: FieldValue) => void;
  trans: Trans;
}

export function ParameterFields(props: ParameterFieldsProps): JSX.Element | null {
  if (props.parameters.length === 0) {
    return null;
  }
  return (
    <div className="jp-cellpipe-run-params">
      <h3 className="jp-cellpipe-run-subheading">{props.trans.__('Parameters')}</h3>
      {props.parameters.map(p => (
        <ParameterField
          key={p.name}
          parameter={p}
          value={props.values[p.name]}
          error={props.errors[p.name]}
          onChange={props.onChange}
        />
      ))}
    </div>
  );
}

function ParameterField(props: {
  parameter: TypedParameter;
  value: FieldValue;
  error?: string;
  onChange: (name: string, value: FieldValue) => void;
}): JSX.Element {
  const { parameter: p, value, onChange } = props;
  const id = `jp-cellpipe-param-${p.name}`;
  const set = (v: FieldValue) => onChange(p.name, v);
  let input: JSX.Element;
  if (p.type === 'BOOLEAN') {
    input = (
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        onChange={e => set(e.target.checked)}
      />
    );
  } else if (p.type === 'LIST' || p.type === 'STRUCT') {
    input = (
      <textarea
        id={id}
        className="jp-mod-styled jp-cellpipe-run-control"
        rows={2}
        value={String(value)}
        onChange={e => set(e.target.value)}
      />
    );
  } else {
    input = (
      <input
        id={id}
        className="jp-mod-styled jp-cellpipe-run-control"
        type={p.type === 'STRING' ? 'text' : 'number'}
        step={p.type === 'NUMBER_INTEGER' ? 1 : 'any'}
        value={String(value)}
        onChange={e => set(e.target.value)}
      />
    );
  }
  return (
    <div className="jp-cellpipe-run-param jp-cellpipe-run-row">
      <label htmlFor={id} className="jp-cellpipe-run-label">
        {p.name} <span className="jp-cellpipe-run-note">{p.type}</span>
      </label>
      {input}
      {props.error && (
        <span className="jp-cellpipe-run-field-error jp-cellpipe-run-indented">{props.error}</span>
      )}
    </div>
  );
}
