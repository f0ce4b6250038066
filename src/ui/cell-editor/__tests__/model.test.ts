import * as fs from 'fs';
import * as path from 'path';
import { fromNbformat } from '../../../model/notebook';
import { parseTags } from '../../../model/tags';
import { cellEditMetadata, readCellEdit } from '../../../model/write';
import { editToForm, formErrors, formToEdit, otherStepNames } from '../model';

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
