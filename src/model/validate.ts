/**
 * Checks of one cell's edit before it is written: each problem names the field it is about
 * and says what is wrong in the user's words.
 */
import { DeployConfig } from './deploy';
import type { CellEdit } from './cell-edit';

export interface FieldError {
  /** Path of the field in the edit, e.g. `stepName`, `deploy.env[0].name`, `deploy.gpu.count`. */
  field: string;
  message: string;
}

export const STEP_NAME = /^[a-z][a-z0-9_]*$/;
/** A Kubernetes resource quantity: `500m`, `2Gi`, `1.5`, `1e3`. */
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** A key of a secret's data. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const OPERATORS = ['Equal', 'Exists'];
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function envNameProblem(name: string | undefined): string {
  return name
    ? `Environment variable name "${name}" may hold only letters, digits, -, _ and . and must not start with a digit`
    : 'Environment variable name is required';
}

/** A Kubernetes object name (secret, claim): a DNS subdomain. */
function objectNameError(what: string, name: string | undefined): string | null {
  if (!name) {
    return `${what} is required`;
  }
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    return `${what} "${name}" must be lowercase letters, digits, - and ., starting and ending with a letter or digit`;
  }
  return null;
}

function mountPathError(path: string | undefined): string | null {
  if (!path) {
    return 'mount path is required';
  }
  if (!path.startsWith('/') || path.includes(':')) {
    return `mount path "${path}" must be an absolute path (starting with /) without ":"`;
  }
  return null;
}

export function stepNameError(name: string, otherSteps: readonly string[]): string | null {
  if (!name) {
    return 'Step name is required';
  }
  if (!STEP_NAME.test(name)) {
    return `Step name "${name}" must start with a lowercase letter and hold only lowercase letters, digits and _`;
  }
  if (otherSteps.includes(name)) {
    return `Step name "${name}" is already used by another step`;
  }
  return null;
}

/**
 * A step name written in a tag (`step:NAME`, `block:NAME`), as the analyzer and the compiler report
 * it: the editor's own rule, spelled out so a hand-written tag can be fixed without the editor.
 */
export function taggedStepNameError(name: string): string | null {
  const problem = stepNameError(name, []);
  return problem && `${problem} (the rule is ${STEP_NAME.source}, as in the cell editor)`;
}

export function quantityError(value: string): string | null {
  return QUANTITY.test(value)
    ? null
    : `"${value}" is not a Kubernetes quantity (e.g. 500m, 2Gi, 1.5)`;
}

/** A Kubernetes qualified name: `[prefix/]name`, prefix a DNS subdomain. */
export function labelKeyError(key: string): string | null {
  if (!key) {
    return 'Key is required';
  }
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && (!prefix || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `Key "${key}": prefix "${prefix}" must be a DNS subdomain (lowercase, e.g. example.com)`;
  }
  if (!name || name.length > 63 || !LABEL_NAME.test(name)) {
    return `Key "${key}": name must be 1-63 letters, digits, -, _ or ., starting and ending with a letter or digit`;
  }
  return null;
}

export function labelValueError(value: string): string | null {
  if (value === '') {
    return null;
  }
  if (value.length > 63 || !LABEL_NAME.test(value)) {
    return `Value "${value}" must be at most 63 letters, digits, -, _ or ., starting and ending with a letter or digit`;
  }
  return null;
}

function checkMap(
  errors: FieldError[],
  field: string,
  map: Record<string, string> | undefined,
  checkValue: (value: string) => string | null,
  checkKey: (key: string) => string | null = labelKeyError
): void {
  for (const [key, value] of Object.entries(map ?? {})) {
    const problem = checkKey(key) ?? checkValue(value);
    if (problem) {
      errors.push({ field: `${field}.${key}`, message: problem });
    }
  }
}

/** Problems of a deploy config, with fields under `deploy.`. */
export function validateDeploy(d: DeployConfig): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, message: string) =>
    errors.push({ field: `deploy.${field}`, message });
  for (const which of ['requests', 'limits'] as const) {
    checkMap(errors, `deploy.${which}`, d[which], value =>
      value ? quantityError(value) : 'Quantity is required'
    );
  }
  if (d.gpu) {
    if (!Number.isInteger(d.gpu.count) || d.gpu.count < 1) {
      add('gpu.count', `GPU count must be a positive whole number, not "${d.gpu.count}"`);
    }
    const typeProblem = d.gpu.type ? labelKeyError(d.gpu.type) : 'GPU type is required';
    if (typeProblem) {
      add('gpu.type', `GPU type: ${typeProblem}`);
    }
    if (d.gpu.product && labelValueError(d.gpu.product)) {
      add('gpu.product', `GPU product: ${labelValueError(d.gpu.product)}`);
    }
  }
  checkMap(errors, 'deploy.labels', d.labels, labelValueError);
  checkMap(errors, 'deploy.annotations', d.annotations, () => null);
  checkMap(errors, 'deploy.nodeSelector', d.nodeSelector, labelValueError);
  (d.env ?? []).forEach((v, i) => {
    if (!ENV_NAME.test(v.name)) {
      add(`env[${i}].name`, envNameProblem(v.name));
    }
  });
  (d.tolerations ?? []).forEach((t, i) => {
    const at = (name: string, message: string) =>
      add(`tolerations[${i}].${name}`, `Toleration ${i + 1}: ${message}`);
    const keyProblem = t.key ? labelKeyError(t.key) : null;
    if (keyProblem) {
      at('key', keyProblem);
    } else if (!t.key && t.operator !== 'Exists') {
      at('key', 'a toleration without a key needs operator Exists');
    }
    if (t.operator && !OPERATORS.includes(t.operator)) {
      at('operator', `operator must be Equal or Exists, not "${t.operator}"`);
    }
    if (t.operator === 'Exists' && t.value) {
      at('value', 'with operator Exists it takes no value');
    } else if (t.value && labelValueError(t.value)) {
      at('value', labelValueError(t.value)!);
    }
    if (t.effect && !EFFECTS.includes(t.effect)) {
      at('effect', `effect must be NoSchedule, PreferNoSchedule or NoExecute, not "${t.effect}"`);
    }
    if (t.tolerationSeconds !== undefined) {
      if (!Number.isInteger(t.tolerationSeconds) || t.tolerationSeconds < 0) {
        at('tolerationSeconds', 'seconds must be a whole number of at least 0');
      } else if (t.effect !== 'NoExecute') {
        at('tolerationSeconds', 'seconds apply only to effect NoExecute');
      }
    }
  });
  const plainEnv = new Set((d.env ?? []).map(v => v.name));
  (d.secrets ?? []).forEach((s, i) => {
    const at = (name: string, message: string) =>
      add(`secrets[${i}].${name}`, `Secret variable ${i + 1}: ${message}`);
    if (!ENV_NAME.test(s.envVar ?? '')) {
      at('envVar', envNameProblem(s.envVar));
    } else if (plainEnv.has(s.envVar)) {
      at('envVar', `"${s.envVar}" is also set in Environment variables`);
    }
    const nameProblem = objectNameError('secret name', s.secretName);
    if (nameProblem) {
      at('secretName', nameProblem);
    }
    if (!s.key) {
      at('key', 'the key in the secret is required');
    } else if (!SECRET_KEY.test(s.key)) {
      at('key', `key "${s.key}" may hold only letters, digits, -, _ and .`);
    }
  });
  // Two mounts on one path make the pod fail to start: each path once per step.
  const mounted = new Map<string, string>();
  const mount = (field: string, what: string, path: string | undefined) => {
    const problem = mountPathError(path);
    if (problem) {
      add(field, `${what}: ${problem}`);
    } else if (mounted.has(path!)) {
      add(field, `${what}: mount path "${path}" is already used by ${mounted.get(path!)}`);
    } else {
      mounted.set(path!, what);
    }
  };
  (d.volumes ?? []).forEach((v, i) => {
    const nameProblem = objectNameError('claim (PVC) name', v.pvcName);
    if (nameProblem) {
      add(`volumes[${i}].pvcName`, `Volume ${i + 1}: ${nameProblem}`);
    }
    mount(`volumes[${i}].mountPath`, `Volume ${i + 1}`, v.mountPath);
  });
  (d.secretVolumes ?? []).forEach((v, i) => {
    const nameProblem = objectNameError('secret name', v.secretName);
    if (nameProblem) {
      add(`secretVolumes[${i}].secretName`, `Secret volume ${i + 1}: ${nameProblem}`);
    }
    mount(`secretVolumes[${i}].mountPath`, `Secret volume ${i + 1}`, v.mountPath);
  });
  if (d.image !== undefined && /\s/.test(d.image)) {
    add('image', `Image "${d.image}" must not contain spaces`);
  }
  for (const key of ['retries', 'timeoutSeconds'] as const) {
    const n = d[key];
    if (n !== undefined && (!Number.isInteger(n) || n < 0)) {
      add(key, `${key === 'retries' ? 'Retries' : 'Timeout'} must be a whole number of at least 0`);
    }
  }
  return errors;
}

/**
 * Problems of one cell's edit. `otherSteps`: the step names of the notebook's other cells
 * (a step name must be unique; depends-on may name only those).
 */
export function validateCellEdit(edit: CellEdit, otherSteps: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  if (edit.kind === 'step') {
    const problem = stepNameError(edit.stepName, otherSteps);
    if (problem) {
      errors.push({ field: 'stepName', message: problem });
    }
  }
  edit.prev.forEach((name, i) => {
    if (edit.kind === 'step' && name === edit.stepName) {
      errors.push({ field: `prev[${i}]`, message: `Step "${name}" cannot depend on itself` });
    } else if (!otherSteps.includes(name)) {
      errors.push({
        field: `prev[${i}]`,
        message: `Depends on "${name}", which is not a step of this notebook`
      });
    }
  });
  return errors.concat(validateDeploy(edit.deploy));
}
