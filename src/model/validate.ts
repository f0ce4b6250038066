/**
 * Checks of one cell's edit before it is written: each problem names the field it is about
 * and says what is wrong in the user's words.
 */
import { DeployConfig } from './deploy';
import { CellEdit } from './write';

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
const OPERATORS = ['Equal', 'Exists'];
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

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
      add(
        `env[${i}].name`,
        v.name
          ? `Environment variable name "${v.name}" may hold only letters, digits, -, _ and . and must not start with a digit`
          : 'Environment variable name is required'
      );
    }
  });
  (d.tolerations ?? []).forEach((t, i) => {
    if (t.operator && !OPERATORS.includes(t.operator)) {
      add(
        `tolerations[${i}].operator`,
        `Toleration operator must be Equal or Exists, not "${t.operator}"`
      );
    }
    if (t.effect && !EFFECTS.includes(t.effect)) {
      add(
        `tolerations[${i}].effect`,
        `Toleration effect must be NoSchedule, PreferNoSchedule or NoExecute, not "${t.effect}"`
      );
    }
    if (t.operator === 'Exists' && t.value) {
      add(`tolerations[${i}].value`, 'A toleration with operator Exists takes no value');
    }
    if (!t.key && t.operator !== 'Exists') {
      add(`tolerations[${i}].key`, 'A toleration without a key needs operator Exists');
    }
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
