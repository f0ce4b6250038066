/**
 * Notebook and cell metadata of any shape (issue 13 item 17): the compiler never crashes on it and
 * never compiles a value it did not validate; each wrong shape is an error naming the cell, the field
 * and what was expected.
 */
import fc from 'fast-check';
import YAML from 'yaml';
import { compile, CompileError, CompileResult, DEFAULT_IMAGE, describeProblem } from '../index';
import { localModulesOf } from '../modules';
import { AnalysisResult } from '../../analysis/types';
import { DEPLOY_KEYS } from '../../model/metadata';
import { fromNbformat, NotebookInput } from '../../model/notebook';
import { step } from './fixtures';

/** Two steps, `make` (cell 1) and `use` (cell 2), with the given metadata. */
function notebook(
  cells: { tags?: unknown; cellpipe?: unknown }[] = [{}, {}],
  metadata: Record<string, unknown> = {}
): NotebookInput {
  const defaults = [['step:make'], ['step:use', 'prev:make']];
  return fromNbformat(
    {
      cells: cells.map((c, i) => ({
        cell_type: 'code',
        source: i === 0 ? 'a = 1\n' : 'b = a + 1\n',
        metadata: {
          tags: c.tags ?? defaults[i],
          ...(c.cellpipe !== undefined ? { cellpipe: c.cellpipe } : {})
        }
      })),
      metadata
    },
    'meta.ipynb'
  );
}

function analysis(): AnalysisResult {
  return {
    importsCells: [],
    functionsCells: [],
    parameters: [],
    steps: [
      step('make', [0], { outputs: ['a'] }),
      step('use', [1], { depends: ['make'], inputs: ['a'], inputSources: { a: 'make' } })
    ],
    edges: [],
    diagnostics: []
  } as unknown as AnalysisResult;
}

function problems(nb: NotebookInput): string[] {
  try {
    compile(nb, analysis());
  } catch (e) {
    expect(e).toBeInstanceOf(CompileError);
    return (e as CompileError).problems.map(describeProblem);
  }
  throw new Error('expected a CompileError');
}

const deploy = (d: unknown) => ({ deploy: d });

describe('metadata of the wrong shape is an error naming cell, field and what was expected', () => {
  it.each([
    [
      'env',
      { A: '1' },
      'cellpipe.deploy.env: expected a list of objects {"name": "...", "value": "..."}, got an object'
    ],
    ['tolerations', { key: 'x' }, 'cellpipe.deploy.tolerations: expected a list of objects'],
    [
      'volumes',
      { pvcName: 'x' },
      'cellpipe.deploy.volumes: expected a list of objects {"pvcName", "mountPath"}, got an object'
    ],
    ['secrets', { a: 1 }, 'cellpipe.deploy.secrets: expected a list of objects'],
    [
      'imagePullSecrets',
      'regcred',
      'cellpipe.deploy.imagePullSecrets: expected a list of strings, got the string "regcred"'
    ],
    [
      'caching',
      'false',
      'cellpipe.deploy.caching: expected true or false (not in quotes), got the string "false"'
    ],
    ['image', 5, 'cellpipe.deploy.image: expected a string, got the number 5'],
    [
      'labels',
      'x',
      'cellpipe.deploy.labels: expected an object of "key": "value" strings, got the string "x"'
    ],
    [
      'env',
      [{ name: 'A', value: 1 }],
      'cellpipe.deploy.env[0].value: expected a string, got the number 1'
    ],
    [
      'gpu',
      { count: '2' },
      'cellpipe.deploy.gpu.count: expected a whole number of at least 1, got the string "2"'
    ]
  ])('%s = %j', (field, value, message) => {
    const nb = notebook([{ cellpipe: deploy({ [field]: value }) }, {}]);
    const found = problems(nb);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`cell 1 (step "make"): ${message}`);
  });

  it('a `__proto__` key in the defaults sets nothing: a warning names it, the image stays the default', () => {
    const nb = notebook(undefined, {
      cellpipe: JSON.parse('{"defaults": {"__proto__": {"image": "evil:latest"}}}')
    });
    const result = compile(nb, analysis());
    for (const executor of Object.values((result.pipelineSpec as any).deploymentSpec.executors)) {
      expect((executor as any).container.image).toBe(DEFAULT_IMAGE);
    }
    expect(result.warnings.map(describeProblem)).toEqual([
      expect.stringContaining('notebook: cellpipe.defaults.__proto__: is not a deploy setting')
    ]);
  });

  it('a `__proto__` label is a label like any other', () => {
    const nb = notebook([{ cellpipe: deploy(JSON.parse('{"labels": {"__proto__": "x"}}')) }, {}]);
    const config = (compile(nb, analysis()).platformSpec as any).platforms.kubernetes.deploymentSpec
      .executors['exec-make'];
    expect(Object.keys(config.podMetadata.labels)).toEqual(['__proto__']);
  });

  it('a null cell is a clear error naming it, not a crash', () => {
    expect(() =>
      fromNbformat({ cells: [{ cell_type: 'code', source: '' }, null] }, 'n.ipynb')
    ).toThrow('Not a Jupyter notebook n.ipynb: cell 2 is null, expected a cell object');
  });

  it('tags given as a string, or a source that is not text, are errors naming the cell, not read as untagged', () => {
    expect(() =>
      fromNbformat(
        { cells: [{ cell_type: 'code', source: '', metadata: { tags: 'step:train' } }] },
        'n.ipynb'
      )
    ).toThrow(
      'Not a Jupyter notebook n.ipynb: cell 1: metadata.tags is the string "step:train", expected a list of strings'
    );
    expect(() =>
      fromNbformat({ cells: [{ cell_type: 'code', source: 5, metadata: {} }] }, 'n.ipynb')
    ).toThrow('cell 1: its source is a number, expected a string or a list of strings');
    expect(() =>
      fromNbformat({ cells: [{ cell_type: 'code', source: ['a', 1], metadata: {} }] }, 'n.ipynb')
    ).toThrow('cell 1: its source is a list holding something other than strings');
    expect(
      fromNbformat({ cells: [{ cell_type: 'code', source: ['a\n', 'b'] }] }).cells[0].source
    ).toBe('a\nb');
  });

  it('a limit named constructor or toString is refused as an unsupported resource, not emitted', () => {
    const found = problems(
      notebook([{ tags: ['step:make', 'limit:constructor:1', 'limit:toString:2'] }, {}])
    );
    expect(found).toEqual([
      expect.stringContaining('cell 1: step "make": resource limits.constructor is not supported'),
      expect.stringContaining('cell 1: step "make": resource limits.toString is not supported')
    ]);
  });

  it('a local module named constructor or __proto__ is a name like any other', () => {
    const local = { bundles: {}, requires: {}, maxBytes: 1000 };
    expect(localModulesOf(['constructor', '__proto__', 'toString'], local)).toEqual([]);
    const nb = notebook();
    nb.cells[0].source = 'import constructor\na = 1\n';
    expect(() => compile(nb, analysis(), { localModules: local })).not.toThrow();
  });

  it('Kale metadata of the wrong shape names the key', () => {
    const found = problems(
      notebook(undefined, {
        kubeflow_notebook: { volumes: { name: 'x' }, timeout: '1h', enable_caching: 'no' }
      })
    );
    expect(found).toEqual([
      'notebook: kubeflow_notebook.volumes: expected a list of volumes, got an object',
      'notebook: kubeflow_notebook.timeout: expected a whole number of seconds, got the string "1h"',
      'notebook: kubeflow_notebook.enable_caching: expected true or false, got the string "no"'
    ]);
  });

  it('a step name Kale and the editor refuse is an error naming the cell and the rule', () => {
    const found = problems(notebook([{ tags: ['step:Train-Model'] }, {}]));
    expect(found).toEqual([
      expect.stringMatching(
        /^cell 1 \(step "Train-Model"\): tag step:Train-Model: Step name "Train-Model" must start .*\^\[a-z\]\[a-z0-9_\]\*\$/
      )
    ]);
  });
});

const RESOURCE_FIELDS = [
  'resourceCpuRequest',
  'resourceMemoryRequest',
  'resourceCpuLimit',
  'resourceMemoryLimit'
];

/** Every value the package carries where Kubernetes wants a string is a string. */
function checkCompiled(result: CompileResult): void {
  YAML.parseAllDocuments(result.yaml).forEach(doc => expect(doc.errors).toEqual([]));
  const spec = result.pipelineSpec as any;
  for (const executor of Object.values(spec.deploymentSpec.executors)) {
    const c = executor.container;
    expect(typeof c.image).toBe('string');
    expect(c.image.trim()).not.toBe('');
    for (const e of c.env ?? []) {
      expect([typeof e.name, typeof e.value]).toEqual(['string', 'string']);
    }
    for (const [key, value] of Object.entries(c.resources ?? {})) {
      if (key === 'accelerator') {
        expect(typeof (value as any).resourceCount).toBe('string');
        expect(typeof (value as any).resourceType).toBe('string');
      } else {
        expect(typeof value).toBe('string');
        expect(RESOURCE_FIELDS).toContain(key);
      }
    }
  }
  for (const task of Object.values(spec.root.dag.tasks)) {
    expect([{}, { enableCache: true }]).toContainEqual(task.cachingOptions);
    if (task.retryPolicy) {
      expect(Number.isInteger(task.retryPolicy.maxRetryCount)).toBe(true);
    }
  }
  const executors =
    (result.platformSpec as any)?.platforms.kubernetes.deploymentSpec.executors ?? {};
  const strings = (map: unknown) =>
    Object.values((map ?? {}) as object).forEach(v => expect(typeof v).toBe('string'));
  for (const config of Object.values(executors)) {
    strings(config.podMetadata?.labels);
    strings(config.podMetadata?.annotations);
    strings(config.nodeSelector?.labels);
    for (const s of config.imagePullSecret ?? []) {
      expect(typeof s.secretName).toBe('string');
    }
    for (const s of config.secretAsEnv ?? []) {
      expect(typeof s.secretName).toBe('string');
      s.keyToEnv.forEach((k: any) =>
        expect([typeof k.envVar, typeof k.secretKey]).toEqual(['string', 'string'])
      );
    }
    for (const m of [...(config.pvcMount ?? []), ...(config.secretAsVolume ?? [])]) {
      expect(typeof m.mountPath).toBe('string');
    }
    for (const t of config.tolerations ?? []) {
      strings(t);
    }
    if (config.activeDeadlineSeconds !== undefined) {
      expect(config.activeDeadlineSeconds).toMatch(/^[1-9]\d*$/);
    }
    if (config.imagePullPolicy !== undefined) {
      expect(['Always', 'IfNotPresent', 'Never']).toContain(config.imagePullPolicy);
    }
  }
}

/** Compile, allowing only a CompileError; check what compiled. */
function compilesOrRefuses(nb: NotebookInput): void {
  let result: CompileResult;
  try {
    result = compile(nb, analysis());
  } catch (e) {
    if (!(e instanceof CompileError)) {
      throw e;
    }
    for (const p of e.problems) {
      expect(typeof p.message).toBe('string');
    }
    return;
  }
  checkCompiled(result);
}

describe('fuzz: arbitrary JSON as metadata never crashes and never compiles an unchecked value', () => {
  const json = fc.jsonValue({ maxDepth: 3 });
  // Known keys most of the time, so the values reach each field's reader.
  const keyed = (keys: readonly string[]) =>
    fc.dictionary(
      fc.oneof(fc.constantFrom(...keys, '__proto__', 'constructor'), fc.string()),
      json,
      {
        maxKeys: 6
      }
    );
  const deployish = keyed(DEPLOY_KEYS);
  const item = (keys: string[]) => fc.oneof(json, fc.array(keyed(keys), { maxLength: 3 }));
  const deployValues = fc.record({
    env: item(['name', 'value']),
    tolerations: item(['key', 'operator', 'value', 'effect', 'tolerationSeconds']),
    secrets: item(['secretName', 'key', 'envVar']),
    volumes: item(['pvcName', 'mountPath']),
    gpu: fc.oneof(json, keyed(['count', 'type', 'product']))
  });
  const kale = fc.oneof(
    json,
    keyed([
      'pipeline_name',
      'docker_image',
      'base_image',
      'volumes',
      'volume_access_mode',
      'steps_defaults',
      'timeout',
      'enable_caching',
      'experiment',
      'storage_class_name'
    ]),
    fc.record({
      volumes: fc.array(
        keyed([
          'type',
          'name',
          'mount_point',
          'size',
          'size_type',
          'annotations',
          'expose_as_env_var'
        ]),
        { maxLength: 3 }
      )
    })
  );
  const tag = fc.oneof(
    fc.string(),
    fc.constantFrom(
      'step:',
      'block:',
      'cache:on',
      'secret:a:b',
      'limit:nvidia.com/gpu:x',
      'label:__proto__:x'
    ),
    fc
      .tuple(
        fc.constantFrom(
          'step',
          'block',
          'prev',
          'limit',
          'label',
          'annotation',
          'image',
          'cache',
          'report',
          'secret',
          'notebook'
        ),
        fc.string()
      )
      .map(([p, rest]) => `${p}:${rest}`)
  );
  const cell = fc.record({
    tags: fc.oneof(json, fc.array(tag, { maxLength: 5 })),
    cellpipe: fc.oneof(json, fc.record({ deploy: fc.oneof(json, deployish, deployValues) }))
  });

  it('cell and notebook metadata', () => {
    fc.assert(
      fc.property(
        fc.tuple(cell, cell),
        fc.oneof(json, fc.record({ defaults: fc.oneof(json, deployish, deployValues) })),
        kale,
        ([a, b], cellpipe, kubeflow) => {
          let nb: NotebookInput;
          try {
            nb = notebook([a, b], { cellpipe, kubeflow_notebook: kubeflow });
          } catch (e) {
            // Reading the file refuses tags that are not a list, naming the cell: a refusal too.
            expect(String(e)).toMatch(
              /^Error: Not a Jupyter notebook .*: cell \d+: metadata\.tags is /
            );
            return;
          }
          compilesOrRefuses(nb);
        }
      ),
      { numRuns: 400, seed: 17 }
    );
  });

  it('well-formed values of every field compile to strings where Kubernetes wants them', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
    const good = fc.record(
      {
        image: word,
        env: fc.array(
          fc.record({ name: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,6}$/), value: fc.string() }),
          { maxLength: 3 }
        ),
        labels: fc.dictionary(word, word, { maxKeys: 3 }),
        imagePullSecrets: fc.array(word, { maxLength: 2 }),
        caching: fc.boolean(),
        retries: fc.nat(5),
        timeoutSeconds: fc.integer({ min: 1, max: 10000 }),
        limits: fc.record({ cpu: fc.constantFrom('1', '500m', 2) }, { requiredKeys: [] })
      },
      { requiredKeys: [] }
    );
    fc.assert(
      fc.property(good, good, (defaults, own) => {
        const result = compile(
          notebook([{ cellpipe: deploy(own) }, {}], { cellpipe: { defaults } }),
          analysis()
        );
        checkCompiled(result);
      }),
      { numRuns: 200, seed: 5 }
    );
  });
});
