/**
 * The kfp-kubernetes executor config of one step (`platforms.kubernetes.deploymentSpec.executors`):
 * node selector, tolerations, secrets as env and as volumes, PVC mounts, pod metadata, pull secrets,
 * timeout.
 */
import { DeployConfig } from '../model/deploy';
import { StepContext } from './container';

const PULL_POLICIES = new Set(['Always', 'IfNotPresent', 'Never']);
const OPERATORS = new Set(['Equal', 'Exists']);
const EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** kfp-kubernetes names a Kubernetes object by a constant runtime parameter (and the deprecated field). */
const constant = (value: string) => ({ runtimeValue: { constant: value } });

function report(ctx: StepContext, message: string): void {
  ctx.problems.add({
    cellIndex: ctx.cellIndex,
    step: ctx.step,
    message: `step "${ctx.step}": ${message}`
  });
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function nodeSelector(deploy: DeployConfig, acceleratorKey: string): Record<string, string> {
  const labels: Record<string, string> = { ...(deploy.nodeSelector ?? {}) };
  if (deploy.gpu?.product) {
    labels[acceleratorKey] = deploy.gpu.product;
  }
  return labels;
}

function tolerations(deploy: DeployConfig, ctx: StepContext): Record<string, unknown>[] {
  return (deploy.tolerations ?? []).flatMap(t => {
    if (t.operator !== undefined && !OPERATORS.has(t.operator)) {
      report(ctx, `toleration operator "${t.operator}" is not Equal or Exists`);
      return [];
    }
    if (t.effect !== undefined && !EFFECTS.has(t.effect)) {
      report(
        ctx,
        `toleration effect "${t.effect}" is not NoSchedule, PreferNoSchedule or NoExecute`
      );
      return [];
    }
    const out: Record<string, unknown> = {};
    for (const key of ['effect', 'key', 'operator', 'value'] as const) {
      if (t[key] !== undefined) {
        out[key] = t[key];
      }
    }
    if (t.tolerationSeconds !== undefined) {
      out.tolerationSeconds = String(t.tolerationSeconds);
    }
    return [out];
  });
}

/** One entry per secret, its keys in the order written. */
function secretsAsEnv(deploy: DeployConfig, ctx: StepContext): Record<string, unknown>[] {
  const bySecret = new Map<string, { envVar: string; secretKey: string }[]>();
  for (const s of deploy.secrets ?? []) {
    if (!nonEmpty(s.secretName) || !nonEmpty(s.key) || !nonEmpty(s.envVar)) {
      report(ctx, `secret ${JSON.stringify(s)} needs secretName, key and envVar`);
      continue;
    }
    const keys = bySecret.get(s.secretName) ?? [];
    keys.push({ envVar: s.envVar, secretKey: s.key });
    bySecret.set(s.secretName, keys);
  }
  return [...bySecret].map(([secretName, keyToEnv]) => ({
    keyToEnv,
    optional: false,
    secretName,
    secretNameParameter: constant(secretName)
  }));
}

function secretsAsVolume(deploy: DeployConfig, ctx: StepContext): Record<string, unknown>[] {
  return (deploy.secretVolumes ?? []).flatMap(v => {
    if (!nonEmpty(v.secretName) || !nonEmpty(v.mountPath) || !v.mountPath.startsWith('/')) {
      report(
        ctx,
        `secret volume ${JSON.stringify(v)} needs a secretName and an absolute mountPath`
      );
      return [];
    }
    return [
      {
        mountPath: v.mountPath,
        optional: false,
        secretName: v.secretName,
        secretNameParameter: constant(v.secretName)
      }
    ];
  });
}

function pvcMounts(deploy: DeployConfig, ctx: StepContext): Record<string, unknown>[] {
  return (deploy.volumes ?? []).flatMap((v): Record<string, unknown>[] => {
    if (!nonEmpty(v.pvcName) || !nonEmpty(v.mountPath) || !v.mountPath.startsWith('/')) {
      report(ctx, `volume ${JSON.stringify(v)} needs a pvcName and an absolute mountPath`);
      return [];
    }
    if (v.createdBy) {
      // A claim the run creates is named by its CreatePVC task's `name` output (as kfp-kubernetes writes it).
      const output = { outputParameterKey: 'name', producerTask: v.createdBy };
      return [
        {
          mountPath: v.mountPath,
          pvcNameParameter: { taskOutputParameter: output },
          taskOutputParameter: output
        }
      ];
    }
    return [{ constant: v.pvcName, mountPath: v.mountPath, pvcNameParameter: constant(v.pvcName) }];
  });
}

/** The step's KubernetesExecutorConfig as JSON, or undefined when it needs nothing of Kubernetes. */
export function kubernetesExecutorConfig(
  deploy: DeployConfig,
  acceleratorKey: string,
  ctx: StepContext
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const timeout = deploy.timeoutSeconds;
  if (timeout !== undefined) {
    if (Number.isInteger(timeout) && timeout > 0) {
      out.activeDeadlineSeconds = String(timeout);
    } else {
      report(ctx, `timeout ${JSON.stringify(timeout)} is not a positive whole number of seconds`);
    }
  }
  if (deploy.imagePullPolicy !== undefined) {
    if (PULL_POLICIES.has(deploy.imagePullPolicy)) {
      out.imagePullPolicy = deploy.imagePullPolicy;
    } else {
      report(
        ctx,
        `image pull policy "${deploy.imagePullPolicy}" is not Always, IfNotPresent or Never`
      );
    }
  }
  const pullSecrets = [...new Set(deploy.imagePullSecrets ?? [])].filter(nonEmpty);
  if (pullSecrets.length) {
    out.imagePullSecret = pullSecrets.map(secretName => ({
      secretName,
      secretNameParameter: constant(secretName)
    }));
  }
  const selector = nodeSelector(deploy, acceleratorKey);
  if (Object.keys(selector).length) {
    out.nodeSelector = { labels: selector };
  }
  const podMetadata: Record<string, unknown> = {};
  if (deploy.annotations && Object.keys(deploy.annotations).length) {
    podMetadata.annotations = { ...deploy.annotations };
  }
  if (deploy.labels && Object.keys(deploy.labels).length) {
    podMetadata.labels = { ...deploy.labels };
  }
  if (Object.keys(podMetadata).length) {
    out.podMetadata = podMetadata;
  }
  const pvc = pvcMounts(deploy, ctx);
  if (pvc.length) {
    out.pvcMount = pvc;
  }
  const secrets = secretsAsEnv(deploy, ctx);
  if (secrets.length) {
    out.secretAsEnv = secrets;
  }
  const secretVolumes = secretsAsVolume(deploy, ctx);
  if (secretVolumes.length) {
    out.secretAsVolume = secretVolumes;
  }
  const tols = tolerations(deploy, ctx);
  if (tols.length) {
    out.tolerations = tols;
  }
  return Object.keys(out).length ? out : undefined;
}
