/**
 * Kale's `kubeflow_notebook.katib_metadata`: the search of a Katib tuning, read, checked and written
 * back. Its shape is Kale's, which is Katib's own `ExperimentSpec` fields:
 * `{parameters: [{name, parameterType, feasibleSpace: {min, max, step} | {list}}],
 *   objective: {type, objectiveMetricName, goal?, additionalMetricNames?}, algorithm: {algorithmName},
 *   maxTrialCount, parallelTrialCount, maxFailedTrialCount}`. Keys cellpipe does not know are kept.
 */
import { isObject, own } from './own';

export const KATIB_ALGORITHMS = ['random', 'grid', 'bayesianoptimization', 'tpe', 'cmaes'] as const;
export type KatibAlgorithm = (typeof KATIB_ALGORITHMS)[number];

/** A parameter's search space: a numeric range (with an optional step) or a list of values. */
export type FeasibleSpace = { min: string; max: string; step?: string } | { list: string[] };

export interface KatibParameter {
  name: string;
  parameterType: 'int' | 'double' | 'categorical' | 'discrete';
  feasibleSpace: FeasibleSpace;
}

export interface KatibSearch {
  /** The parameters searched; every other pipeline parameter stays fixed at its value. */
  parameters: KatibParameter[];
  objective: {
    type: 'maximize' | 'minimize';
    objectiveMetricName: string;
    goal?: number;
  };
  algorithm: KatibAlgorithm;
  maxTrialCount: number;
  parallelTrialCount: number;
  maxFailedTrialCount: number;
}

/** Kale's defaults (its KatibConfig). */
export const DEFAULT_SEARCH: Omit<KatibSearch, 'parameters' | 'objective'> = {
  algorithm: 'random',
  maxTrialCount: 12,
  parallelTrialCount: 3,
  maxFailedTrialCount: 3
};

export class KatibMetadataError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'KatibMetadataError';
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** The problems of one parameter's space, each naming the parameter; [] when it is valid. */
export function spaceProblems(p: KatibParameter): string[] {
  const where = `parameter "${p.name}"`;
  const space = p.feasibleSpace as Record<string, unknown>;
  if (!['int', 'double', 'categorical', 'discrete'].includes(p.parameterType)) {
    return [
      `${where}: parameterType ${JSON.stringify(p.parameterType)} is not int, double, categorical or discrete`
    ];
  }
  if (p.parameterType === 'int' || p.parameterType === 'double') {
    if ('list' in space && space.list !== undefined) {
      return [`${where}: a ${p.parameterType} range takes min and max, not a list`];
    }
    const pattern = p.parameterType === 'int' ? INTEGER : NUMBER;
    const what = p.parameterType === 'int' ? 'a whole number' : 'a number';
    const out: string[] = [];
    for (const key of ['min', 'max', 'step'] as const) {
      const value = space[key];
      if (value === undefined && key === 'step') {
        continue;
      }
      if (typeof value !== 'string' || !pattern.test(value)) {
        out.push(
          `${where}: ${key} ${value === undefined ? 'is missing' : `${JSON.stringify(value)} is not ${what}`}`
        );
      }
    }
    if (out.length) {
      return out;
    }
    const [min, max, step] = [space.min, space.max, space.step] as string[];
    if (!(Number(min) < Number(max))) {
      out.push(`${where}: min ${min} is not below max ${max}`);
    }
    if (step !== undefined && !(Number(step) > 0 && Number(step) <= Number(max) - Number(min))) {
      out.push(`${where}: step ${step} is not above 0 and at most max - min`);
    }
    return out;
  }
  const list = space.list;
  if ('min' in space || 'max' in space || 'step' in space) {
    return [`${where}: a ${p.parameterType} space is a list of values, not min/max/step`];
  }
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some(v => typeof v !== 'string' || v === '')
  ) {
    return [`${where}: list must hold at least one value, each a non-empty string`];
  }
  if (new Set(list).size !== list.length) {
    return [`${where}: list has a value twice`];
  }
  if (p.parameterType === 'discrete' && (list as string[]).some(v => !NUMBER.test(v))) {
    return [`${where}: a discrete list holds numbers only`];
  }
  return [];
}

/** The problems of a whole search; [] when valid. Metrics are checked by the compiler (it knows them). */
export function searchProblems(search: KatibSearch): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const p of search.parameters) {
    if (seen.has(p.name)) {
      out.push(`parameter "${p.name}" is searched twice`);
    }
    seen.add(p.name);
    out.push(...spaceProblems(p));
  }
  if (!search.parameters.length) {
    out.push('no parameter to search: give at least one a range or a list of values');
  }
  const { objective } = search;
  if (objective.type !== 'maximize' && objective.type !== 'minimize') {
    out.push(`objective type ${JSON.stringify(objective.type)} is not maximize or minimize`);
  }
  if (!objective.objectiveMetricName) {
    out.push('no objective metric: name one of the pipeline-metrics cell');
  }
  if (objective.goal !== undefined && !Number.isFinite(objective.goal)) {
    out.push(`objective goal ${JSON.stringify(objective.goal)} is not a number`);
  }
  if (!(KATIB_ALGORITHMS as readonly string[]).includes(search.algorithm)) {
    out.push(
      `algorithm ${JSON.stringify(search.algorithm)} is not one of ${KATIB_ALGORITHMS.join(', ')}`
    );
  }
  const counts = ['maxTrialCount', 'parallelTrialCount', 'maxFailedTrialCount'] as const;
  for (const key of counts) {
    const value = search[key];
    const least = key === 'maxFailedTrialCount' ? 0 : 1;
    if (!Number.isInteger(value) || value < least) {
      out.push(`${key} ${JSON.stringify(value)} is not a whole number ≥ ${least}`);
    }
  }
  if (search.parallelTrialCount > search.maxTrialCount) {
    out.push(
      `parallelTrialCount ${search.parallelTrialCount} is above maxTrialCount ${search.maxTrialCount}`
    );
  }
  if (search.maxFailedTrialCount > search.maxTrialCount) {
    out.push(
      `maxFailedTrialCount ${search.maxFailedTrialCount} is above maxTrialCount ${search.maxTrialCount}`
    );
  }
  return out;
}

/**
 * A space typed on the command line: `min:max[:step]` or `a,b,c`; `kind` is the parameter's Python
 * type from its literal (int, float, str, bool). Throws a KatibMetadataError naming the parameter.
 */
export function parseSpace(name: string, text: string, kind: string): KatibParameter {
  const fail = (why: string) => {
    throw new KatibMetadataError([`parameter "${name}": ${why}`]);
  };
  const numeric = kind === 'int' || kind === 'float';
  let parameter: KatibParameter;
  if (text.includes(':')) {
    if (!numeric) {
      fail(`is a ${kind}: give a list of values (a,b,c), not a range`);
    }
    const parts = text.split(':').map(s => s.trim());
    if (parts.length < 2 || parts.length > 3) {
      fail(`range ${JSON.stringify(text)} is not min:max or min:max:step`);
    }
    const [min, max, step] = parts;
    parameter = {
      name,
      parameterType: kind === 'int' ? 'int' : 'double',
      feasibleSpace: step === undefined ? { min, max } : { min, max, step }
    };
  } else {
    const list = text.split(',').map(s => s.trim());
    parameter = {
      name,
      parameterType: numeric && list.every(v => NUMBER.test(v)) ? 'discrete' : 'categorical',
      feasibleSpace: { list }
    };
  }
  const problems = spaceProblems(parameter!);
  if (problems.length) {
    throw new KatibMetadataError(problems);
  }
  return parameter!;
}

const str = (v: unknown) => (typeof v === 'number' ? String(v) : v);

/**
 * The search in the notebook's metadata, or undefined when there is none (absent or `{}`, as Kale
 * writes it before the user sets one up). Throws a KatibMetadataError listing what is wrong.
 */
export function readKatibMetadata(metadata: Record<string, unknown>): KatibSearch | undefined {
  const kale = own(metadata, 'kubeflow_notebook');
  const raw = isObject(kale) ? own(kale, 'katib_metadata') : undefined;
  if (raw === undefined || (isObject(raw) && Object.keys(raw).length === 0)) {
    return undefined;
  }
  if (!isObject(raw)) {
    throw new KatibMetadataError(['kubeflow_notebook.katib_metadata is not an object']);
  }
  const problems: string[] = [];
  const parameters: KatibParameter[] = [];
  const rawParameters = own(raw, 'parameters') ?? [];
  if (!Array.isArray(rawParameters)) {
    problems.push('kubeflow_notebook.katib_metadata.parameters is not a list');
  } else {
    rawParameters.forEach((p, i) => {
      const name = isObject(p) ? own(p, 'name') : undefined;
      const space = isObject(p) ? own(p, 'feasibleSpace') : undefined;
      if (typeof name !== 'string' || !name || !isObject(space)) {
        problems.push(
          `kubeflow_notebook.katib_metadata.parameters[${i}] has no name or no feasibleSpace`
        );
        return;
      }
      const list = own(space, 'list');
      const feasibleSpace: FeasibleSpace = Array.isArray(list)
        ? { list: list.map(v => String(str(v))) }
        : (Object.fromEntries(
            (['min', 'max', 'step'] as const)
              .filter(k => own(space, k) !== undefined && own(space, k) !== '')
              .map(k => [k, str(own(space, k))])
          ) as FeasibleSpace);
      parameters.push({
        name,
        parameterType: own(
          p as Record<string, unknown>,
          'parameterType'
        ) as KatibParameter['parameterType'],
        feasibleSpace
      });
    });
  }
  const objective = own(raw, 'objective');
  const algorithm = own(raw, 'algorithm');
  const goal = isObject(objective) ? own(objective, 'goal') : undefined;
  const count = (key: keyof typeof DEFAULT_SEARCH) =>
    (own(raw, key) as number | undefined) ?? DEFAULT_SEARCH[key];
  const search: KatibSearch = {
    parameters,
    objective: {
      type: (isObject(objective) ? own(objective, 'type') : undefined) as 'maximize',
      objectiveMetricName: String(
        (isObject(objective) && own(objective, 'objectiveMetricName')) || ''
      ),
      ...(goal === undefined || goal === null || goal === '' ? {} : { goal: Number(goal) })
    },
    algorithm: ((isObject(algorithm) ? own(algorithm, 'algorithmName') : undefined) ??
      DEFAULT_SEARCH.algorithm) as KatibAlgorithm,
    maxTrialCount: count('maxTrialCount') as number,
    parallelTrialCount: count('parallelTrialCount') as number,
    maxFailedTrialCount: count('maxFailedTrialCount') as number
  };
  // Kale writes an unfinished search (no parameters, an empty metric) as a notebook's default: it reads.
  problems.push(
    ...searchProblems(search).filter(
      p => !p.startsWith('no objective metric') && !p.startsWith('no parameter to search')
    )
  );
  if (problems.length) {
    throw new KatibMetadataError(problems.map(p => `katib_metadata: ${p}`));
  }
  return search;
}

/**
 * The notebook metadata with `kubeflow_notebook.katib_metadata` set to `search`, as Kale writes it;
 * every other key (of the notebook, of kubeflow_notebook, of katib_metadata, of its objective and
 * algorithm, of each parameter by name) is kept. A new object: the input is not changed.
 */
export function writeKatibMetadata(
  metadata: Record<string, unknown>,
  search: KatibSearch
): Record<string, unknown> {
  const kale = isObject(own(metadata, 'kubeflow_notebook'))
    ? (own(metadata, 'kubeflow_notebook') as Record<string, unknown>)
    : {};
  const before = isObject(own(kale, 'katib_metadata'))
    ? (own(kale, 'katib_metadata') as Record<string, unknown>)
    : {};
  const oldParams = Array.isArray(own(before, 'parameters'))
    ? (own(before, 'parameters') as unknown[])
    : [];
  const oldParam = (name: string) =>
    (oldParams.find(p => isObject(p) && own(p, 'name') === name) as Record<string, unknown>) ?? {};
  const sub = (key: string) =>
    isObject(own(before, key)) ? (own(before, key) as Record<string, unknown>) : {};
  const objective: Record<string, unknown> = {
    ...sub('objective'),
    type: search.objective.type,
    objectiveMetricName: search.objective.objectiveMetricName
  };
  if (search.objective.goal === undefined) {
    delete objective.goal;
  } else {
    objective.goal = search.objective.goal;
  }
  const katib = {
    ...before,
    parameters: search.parameters.map(p => ({
      ...oldParam(p.name),
      name: p.name,
      parameterType: p.parameterType,
      feasibleSpace: { ...p.feasibleSpace }
    })),
    objective,
    algorithm: { ...sub('algorithm'), algorithmName: search.algorithm },
    maxTrialCount: search.maxTrialCount,
    parallelTrialCount: search.parallelTrialCount,
    maxFailedTrialCount: search.maxFailedTrialCount
  };
  return { ...metadata, kubeflow_notebook: { ...kale, katib_metadata: katib } };
}
