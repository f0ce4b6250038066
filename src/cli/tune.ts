/**
 * `cellpipe tune NOTEBOOK.ipynb -o experiment.yaml`: the notebook compiled, then a Katib Experiment
 * that tunes its pipeline parameters (docs/tuning.md). The search comes from the notebook's Kale
 * metadata (`kubeflow_notebook.katib_metadata`); the options below replace parts of it.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  CompileError,
  compile,
  modulesFromImage,
  notebookModules,
  refuseErrors
} from '../compiler';
import { buildExperiment } from '../compiler/katib';
import {
  DEFAULT_SEARCH,
  KATIB_ALGORITHMS,
  KatibAlgorithm,
  KatibMetadataError,
  KatibParameter,
  KatibSearch,
  parseSpace,
  readKatibMetadata
} from '../model/katib';
import { BundleError, localModules } from './bundles';
import { CliEnvironment, CliError, EXIT_USAGE, readNotebook } from './main';

export const TUNE_USAGE = `usage: cellpipe tune NOTEBOOK.ipynb [-o EXPERIMENT.yaml] [options]

Write a Katib Experiment (kubeflow.org/v1beta1) that tunes the notebook's pipeline parameters: each
trial is one Kubernetes Job running every step in order in one pod with the trial's values, and prints
the pipeline metrics for Katib. The search comes from the notebook's kubeflow_notebook.katib_metadata
(Kale's); these options replace its parts.

options:
  -o, --output FILE           where to write it (default: the notebook's name with -experiment.yaml; - for stdout)
  --space NAME=MIN:MAX[:STEP] a range for a number parameter (repeat per parameter)
  --space NAME=A,B,C          a list of values
  --objective METRIC          a metric of the pipeline-metrics cell
  --maximize | --minimize     the objective's direction (default: the metadata's, else maximize)
  --goal VALUE                stop when the objective reaches it
  --algorithm NAME            ${KATIB_ALGORITHMS.join(', ')} (default: random)
  --max-trials N              (default 12)    --parallel-trials N (default 3)    --max-failed-trials N (default 3)
  --name NAME                 the Experiment's name (default: the pipeline's)
  --namespace NS              its namespace
  --image IMAGE               the trial pod's image (default: the steps' image, when they share one)
  --default-image IMAGE       image of steps that name none (default: python:3.11)

exit codes: 0 written, 1 the notebook or the search is wrong (each problem printed), 2 usage`;

interface TuneArgs {
  notebook: string;
  output?: string;
  spaces: [string, string][];
  values: Record<string, string>;
  direction?: 'maximize' | 'minimize';
}

const VALUE_FLAGS: Record<string, string> = {
  '-o': 'output',
  '--output': 'output',
  '--objective': 'objective',
  '--goal': 'goal',
  '--algorithm': 'algorithm',
  '--max-trials': 'maxTrialCount',
  '--parallel-trials': 'parallelTrialCount',
  '--max-failed-trials': 'maxFailedTrialCount',
  '--name': 'name',
  '--namespace': 'namespace',
  '--image': 'image',
  '--default-image': 'defaultImage'
};

function usage(message: string): CliError {
  return new CliError(`${message}\n\n${TUNE_USAGE}`, EXIT_USAGE);
}

function parseTuneArgs(args: string[]): TuneArgs {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  const spaces: [string, string][] = [];
  let direction: TuneArgs['direction'];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--maximize' || arg === '--minimize') {
      direction = arg === '--maximize' ? 'maximize' : 'minimize';
      continue;
    }
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    if (flag === '--space' || Object.hasOwn(VALUE_FLAGS, flag)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') {
        throw usage(`${flag} needs a value`);
      }
      if (flag === '--space') {
        const [name, space] = value.split(/=(.*)/s, 2);
        if (!name || !space) {
          throw usage(`--space ${value}: expected NAME=MIN:MAX[:STEP] or NAME=A,B,C`);
        }
        spaces.push([name.trim(), space]);
      } else {
        values[VALUE_FLAGS[flag]] = value;
      }
    } else if (arg.startsWith('-') && arg !== '-') {
      throw usage(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) {
    throw usage(`tune takes one notebook, got ${positional.length}`);
  }
  for (const flag of ['--max-trials', '--parallel-trials', '--max-failed-trials']) {
    const text = values[VALUE_FLAGS[flag]];
    if (text !== undefined && !/^\d+$/.test(text)) {
      throw usage(`${flag} ${JSON.stringify(text)} is not a whole number`);
    }
  }
  return { notebook: positional[0], output: values.output, spaces, values, direction };
}

const PYTHON_TYPE: Record<string, string> = {
  NUMBER_INTEGER: 'int',
  NUMBER_DOUBLE: 'float',
  STRING: 'str',
  BOOLEAN: 'bool'
};

function count(values: Record<string, string>, key: keyof typeof DEFAULT_SEARCH, fallback: number) {
  const text = values[key];
  return text === undefined ? fallback : Number(text);
}

export async function tuneCommand(args: string[], env: CliEnvironment): Promise<number> {
  const { notebook: file, output: out, spaces, values, direction } = parseTuneArgs(args);
  const output = out ?? file.replace(/\.ipynb$/i, '') + '-experiment.yaml';
  const notebook = readNotebook(file);
  const analyzer = await env.createAnalyzer(env.analyzerInit);
  try {
    const analysis = analyzer.analyze(notebook);
    refuseErrors(analysis);
    const local = localModules(
      path.dirname(path.resolve(file)),
      notebookModules(notebook, analysis),
      undefined,
      modulesFromImage(notebook)
    );
    // A trial pod has no notebook folder to import data files from: they must be in the image.
    const result = compile(notebook, analysis, {
      localModules: local,
      importDataFiles: false,
      ...(values.defaultImage ? { defaultImage: values.defaultImage } : {})
    });
    const stored = readKatibMetadata(notebook.metadata);
    const rootParameters =
      (
        result.pipelineSpec as {
          root?: { inputDefinitions?: { parameters?: Record<string, { parameterType: string }> } };
        }
      ).root?.inputDefinitions?.parameters ?? {};
    const parameters: KatibParameter[] = [...(stored?.parameters ?? [])];
    for (const [name, text] of spaces) {
      if (!Object.hasOwn(rootParameters, name)) {
        throw new KatibMetadataError([
          `--space ${name}: not a pipeline parameter (${Object.keys(rootParameters).join(', ') || 'the notebook has none'})`
        ]);
      }
      const kind = PYTHON_TYPE[rootParameters[name].parameterType] ?? 'list';
      const parsed = parseSpace(name, text, kind);
      const at = parameters.findIndex(p => p.name === name);
      parameters.splice(at < 0 ? parameters.length : at, at < 0 ? 0 : 1, parsed);
    }
    const metric =
      values.objective ??
      (stored?.objective.objectiveMetricName ||
        (result.metrics.length === 1 ? result.metrics[0] : ''));
    if (!metric && result.metrics.length > 1) {
      throw new KatibMetadataError([
        `name the objective with --objective: one of ${result.metrics.join(', ')}`
      ]);
    }
    const goal = values.goal ?? stored?.objective.goal;
    if (goal !== undefined && !Number.isFinite(Number(goal))) {
      throw usage(`--goal ${JSON.stringify(goal)} is not a number`);
    }
    const search: KatibSearch = {
      parameters,
      objective: {
        type: direction ?? stored?.objective.type ?? 'maximize',
        objectiveMetricName: metric,
        ...(goal !== undefined ? { goal: Number(goal) } : {})
      },
      algorithm: (values.algorithm ??
        stored?.algorithm ??
        DEFAULT_SEARCH.algorithm) as KatibAlgorithm,
      maxTrialCount: count(
        values,
        'maxTrialCount',
        stored?.maxTrialCount ?? DEFAULT_SEARCH.maxTrialCount
      ),
      parallelTrialCount: count(
        values,
        'parallelTrialCount',
        stored?.parallelTrialCount ?? DEFAULT_SEARCH.parallelTrialCount
      ),
      maxFailedTrialCount: count(
        values,
        'maxFailedTrialCount',
        stored?.maxFailedTrialCount ?? DEFAULT_SEARCH.maxFailedTrialCount
      )
    };
    const { yaml } = buildExperiment(result, search, {
      ...(values.name ? { name: values.name } : {}),
      ...(values.namespace ? { namespace: values.namespace } : {}),
      ...(values.image ? { image: values.image } : {})
    });
    if (output === '-') {
      env.stdout(yaml);
    } else {
      try {
        fs.writeFileSync(output, yaml);
      } catch (e) {
        throw new CliError(`cannot write ${output}: ${(e as Error).message}`);
      }
      env.stderr(
        `cellpipe: wrote ${output} (${search.parameters.map(p => p.name).join(', ')} searched, ` +
          `${search.objective.type} ${search.objective.objectiveMetricName}, up to ${search.maxTrialCount} trials)\n`
      );
    }
    return 0;
  } catch (e) {
    if (e instanceof KatibMetadataError) {
      throw new CliError(`${file}: cannot tune:\n${e.problems.map(p => `  ${p}`).join('\n')}`);
    }
    if (e instanceof CompileError || e instanceof BundleError) {
      throw new CliError(`${file}: ${e.message}`);
    }
    throw e;
  }
}
