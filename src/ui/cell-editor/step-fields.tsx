/** The pencil editor's fields of a step: its name, what it depends on, its GPUs. */
import * as React from 'react';
import type { FieldError } from '../../model/validate';
import type { Trans } from '../run/trans';
import { CellForm, GPU_TYPES, SuggestedDependency } from './model';

export function StepNameField(props: {
  value: string;
  error?: FieldError;
  uid: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  trans: Trans;
}): JSX.Element {
  const errorId = `${props.uid}-name-error`;
  return (
    <>
      <label className="jp-cellpipe-ce-field">
        <span>{props.trans.__('Step name')}</span>
        <input
          className="jp-cellpipe-step-name"
          value={props.value}
          placeholder="load_data"
          aria-invalid={!!props.error}
          aria-describedby={props.error ? errorId : undefined}
          onChange={e => props.onChange(e.target.value)}
          onBlur={props.onBlur}
        />
      </label>
      {props.error && (
        <div id={errorId} className="jp-cellpipe-field-error">
          {props.error.message}
        </div>
      )}
    </>
  );
}

/**
 * A toggle per other step. A suggested one not chosen is marked with what it reads; one that already
 * runs after this step is offered only to be unticked (a cycle the notebook has).
 */
export function Dependencies(props: {
  prev: readonly string[];
  otherSteps: readonly string[];
  downstream: readonly string[];
  /** Suggestions not chosen yet. */
  pending: readonly SuggestedDependency[];
  uid: string;
  onChange: (prev: string[]) => void;
  onAddSuggested: () => void;
  trans: Trans;
}): JSX.Element {
  const { prev, pending, trans } = props;
  return (
    <fieldset className="jp-cellpipe-deps">
      <legend>{trans.__('Depends on')}</legend>
      {props.otherSteps.length === 0 && <em>{trans.__('No other steps yet')}</em>}
      {props.otherSteps.map(name => {
        const suggestion = pending.find(s => s.step === name);
        const hintId = `${props.uid}-dep-${name}`;
        const cycle = props.downstream.includes(name);
        const chosen = prev.includes(name);
        return (
          <label
            key={name}
            className={suggestion ? 'jp-cellpipe-dep jp-cellpipe-dep-suggested' : 'jp-cellpipe-dep'}
          >
            <input
              type="checkbox"
              name={name}
              checked={chosen}
              disabled={cycle && !chosen}
              aria-describedby={suggestion || cycle ? hintId : undefined}
              onChange={e =>
                props.onChange(e.target.checked ? [...prev, name] : prev.filter(p => p !== name))
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
          onClick={props.onAddSuggested}
        >
          {trans.__('Add suggested')}
        </button>
      )}
    </fieldset>
  );
}

export function GpuFields(props: {
  gpu: CellForm['gpu'];
  onChange: (gpu: CellForm['gpu']) => void;
  trans: Trans;
}): JSX.Element {
  const { gpu, trans } = props;
  const set = (patch: Partial<CellForm['gpu']>) => props.onChange({ ...gpu, ...patch });
  return (
    <fieldset className="jp-cellpipe-gpu">
      <legend>{trans.__('GPU')}</legend>
      <label>
        <input
          type="checkbox"
          className="jp-cellpipe-gpu-enabled"
          checked={gpu.enabled}
          onChange={e => set({ enabled: e.target.checked })}
        />
        {trans.__('Use GPUs')}
      </label>
      {gpu.enabled && (
        <div className="jp-cellpipe-ce-row">
          <input
            className="jp-cellpipe-gpu-count"
            aria-label={trans.__('GPU count')}
            type="number"
            min={1}
            value={gpu.count}
            onChange={e => set({ count: e.target.value })}
          />
          <select
            className="jp-cellpipe-gpu-type"
            aria-label={trans.__('GPU type')}
            value={gpu.type}
            onChange={e => set({ type: e.target.value })}
          >
            {[...new Set([...GPU_TYPES, gpu.type])].map(t => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <input
            className="jp-cellpipe-gpu-product"
            aria-label={trans.__('Accelerator product')}
            placeholder={trans.__('product, e.g. NVIDIA-A100-SXM4-40GB')}
            value={gpu.product}
            onChange={e => set({ product: e.target.value })}
          />
        </div>
      )}
    </fieldset>
  );
}
