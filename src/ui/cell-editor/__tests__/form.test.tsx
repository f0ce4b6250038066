/**
 * @jest-environment jsdom
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import { FieldError } from '../../../model/validate';
import { notebookIssues } from '../../../model/issues';
import { fromNbformat } from '../../../model/notebook';
import { CellEdit } from '../../../model/cell-edit';
import { cellEditMetadata, readCellEdit } from '../../../model/write';
import { plainTrans } from '../../run/trans';
import { EditorForm } from '../form';
import { CellForm, SuggestedDependency, editToForm, formToEdit, storedIssues } from '../model';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const OTHERS = ['load_data', 'preprocess', 'train_logreg'];

let host: HTMLDivElement;
let root: Root;
let latest: { form: CellForm; errors: FieldError[] };

function render(
  edit: CellEdit,
  suggested: SuggestedDependency[] = [],
  trans = plainTrans,
  downstream: string[] = []
): void {
  act(() =>
    root.render(
      <EditorForm
        initial={editToForm(edit)}
        otherSteps={OTHERS}
        downstream={downstream}
        suggested={suggested}
        trans={trans}
        onChange={(form, errors) => (latest = { form, errors })}
      />
    )
  );
}

const byLabel = <T extends HTMLElement>(label: string): T => {
  const found = host.querySelector<T>(`[aria-label="${label}"]`);
  if (!found) {
    throw new Error(`no control labelled "${label}"`);
  }
  return found;
};

function type(label: string | HTMLInputElement, value: string): void {
  const input = typeof label === 'string' ? byLabel<HTMLInputElement>(label) : label;
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  act(() => {
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

function choose(label: string, value: string): void {
  const select = byLabel<HTMLSelectElement>(label);
  act(() => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

function click(element: HTMLElement): void {
  act(() => element.click());
}

const button = (name: string): HTMLButtonElement => {
  const found = [...host.querySelectorAll('button')].find(
    b => b.getAttribute('aria-label') === name || b.textContent?.trim() === name
  );
  if (!found) {
    throw new Error(`no button "${name}"`);
  }
  return found;
};

const dep = (name: string) =>
  host.querySelector<HTMLInputElement>(`.jp-cellpipe-deps input[name="${name}"]`)!;

beforeEach(() => {
  host = document.createElement('div');
  document.body.appendChild(host);
  root = createRoot(host);
});

afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

const TRAIN: CellEdit = { kind: 'step', stepName: 'train_forest', prev: [], deploy: {} };

describe('pencil editor form: suggested dependencies', () => {
  it('marks a suggested step that is not chosen, says what it reads, and adds it in one click', () => {
    render(TRAIN, [{ step: 'preprocess', reads: ['X_train', 'y_train'] }]);
    const suggested = host.querySelectorAll('.jp-cellpipe-dep-suggested');
    expect([...suggested].map(l => l.textContent)).toEqual([
      'preprocesssuggested: reads X_train, y_train'
    ]);
    expect(dep('preprocess').checked).toBe(false);
    const hint = document.getElementById(dep('preprocess').getAttribute('aria-describedby')!);
    expect(hint?.textContent).toBe('suggested: reads X_train, y_train');
    expect(dep('load_data').getAttribute('aria-describedby')).toBeNull();

    click(button('Add suggested'));
    expect(dep('preprocess').checked).toBe(true);
    expect(host.querySelectorAll('.jp-cellpipe-dep-suggested')).toHaveLength(0);
    expect(host.querySelector('.jp-cellpipe-add-suggested')).toBeNull();
    expect(latest.form.prev).toEqual(['preprocess']);
    expect(
      cellEditMetadata(formToEdit(latest.form), ['step:train_forest'], undefined).tags
    ).toEqual(['step:train_forest', 'prev:preprocess']);
  });

  it('a suggestion already chosen, or of a step that is not a toggle, is not shown', () => {
    render({ ...TRAIN, prev: ['preprocess'] }, [
      { step: 'preprocess', reads: ['X_train'] },
      { step: 'gone', reads: ['x'] }
    ]);
    expect(host.querySelectorAll('.jp-cellpipe-dep-suggested')).toHaveLength(0);
    expect(host.querySelector('.jp-cellpipe-add-suggested')).toBeNull();
    // Unticking a suggested step marks it again.
    click(dep('preprocess'));
    expect(host.querySelector('.jp-cellpipe-dep-suggested')?.textContent).toBe(
      'preprocesssuggested: reads X_train'
    );
  });

  it('suggestions arriving after the form opened (a newer analysis) keep what was typed', () => {
    render(TRAIN);
    expect(host.querySelector('.jp-cellpipe-add-suggested')).toBeNull();
    type(host.querySelector<HTMLInputElement>('input.jp-cellpipe-step-name')!, 'forest');
    click(dep('load_data'));
    render(TRAIN, [{ step: 'preprocess', reads: ['X_train'] }]);
    expect(host.querySelector('.jp-cellpipe-dep-suggested')?.textContent).toBe(
      'preprocesssuggested: reads X_train'
    );
    click(button('Add suggested'));
    expect(formToEdit(latest.form)).toEqual({
      kind: 'step',
      stepName: 'forest',
      prev: ['load_data', 'preprocess'],
      deploy: {}
    });
  });
});

describe('pencil editor form: tolerations, secrets, volumes', () => {
  it('+ Add, fields, a trashcan per entry; problems shown on the row and naming the field', () => {
    render(TRAIN);
    click(button('Add Tolerations'));
    type('Tolerations 1 key', 'dedicated');
    type('Tolerations 1 value', 'batch');
    choose('Tolerations 1 effect', 'NoSchedule');
    type('Tolerations 1 seconds', '60');
    const seconds = byLabel<HTMLInputElement>('Tolerations 1 seconds');
    expect(seconds.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(seconds.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Toleration 1: seconds apply only to effect NoExecute'
    );
    expect(byLabel('Tolerations 1 key').getAttribute('aria-invalid')).toBe('false');
    choose('Tolerations 1 effect', 'NoExecute');
    expect(latest.errors).toEqual([]);
    expect(host.querySelector('.jp-cellpipe-ce-tolerations .jp-cellpipe-field-error')).toBeNull();

    click(button('Add Secrets as environment variables'));
    type('Secrets as environment variables 1 variable', 'TOKEN');
    type('Secrets as environment variables 1 secret name', 'api-token');
    type('Secrets as environment variables 1 key', 'token');
    click(button('Add Secrets as files'));
    type('Secrets as files 1 secret name', 'tls-certs');
    type('Secrets as files 1 mount path', '/etc/tls');
    click(button('Add Volumes'));
    type('Volumes 1 claim name', 'models');
    type('Volumes 1 mount path', 'models');
    expect(latest.errors.map(e => e.message)).toEqual([
      'Volume 1: mount path "models" must be an absolute path (starting with /) without ":"'
    ]);
    expect(
      host.querySelector('.jp-cellpipe-ce-volumes .jp-cellpipe-field-error')?.textContent
    ).toBe('Volume 1: mount path "models" must be an absolute path (starting with /) without ":"');
    // Shown on the row, not again in the list at the bottom.
    expect(host.querySelector('.jp-cellpipe-errors')).toBeNull();
    type('Volumes 1 mount path', '/models');
    click(button('Add Volumes'));
    click(button('Remove Volumes 2'));
    expect(latest.errors).toEqual([]);

    const update = cellEditMetadata(formToEdit(latest.form), ['step:train_forest'], undefined);
    expect(update).toEqual({
      tags: ['step:train_forest'],
      cellpipe: {
        deploy: {
          tolerations: [
            {
              key: 'dedicated',
              operator: 'Equal',
              value: 'batch',
              effect: 'NoExecute',
              tolerationSeconds: 60
            }
          ],
          secrets: [{ envVar: 'TOKEN', secretName: 'api-token', key: 'token' }],
          secretVolumes: [{ secretName: 'tls-certs', mountPath: '/etc/tls' }],
          volumes: [{ pvcName: 'models', mountPath: '/models' }]
        }
      }
    });

    click(button('Remove Tolerations 1'));
    expect(host.querySelector('[aria-label="Tolerations 1 key"]')).toBeNull();
    expect(formToEdit(latest.form).deploy.tolerations).toBeUndefined();
  });

  it('an entry read from the notebook shows in its row and comes back unchanged', () => {
    const deploy = {
      tolerations: [{ key: 'gpu', effect: 'NoSchedule' as const }],
      volumes: [{ pvcName: 'shared-data', mountPath: '/data' }]
    };
    render({ ...TRAIN, deploy });
    expect(byLabel<HTMLSelectElement>('Tolerations 1 operator').value).toBe('Equal');
    expect(byLabel<HTMLSelectElement>('Tolerations 1 effect').value).toBe('NoSchedule');
    expect(byLabel<HTMLInputElement>('Volumes 1 mount path').value).toBe('/data');
    type('Volumes 1 mount path', '/data');
    expect(formToEdit(latest.form).deploy).toEqual(deploy);
  });
});

describe('pencil editor form: every DeployConfig section, keyboard and translation', () => {
  it('has a section with + Add for each setting of the issue, and image and caching fields', () => {
    render(TRAIN);
    const legends = [...host.querySelectorAll('fieldset > legend')].map(l => l.textContent);
    expect(legends).toEqual([
      'Depends on',
      'GPU',
      'Environment variables',
      'Secrets as environment variables',
      'Requests',
      'Limits',
      'Pod labels',
      'Pod annotations',
      'Node selector',
      'Tolerations',
      'Volumes',
      'Secrets as files'
    ]);
    for (const title of legends.slice(2)) {
      expect(button(`Add ${title}`)).toBeTruthy();
    }
    expect(host.querySelector('input.jp-cellpipe-image')).not.toBeNull();
    expect(host.querySelector('select.jp-cellpipe-caching')).not.toBeNull();
  });

  it('every control is a native, focusable control with a name a screen reader reads', () => {
    render({ ...TRAIN, deploy: { gpu: { count: 1, type: 'nvidia.com/gpu' } } }, [
      { step: 'preprocess', reads: ['X_train'] }
    ]);
    for (const section of ['Tolerations', 'Secrets as environment variables', 'Volumes']) {
      click(button(`Add ${section}`));
    }
    const controls = [...host.querySelectorAll<HTMLElement>('input, select, button')];
    expect(controls.length).toBeGreaterThan(30);
    for (const control of controls) {
      const name =
        control.getAttribute('aria-label') ??
        control.closest('label')?.textContent ??
        control.textContent;
      expect(`${control.tagName} "${name?.trim() ?? ''}"`).not.toMatch(/""$/);
      expect(control.tabIndex).toBe(0);
      expect((control as HTMLButtonElement).disabled ?? false).toBe(false);
    }
    // The form's buttons are plain buttons: they never submit or close the dialog by themselves.
    for (const b of host.querySelectorAll('button')) {
      expect(b.type).toBe('button');
    }
  });

  it('all its text goes through the translator', () => {
    const marked = {
      __: (msgid: string, ...args: unknown[]) => `«${plainTrans.__(msgid, ...args)}»`
    };
    render(
      { ...TRAIN, deploy: { tolerations: [{ key: 'gpu', operator: 'Exists' }] } },
      [{ step: 'preprocess', reads: ['X_train'] }],
      marked
    );
    const texts = [
      ...[...host.querySelectorAll('legend, label > span, .jp-cellpipe-dep-hint')].map(
        e => e.textContent!
      ),
      ...[...host.querySelectorAll('[aria-label], [placeholder]')].flatMap(e =>
        [e.getAttribute('aria-label'), e.getAttribute('placeholder')].filter(
          (t): t is string => !!t && t !== 'load_data'
        )
      ),
      button('«Add suggested»').textContent!
    ];
    expect(texts.length).toBeGreaterThan(30);
    for (const text of texts) {
      expect(text).toMatch(/«.*»/);
    }
  });
});

describe('pencil editor form: no cycles', () => {
  const PRE: CellEdit = { kind: 'step', stepName: 'featurize', prev: ['load_data'], deploy: {} };

  it('a step that already runs after this one cannot be ticked, and says why', () => {
    render(PRE, [{ step: 'train_logreg', reads: ['model'] }], plainTrans, ['train_logreg']);
    expect(dep('train_logreg').disabled).toBe(true);
    expect(dep('load_data').disabled).toBe(false);
    const hint = document.getElementById(dep('train_logreg').getAttribute('aria-describedby')!);
    expect(hint?.textContent).toBe('runs after this step');
    // A suggestion that would close a loop is not offered either.
    expect(host.querySelector('.jp-cellpipe-add-suggested')).toBeNull();
    expect(latest.errors).toEqual([]);
  });

  it('a cycle the notebook already has is an error naming the step, until it is unticked', () => {
    render({ ...PRE, prev: ['load_data', 'train_logreg'] }, [], plainTrans, ['train_logreg']);
    expect(dep('train_logreg').disabled).toBe(false);
    expect(latest.errors.map(e => e.message)).toEqual([
      'Depends on: "train_logreg" already runs after this step, so depending on it makes a cycle; untick it'
    ]);
    click(dep('train_logreg'));
    expect(latest.errors).toEqual([]);
    expect(dep('train_logreg').disabled).toBe(true);
    expect(formToEdit(latest.form).prev).toEqual(['load_data']);
  });
});

describe('the stored metadata issues of the cell (issue 13 item 17)', () => {
  it('shows what the compiler says about this cell, word for word, and a save keeps the bad field unless set', () => {
    const tags = ['step:train', 'cache:sometimes'];
    const cellpipe = { deploy: { env: { A: '1' }, caching: 'false' } };
    const stored = storedIssues([['imports'], tags], 1, cellpipe);
    const compiled = notebookIssues(
      fromNbformat({
        cells: [
          { cell_type: 'code', source: '', metadata: { tags: ['imports'] } },
          { cell_type: 'code', source: 'x = 1', metadata: { tags, cellpipe } }
        ]
      })
    );
    expect(stored).toEqual(compiled);
    expect(stored.map(i => i.message)).toEqual([
      'tag cache:sometimes: expected cache:enabled or cache:disabled; the tag is kept and ignored',
      'cellpipe.deploy.env: expected a list of objects {"name": "...", "value": "..."}, got an object',
      'cellpipe.deploy.caching: expected true or false (not in quotes), got the string "false"'
    ]);
    const edit = readCellEdit(tags, cellpipe);
    act(() =>
      root.render(
        <EditorForm
          initial={editToForm(edit)}
          otherSteps={OTHERS}
          stored={stored}
          onChange={(form, errors) => (latest = { form, errors })}
        />
      )
    );
    const shown = host.querySelector('.jp-cellpipe-stored-issues')!;
    expect(shown.getAttribute('role')).toBe('status');
    for (const issue of stored) {
      expect(shown.textContent).toContain(issue.message);
    }
    // Not errors of the form: Save stays possible, and the bad fields are written back as they are.
    expect(latest.errors).toEqual([]);
    const out = cellEditMetadata(formToEdit(latest.form), tags, cellpipe);
    expect(out.tags).toEqual(tags);
    expect(out.cellpipe).toEqual(cellpipe);
  });

  it('a step name against the rule is shown once, at the name field', () => {
    expect(storedIssues([['step:Train-Model']], 0, undefined)).toEqual([]);
    render(readCellEdit(['step:Train-Model'], undefined));
    expect(latest.errors.map(e => e.field)).toEqual(['stepName']);
  });
});

describe('pencil editor form: rows keyed by a stable id', () => {
  it.each([
    ['Environment variables', 'key'],
    ['Volumes', 'claim name']
  ])(
    'removing the first of two %s rows keeps the second, what was typed in it and its focus',
    (title, field) => {
      render(TRAIN);
      click(button(`Add ${title}`));
      click(button(`Add ${title}`));
      type(`${title} 1 ${field}`, 'first');
      const second = byLabel<HTMLInputElement>(`${title} 2 ${field}`);
      type(second, 'second');
      act(() => second.focus());
      click(button(`Remove ${title} 1`));
      // The same input, now the first row: not the first row's input given the second's text.
      expect(second.isConnected).toBe(true);
      expect(byLabel(`${title} 1 ${field}`)).toBe(second);
      expect(second.value).toBe('second');
      expect(document.activeElement).toBe(second);
      expect(host.querySelectorAll(`[aria-label="${title} 2 ${field}"]`)).toHaveLength(0);
    }
  );
});

describe('pencil editor form: a new step, Advanced folded, report (issue 19 item 3)', () => {
  const PLAIN: CellEdit = { kind: null, stepName: '', prev: [], deploy: {} };
  const nameInput = () => host.querySelector<HTMLInputElement>('input.jp-cellpipe-step-name')!;
  const makeStep = () => {
    const select = host.querySelector<HTMLSelectElement>('select.jp-cellpipe-kind')!;
    act(() => {
      select.value = 'step';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
  };
  const shownText = () => host.textContent ?? '';

  it('says nothing of the missing name before the user typed, though Save stays off', () => {
    render(PLAIN);
    makeStep();
    // The form knows (Save is off, the dialog says why beside it) but the field does not shout.
    expect(latest.errors.map(e => e.message)).toEqual(['Step name is required']);
    expect(shownText()).not.toContain('Step name is required');
    expect(nameInput().getAttribute('aria-invalid')).toBe('false');
    type(nameInput(), 'x');
    type(nameInput(), '');
    expect(host.querySelector('.jp-cellpipe-field-error')?.textContent).toBe(
      'Step name is required'
    );
    expect(nameInput().getAttribute('aria-invalid')).toBe('true');
  });

  it('leaving the name field empty counts as touched', () => {
    render(PLAIN);
    makeStep();
    act(() => {
      nameInput().focus();
      nameInput().blur();
    });
    expect(host.querySelector('.jp-cellpipe-field-error')?.textContent).toBe(
      'Step name is required'
    );
  });

  it('type, name, depends on, GPU and report on top; the Kubernetes sections folded under Advanced with a count', () => {
    render({ ...TRAIN, deploy: { limits: { memory: '1Gi' }, image: 'python:3.12' } });
    const advanced = host.querySelector<HTMLDetailsElement>('details.jp-cellpipe-ce-advanced')!;
    expect(advanced.open).toBe(false);
    expect(advanced.querySelector('summary')?.textContent).toBe('Advanced (2 set)');
    const outside = [...host.querySelectorAll('fieldset > legend')]
      .filter(l => !advanced.contains(l))
      .map(l => l.textContent);
    expect(outside).toEqual(['Depends on', 'GPU']);
    expect(advanced.querySelectorAll('fieldset')).toHaveLength(10);
    expect(advanced.querySelector('input.jp-cellpipe-image')).not.toBeNull();
    expect(advanced.querySelector('select.jp-cellpipe-caching')).not.toBeNull();
    expect(advanced.contains(host.querySelector('input.jp-cellpipe-report'))).toBe(false);
    // One more row set: the count follows.
    click(button('Add Pod labels'));
    expect(advanced.querySelector('summary')?.textContent).toBe('Advanced (3 set)');
  });

  it('opens Advanced when one of its settings is wrong, so the user sees what stops Save', () => {
    render(TRAIN);
    const advanced = host.querySelector<HTMLDetailsElement>('details.jp-cellpipe-ce-advanced')!;
    expect(advanced.open).toBe(false);
    click(button('Add Limits'));
    expect(latest.errors.map(e => e.message)).toEqual(['limits: a row has no key']);
    expect(advanced.open).toBe(true);
  });

  it('a Report switch, on by default, in the form it gives', () => {
    render(TRAIN);
    const report = host.querySelector<HTMLInputElement>('input.jp-cellpipe-report')!;
    expect(report.checked).toBe(true);
    expect(report.closest('label')?.textContent).toContain('Report');
    click(report);
    expect(latest.form.report).toBe(false);
  });
});
