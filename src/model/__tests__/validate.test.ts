import { DeployConfig } from '../deploy';
import { parseTags } from '../tags';
import {
  isQuantity,
  labelKeyError,
  labelValueError,
  stepNameError,
  validateCellEdit
} from '../validate';

function step(name: string, prev: string[] = []) {
  const a = parseTags([`step:${name}`]);
  a.prev = prev;
  return a;
}

const ctx = { otherSteps: ['load_data', 'split'], cellLabel: 'cell 5' };

describe('validation', () => {
  it('step names: pattern and uniqueness', () => {
    expect(stepNameError('train_2', ['a'])).toBeNull();
    expect(stepNameError('Train', [])).toMatch(/"Train" must start with a lowercase letter/);
    expect(stepNameError('2train', [])).toMatch(/must start/);
    expect(stepNameError('my-step', [])).toMatch(/"my-step"/);
    expect(stepNameError('', [])).toMatch(/required/);
    expect(stepNameError('split', ['split'])).toMatch(/already used/);
  });

  it('depends-on only existing steps, not itself, not twice', () => {
    const errors = validateCellEdit(step('train', ['split', 'nope', 'train', 'split']), {}, ctx);
    expect(errors.map(e => e.field)).toEqual(['prev.1', 'prev.2', 'prev.3']);
    expect(errors[0].message).toBe(
      'cell 5 (step "train"): depends on "nope", which is not a step of this notebook'
    );
    expect(validateCellEdit(step('train', ['split', 'load_data']), {}, ctx)).toEqual([]);
  });

  it('GPU count is a positive integer, type a resource name', () => {
    const bad = (gpu: any) => validateCellEdit(step('t'), { gpu }, ctx).map(e => e.field);
    expect(bad({ count: 1, type: 'nvidia.com/gpu' })).toEqual([]);
    expect(bad({ count: 0, type: 'nvidia.com/gpu' })).toEqual(['deploy.gpu.count']);
    expect(bad({ count: 1.5, type: 'nvidia.com/gpu' })).toEqual(['deploy.gpu.count']);
    expect(bad({ count: 1, type: 'gpu' })).toEqual(['deploy.gpu.type']);
    expect(bad({ count: 1, type: 'nvidia.com/gpu', product: 'bad product' })).toEqual([
      'deploy.gpu.product'
    ]);
  });

  it('Kubernetes quantities', () => {
    for (const ok of ['500m', '2Gi', '1.5', '1', '1e3', '.5', '128974848', '129M']) {
      expect(isQuantity(ok)).toBe(true);
    }
    for (const bad of ['', '2GB', 'lots', '-1', '1.5.2', 'Gi', '2 Gi']) {
      expect(isQuantity(bad)).toBe(false);
    }
    const errors = validateCellEdit(step('t'), { requests: { cpu: '500m', memory: '2GB' } }, ctx);
    expect(errors).toEqual([
      {
        field: 'deploy.requests.memory',
        message:
          'cell 5 (step "t"): requests memory "2GB" is not a Kubernetes quantity (e.g. 500m, 2Gi, 1.5)'
      }
    ]);
  });

  it('label keys and values', () => {
    expect(labelKeyError('app.kubernetes.io/name')).toBeNull();
    expect(labelKeyError('team')).toBeNull();
    expect(labelKeyError('Example.com/x')).toMatch(/prefix "Example.com"/);
    expect(labelKeyError('-x')).toMatch(/name "-x"/);
    expect(labelKeyError('a'.repeat(64))).toMatch(/longer than 63/);
    expect(labelValueError('')).toBeNull();
    expect(labelValueError('v1.2_x')).toBeNull();
    expect(labelValueError('has space')).toMatch(/letters, digits/);
    const d: DeployConfig = {
      labels: { ok: 'yes', 'bad key!': 'v', k: 'bad/value' },
      annotations: { 'example.com/any': 'free text: allowed' },
      nodeSelector: { 'kubernetes.io/arch': 'amd64' }
    };
    expect(validateCellEdit(step('t'), d, ctx).map(e => e.field)).toEqual([
      'deploy.labels.bad key!',
      'deploy.labels.k'
    ]);
  });

  it('env names, tolerations, secrets, volumes, image, retries', () => {
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
      secrets: [
        { secretName: 'my-secret', key: 'token', envVar: 'TOKEN' },
        { secretName: 'Bad_Secret', key: 'a b', envVar: '9x' }
      ],
      volumes: [{ pvcName: 'data', mountPath: 'relative' }],
      image: 'has space',
      retries: -1,
      timeoutSeconds: 0
    };
    expect(validateCellEdit(step('t'), d, ctx).map(e => e.field)).toEqual([
      'deploy.env.1.name',
      'deploy.env.2.name',
      'deploy.tolerations.1.value',
      'deploy.tolerations.2.key',
      'deploy.tolerations.3.operator',
      'deploy.tolerations.3.effect',
      'deploy.secrets.1.secretName',
      'deploy.secrets.1.key',
      'deploy.secrets.1.envVar',
      'deploy.volumes.0.mountPath',
      'deploy.image',
      'deploy.retries',
      'deploy.timeoutSeconds'
    ]);
  });

  it('a non-step cell with prev is refused; a non-step with no settings passes', () => {
    const a = parseTags(['imports', 'prev:split']);
    expect(validateCellEdit(a, {}, { otherSteps: [] })[0].message).toBe(
      'this cell: only a step can depend on other steps'
    );
    expect(validateCellEdit(parseTags(['skip']), {}, { otherSteps: [] })).toEqual([]);
  });
});
