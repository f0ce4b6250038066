import { DeployConfig } from '../deploy';
import {
  labelKeyError,
  labelValueError,
  quantityError,
  stepNameError,
  validateCellEdit
} from '../validate';
import { CellEdit } from '../cell-edit';

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

  it('tolerations: each problem names the toleration and its field', () => {
    const errors = validateCellEdit(
      step('t', [], {
        tolerations: [
          {
            key: 'node.kubernetes.io/unreachable',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 300
          },
          { key: 'Bad Key', operator: 'Equal', value: 'has space' },
          {
            key: 'gpu',
            operator: 'Equal',
            value: 'yes',
            effect: 'NoSchedule',
            tolerationSeconds: 60
          },
          { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1.5 }
        ]
      }),
      others
    );
    expect(errors.map(e => [e.field, e.message])).toEqual([
      [
        'deploy.tolerations[1].key',
        'Toleration 2: Key "Bad Key": name must be 1-63 letters, digits, -, _ or ., starting and ending with a letter or digit'
      ],
      [
        'deploy.tolerations[1].value',
        'Toleration 2: Value "has space" must be at most 63 letters, digits, -, _ or ., starting and ending with a letter or digit'
      ],
      [
        'deploy.tolerations[2].tolerationSeconds',
        'Toleration 3: seconds apply only to effect NoExecute'
      ],
      [
        'deploy.tolerations[3].tolerationSeconds',
        'Toleration 4: seconds must be a whole number of at least 0'
      ]
    ]);
  });

  it('secrets as env and as files, volumes: names, keys, absolute and distinct mount paths', () => {
    const d: DeployConfig = {
      env: [{ name: 'TOKEN', value: 'x' }],
      secrets: [
        { envVar: 'AWS_ACCESS_KEY_ID', secretName: 's3-credentials', key: 'access' },
        { envVar: 'TOKEN', secretName: 'S3_Creds', key: '' },
        { envVar: '', secretName: '', key: 'a/b' }
      ],
      volumes: [
        { pvcName: 'shared-data', mountPath: '/data' },
        { pvcName: 'scratch', mountPath: 'data' },
        { pvcName: '', mountPath: '/data' }
      ],
      secretVolumes: [
        { secretName: 'tls-certs', mountPath: '/etc/tls' },
        { secretName: 'other', mountPath: '/etc/tls' }
      ]
    };
    expect(validateCellEdit(step('t', [], d), others).map(e => [e.field, e.message])).toEqual([
      [
        'deploy.secrets[1].envVar',
        'Secret variable 2: "TOKEN" is also set in Environment variables'
      ],
      [
        'deploy.secrets[1].secretName',
        'Secret variable 2: secret name "S3_Creds" must be lowercase letters, digits, - and ., starting and ending with a letter or digit'
      ],
      ['deploy.secrets[1].key', 'Secret variable 2: the key in the secret is required'],
      ['deploy.secrets[2].envVar', 'Secret variable 3: Environment variable name is required'],
      ['deploy.secrets[2].secretName', 'Secret variable 3: secret name is required'],
      [
        'deploy.secrets[2].key',
        'Secret variable 3: key "a/b" may hold only letters, digits, -, _ and .'
      ],
      [
        'deploy.volumes[1].mountPath',
        'Volume 2: mount path "data" must be an absolute path (starting with /) without ":"'
      ],
      ['deploy.volumes[2].pvcName', 'Volume 3: claim (PVC) name is required'],
      ['deploy.volumes[2].mountPath', 'Volume 3: mount path "/data" is already used by Volume 1'],
      [
        'deploy.secretVolumes[1].mountPath',
        'Secret volume 2: mount path "/etc/tls" is already used by Secret volume 1'
      ]
    ]);
  });
});
