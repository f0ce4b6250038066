import { compile } from '../../index';
import {
  buildExperiment,
  KATIB_STDOUT_FILTER,
  largestResources,
  quantity,
  trialReference
} from '..';
import { KatibMetadataError, KatibSearch, parseSpace } from '../../../model/katib';
import { deployAnalysis, exampleAnalysis, loadNotebook } from '../../__tests__/fixtures';

const example = () => compile(loadNotebook('examples/pipeline.ipynb'), exampleAnalysis());

const search = (over: Partial<KatibSearch> = {}): KatibSearch => ({
  parameters: [
    {
      name: 'n_estimators',
      parameterType: 'int',
      feasibleSpace: { min: '10', max: '50', step: '10' }
    },
    { name: 'test_size', parameterType: 'double', feasibleSpace: { min: '0.2', max: '0.4' } }
  ],
  objective: { type: 'maximize', objectiveMetricName: 'best_accuracy', goal: 0.99 },
  algorithm: 'random',
  maxTrialCount: 6,
  parallelTrialCount: 2,
  maxFailedTrialCount: 1,
  ...over
});

const problems = (run: () => unknown): string[] => {
  try {
    run();
  } catch (e) {
    if (e instanceof KatibMetadataError) {
      return e.problems;
    }
    throw e;
  }
  throw new Error('expected a KatibMetadataError');
};

describe('Katib Experiment from the example', () => {
  it('is a v1beta1 Experiment with the search, the objective and every metric', () => {
    const { experiment } = buildExperiment(example(), search());
    const spec = (experiment as any).spec;
    expect(experiment).toMatchObject({ apiVersion: 'kubeflow.org/v1beta1', kind: 'Experiment' });
    expect((experiment as any).metadata.name).toBe('cellpipe-demo');
    expect(spec.objective).toMatchObject({
      type: 'maximize',
      objectiveMetricName: 'best_accuracy',
      goal: 0.99,
      additionalMetricNames: ['forest_accuracy', 'logreg_accuracy']
    });
    expect(spec.algorithm).toEqual({ algorithmName: 'random' });
    expect(spec.parameters[0]).toEqual({
      name: 'n_estimators',
      parameterType: 'int',
      feasibleSpace: { min: '10', max: '50', step: '10' }
    });
    expect(spec.metricsCollectorSpec.collector).toEqual({ kind: 'StdOut' });
  });

  it("passes each searched parameter to the trial's command as ${trialParameters.x}", () => {
    const { experiment } = buildExperiment(example(), search());
    const template = (experiment as any).spec.trialTemplate;
    const container = template.trialSpec.spec.template.spec.containers[0];
    expect(template.primaryContainerName).toBe(container.name);
    expect(template.trialParameters.map((p: any) => [p.name, p.reference])).toEqual([
      ['n_estimators', 'n_estimators'],
      ['test_size', 'test_size']
    ]);
    expect(container.command.slice(0, 2)).toEqual(['sh', '-c']);
    const last = container.command[2].split('\n').pop();
    expect(last).toBe(
      'python3 -u "$d/runner.py" "$d/plan.json" ' +
        "'n_estimators=${trialParameters.n_estimators}' 'test_size=${trialParameters.test_size}'"
    );
    expect(trialReference('seed')).toBe('${trialParameters.seed}');
    // Nothing else in the template looks like a Katib substitution.
    const text = JSON.stringify(template.trialSpec);
    expect(text.match(/\$\{trialParameters\.[^}]*\}/g)).toHaveLength(2);
  });

  it('plans the steps in dependency order with the runtime once', () => {
    const command = buildExperiment(example(), search()).experiment as any;
    const script: string =
      command.spec.trialTemplate.trialSpec.spec.template.spec.containers[0].command[2];
    const lines = script.split('\n');
    const plan = JSON.parse(
      lines[lines.indexOf('cat > "$d/plan.json" <<\'CELLPIPE_TRIAL_PLAN\'') + 1]
    );
    const order = plan.tasks.map((t: any) => t.task);
    expect(order.indexOf('load-data')).toBeLessThan(order.indexOf('preprocess'));
    expect(order.indexOf('train-forest')).toBeLessThan(order.indexOf('evaluate'));
    expect(order.indexOf('evaluate')).toBeLessThan(order.indexOf('pipeline-metrics'));
    expect(plan.metricsTask).toBe('pipeline-metrics');
    expect(plan.sources).toMatch(/^_CELLPIPE_SOURCES = "/);
    expect(plan.tasks.every((t: any) => !t.program.includes('_CELLPIPE_SOURCES = "'))).toBe(true);
    expect(plan.parameters.n_estimators).toEqual({ type: 'NUMBER_INTEGER', default: 25 });
  });

  it('names the metric, the parameter and the setting that are wrong', () => {
    expect(
      problems(() =>
        buildExperiment(
          example(),
          search({ objective: { type: 'maximize', objectiveMetricName: 'f1' } })
        )
      )
    ).toEqual([
      'objective metric "f1" is not a pipeline metric (the pipeline-metrics cell has best_accuracy, forest_accuracy, logreg_accuracy)'
    ]);
    const bad = problems(() =>
      buildExperiment(
        example(),
        search({
          parameters: [
            {
              name: 'learning_rate',
              parameterType: 'double',
              feasibleSpace: { min: '0', max: '1' }
            },
            { name: 'n_samples', parameterType: 'double', feasibleSpace: { min: '5', max: '1' } }
          ],
          parallelTrialCount: 9
        })
      )
    );
    expect(bad).toEqual([
      'parameter "n_samples": min 5 is not below max 1',
      'parallelTrialCount 9 is above maxTrialCount 6',
      'parameter "learning_rate" is not a pipeline parameter (n_samples, test_size, seed, n_estimators)',
      'parameter "n_samples" is NUMBER_INTEGER in the notebook: its space cannot be double (int, discrete, categorical)'
    ]);
  });

  it("refuses a quote in a listed value (the trial's shell line quotes with it)", () => {
    const quoted = search({
      parameters: [{ name: 'seed', parameterType: 'categorical', feasibleSpace: { list: ["1'"] } }]
    });
    expect(problems(() => buildExperiment(example(), quoted))).toEqual([
      `parameter "seed": a value holds a ' (the trial's shell line quotes values with it)`
    ]);
  });

  it('refuses a notebook with no pipeline-metrics cell', () => {
    const result = { ...example(), metrics: [] };
    expect(problems(() => buildExperiment(result, search()))).toEqual([
      'the notebook has no pipeline-metrics cell: a trial has no metric to report to Katib'
    ]);
  });
});

describe('trial resources', () => {
  it('reads Kubernetes quantities', () => {
    expect(quantity('500m')).toBe(0.5);
    expect(quantity('2')).toBe(2);
    expect(quantity('4Gi')).toBe(4 * 2 ** 30);
    expect(quantity('1G')).toBe(1e9);
    expect(quantity('lots')).toBeNaN();
  });

  it('asks for the largest request and limit of any step, GPUs included', () => {
    const result = example();
    const executors = (result.pipelineSpec as any).deploymentSpec.executors;
    executors['exec-train-forest'].container.resources = {
      resourceCpuRequest: '500m',
      resourceMemoryLimit: '2Gi',
      accelerator: { resourceCount: '1', resourceType: 'nvidia.com/gpu' }
    };
    executors['exec-evaluate'].container.resources = {
      resourceCpuRequest: '2',
      resourceMemoryLimit: '1500Mi',
      accelerator: { resourceCount: '2', resourceType: 'nvidia.com/gpu' }
    };
    expect(largestResources(result)).toEqual({
      resources: {
        requests: { cpu: '2' },
        limits: { memory: '2Gi', 'nvidia.com/gpu': '2' }
      }
    });
  });

  it('carries a step GPU from the notebook into the trial pod', () => {
    const result = compile(loadNotebook('tests/fixtures/compile_deploy.ipynb'), deployAnalysis());
    const limits = largestResources(result).resources?.limits ?? {};
    expect(Object.keys(limits).some(k => k.includes('gpu'))).toBe(true);
  });
});

describe('the metric lines', () => {
  it("Katib's default StdOut filter reads the runner's name=value lines", () => {
    const filter = new RegExp(KATIB_STDOUT_FILTER);
    for (const [line, name, value] of [
      ['best_accuracy=0.9333333333333333', 'best_accuracy', '0.9333333333333333'],
      ['loss=-1.5e-05', 'loss', '-1.5e-05'],
      ['n=3.0', 'n', '3.0']
    ]) {
      const m = filter.exec(line)!;
      expect([m[1], m[2]]).toEqual([name, value]);
    }
  });

  it('parses command-line spaces by the parameter type', () => {
    expect(parseSpace('n', '10:50:10', 'int')).toEqual({
      name: 'n',
      parameterType: 'int',
      feasibleSpace: { min: '10', max: '50', step: '10' }
    });
    expect(parseSpace('lr', '0.001:0.1', 'float').parameterType).toBe('double');
    expect(parseSpace('n', '10,20,40', 'int')).toEqual({
      name: 'n',
      parameterType: 'discrete',
      feasibleSpace: { list: ['10', '20', '40'] }
    });
    expect(parseSpace('kind', 'gini,entropy', 'str').parameterType).toBe('categorical');
    expect(() => parseSpace('n', '1.5:3', 'int')).toThrow(
      'parameter "n": min "1.5" is not a whole number'
    );
    expect(() => parseSpace('kind', 'a:b', 'str')).toThrow('parameter "kind": is a str');
    expect(() => parseSpace('n', '5:1', 'int')).toThrow('parameter "n": min 5 is not below max 1');
    expect(() => parseSpace('n', '1:10:20', 'int')).toThrow('step 20 is not above 0');
  });
});
