/**
 * A compiled package + a search (src/model/katib.ts) → a Katib `kubeflow.org/v1beta1` Experiment whose
 * trial is one batch/v1 Job: its one container runs the package's steps in order (runner.ts) with the
 * trial's parameter values and prints the pipeline metrics for Katib's StdOut collector (docs/tuning.md).
 */
import { KatibMetadataError, KatibParameter, KatibSearch, searchProblems } from '../../model/katib';
import { CompileResult } from '../types';
import { toYaml } from '../yaml';
import { IrSpec } from './ir';
import { largestResources } from './resources';
import { RUNNER_SOURCE, SOURCES_MARK, TrialPlan } from './runner';

export const KATIB_API_VERSION = 'kubeflow.org/v1beta1';
/** Katib's default StdOut filter (pkg/metricscollector/v1beta1/common): what the runner's lines match. */
export const KATIB_STDOUT_FILTER = String.raw`([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)`;
export const TRIAL_CONTAINER = 'trial';

export interface ExperimentOptions {
  /** metadata.name (default: the pipeline's name); a Kubernetes name. */
  name?: string;
  namespace?: string;
  /** The trial pod's image; default: the steps' image (they must agree). */
  image?: string;
}

export interface Experiment {
  experiment: Record<string, unknown>;
  yaml: string;
}

/** What a Katib value of a pipeline parameter may be, by its KFP type. */
const SEARCHABLE: Record<string, KatibParameter['parameterType'][]> = {
  NUMBER_INTEGER: ['int', 'discrete', 'categorical'],
  NUMBER_DOUBLE: ['double', 'discrete', 'categorical'],
  STRING: ['categorical'],
  BOOLEAN: ['categorical']
};

/** `${trialParameters.x}`: what Katib replaces in the trial template with the trial's value of x. */
export const trialReference = (name: string): string => `\${trialParameters.${name}}`;

/** The steps in an order where each comes after the tasks it reads from (dependentTasks / producers). */
function plan(result: CompileResult): TrialPlan {
  const spec = result.pipelineSpec as IrSpec;
  const tasks = spec.root?.dag?.tasks ?? {};
  const executors = spec.deploymentSpec?.executors ?? {};
  const components = spec.components ?? {};
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (ordered.includes(name) || visiting.has(name)) {
      return;
    }
    visiting.add(name);
    const task = tasks[name];
    const producers = Object.values(task.inputs?.artifacts ?? {}).flatMap(a =>
      a.taskOutputArtifact ? [a.taskOutputArtifact.producerTask] : []
    );
    [...(task.dependentTasks ?? []), ...producers].sort().forEach(visit);
    ordered.push(name);
  };
  Object.keys(tasks).sort().forEach(visit);
  const parameters: TrialPlan['parameters'] = {};
  for (const [name, p] of Object.entries(spec.root?.inputDefinitions?.parameters ?? {})) {
    parameters[name] = { type: p.parameterType, default: p.defaultValue };
  }
  // Every program embeds the same runtime line: the plan holds it once, the runner puts it back.
  let sources = '';
  const programOf = new Map(
    result.steps.map(s => [
      s.task,
      s.program.replace(/^_CELLPIPE_SOURCES = .*$/m, line => {
        sources = line;
        return SOURCES_MARK;
      })
    ])
  );
  const metricsTask = ordered.find(name => {
    const component = components[tasks[name].componentRef?.name ?? ''] ?? {};
    return (
      component.outputDefinitions?.artifacts?.metrics?.artifactType?.schemaTitle ===
      'system.Metrics'
    );
  });
  return {
    pipeline: spec.pipelineInfo?.name ?? '',
    sources,
    parameters,
    tasks: ordered.map(name => {
      const task = tasks[name];
      const component = components[task.componentRef?.name ?? ''] ?? {};
      const program = programOf.get(name);
      const executor = executors[component.executorLabel ?? '']?.container;
      if (!program || !executor) {
        throw new KatibMetadataError([
          `task "${name}" is not a step of the notebook (a data file import or a volume): a Katib ` +
            'trial runs the steps only; compile without data imports and bake data into the image'
        ]);
      }
      return {
        task: name,
        program,
        parameters: Object.entries(task.inputs?.parameters ?? {})
          .filter(([, v]) => v.componentInputParameter)
          .map(([k]) => k),
        inputs: Object.fromEntries(
          Object.entries(task.inputs?.artifacts ?? {}).flatMap(([k, v]) =>
            v.taskOutputArtifact
              ? [[k, [v.taskOutputArtifact.producerTask, v.taskOutputArtifact.outputArtifactKey]]]
              : []
          )
        ),
        outputs: Object.fromEntries(
          Object.entries(component.outputDefinitions?.artifacts ?? {}).map(([k, v]) => [
            k,
            v.artifactType?.schemaTitle ?? 'system.Artifact'
          ])
        )
      };
    }),
    metricsTask: metricsTask ?? '',
    metrics: result.metrics
  };
}

const RUNNER_END = 'CELLPIPE_TRIAL_RUNNER';
const PLAN_END = 'CELLPIPE_TRIAL_PLAN';
/** Linux's limit on one argument (MAX_ARG_STRLEN): the script is one. */
export const MAX_SCRIPT_BYTES = 128 * 1024 - 1;

/** Bytes of `text` in UTF-8 (no TextEncoder: jsdom has none). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** A shell word: single-quoted, a quote inside written as '\\''. */
const shellWord = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

/**
 * Katib's StdOut collector rewrites the trial container's command into `sh -c "<command and args
 * joined by spaces> 1>/var/log/katib/metrics.log 2>&1 && echo completed > …"` (its pod webhook,
 * wrapWorkerContainer), keeping a leading `sh -c`. So the command is `sh -c SCRIPT`, a script whose
 * last line may be extended: it writes the runner and the plan to files (quoted here-documents, one
 * line of JSON) and ends with the runner's command line, each searched parameter as
 * `'name=${trialParameters.name}'`.
 */
export function trialScript(result: CompileResult, searched: readonly string[]): string {
  return [
    'set -e',
    'd="$(mktemp -d)"',
    `cat > "$d/runner.py" <<'${RUNNER_END}'`,
    RUNNER_SOURCE.replace(/\n$/, ''),
    RUNNER_END,
    `cat > "$d/plan.json" <<'${PLAN_END}'`,
    JSON.stringify(plan(result)),
    PLAN_END,
    [
      'python3 -u "$d/runner.py" "$d/plan.json"',
      ...searched.map(name => shellWord(`${name}=${trialReference(name)}`))
    ].join(' ')
  ].join('\n');
}

/** One image for the trial pod: the steps' own when they agree. */
function trialImage(result: CompileResult, options: ExperimentOptions): string {
  if (options.image) {
    return options.image;
  }
  const executors = (result.pipelineSpec as IrSpec).deploymentSpec?.executors ?? {};
  const images = new Map<string, string[]>();
  for (const step of result.steps) {
    const image = executors[`exec-${step.task}`]?.container?.image ?? '';
    images.set(image, [...(images.get(image) ?? []), step.step]);
  }
  if (images.size !== 1) {
    throw new KatibMetadataError([
      'a trial runs every step in one pod, one image, but the steps use ' +
        [...images].map(([image, steps]) => `${image} (${steps.join(', ')})`).join(' and ') +
        ': give the trial an image that holds what they all import (--image)'
    ]);
  }
  return [...images.keys()][0];
}

const K8S_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The Experiment; throws a KatibMetadataError naming each bad parameter, metric or setting. */
export function buildExperiment(
  result: CompileResult,
  search: KatibSearch,
  options: ExperimentOptions = {}
): Experiment {
  const spec = result.pipelineSpec as IrSpec;
  const rootParameters = spec.root?.inputDefinitions?.parameters ?? {};
  const problems = searchProblems(search);
  if (!result.metrics.length) {
    problems.push(
      'the notebook has no pipeline-metrics cell: a trial has no metric to report to Katib'
    );
  } else if (
    search.objective.objectiveMetricName &&
    !result.metrics.includes(search.objective.objectiveMetricName)
  ) {
    problems.push(
      `objective metric "${search.objective.objectiveMetricName}" is not a pipeline metric ` +
        `(the pipeline-metrics cell has ${result.metrics.join(', ')})`
    );
  }
  for (const p of search.parameters) {
    const kfp = Object.hasOwn(rootParameters, p.name)
      ? rootParameters[p.name].parameterType
      : undefined;
    if (!kfp) {
      const known = Object.keys(rootParameters);
      problems.push(
        `parameter "${p.name}" is not a pipeline parameter (${known.length ? known.join(', ') : 'the notebook has none'})`
      );
    } else if (!(SEARCHABLE[kfp] ?? []).includes(p.parameterType)) {
      problems.push(
        `parameter "${p.name}" is ${kfp} in the notebook: its space cannot be ${p.parameterType}` +
          ` (${(SEARCHABLE[kfp] ?? ['nothing: lists and dicts are not searched']).join(', ')})`
      );
    }
  }
  for (const p of search.parameters) {
    if ('list' in p.feasibleSpace && p.feasibleSpace.list.some(v => v.includes("'"))) {
      problems.push(
        `parameter "${p.name}": a value holds a ' (the trial's shell line quotes values with it)`
      );
    }
  }
  const name = options.name ?? spec.pipelineInfo?.name ?? '';
  if (!K8S_NAME.test(name) || name.length > 63) {
    problems.push(
      `experiment name ${JSON.stringify(name)} is not a Kubernetes name (a-z, 0-9, -; ≤ 63)`
    );
  }
  if (problems.length) {
    throw new KatibMetadataError(problems);
  }
  const searched = search.parameters.map(p => p.name);
  const objectiveName = search.objective.objectiveMetricName;
  const additional = result.metrics.filter(m => m !== objectiveName);
  const resources = largestResources(result);
  const script = trialScript(result, searched);
  const bytes = utf8Length(script);
  if (bytes > MAX_SCRIPT_BYTES) {
    throw new KatibMetadataError([
      `the trial's script is ${bytes} bytes, over Linux's ${MAX_SCRIPT_BYTES + 1}-byte limit on one ` +
        'command-line argument: fewer steps, or shared code moved into a module installed in the image'
    ]);
  }
  const container = {
    name: TRIAL_CONTAINER,
    image: trialImage(result, options),
    command: ['sh', '-c', script],
    ...(resources.resources ? { resources: resources.resources } : {})
  };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } },
        spec: {
          restartPolicy: 'Never',
          containers: [container],
          ...(resources.nodeSelector ? { nodeSelector: resources.nodeSelector } : {})
        }
      }
    }
  };
  const experiment = {
    apiVersion: KATIB_API_VERSION,
    kind: 'Experiment',
    metadata: {
      name,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      labels: { 'app.kubernetes.io/created-by': 'cellpipe' }
    },
    spec: {
      objective: {
        type: search.objective.type,
        objectiveMetricName: objectiveName,
        ...(search.objective.goal !== undefined ? { goal: search.objective.goal } : {}),
        ...(additional.length ? { additionalMetricNames: additional } : {}),
        // The runner prints each metric once, at the end: its value is the latest.
        metricStrategies: result.metrics.map(m => ({ name: m, value: 'latest' }))
      },
      algorithm: { algorithmName: search.algorithm },
      parallelTrialCount: search.parallelTrialCount,
      maxTrialCount: search.maxTrialCount,
      maxFailedTrialCount: search.maxFailedTrialCount,
      parameters: search.parameters.map(p => ({
        name: p.name,
        parameterType: p.parameterType,
        feasibleSpace: p.feasibleSpace
      })),
      metricsCollectorSpec: {
        collector: { kind: 'StdOut' },
        source: { filter: { metricsFormat: [KATIB_STDOUT_FILTER] } }
      },
      trialTemplate: {
        primaryContainerName: TRIAL_CONTAINER,
        successCondition: 'status.conditions.#(type=="Complete")#|#(status=="True")#',
        failureCondition: 'status.conditions.#(type=="Failed")#|#(status=="True")#',
        retain: false,
        trialParameters: search.parameters.map(p => ({
          name: p.name,
          reference: p.name,
          description: `pipeline parameter ${p.name}`
        })),
        trialSpec: job
      }
    }
  };
  return { experiment, yaml: toYaml(experiment) };
}
