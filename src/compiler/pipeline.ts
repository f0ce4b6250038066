/**
 * One step → its component, its executor and its task in the root DAG (shapes as `kfp.compiler` writes them).
 */
import { DeployConfig } from '../model/deploy';
import { AnalysisResult, StepInfo } from '../analysis/types';
import { upstreamSteps } from './graph';
import { TypedParameter } from './parameters';

export const ARTIFACT_SCHEMA_VERSION = '0.0.1';
export const METRICS_OUTPUT = 'metrics';

const artifactType = (schemaTitle: string) => ({
  artifactType: { schemaTitle, schemaVersion: ARTIFACT_SCHEMA_VERSION }
});

export const componentName = (task: string) => `comp-${task}`;
export const executorLabel = (task: string) => `exec-${task}`;

function nonEmpty(map: Record<string, unknown>): Record<string, unknown> | undefined {
  return Object.keys(map).length ? map : undefined;
}

/** Drops undefined members so the YAML shows only what is set. */
export function compact<T extends Record<string, unknown>>(map: T): T {
  return Object.fromEntries(Object.entries(map).filter(([, v]) => v !== undefined)) as T;
}

function byName<T>(names: readonly string[], make: (name: string) => T): Record<string, T> {
  return Object.fromEntries([...names].sort().map(name => [name, make(name)]));
}

export function component(
  step: StepInfo,
  task: string,
  parameters: Map<string, TypedParameter>,
  metrics: string[]
): Record<string, unknown> {
  const outputs: Record<string, unknown> = byName(step.outputs, () =>
    artifactType('system.Artifact')
  );
  if (step.kind === 'metrics') {
    outputs[METRICS_OUTPUT] = {
      ...artifactType('system.Metrics'),
      description: `Metrics of the pipeline: ${metrics.join(', ') || '(none)'}`,
      metadata: { metrics }
    };
  }
  const inputs = compact({
    artifacts: nonEmpty(byName(step.inputs, () => artifactType('system.Artifact'))),
    parameters: nonEmpty(
      byName(step.parameters, name => ({ parameterType: parameters.get(name)?.type }))
    )
  });
  const outputDefinitions = nonEmpty(outputs);
  return compact({
    executorLabel: executorLabel(task),
    inputDefinitions: nonEmpty(inputs),
    outputDefinitions: outputDefinitions && { artifacts: outputDefinitions }
  });
}

const RETRY_BACKOFF = { backoffDuration: '0s', backoffFactor: 2, backoffMaxDuration: '3600s' };

export function task(
  step: StepInfo,
  name: string,
  analysis: AnalysisResult,
  deploy: DeployConfig,
  taskOf: (step: string) => string
): Record<string, unknown> {
  const inputs = compact({
    artifacts: nonEmpty(
      byName(step.inputs, input => ({
        taskOutputArtifact: {
          outputArtifactKey: input,
          producerTask: taskOf(step.inputSources[input])
        }
      }))
    ),
    parameters: nonEmpty(
      byName(step.parameters, parameter => ({ componentInputParameter: parameter }))
    )
  });
  const upstream = upstreamSteps(step, analysis).map(taskOf).sort();
  const retries = deploy.retries ?? 0;
  return compact({
    // KFP writes `{}` for a task whose cache is off (proto3 omits false).
    cachingOptions: deploy.caching === false ? {} : { enableCache: true },
    componentRef: { name: componentName(name) },
    dependentTasks: upstream.length ? upstream : undefined,
    inputs: nonEmpty(inputs),
    retryPolicy: retries > 0 ? { ...RETRY_BACKOFF, maxRetryCount: retries } : undefined,
    // The display name is the step's own name (the user's words), shown by the KFP UI and the runners.
    taskInfo: { name: step.name }
  });
}
