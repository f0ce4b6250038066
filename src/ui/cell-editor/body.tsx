import { ReactWidget } from '@jupyterlab/apputils';
import type { Message } from '@lumino/messaging';
import { addIcon, deleteIcon } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { MetadataIssue } from '../../model/metadata';
import { FieldError } from '../../model/validate';
import { CellEdit } from '../../model/cell-edit';
import { Trans, plainTrans } from '../run/trans';
import { EditorForm, FormIcons } from './form';
import { CellForm, SuggestedDependency, editToForm, formToEdit, saveReason } from './model';

/** What Save gives: the edit and the step's report switch. */
export interface EditorValue {
  edit: CellEdit;
  report: boolean;
}

const ICONS: FormIcons = {
  add: <addIcon.react tag="span" />,
  remove: <deleteIcon.react tag="span" />
};

/**
 * The dialog body: holds the form, disables the dialog's Save button while the form has
 * errors and says why beside it, and gives the edit (or null when invalid) as the dialog's value.
 */
export class CellEditorBody extends ReactWidget {
  constructor(
    edit: CellEdit,
    otherSteps: string[],
    trans: Trans = plainTrans,
    downstream: readonly string[] = [],
    stored: readonly MetadataIssue[] = [],
    /** What the cell's `report:` tag says (undefined: none). */
    report?: boolean
  ) {
    super();
    this._stored = stored;
    this._downstream = downstream;
    this.addClass('jp-cellpipe-cell-editor-body');
    this._form = editToForm(edit, report);
    this._initial = this._form;
    this._otherSteps = otherSteps;
    this._trans = trans;
  }

  /** The analyzer's suggested dependencies; set again when a newer analysis arrives. */
  get suggested(): readonly SuggestedDependency[] {
    return this._suggested;
  }

  set suggested(value: readonly SuggestedDependency[]) {
    if (JSON.stringify(value) !== JSON.stringify(this._suggested)) {
      this._suggested = value;
      this.update();
    }
  }

  /** The edit to save, or null when the form has errors. */
  getValue(): EditorValue | null {
    return this._errors.length ? null : { edit: formToEdit(this._form), report: this._form.report };
  }

  render(): JSX.Element {
    return (
      <EditorForm
        initial={this._initial}
        otherSteps={this._otherSteps}
        downstream={this._downstream}
        suggested={this._suggested}
        trans={this._trans}
        icons={ICONS}
        stored={this._stored}
        onChange={(form, errors) => {
          this._form = form;
          this._errors = errors;
          this._showSaveState();
        }}
      />
    );
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // Before the dialog's own keydown handler (a capture listener on the dialog's node).
    window.addEventListener('keydown', this._onKeydown, true);
  }

  protected onBeforeDetach(msg: Message): void {
    window.removeEventListener('keydown', this._onKeydown, true);
    super.onBeforeDetach(msg);
  }

  /**
   * Enter: the dialog saves on Enter anywhere and swallows it on buttons. On the form's own
   * buttons (+ Add, trashcans, Add suggested) Enter presses them; in a field while the form has
   * errors it does nothing (the dialog would close and drop the edit).
   */
  private _onKeydown = (event: KeyboardEvent): void => {
    const target = event.target as HTMLElement | null;
    if (event.key !== 'Enter' || !target || !this.node.contains(target)) {
      return;
    }
    if (target instanceof HTMLButtonElement) {
      event.stopPropagation();
      event.preventDefault();
      target.click();
    } else if (this._errors.length && !(target instanceof HTMLTextAreaElement)) {
      event.stopPropagation();
      event.preventDefault();
    }
  };

  /** Save on or off, and why it is off in a line beside it (the dialog's footer is not ours to render). */
  private _showSaveState(): void {
    const save = this._saveButton();
    if (!save) {
      return;
    }
    const reason = saveReason(this._errors);
    save.disabled = reason !== null;
    save.title = reason ?? '';
    let note = save.parentElement?.querySelector<HTMLElement>('.jp-cellpipe-save-reason') ?? null;
    if (!note) {
      note = document.createElement('span');
      note.className = 'jp-cellpipe-save-reason';
      note.setAttribute('role', 'status');
      note.id = `${this.id || 'cellpipe-editor'}-save-reason`;
      save.parentElement?.insertBefore(note, save.parentElement.firstChild);
    }
    note.textContent = reason ? this._trans.__('Cannot save: %1', reason) : '';
    if (reason) {
      save.setAttribute('aria-describedby', note.id);
    } else {
      save.removeAttribute('aria-describedby');
    }
  }

  private _saveButton(): HTMLButtonElement | null {
    return (
      this.node
        .closest('.jp-Dialog-content')
        ?.querySelector<HTMLButtonElement>('.jp-Dialog-footer button.jp-mod-accept') ?? null
    );
  }

  private _form: CellForm;
  private readonly _initial: CellForm;
  private readonly _otherSteps: string[];
  private readonly _downstream: readonly string[];
  private readonly _stored: readonly MetadataIssue[];
  private readonly _trans: Trans;
  private _suggested: readonly SuggestedDependency[] = [];
  private _errors: FieldError[] = [];
}
