import YAML from 'yaml';
import { compile, compileNotebook, CompileError, SCHEMA_VERSION, STEP_COMMAND } from '../index';
import { AnalysisResult } from '../../analysis/types';
import { deployAnalysis, exampleAnalysis, loadNotebook, problemsOf, spec, step } from './fixtures';

const example = () => compile(loadNotebook('examples/pipeline.ipynb'), exampleAnalysis());
const deploy = () => compile(loadNotebook('tests/fixtures/compile_deploy.ipynb'), deployAnalysis());

describe('compile: the example notebook', () => {
  it('writes a PipelineSpec with one component, executor and task per step', () => {
    const s = spec(example());
    const tasks = [
      'evaluate',
      'load-data',
      'pipeline-metrics',
      'preprocess',
      'train-forest',
      'train-logreg'
    ];
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    expect(s.sdkVersion).toMatch(/^cellpipe-\d+\.\d+\.\d+/);
    expect(s.pipelineInfo).toEqual({
      name: 'cellpipe-demo',
      description:
        'Train a random forest and a logistic regression in parallel and keep the better one'
    });
    expect(Object.keys(s.root.dag.tasks).sort()).toEqual(tasks);
    expect(Object.keys(s.components).sort()).toEqual(tasks.map(t => `comp-${t}`));
    expect(Object.keys(s.deploymentSpec.executors).sort()).toEqual(tasks.map(t => `exec-${t}`));
    expect(s.components['comp-train-forest'].executorLabel).toBe('exec-train-forest');
    expect(s.root.dag.tasks['train-forest'].componentRef).toEqual({ name: 'comp-train-forest' });
  });

  it('types pipeline parameters with their defaults', () => {
    expect(spec(example()).root.inputDefinitions.parameters).toEqual({
      n_samples: { defaultValue: 600, isOptional: true, parameterType: 'NUMBER_INTEGER' },
      test_size: { defaultValue: 0.25, isOptional: true, parameterType: 'NUMBER_DOUBLE' },
      seed: { defaultValue: 7, isOptional: true, parameterType: 'NUMBER_INTEGER' },
      n_estimators: { defaultValue: 25, isOptional: true, parameterType: 'NUMBER_INTEGER' }
    });
  });

  it('wires each input artifact to its producer and lists upstream tasks', () => {
    const s = spec(example());
    const evaluate = s.root.dag.tasks.evaluate;
    expect(evaluate.dependentTasks).toEqual(['preprocess', 'train-forest', 'train-logreg']);
    expect(evaluate.inputs.artifacts.forest).toEqual({
      taskOutputArtifact: { outputArtifactKey: 'forest', producerTask: 'train-forest' }
    });
    expect(evaluate.inputs.artifacts.X_test.taskOutputArtifact.producerTask).toBe('preprocess');
    expect(s.root.dag.tasks['load-data'].dependentTasks).toBeUndefined();
    expect(s.root.dag.tasks['load-data'].inputs.parameters).toEqual({
      n_samples: { componentInputParameter: 'n_samples' },
      seed: { componentInputParameter: 'seed' }
    });
    const comp = s.components['comp-preprocess'];
    expect(Object.keys(comp.outputDefinitions.artifacts)).toEqual([
      'X_test',
      'X_train',
      'y_test',
      'y_train',
      'report'
    ]);
    expect(comp.outputDefinitions.artifacts.X_train.artifactType.schemaTitle).toBe(
      'system.Artifact'
    );
    expect(comp.inputDefinitions.parameters.test_size).toEqual({ parameterType: 'NUMBER_DOUBLE' });
  });

  it('gives the metrics task a system.Metrics output listing the metric names', () => {
    const r = example();
    const out = spec(r).components['comp-pipeline-metrics'].outputDefinitions.artifacts.metrics;
    expect(out.artifactType.schemaTitle).toBe('system.Metrics');
    expect(out.metadata.metrics).toEqual(['best_accuracy', 'forest_accuracy', 'logreg_accuracy']);
    expect(r.metrics).toEqual(['best_accuracy', 'forest_accuracy', 'logreg_accuracy']);
    const program = r.steps.find(s => s.step === 'pipeline_metrics')!.program;
    expect(program).toContain('_cp.log_metric("forest_accuracy", forest_accuracy)\n');
  });

  it('runs the fixed step command with the program and the executor input placeholder', () => {
    const r = example();
    const container = spec(r).deploymentSpec.executors['exec-train-logreg'].container;
    expect(container.command).toEqual(STEP_COMMAND);
    expect(container.image).toBe('python:3.11');
    expect(container.args.slice(1)).toEqual(['--executor-input', '{{$}}']);
    expect(container.args[0]).toBe(r.steps.find(s => s.step === 'train_logreg')!.program);
    expect(container.resources).toBeUndefined();
    expect(r.platformSpec).toBeUndefined();
  });

  it('is byte-identical from one compile to the next, and the YAML is the spec', () => {
    const first = example();
    expect(example().yaml).toBe(first.yaml);
    expect(YAML.parse(first.yaml)).toEqual(first.pipelineSpec);
    expect(first.yaml.startsWith('# PIPELINE DEFINITION\n# Name: cellpipe-demo\n')).toBe(true);
  });
});

describe('compile: deployment settings', () => {
  it('writes resources, GPU, env and image into the container', () => {
    const s = spec(deploy());
    const train = s.deploymentSpec.executors['exec-train'].container;
    expect(train.image).toBe('python:3.11');
    expect(train.env).toEqual([
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'MODE', value: 'train' }
    ]);
    expect(train.resources).toEqual({
      accelerator: { resourceCount: '1', resourceType: 'nvidia.com/gpu' },
      resourceMemoryLimit: '2Gi'
    });
    const make = s.deploymentSpec.executors['exec-make-data'].container;
    expect(make.image).toBe('python:3.11-slim');
    expect(make.resources).toEqual({
      resourceCpuLimit: '1',
      resourceCpuRequest: '250m',
      resourceMemoryRequest: '256Mi'
    });
  });

  it('writes caching and retries on the task', () => {
    const tasks = spec(deploy()).root.dag.tasks;
    expect(tasks['make-data'].cachingOptions).toEqual({});
    expect(tasks['make-data'].retryPolicy.maxRetryCount).toBe(1);
    expect(tasks.train.cachingOptions).toEqual({ enableCache: true });
    expect(tasks.train.retryPolicy).toEqual({
      backoffDuration: '0s',
      backoffFactor: 2,
      backoffMaxDuration: '3600s',
      maxRetryCount: 3
    });
  });

  it('types str, bool, list and dict parameters', () => {
    const params = spec(deploy()).root.inputDefinitions.parameters;
    expect(params.greeting_name).toEqual({
      defaultValue: 'world',
      isOptional: true,
      parameterType: 'STRING'
    });
    expect(params.flag.parameterType).toBe('BOOLEAN');
    expect(params.weights).toEqual({
      defaultValue: [1, 2.5, 3],
      isOptional: true,
      parameterType: 'LIST'
    });
    expect(params.config.parameterType).toBe('STRUCT');
    expect(params.rate.parameterType).toBe('NUMBER_DOUBLE');
  });

  it('sanitizes the pipeline name and keeps the written one as display name', () => {
    expect(spec(deploy()).pipelineInfo).toEqual({
      name: 'deploy-settings-demo',
      displayName: 'Deploy Settings_Demo',
      description: 'Every deployment setting cellpipe knows'
    });
  });

  it('writes the kfp-kubernetes platform spec for the steps that need it', () => {
    const executors = (deploy().platformSpec as any).platforms.kubernetes.deploymentSpec.executors;
    expect(Object.keys(executors).sort()).toEqual([
      'exec-make-data',
      'exec-pipeline-metrics',
      'exec-train'
    ]);
    expect(executors['exec-make-data']).toEqual({
      activeDeadlineSeconds: '600',
      imagePullSecret: [
        { secretName: 'regcred', secretNameParameter: { runtimeValue: { constant: 'regcred' } } }
      ],
      podMetadata: { annotations: { owner: 'data-team' }, labels: { app: 'cellpipe', team: 'ml' } },
      pvcMount: [
        {
          constant: 'shared-data',
          mountPath: '/data',
          pvcNameParameter: { runtimeValue: { constant: 'shared-data' } }
        }
      ],
      tolerations: [{ effect: 'NoSchedule', key: 'dedicated', operator: 'Equal', value: 'batch' }]
    });
    const train = executors['exec-train'];
    expect(train.nodeSelector).toEqual({
      labels: { pool: 'gpu', 'cloud.google.com/gke-accelerator': 'NVIDIA-A100-SXM4-40GB' }
    });
    expect(train.imagePullPolicy).toBe('IfNotPresent');
    expect(train.secretAsEnv).toEqual([
      {
        keyToEnv: [
          { envVar: 'AWS_ACCESS_KEY_ID', secretKey: 'access' },
          { envVar: 'AWS_SECRET_ACCESS_KEY', secretKey: 'secret' }
        ],
        optional: false,
        secretName: 's3-credentials',
        secretNameParameter: { runtimeValue: { constant: 's3-credentials' } }
      }
    ]);
    const docs = YAML.parseAllDocuments(deploy().yaml).map(d => d.toJS());
    expect(docs).toHaveLength(2);
    expect(
      docs[1].platforms.kubernetes.deploymentSpec.executors['exec-train'].secretAsEnv[0].secretName
    ).toBe('s3-credentials');
  });

  it('mounts secrets as files and keeps toleration seconds', () => {
    const nb = loadNotebook('tests/fixtures/compile_deploy.ipynb');
    nb.cells[3].metadata = {
      cellpipe: {
        deploy: {
          secretVolumes: [{ secretName: 'tls-certs', mountPath: '/etc/tls' }],
          tolerations: [
            {
              key: 'node.kubernetes.io/unreachable',
              operator: 'Exists',
              effect: 'NoExecute',
              tolerationSeconds: 300
            }
          ]
        }
      }
    };
    const make = (compile(nb, deployAnalysis()).platformSpec as any).platforms.kubernetes
      .deploymentSpec.executors['exec-make-data'];
    expect(make.secretAsVolume).toEqual([
      {
        mountPath: '/etc/tls',
        optional: false,
        secretName: 'tls-certs',
        secretNameParameter: { runtimeValue: { constant: 'tls-certs' } }
      }
    ]);
    expect(make.tolerations).toEqual([
      {
        effect: 'NoExecute',
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        tolerationSeconds: '300'
      }
    ]);
    nb.cells[3].metadata = {
      cellpipe: { deploy: { secretVolumes: [{ secretName: 'tls-certs', mountPath: 'etc/tls' }] } }
    };
    expect(problemsOf(() => compile(nb, deployAnalysis()))).toEqual([
      'step "make_data": secret volume {"secretName":"tls-certs","mountPath":"etc/tls"} needs a secretName and an absolute mountPath'
    ]);
  });

  it('takes the GPU node-selector key as an option', () => {
    const r = compile(loadNotebook('tests/fixtures/compile_deploy.ipynb'), deployAnalysis(), {
      acceleratorNodeSelectorKey: 'nvidia.com/gpu.product'
    });
    const labels = (r.platformSpec as any).platforms.kubernetes.deploymentSpec.executors[
      'exec-train'
    ].nodeSelector.labels;
    expect(labels).toEqual({ pool: 'gpu', 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-40GB' });
  });

  it('names the step and the setting when a deploy value is invalid', () => {
    const nb = loadNotebook('tests/fixtures/compile_deploy.ipynb');
    nb.cells[3].metadata = {
      cellpipe: {
        deploy: { requests: { cpu: 'lots', gpu: '1' }, retries: -1, imagePullPolicy: 'Sometimes' }
      }
    };
    const messages = problemsOf(() => compile(nb, deployAnalysis()));
    // Values of the wrong shape are refused as the metadata is read (naming the field and what
    // was expected); values of the right shape are checked as the step is built.
    expect(messages).toEqual([
      'cellpipe.deploy.retries: expected a whole number of at least 0, got the number -1',
      'cellpipe.deploy.imagePullPolicy: expected one of "Always", "IfNotPresent", "Never", got the string "Sometimes"',
      'step "make_data": requests.cpu = "lots" is not a Kubernetes quantity (e.g. 500m, 2, 4Gi)',
      'step "make_data": resource requests.gpu is not supported (cpu, memory, or a GPU as gpu)'
    ]);
  });
});

describe('compile: refusals', () => {
  const nb = () => loadNotebook('examples/pipeline.ipynb');

  it('refuses code holding a KFP placeholder, which the launcher would substitute', () => {
    const notebook = nb();
    const evaluate = notebook.cells.findIndex(c => c.tags.includes('step:evaluate'));
    notebook.cells[evaluate].source += '\ntemplate = "{{$.inputs}}"\n';
    const problems = problemsOf(() => compile(notebook, exampleAnalysis()));
    expect(problems).toEqual([expect.stringContaining('step "evaluate": its code contains "{{$"')]);
  });

  it('refuses a non-literal pipeline parameter, naming the variable and its cell', () => {
    const analysis = exampleAnalysis();
    analysis.parameters[0] = { name: 'n_samples', cellIndex: 3, valueText: 'int("600")' };
    try {
      compile(nb(), analysis);
      throw new Error('compiled');
    } catch (e) {
      expect(e).toBeInstanceOf(CompileError);
      const err = e as CompileError;
      expect(err.problems).toEqual([
        {
          cellIndex: 3,
          variable: 'n_samples',
          message:
            'pipeline parameter "n_samples" = int("600") is not a literal (a number, string, bool, list or dict)'
        }
      ]);
      expect(err.message).toContain('cell 4: pipeline parameter "n_samples"');
    }
  });

  it('refuses a notebook without steps', () => {
    const analysis: AnalysisResult = { ...exampleAnalysis(), steps: [], edges: [] };
    expect(problemsOf(() => compile(nb(), analysis))).toEqual([
      'the notebook has no steps: tag a code cell with step:NAME'
    ]);
  });

  it('refuses a cycle and names the steps in it', () => {
    const analysis: AnalysisResult = {
      ...exampleAnalysis(),
      steps: [
        step('first', [4], { depends: ['second'] }),
        step('second', [5], { depends: ['first'] })
      ],
      edges: []
    };
    expect(problemsOf(() => compile(nb(), analysis))).toEqual([
      'the steps depend on each other in a cycle: first → second → first'
    ]);
  });

  it('refuses two steps that become the same task name', () => {
    const analysis: AnalysisResult = {
      ...exampleAnalysis(),
      steps: [step('load_data', [4]), step('load-data', [5])],
      edges: []
    };
    expect(problemsOf(() => compile(nb(), analysis))).toEqual([
      'steps "load_data" and "load-data" both become task "load-data"; rename one'
    ]);
  });

  it('refuses an input without a producer and a parameter that does not exist', () => {
    const analysis = exampleAnalysis();
    analysis.steps[2].inputSources = { X_train: 'preprocess', y_train: 'nowhere' };
    analysis.steps[3].parameters = ['learning_rate'];
    expect(problemsOf(() => compile(nb(), analysis))).toEqual([
      'step "train_forest": "y_train" has no producing step ("nowhere" does not exist)',
      'step "train_logreg": reads "learning_rate", which is not a pipeline parameter'
    ]);
  });

  it('compileNotebook lists every error diagnostic with its cell', () => {
    const analysis = exampleAnalysis();
    analysis.diagnostics = [
      {
        code: 'undefined-variable',
        severity: 'error',
        message: '"raw" is never assigned',
        cellIndex: 5
      },
      { code: 'unused', severity: 'warning', message: 'not an error', cellIndex: 6 },
      { code: 'bad-tag', severity: 'error', message: 'unknown step in prev:nope', cellIndex: 7 }
    ];
    expect(() => compileNotebook(nb(), { analyze: () => analysis })).toThrow(
      'The notebook has errors:\n  cell 6: "raw" is never assigned\n  cell 8: unknown step in prev:nope'
    );
    analysis.diagnostics = analysis.diagnostics.filter(d => d.severity !== 'error');
    expect(compileNotebook(nb(), { analyze: () => analysis }).yaml).toBe(example().yaml);
  });
});
