/**
 * One step → its component, its executor and its task in the root DAG (shapes as `kfp.compiler` writes them).
 */
import { DeployConfig } from '../model/deploy';
import type { CreatedClaim } from '../model/kale-volumes';
import { AnalysisResult, StepInfo } from '../analysis/types';
import { upstreamSteps } from './graph';
import { TypedParameter } from './parameters';

export const ARTIFACT_SCHEMA_VERSION = '0.0.1';
export const METRICS_OUTPUT = 'metrics';
/** The metrics step's confusion matrix and ROC curve, when a metric is one (docs/step-program.md). */
export const CLASSIFICATION_OUTPUT = 'classification_metrics';
/** Every step's report (docs/step-program.md, "Step reports"); the second name when a variable has the first. */
export const REPORT_OUTPUTS = ['report', 'cellpipe_report'] as const;

const artifactType = (schemaTitle: string) => ({
  artifactType: { schemaTitle, schemaVersion: ARTIFACT_SCHEMA_VERSION }
});

/** Inputs or outputs of one kind (artifacts or parameters) of a component or task, by name. */
export type IRSection = Record<string, unknown>;

/** The parts of a step's component that later stages add inputs and outputs to (importers, file flow). */
export interface ComponentIR {
  inputDefinitions?: { artifacts?: IRSection; parameters?: IRSection };
  outputDefinitions?: { artifacts?: IRSection; parameters?: IRSection };
}

/** The parts of a step's task in the root DAG that later stages add inputs and upstream tasks to. */
export interface TaskIR {
  inputs?: { artifacts?: IRSection; parameters?: IRSection };
  dependentTasks?: string[];
}

/** The components and tasks made so far, by component name and task name. */
export interface PipelineIR {
  components: Record<string, unknown>;
  executors: Record<string, unknown>;
  dagTasks: Record<string, unknown>;
}

/** The component made for a task (by component() or an importer), as the stages that extend it see it. */
export const componentIR = (ir: Pick<PipelineIR, 'components'>, task: string) =>
  ir.components[componentName(task)] as ComponentIR;

/** The task made for a DAG task name (by task() or an importer), as the stages that extend it see it. */
export const taskIR = (ir: Pick<PipelineIR, 'dagTasks'>, task: string) =>
  ir.dagTasks[task] as TaskIR;

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
  metrics: string[],
  report?: string
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
    outputs[CLASSIFICATION_OUTPUT] = {
      ...artifactType('system.ClassificationMetrics'),
      description: 'The confusion matrix and ROC curve among the metrics, if any'
    };
  }
  if (report) {
    outputs[report] = {
      ...artifactType('system.HTML'),
      description: `What step "${step.name}" showed: its output, figures, displayed values, metrics`
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
  // A step that mounts a claim the run creates waits for its creation.
  const creators = (deploy.volumes ?? []).flatMap(v => (v.createdBy ? [v.createdBy] : []));
  const upstream = [...new Set([...upstreamSteps(step, analysis).map(taskOf), ...creators])].sort();
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

/** kfp-kubernetes' CreatePVC inputs, as `kubernetes.CreatePVC` compiles them (descriptions left out). */
const CREATE_PVC_INPUTS = {
  access_modes: { parameterType: 'LIST' },
  annotations: { isOptional: true, parameterType: 'STRUCT' },
  data_source: { isOptional: true, parameterType: 'STRUCT' },
  pvc_name: { isOptional: true, parameterType: 'STRING' },
  pvc_name_suffix: { isOptional: true, parameterType: 'STRING' },
  size: { parameterType: 'STRING' },
  storage_class_name: { defaultValue: '', isOptional: true, parameterType: 'STRING' },
  volume_name: { isOptional: true, parameterType: 'STRING' }
};

/** The KFP backend runs these two as Kubernetes operations, recognised by these images. */
export const CREATE_PVC_IMAGE = 'argostub/createpvc';
export const DELETE_PVC_IMAGE = 'argostub/deletepvc';

const constantInput = (value: unknown) => ({ runtimeValue: { constant: value } });

/**
 * The CreatePVC and DeletePVC tasks of the claims a run creates (Kale `new_pvc`, `pv`): created
 * before the steps that mount them, deleted after every step. Never cached: a cached creation would
 * name a claim an earlier run deleted.
 */
export function claimTasks(
  claims: readonly CreatedClaim[],
  stepTasks: readonly string[]
): {
  components: Record<string, unknown>;
  executors: Record<string, unknown>;
  tasks: Record<string, unknown>;
} {
  const components: Record<string, unknown> = {};
  const executors: Record<string, unknown> = {};
  const tasks: Record<string, unknown> = {};
  for (const claim of claims) {
    components[componentName(claim.createTask)] = {
      executorLabel: executorLabel(claim.createTask),
      inputDefinitions: { parameters: CREATE_PVC_INPUTS },
      outputDefinitions: { parameters: { name: { parameterType: 'STRING' } } }
    };
    components[componentName(claim.deleteTask)] = {
      executorLabel: executorLabel(claim.deleteTask),
      inputDefinitions: { parameters: { pvc_name: { parameterType: 'STRING' } } }
    };
    executors[executorLabel(claim.createTask)] = { container: { image: CREATE_PVC_IMAGE } };
    executors[executorLabel(claim.deleteTask)] = { container: { image: DELETE_PVC_IMAGE } };
    tasks[claim.createTask] = {
      cachingOptions: {},
      componentRef: { name: componentName(claim.createTask) },
      inputs: {
        parameters: compact({
          access_modes: constantInput(claim.accessModes),
          annotations: Object.keys(claim.annotations).length
            ? constantInput({ ...claim.annotations })
            : undefined,
          pvc_name_suffix: constantInput(`-${claim.name}`),
          size: constantInput(claim.size),
          storage_class_name:
            claim.storageClassName !== undefined
              ? constantInput(claim.storageClassName)
              : undefined,
          volume_name: claim.volumeName !== undefined ? constantInput(claim.volumeName) : undefined
        })
      },
      taskInfo: { name: claim.createTask }
    };
    tasks[claim.deleteTask] = {
      cachingOptions: {},
      componentRef: { name: componentName(claim.deleteTask) },
      dependentTasks: [claim.createTask, ...stepTasks].sort(),
      inputs: {
        parameters: {
          pvc_name: {
            taskOutputParameter: { outputParameterKey: 'name', producerTask: claim.createTask }
          }
        }
      },
      taskInfo: { name: claim.deleteTask }
    };
  }
  return { components, executors, tasks };
}
