import { DeployConfig } from '../deploy';
import {
  labelKeyError,
  labelValueError,
  quantityError,
  stepNameError,
  validateCellEdit
} from '../validate';
import { CellEdit } from '../write';

function step(name: string, prev: string[] = [], deploy: DeployConfig = {}): CellEdit {
  return { kind: 'step', stepName: name, prev, deploy };
}

const others = ['load_data', 'split'];
const fields = (edit: CellEdit) => validateCellEdit(edit, others).map(e => e.field);

describe('validation', () => {
  it('step names: pattern and uniqueness', () => {
    expect(stepNameError('train_2', ['a'])).toBeNull();
    expect(stepNameError('Train', [])).toMatch(/"Train" must start with a lowercase letter/);
    expect(stepNameError('2train', [])).toMatch(/must start/);
    expect(stepNameError('my-step', [])).toMatch(/"my-step"/);
    expect(stepNameError('', [])).toMatch(/required/);
    expect(stepNameError('split', ['split'])).toMatch(/already used/);
    expect(fields(step('split'))).toEqual(['stepName']);
  });

  it('depends-on only existing steps, not itself', () => {
    const errors = validateCellEdit(step('train', ['split', 'nope', 'train']), others);
    expect(errors.map(e => e.field)).toEqual(['prev[1]', 'prev[2]']);
    expect(errors[0].message).toBe('Depends on "nope", which is not a step of this notebook');
    expect(errors[1].message).toMatch(/cannot depend on itself/);
    expect(validateCellEdit(step('train', ['split', 'load_data']), others)).toEqual([]);
  });

  it('GPU count is a positive integer, type a resource name', () => {
    const gpu = (g: any) => fields(step('t', [], { gpu: g }));
    expect(gpu({ count: 1, type: 'nvidia.com/gpu' })).toEqual([]);
    expect(gpu({ count: 0, type: 'nvidia.com/gpu' })).toEqual(['deploy.gpu.count']);
    expect(gpu({ count: 1.5, type: 'amd.com/gpu' })).toEqual(['deploy.gpu.count']);
    expect(gpu({ count: 1, type: '' })).toEqual(['deploy.gpu.type']);
    expect(gpu({ count: 1, type: 'nvidia.com/gpu', product: 'bad product' })).toEqual([
      'deploy.gpu.product'
    ]);
  });

  it('Kubernetes quantities', () => {
    for (const ok of ['500m', '2Gi', '1.5', '1', '1e3', '.5', '128974848', '129M']) {
      expect(quantityError(ok)).toBeNull();
    }
    for (const bad of ['2GB', 'lots', '-1', '1.5.2', 'Gi', '2 Gi']) {
      expect(quantityError(bad)).toMatch(/not a Kubernetes quantity/);
    }
    const errors = validateCellEdit(
      step('t', [], { requests: { cpu: '500m', memory: '2GB' } }),
      others
    );
    expect(errors.map(e => e.field)).toEqual(['deploy.requests.memory']);
    expect(errors[0].message).toMatch(/"2GB" is not a Kubernetes quantity/);
  });

  it('label keys and values', () => {
    expect(labelKeyError('app.kubernetes.io/name')).toBeNull();
    expect(labelKeyError('team')).toBeNull();
    expect(labelKeyError('Example.com/x')).toMatch(/prefix "Example.com"/);
    expect(labelKeyError('-x')).toMatch(/"-x"/);
    expect(labelKeyError('a'.repeat(64))).toMatch(/1-63/);
    expect(labelValueError('')).toBeNull();
    expect(labelValueError('v1.2_x')).toBeNull();
    expect(labelValueError('has space')).toMatch(/"has space"/);
    const d: DeployConfig = {
      labels: { ok: 'yes', 'bad key!': 'v', k: 'bad/value' },
      annotations: { 'example.com/any': 'free text: allowed' },
      nodeSelector: { 'kubernetes.io/arch': 'amd64' }
    };
    expect(fields(step('t', [], d))).toEqual(['deploy.labels.bad key!', 'deploy.labels.k']);
  });

  it('env names, tolerations, image, retries', () => {
    const d: DeployConfig = {
      env: [
        { name: 'GOOD_NAME', value: '' },
        { name: '1BAD', value: '' },
        { name: 'has space', value: '' }
      ],
      tolerations: [
        { key: 'gpu', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'gpu', operator: 'Exists', value: 'x' },
        { operator: 'Equal', value: 'x' },
        { key: 'k', operator: 'Maybe' as any, effect: 'Sometimes' as any }
      ],
      image: 'has space',
      retries: -1
    };
    expect(fields(step('t', [], d))).toEqual([
      'deploy.env[1].name',
      'deploy.env[2].name',
      'deploy.tolerations[1].value',
      'deploy.tolerations[2].key',
      'deploy.tolerations[3].operator',
      'deploy.tolerations[3].effect',
      'deploy.image',
      'deploy.retries'
    ]);
  });
});
