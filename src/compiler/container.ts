/**
 * `deploymentSpec.executors.exec-<task>.container`: image, the fixed command, the program, env, resources.
 */
import { DeployConfig, EnvVar } from '../model/deploy';
import { Problems } from './types';

/** Fixed by docs/step-program.md: write the program to a file, run it with the executor input. */
export const STEP_COMMAND = [
  'sh',
  '-ec',
  'p="$(mktemp -d)/cellpipe_step.py"; printf "%s" "$0" > "$p"; exec python3 -u "$p" "$@"'
];
export const EXECUTOR_INPUT_PLACEHOLDER = '{{$}}';

const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESOURCE_FIELD: Record<string, Record<string, string>> = {
  requests: { cpu: 'resourceCpuRequest', memory: 'resourceMemoryRequest' },
  limits: { cpu: 'resourceCpuLimit', memory: 'resourceMemoryLimit' }
};

export interface StepContext {
  step: string;
  cellIndex: number;
  problems: Problems;
}

function report(ctx: StepContext, message: string): void {
  ctx.problems.add({
    cellIndex: ctx.cellIndex,
    step: ctx.step,
    message: `step "${ctx.step}": ${message}`
  });
}

/** Env in order of first appearance; a later value of the same name replaces the earlier one. */
export function mergedEnv(
  env: readonly EnvVar[],
  ctx: StepContext
): { name: string; value: string }[] {
  const byName = new Map<string, string>();
  for (const item of env) {
    if (!item || typeof item.name !== 'string' || !ENV_NAME.test(item.name)) {
      report(ctx, `environment variable name ${JSON.stringify(item?.name)} is not valid`);
      continue;
    }
    byName.set(item.name, String(item.value ?? ''));
  }
  return [...byName].map(([name, value]) => ({ name, value }));
}

/** The `resources` block with the string fields KFP reads (`resourceCpuLimit`, …), or undefined. */
export function resources(
  deploy: DeployConfig,
  ctx: StepContext
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const kind of ['requests', 'limits'] as const) {
    for (const [key, raw] of Object.entries(deploy[kind] ?? {})) {
      // Own keys only: a limit named `constructor` is not a resource field.
      const field = Object.hasOwn(RESOURCE_FIELD[kind], key)
        ? RESOURCE_FIELD[kind][key]
        : undefined;
      const value = String(raw).trim();
      if (!field) {
        report(ctx, `resource ${kind}.${key} is not supported (cpu, memory, or a GPU as gpu)`);
      } else if (!QUANTITY.test(value)) {
        report(ctx, `${kind}.${key} = "${value}" is not a Kubernetes quantity (e.g. 500m, 2, 4Gi)`);
      } else {
        out[field] = value;
      }
    }
  }
  const gpu = deploy.gpu;
  if (gpu) {
    if (!Number.isInteger(gpu.count) || gpu.count < 1) {
      report(ctx, `GPU count ${JSON.stringify(gpu.count)} is not a positive integer`);
    } else if (!gpu.type || typeof gpu.type !== 'string') {
      report(ctx, 'GPU has no resource type (e.g. nvidia.com/gpu)');
    } else {
      out.accelerator = { resourceCount: String(gpu.count), resourceType: gpu.type };
    }
  }
  return Object.keys(out).length ? out : undefined;
}

export function containerSpec(
  image: string,
  program: string,
  deploy: DeployConfig,
  ctx: StepContext
): Record<string, unknown> {
  if (program.includes('{{$')) {
    // KFP substitutes `{{$...}}` anywhere in a container's args, and the program is one of them.
    report(
      ctx,
      'its code contains "{{$", which Kubeflow Pipelines would replace with run-time values; ' +
        'write it another way (e.g. "{{" + "$")'
    );
  }
  const container: Record<string, unknown> = {
    args: [program, '--executor-input', EXECUTOR_INPUT_PLACEHOLDER],
    command: STEP_COMMAND,
    image
  };
  const env = mergedEnv(deploy.env ?? [], ctx);
  if (env.length) {
    container.env = env;
  }
  const res = resources(deploy, ctx);
  if (res) {
    container.resources = res;
  }
  return container;
}
