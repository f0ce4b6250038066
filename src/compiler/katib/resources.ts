/**
 * The trial pod's resources: every step runs in it one after another, so it asks for the largest
 * request and limit any step asks for, per resource, GPUs included (by their resource type).
 */
import { CompileResult } from '../types';
import { IrPlatform, IrResources, IrSpec } from './ir';

const UNITS: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60
};

/** A Kubernetes quantity as a number (`500m` → 0.5, `4Gi` → 4294967296); NaN when it is not one. */
export function quantity(text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(text.trim());
  return match ? Number(match[1]) * (match[2] ? UNITS[match[2]] : 1) : NaN;
}

const FIELDS: [keyof IrResources, 'requests' | 'limits', string][] = [
  ['resourceCpuRequest', 'requests', 'cpu'],
  ['resourceMemoryRequest', 'requests', 'memory'],
  ['resourceCpuLimit', 'limits', 'cpu'],
  ['resourceMemoryLimit', 'limits', 'memory']
];

export interface TrialResources {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  nodeSelector?: Record<string, string>;
}

export function largestResources(result: CompileResult): TrialResources {
  const executors = (result.pipelineSpec as IrSpec).deploymentSpec?.executors ?? {};
  const platform =
    (result.platformSpec as IrPlatform | undefined)?.platforms?.kubernetes?.deploymentSpec
      ?.executors ?? {};
  const out: { requests: Record<string, string>; limits: Record<string, string> } = {
    requests: {},
    limits: {}
  };
  const nodeSelector: Record<string, string> = {};
  const larger = (kind: 'requests' | 'limits', key: string, value: string) => {
    const now = out[kind][key];
    if (now === undefined || quantity(value) > quantity(now)) {
      out[kind][key] = value;
    }
  };
  for (const step of result.steps) {
    const label = `exec-${step.task}`;
    const res: IrResources = executors[label]?.container?.resources ?? {};
    for (const [field, kind, key] of FIELDS) {
      const value = res[field];
      if (typeof value === 'string') {
        larger(kind, key, value);
      }
    }
    const gpu = res.accelerator;
    if (gpu?.resourceType && gpu?.resourceCount) {
      // A GPU is asked for as a limit (Kubernetes sets the request to it).
      larger('limits', gpu.resourceType, String(gpu.resourceCount));
    }
    Object.assign(nodeSelector, platform[label]?.nodeSelector?.labels ?? {});
  }
  const resources = Object.fromEntries(
    Object.entries(out).filter(([, v]) => Object.keys(v).length)
  ) as TrialResources['resources'];
  return {
    ...(Object.keys(resources!).length ? { resources } : {}),
    ...(Object.keys(nodeSelector).length ? { nodeSelector } : {})
  };
}
