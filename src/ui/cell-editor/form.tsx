/**
 * The pencil editor's form as a React view of `CellForm` (./model). No JupyterLab imports: the
 * dialog (./body) passes the translator and the theme's icons, and the jsdom tests render it alone.
 * The deploy sections are those of `FORM_SECTIONS`, drawn by ./sections; the step's own fields by
 * ./step-fields.
 */
import * as React from 'react';
import type { MetadataIssue } from '../../model/metadata';
import { FieldError } from '../../model/validate';
import { Trans, plainTrans } from '../run/trans';
import { listTexts, mapTexts } from './form-texts';
import {
  CellForm,
  FORM_SECTIONS,
  KIND_CHOICES,
  KindChoice,
  SuggestedDependency,
  addSuggested,
  advancedCount,
  formErrors,
  isAdvancedError
} from './model';
import { FormIcons, ListSectionView, MapSectionView } from './sections';
import { Dependencies, GpuFields, StepNameField } from './step-fields';

export type { FormIcons } from './sections';

const TEXT_ICONS: FormIcons = { add: '+', remove: '\u2715' };
const NONE: readonly never[] = [];

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

/**
 * Errors shown next to their field (the step name, a list row), so not again in the list below. The
 * name's error before the user touched the field is shown nowhere but beside Save (the dialog's).
 */
function shownInline(e: FieldError): boolean {
  return (
    e.field === 'stepName' ||
    FORM_SECTIONS.some(s => s.kind === 'list' && e.field.startsWith(`deploy.${s.name}[`))
  );
}

export function EditorForm(props: EditorFormProps): JSX.Element {
  const { initial, otherSteps, onChange } = props;
  const trans = props.trans ?? plainTrans;
  const icons = props.icons ?? TEXT_ICONS;
  const suggested = props.suggested ?? NONE;
  const downstream = props.downstream ?? NONE;
  const [form, setForm] = React.useState(initial);
  const errors = React.useMemo(
    () => [...formErrors(form, otherSteps), ...cycleErrors(form, downstream, trans)],
    [form, otherSteps, downstream, trans]
  );
  React.useEffect(() => {
    onChange(form, errors);
  }, [form, errors, onChange]);
  // The name's error waits until the user has typed or left the field (a new step starts nameless).
  const [nameTouched, setNameTouched] = React.useState(initial.stepName !== '');
  const update = (patch: Partial<CellForm>) => setForm(current => ({ ...current, ...patch }));
  const uid = React.useId();
  const maps = mapTexts(trans);
  const lists = listTexts(trans);
  const pending = suggested.filter(
    s => otherSteps.includes(s.step) && !form.prev.includes(s.step) && !downstream.includes(s.step)
  );
  const listed = errors.filter(e => !shownInline(e));
  // Folded until opened, or until one of its settings is wrong (the user must see what stops Save).
  const advancedWrong = errors.some(isAdvancedError);
  const [advancedOpen, setAdvancedOpen] = React.useState(false);
  React.useEffect(() => {
    if (advancedWrong) {
      setAdvancedOpen(true);
    }
  }, [advancedWrong]);
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
          <StepNameField
            value={form.stepName}
            error={nameTouched ? errors.find(e => e.field === 'stepName') : undefined}
            uid={uid}
            onChange={stepName => {
              setNameTouched(true);
              update({ stepName });
            }}
            onBlur={() => setNameTouched(true)}
            trans={trans}
          />
          <Dependencies
            prev={form.prev}
            otherSteps={otherSteps}
            downstream={downstream}
            pending={pending}
            uid={uid}
            onChange={prev => update({ prev })}
            onAddSuggested={() => setForm(current => addSuggested(current, pending, otherSteps))}
            trans={trans}
          />
          <GpuFields gpu={form.gpu} onChange={gpu => update({ gpu })} trans={trans} />
          <label className="jp-cellpipe-ce-switch">
            <input
              type="checkbox"
              className="jp-cellpipe-report"
              checked={form.report}
              onChange={e => update({ report: e.target.checked })}
            />
            {trans.__('Report (Kale step report)')}
          </label>
          <details
            className="jp-cellpipe-ce-advanced"
            open={advancedOpen}
            onToggle={e => setAdvancedOpen((e.target as HTMLDetailsElement).open)}
          >
            <summary>{trans.__('Advanced (%1 set)', advancedCount(form))}</summary>
            {FORM_SECTIONS.map(s =>
              s.kind === 'map' ? (
                <MapSectionView
                  key={s.name}
                  section={s.name}
                  texts={maps[s.name]}
                  rows={form.rows[s.name]}
                  onChange={rows => update({ rows: { ...form.rows, [s.name]: rows } })}
                  trans={trans}
                  icons={icons}
                />
              ) : (
                <ListSectionView
                  key={s.name}
                  section={s.name}
                  texts={lists[s.name]}
                  rows={form.lists[s.name]}
                  errors={errors}
                  uid={uid}
                  onChange={rows => update({ lists: { ...form.lists, [s.name]: rows } })}
                  trans={trans}
                  icons={icons}
                />
              )
            )}
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
          </details>
        </>
      )}
      <StoredIssues issues={props.stored ?? NONE} trans={trans} />
      {listed.length > 0 && (
        <ul className="jp-cellpipe-errors" role="alert">
          {listed.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** What the compiler says about the cell's metadata as stored, word for word. */
function StoredIssues(props: {
  issues: readonly MetadataIssue[];
  trans: Trans;
}): JSX.Element | null {
  const { issues, trans } = props;
  if (issues.length === 0) {
    return null;
  }
  return (
    <div className="jp-cellpipe-stored-issues" role="status">
      <p>
        {trans.__(
          "This cell's metadata as it is now (setting a field here replaces what it holds):"
        )}
      </p>
      <ul>
        {issues.map((issue, i) => (
          <li key={i} className={`jp-cellpipe-stored-${issue.severity}`}>
            {issue.severity === 'error' ? trans.__('Error: ') : trans.__('Warning: ')}
            {issue.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
