import * as fs from 'fs';
import * as path from 'path';
import { createAnalyzer } from '../../../analysis';
import { Analyzer } from '../../../analysis/types';
import { compile } from '../../../compiler';
import { NotebookInput, fromNbformat } from '../../../model/notebook';
import { parseTags } from '../../../model/tags';
import { cellEditMetadata, readCellEdit } from '../../../model/write';
import {
  FORM_SECTIONS,
  LIST_SECTIONS,
  MAP_SECTIONS,
  addSuggested,
  advancedCount,
  downstreamSteps,
  editToForm,
  isAdvancedError,
  formErrors,
  formToEdit,
  newListRow,
  otherStepNames,
  saveReason,
  suggestedDependencies,
  withReportTag
} from '../model';

const FIXTURE = path.join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'tests',
  'fixtures',
  'kale_tags.ipynb'
);
const nb = fromNbformat(JSON.parse(fs.readFileSync(FIXTURE, 'utf8')), FIXTURE);
const cellIndex = (id: string) => nb.cells.findIndex(c => c.id === id);

describe('cell editor form', () => {
  it('a form opened and saved unchanged writes the same metadata', () => {
    for (const cell of nb.cells.filter(c => c.cellType === 'code')) {
      const edit = readCellEdit(cell.tags, cell.metadata.cellpipe);
      const again = formToEdit(editToForm(edit));
      const before = cellEditMetadata(edit, cell.tags, cell.metadata.cellpipe);
      const after = cellEditMetadata(again, cell.tags, cell.metadata.cellpipe);
      if (edit.kind === 'step') {
        expect(after).toEqual(before);
      } else {
        expect(after.tags).toEqual(
          before.tags.filter(t => !/^(limit|label|annotation|image):/.test(t))
        );
      }
    }
  });

  it('shows the GPU of a block: step with its product, and keeps unshown settings', () => {
    const cell = nb.cells[cellIndex('k07')];
    const form = editToForm(readCellEdit(cell.tags, cell.metadata.cellpipe));
    expect(form.kind).toBe('step');
    expect(form.stepName).toBe('train_gpu');
    expect(form.gpu).toEqual({
      enabled: true,
      count: '2',
      type: 'nvidia.com/gpu',
      product: 'NVIDIA-A100-SXM4-40GB'
    });
    expect(form.rows.env).toEqual([{ key: 'OMP_NUM_THREADS', value: '4' }]);
    expect((form.rest as any)['x-future']).toBe(1);
    form.stepName = 'train';
    form.gpu.enabled = false;
    const update = cellEditMetadata(formToEdit(form), cell.tags, cell.metadata.cellpipe);
    expect(update.tags).toEqual([
      'block:train',
      'prev:features',
      'label:app.kubernetes.io/part-of:demo'
    ]);
    expect(update.cellpipe).toEqual({
      deploy: { env: [{ name: 'OMP_NUM_THREADS', value: '4' }], 'x-future': 1 }
    });
  });

  it('other steps are the notebook steps except this cell (the last kind tag wins, as in Kale)', () => {
    const tags = nb.cells.map(c => c.tags);
    expect(otherStepNames(tags, cellIndex('k06'), parseTags)).toEqual([
      'load_data',
      'train_gpu',
      'evaluate'
    ]);
  });

  it('errors name the field: bad name, duplicate step, GPU count, empty and repeated keys', () => {
    const form = editToForm({ kind: 'step', stepName: 'x', prev: [], deploy: {} });
    const others = ['load_data'];
    expect(formErrors(form, others)).toEqual([]);
    form.stepName = 'load_data';
    expect(formErrors(form, others).map(e => e.field)).toEqual(['stepName']);
    form.stepName = 'Bad Name';
    expect(formErrors(form, others)[0].message).toMatch(/"Bad Name" must start with a lowercase/);
    form.stepName = 'ok';
    form.gpu = { enabled: true, count: '0', type: 'nvidia.com/gpu', product: '' };
    form.rows.limits = [
      { key: '', value: '1' },
      { key: 'cpu', value: '1' },
      { key: 'cpu', value: '2' }
    ];
    form.rows.env = [{ key: '1X', value: '' }];
    expect(formErrors(form, others).map(e => e.field)).toEqual([
      'deploy.limits[0]',
      'deploy.limits[2]',
      'deploy.gpu.count',
      'deploy.env[0].name'
    ]);
    form.gpu.count = '';
    expect(formErrors(form, others).find(e => e.field === 'deploy.gpu.count')?.message).toMatch(
      /positive whole number/
    );
  });

  it('a non-step cell keeps no deploy settings and no dependencies', () => {
    const form = editToForm({
      kind: 'step',
      stepName: 'a',
      prev: ['b'],
      deploy: { limits: { cpu: '1' } }
    });
    form.kind = 'imports';
    expect(formToEdit(form)).toEqual({ kind: 'imports', stepName: '', prev: [], deploy: {} });
    form.kind = 'none';
    expect(formToEdit(form).kind).toBeNull();
  });
});

const EXAMPLE = path.join(__dirname, '..', '..', '..', '..', 'examples', 'pipeline.ipynb');

function example(): NotebookInput {
  return fromNbformat(JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')), 'pipeline.ipynb');
}

/** The example with `prev:NAME` removed from the cell of step `step`. */
function withoutPrev(step: string, name: string): { nb: NotebookInput; index: number } {
  const nb = example();
  const index = nb.cells.findIndex(c => c.tags.includes(`step:${step}`));
  const cell = nb.cells[index];
  cell.tags = cell.tags.filter(t => t !== `prev:${name}`);
  cell.metadata = { ...cell.metadata, tags: cell.tags };
  return { nb, index };
}

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});

describe('suggested dependencies', () => {
  it('a step reading what a non-upstream step produces gets that step, with the names read', () => {
    const { nb, index } = withoutPrev('train_forest', 'preprocess');
    const analysis = analyzer.analyze(nb);
    expect(suggestedDependencies(analysis, 'train_forest', index)).toEqual([
      { step: 'preprocess', reads: ['X_train', 'y_train'] }
    ]);
    // Other steps have nothing suggested; a cell that is not that step's gets nothing.
    expect(suggestedDependencies(analysis, 'train_logreg', index + 1)).toEqual([]);
    expect(suggestedDependencies(analysis, 'train_forest', index + 1)).toEqual([]);
    expect(suggestedDependencies(null, 'train_forest', index)).toEqual([]);
  });

  it('the annotated example needs no suggestion', () => {
    const nb = example();
    const analysis = analyzer.analyze(nb);
    nb.cells.forEach((cell, i) => {
      const name = cell.tags.find(t => t.startsWith('step:'))?.slice(5);
      if (name) {
        expect(suggestedDependencies(analysis, name, i)).toEqual([]);
      }
    });
  });

  it('"Add suggested" writes the prev: tag, and the analyzer then has nothing left to suggest', () => {
    const { nb, index } = withoutPrev('evaluate', 'train_forest');
    const cell = nb.cells[index];
    const suggested = suggestedDependencies(analyzer.analyze(nb), 'evaluate', index);
    expect(suggested).toEqual([{ step: 'train_forest', reads: ['forest'] }]);
    const form = editToForm(readCellEdit(cell.tags, cell.metadata.cellpipe));
    const others = ['load_data', 'preprocess', 'train_forest', 'train_logreg'];
    const added = addSuggested(form, suggested, others);
    expect(added.prev).toEqual(['train_logreg', 'train_forest']);
    expect(addSuggested(added, suggested, others)).toBe(added);
    // A suggested step that is no longer a step (renamed meanwhile) is not added.
    expect(addSuggested(form, suggested, ['load_data']).prev).toEqual(['train_logreg']);

    const update = cellEditMetadata(formToEdit(added), cell.tags, cell.metadata.cellpipe);
    expect(update.tags).toEqual(['step:evaluate', 'prev:train_logreg', 'prev:train_forest']);
    cell.tags = update.tags;
    cell.metadata = { ...cell.metadata, tags: update.tags };
    const after = analyzer.analyze(nb);
    expect(suggestedDependencies(after, 'evaluate', index)).toEqual([]);
    expect(after.diagnostics.filter(d => d.severity === 'error')).toEqual([]);
  });
});

describe('cell editor form: tolerations, secrets, volumes', () => {
  it('entries read and saved unchanged stay as written: implicit operator, unknown keys, order', () => {
    const deploy = {
      tolerations: [
        { key: 'gpu', effect: 'NoSchedule' as const, 'x-note': 'kept' },
        { operator: 'Exists' as const, effect: 'NoExecute' as const, tolerationSeconds: 300 }
      ],
      secrets: [{ secretName: 's3-credentials', key: 'access', envVar: 'AWS_ACCESS_KEY_ID' }],
      secretVolumes: [{ secretName: 'tls-certs', mountPath: '/etc/tls' }],
      volumes: [{ pvcName: 'shared-data', mountPath: '/data' }]
    };
    const form = editToForm({ kind: 'step', stepName: 's', prev: [], deploy });
    expect(form.lists.tolerations.map(r => r.fields)).toEqual([
      { key: 'gpu', operator: 'Equal', value: '', effect: 'NoSchedule', tolerationSeconds: '' },
      { key: '', operator: 'Exists', value: '', effect: 'NoExecute', tolerationSeconds: '300' }
    ]);
    expect(form.rest).toEqual({});
    const again = formToEdit(form).deploy;
    expect(again).toEqual(deploy);
    expect(JSON.stringify(again.secrets)).toBe(JSON.stringify(deploy.secrets));
  });

  it('added rows write what was typed; cleared fields and removed rows are gone', () => {
    const form = editToForm({
      kind: 'step',
      stepName: 's',
      prev: [],
      deploy: { tolerations: [{ key: 'a', operator: 'Equal', value: 'b' }] }
    });
    const toleration = newListRow('tolerations');
    Object.assign(toleration.fields, { key: 'dedicated', value: 'batch', effect: 'NoSchedule' });
    const [read] = form.lists.tolerations;
    read.fields.value = '';
    form.lists.tolerations = [read, toleration];
    const volume = newListRow('volumes');
    Object.assign(volume.fields, { pvcName: ' scratch ', mountPath: '/scratch' });
    form.lists.volumes = [volume];
    expect(formErrors(form, [])).toEqual([]);
    expect(formToEdit(form).deploy).toEqual({
      tolerations: [
        { key: 'a', operator: 'Equal' },
        { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }
      ],
      volumes: [{ pvcName: 'scratch', mountPath: '/scratch' }]
    });
    toleration.fields.tolerationSeconds = 'soon';
    expect(formErrors(form, []).map(e => [e.field, e.message])).toEqual([
      [
        'deploy.tolerations[1].tolerationSeconds',
        'Toleration 2: seconds must be a whole number of at least 0'
      ]
    ]);
    form.lists.tolerations = [];
    form.lists.volumes = [];
    expect(formToEdit(form).deploy).toEqual({});
  });

  it('what the form saves compiles into the kfp-kubernetes config of that step', () => {
    const nb = fromNbformat(JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')), 'pipeline.ipynb');
    const index = nb.cells.findIndex(c => c.tags.includes('step:train_forest'));
    const cell = nb.cells[index];
    const form = editToForm(readCellEdit(cell.tags, cell.metadata.cellpipe));
    const row = (section: Parameters<typeof newListRow>[0], fields: Record<string, string>) => {
      const r = newListRow(section);
      Object.assign(r.fields, fields);
      return r;
    };
    form.lists = {
      tolerations: [
        row('tolerations', {
          key: 'dedicated',
          value: 'batch',
          effect: 'NoExecute',
          tolerationSeconds: '60'
        })
      ],
      secrets: [row('secrets', { envVar: 'TOKEN', secretName: 'api-token', key: 'token' })],
      secretVolumes: [row('secretVolumes', { secretName: 'tls-certs', mountPath: '/etc/tls' })],
      volumes: [row('volumes', { pvcName: 'models', mountPath: '/models' })]
    };
    const update = cellEditMetadata(formToEdit(form), cell.tags, cell.metadata.cellpipe);
    expect(update.tags).toEqual(cell.tags);
    cell.metadata = { ...cell.metadata, cellpipe: update.cellpipe };
    const exec = (compile(nb, analyzer.analyze(nb)).platformSpec as any).platforms.kubernetes
      .deploymentSpec.executors['exec-train-forest'];
    const constant = (value: string) => ({ runtimeValue: { constant: value } });
    expect(exec).toEqual({
      pvcMount: [
        { constant: 'models', mountPath: '/models', pvcNameParameter: constant('models') }
      ],
      secretAsEnv: [
        {
          keyToEnv: [{ envVar: 'TOKEN', secretKey: 'token' }],
          optional: false,
          secretName: 'api-token',
          secretNameParameter: constant('api-token')
        }
      ],
      secretAsVolume: [
        {
          mountPath: '/etc/tls',
          optional: false,
          secretName: 'tls-certs',
          secretNameParameter: constant('tls-certs')
        }
      ],
      tolerations: [
        {
          effect: 'NoExecute',
          key: 'dedicated',
          operator: 'Equal',
          tolerationSeconds: '60',
          value: 'batch'
        }
      ]
    });
  });
});

describe('steps that run after the edited one (no cycles from the editor)', () => {
  const example = fromNbformat(
    JSON.parse(
      fs.readFileSync(
        path.join(__dirname, '..', '..', '..', '..', 'examples', 'pipeline.ipynb'),
        'utf8'
      )
    ),
    'pipeline.ipynb'
  );
  const tags = example.cells.map(c => c.tags);
  const cellOf = (step: string) => tags.findIndex(t => t.includes(`step:${step}`));

  it('follows prev: tags transitively, in notebook order', () => {
    expect(downstreamSteps(tags, cellOf('preprocess'), 'preprocess', parseTags)).toEqual([
      'train_forest',
      'train_logreg',
      'evaluate'
    ]);
    expect(downstreamSteps(tags, cellOf('train_forest'), 'train_forest', parseTags)).toEqual([
      'evaluate'
    ]);
    expect(downstreamSteps(tags, cellOf('evaluate'), 'evaluate', parseTags)).toEqual([]);
  });

  it("ignores the edited cell's own prev: tags (they are what the form is changing)", () => {
    const looped = tags.map((t, i) => (i === cellOf('load_data') ? [...t, 'prev:evaluate'] : t));
    expect(downstreamSteps(looped, cellOf('load_data'), 'load_data', parseTags)).toEqual([
      'preprocess',
      'train_forest',
      'train_logreg',
      'evaluate'
    ]);
  });
});

describe('the form sections', () => {
  it('the dialog shows every map and list section once', () => {
    const shown = FORM_SECTIONS.map(s => s.name);
    expect(new Set(shown).size).toBe(shown.length);
    expect([...shown].sort()).toEqual([...MAP_SECTIONS, ...LIST_SECTIONS].sort());
    for (const s of FORM_SECTIONS) {
      expect((s.kind === 'map' ? MAP_SECTIONS : LIST_SECTIONS) as readonly string[]).toContain(
        s.name
      );
    }
  });
});

describe('cell editor: Advanced, Save reason, report (issue 19 item 3)', () => {
  const NEW_STEP = { kind: 'step' as const, stepName: '', prev: [], deploy: {} };

  it('counts the Advanced settings that are set: a section with rows, the image, the caching', () => {
    expect(advancedCount(editToForm(NEW_STEP))).toBe(0);
    const form = editToForm({
      ...NEW_STEP,
      deploy: {
        env: [{ name: 'A', value: '1' }],
        limits: { memory: '1Gi', cpu: '1' },
        tolerations: [{ key: 'gpu', operator: 'Exists' }],
        image: 'python:3.12',
        caching: false,
        // The GPU is on top, not under Advanced.
        gpu: { count: 1, type: 'nvidia.com/gpu' }
      }
    });
    expect(advancedCount(form)).toBe(5);
    expect(advancedCount({ ...form, image: '  ', caching: 'default' })).toBe(3);
  });

  it('says why Save is off: the first problem and how many more; null when it can save', () => {
    const form = editToForm(NEW_STEP);
    const errors = formErrors(form, []);
    expect(saveReason(errors)).toBe('Step name is required');
    expect(
      saveReason(
        formErrors({ ...form, rows: { ...form.rows, limits: [{ key: '', value: '1' }] } }, [])
      )
    ).toBe('Step name is required (and 1 more)');
    expect(saveReason(formErrors({ ...form, stepName: 'load' }, []))).toBeNull();
    expect(saveReason(formErrors(editToForm({ ...NEW_STEP, kind: null }), []))).toBeNull();
  });

  it('tells the errors of folded fields from those on top', () => {
    expect(isAdvancedError({ field: 'deploy.limits[0]', message: '' })).toBe(true);
    expect(isAdvancedError({ field: 'deploy.tolerations[0].key', message: '' })).toBe(true);
    expect(isAdvancedError({ field: 'deploy.image', message: '' })).toBe(true);
    expect(isAdvancedError({ field: 'stepName', message: '' })).toBe(false);
    expect(isAdvancedError({ field: 'deploy.gpu.count', message: '' })).toBe(false);
  });

  it("report: on unless the cell's tag says disabled; written in place, never added when on", () => {
    expect(editToForm(NEW_STEP).report).toBe(true);
    expect(editToForm(NEW_STEP, false).report).toBe(false);
    expect(withReportTag(['step:a', 'x'], true)).toEqual(['step:a', 'x']);
    expect(withReportTag(['step:a', 'x'], false)).toEqual(['step:a', 'x', 'report:disabled']);
    expect(withReportTag(['step:a', 'report:disabled', 'x'], true)).toEqual([
      'step:a',
      'report:enabled',
      'x'
    ]);
    expect(withReportTag(['report:enabled', 'step:a'], false)).toEqual([
      'report:disabled',
      'step:a'
    ]);
    expect(parseTags(withReportTag(['step:a'], false)).report).toBe(false);
  });
});
