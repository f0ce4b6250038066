/**
 * How a step's name becomes its KFP task name. The analyzer checks step names with it and the
 * compiler names tasks with it, so both agree on which names are valid.
 */

/** KFP task names are Kubernetes-style names: at most 63 characters. */
export const MAX_TASK_NAME = 63;

/** Accents dropped, lower case, anything but letters and digits becomes one `-`, no `-` at either end. */
export function toKebab(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
