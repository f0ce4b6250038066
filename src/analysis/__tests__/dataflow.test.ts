/** Steps, data passing and diagnostics through the real analyzer (wasm grammar), rule by rule. */
import * as fs from 'fs';
import * as path from 'path';
import { createAnalyzer } from '..';
import { fromNbformat, NotebookInput } from '../../model/notebook';
import { stepNameError } from '../../model/validate';
import { located } from '../labels';
import type { AnalysisResult, Analyzer, StepInfo } from '../types';

const ROOT = path.resolve(__dirname, '../../..');
let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});

/** A notebook of code cells: `[tags, source]`, or a plain string for a markdown cell. */
function notebook(cells: Array<[string[], string] | string>): NotebookInput {
  return {
    cells: cells.map((cell, index) =>
      typeof cell === 'string'
        ? { id: `m${index}`, cellType: 'markdown', source: cell, tags: [], metadata: {} }
        : { id: `c${index}`, cellType: 'code', source: cell[1], tags: cell[0], metadata: {} }
    ),
    metadata: {}
  };
}

function fixture(name: string): AnalysisResult {
  const file = path.join(ROOT, 'tests/fixtures', name);
  return analyzer.analyze(fromNbformat(JSON.parse(fs.readFileSync(file, 'utf8')), name));
}

const analyze = (cells: Array<[string[], string] | string>) => analyzer.analyze(notebook(cells));
const step = (result: AnalysisResult, name: string): StepInfo =>
  result.steps.find(s => s.name === name)!;
const codes = (result: AnalysisResult) => result.diagnostics.map(d => `${d.severity}:${d.code}`);

describe("Kale's grouping rules (tests/fixtures/analyzer_kale.ipynb)", () => {
  let result: AnalysisResult;
  beforeAll(() => {
    result = fixture('analyzer_kale.ipynb');
  });

  it('groups cells into shared code, parameters, steps and the metrics step', () => {
    expect(result.importsCells).toEqual([2, 3]);
    expect(result.functionsCells).toEqual([4]);
    expect(result.parameters.map(p => [p.name, p.value, p.type, p.cellIndex])).toEqual([
      ['factor', 2, 'int', 5],
      ['name', 'run', 'str', 5],
      ['sizes', [1, 2], 'list', 5]
    ]);
    expect(result.steps.map(s => [s.name, s.kind, s.cellIndices])).toEqual([
      ['load', 'step', [6, 7]],
      ['transform', 'step', [10, 12]],
      ['summarize', 'step', [13]],
      ['metrics', 'metrics', [14]]
    ]);
  });

  it('passes each variable from its closest producer, and parameters where read', () => {
    expect(step(result, 'load')).toMatchObject({
      depends: [],
      inputs: [],
      outputs: ['data', 'total'],
      parameters: []
    });
    // `scale` (a shared function) reads the parameter `factor`: the step that calls it gets it.
    expect(step(result, 'transform')).toMatchObject({
      depends: ['load'],
      inputs: ['data'],
      inputSources: { data: 'load' },
      outputs: ['peak'],
      parameters: ['factor']
    });
    expect(step(result, 'summarize')).toMatchObject({
      depends: ['transform'],
      inputs: ['peak', 'total'],
      inputSources: { peak: 'transform', total: 'load' },
      outputs: [],
      parameters: ['name']
    });
  });

  it('makes the metrics step depend on the leaves and read the metric names', () => {
    expect(step(result, 'metrics')).toMatchObject({
      depends: ['summarize'],
      inputs: ['peak', 'total'],
      inputSources: { peak: 'transform', total: 'load' },
      metrics: ['total', 'peak']
    });
  });

  it('draws an edge per dependency and per producer, with the variables passed', () => {
    expect(result.edges).toEqual([
      { from: 'load', to: 'transform', passes: ['data'] },
      { from: 'load', to: 'summarize', passes: ['total'] },
      { from: 'transform', to: 'summarize', passes: ['peak'] },
      { from: 'load', to: 'metrics', passes: ['total'] },
      { from: 'transform', to: 'metrics', passes: ['peak'] },
      { from: 'summarize', to: 'metrics', passes: [] }
    ]);
  });

  it('warns about code before any tag, and ignores skipped cells', () => {
    expect(codes(result)).toEqual(['warning:untagged-cell']);
    expect(result.diagnostics[0].cellIndex).toBe(1);
  });
});

describe('problems (tests/fixtures/analyzer_problems.ipynb)', () => {
  let result: AnalysisResult;
  beforeAll(() => {
    result = fixture('analyzer_problems.ipynb');
  });

  const find = (code: string) => result.diagnostics.filter(d => d.code === code);

  it('reports every problem once, errors first', () => {
    expect(codes(result)).toEqual([
      'error:not-upstream',
      'error:unknown-dependency',
      'error:self-dependency',
      'warning:star-import',
      'warning:global-mutation',
      'warning:alias',
      'warning:unserializable',
      'warning:parallel-producers',
      'warning:undefined-name',
      'warning:undefined-name'
    ]);
  });

  it('offers to add the missing dependency', () => {
    const [diagnostic] = find('not-upstream');
    expect(diagnostic).toMatchObject({ cellIndex: 6, step: 'e', variable: 'y' });
    expect(diagnostic.fix).toEqual({
      title: 'Make "e" depend on "c"',
      kind: 'add-dependency',
      step: 'e',
      dependsOn: 'c'
    });
    expect(diagnostic.range).toEqual({ startLine: 0, startColumn: 4, endLine: 0, endColumn: 5 });
  });

  it('resolves a race between parallel producers to one and says so', () => {
    expect(find('parallel-producers')[0].message).toContain('"b" and "c"');
    expect(step(result, 'd').inputSources.y).toBe('c');
  });

  it('does not call a name undefined when a star import may define it', () => {
    const found = find('undefined-name');
    expect(found.map(d => [d.variable, d.severity])).toEqual([
      ['sqrt', 'warning'],
      ['maybe_from_star', 'warning']
    ]);
    expect(found[0].message).toContain('star import');
    expect(step(result, 'e').inputs).toEqual([]);
  });

  it('warns about values that will not survive the trip and about aliases', () => {
    expect(find('unserializable')[0]).toMatchObject({ step: 'a', variable: 'fh' });
    expect(find('alias')[0]).toMatchObject({ step: 'a', variable: 'alias' });
    expect(find('global-mutation')[0]).toMatchObject({ cellIndex: 1, variable: 'x' });
  });

  it('drops unknown and self dependencies from the graph', () => {
    expect(step(result, 'f').depends).toEqual(['e']);
  });
});

describe('data passing', () => {
  it('the closest producer wins over an earlier one', () => {
    const result = analyze([
      [['step:a'], 'v = 1'],
      [['step:b', 'prev:a'], 'v = v + 1'],
      [['step:c', 'prev:b'], 'print(v)']
    ]);
    expect(step(result, 'b').inputSources).toEqual({ v: 'a' });
    expect(step(result, 'c').inputSources).toEqual({ v: 'b' });
    expect(step(result, 'a').outputs).toEqual(['v']);
  });

  it('a step that changes an input in place passes the changed value on', () => {
    const result = analyze([
      [['step:make'], 'model = Model()\nX = load()'],
      [['step:fit', 'prev:make'], 'model.fit(X)'],
      [['step:score', 'prev:fit'], 'print(model.score(X))']
    ]);
    expect(step(result, 'score').inputSources).toEqual({ X: 'make', model: 'fit' });
    expect(step(result, 'fit').outputs).toEqual(['model']);
  });

  it('builtins, shared code and names the step binds first are not inputs', () => {
    const result = analyze([
      [['imports'], 'import math'],
      [['step:a'], 'items = [1]'],
      [
        ['step:b', 'prev:a'],
        'n = len(items)\nr = math.sqrt(n)\ndef f():\n    return r + items[0]\nprint(f())'
      ]
    ]);
    expect(step(result, 'b').inputs).toEqual(['items']);
    expect(result.diagnostics).toEqual([]);
  });

  it('a shared function passes its reads to the steps that call it, unless a step shadows it', () => {
    const result = analyze([
      [['functions'], 'def scale(v):\n    return v * factor'],
      [['pipeline-parameters'], 'factor = 2'],
      [['step:uses'], 'a = scale(1)'],
      [['step:shadows'], 'def scale(v):\n    return v\nb = scale(1)'],
      [['step:ignores'], 'c = 1']
    ]);
    expect(result.steps.map(s => [s.name, s.parameters])).toEqual([
      ['uses', ['factor']],
      ['shadows', []],
      ['ignores', []]
    ]);
  });

  it('a step that deletes a name does not pass it on; deleting needs the name', () => {
    const result = analyze([
      [['step:load'], 'frame = load()\ntotal = 0'],
      [['step:shrink', 'prev:load'], 'small = frame.head()\ndel frame, total'],
      [['step:use', 'prev:shrink'], 'print(frame, small)']
    ]);
    expect(step(result, 'shrink').inputs).toEqual(['frame', 'total']);
    expect(step(result, 'use').inputSources).toEqual({ frame: 'load', small: 'shrink' });
  });

  it('a read before the assignment in the same step is an input', () => {
    const result = analyze([
      [['step:a'], 'count = 0'],
      [['step:b', 'prev:a'], 'count = count + 1']
    ]);
    expect(step(result, 'b').inputs).toEqual(['count']);
  });

  it('an undefined name is an error, not silently dropped', () => {
    const result = analyze([[['step:a'], 'print(missing)\nlater = later_too\nlater_too = 1']]);
    expect(result.diagnostics.map(d => [d.code, d.severity, d.variable])).toEqual([
      ['undefined-name', 'error', 'missing'],
      ['undefined-name', 'error', 'later_too']
    ]);
    expect(result.diagnostics[1].message).toContain('only later');
  });

  it('a parameter rebound upstream comes from the step that rebinds it', () => {
    const result = analyze([
      [['pipeline-parameters'], 'lr = 0.1'],
      [['step:tune'], 'lr = lr / 2'],
      [['step:train', 'prev:tune'], 'print(lr)']
    ]);
    expect(step(result, 'tune').parameters).toEqual(['lr']);
    expect(step(result, 'train')).toMatchObject({ inputs: ['lr'], parameters: [] });
  });

  it('an ordering-only dependency is an edge with nothing passed', () => {
    const result = analyze([
      [['step:a'], 'print(1)'],
      [['step:b', 'prev:a'], 'print(2)']
    ]);
    expect(result.edges).toEqual([{ from: 'a', to: 'b', passes: [] }]);
  });

  it('a module imported in a step is not passed on: import it in an imports cell', () => {
    const result = analyze([
      [['step:a'], 'import os\nimport json as js\njs = {}'],
      [['step:b', 'prev:a'], 'print(os.sep, js)']
    ]);
    expect(step(result, 'b').inputs).toEqual(['js']);
    expect(result.diagnostics.map(d => [d.code, d.variable])).toEqual([
      ['import-not-shared', 'os']
    ]);
  });

  it('a value is unserializable only if it is passed on', () => {
    const kept = analyze([[['step:a'], 'f = open("x")\ntext = f.read()']]);
    expect(kept.diagnostics).toEqual([]);
  });
});

describe('the step graph and names', () => {
  it('reports a dependency cycle', () => {
    const result = analyze([
      [['step:a', 'prev:b'], 'x = 1'],
      [['step:b', 'prev:a'], 'y = 2']
    ]);
    expect(result.diagnostics.map(d => [d.code, d.message])).toEqual([
      ['dependency-cycle', 'the steps depend on each other in a cycle: a → b → a']
    ]);
  });

  it('words a cycle the way the graph draws it: each arrow from a step to the one that depends on it', () => {
    const result = analyze([
      [['step:a', 'prev:c'], 'x = 1'],
      [['step:b', 'prev:a'], 'y = 2'],
      [['step:c', 'prev:b'], 'z = 3']
    ]);
    const [cycle] = result.diagnostics.filter(d => d.code === 'dependency-cycle');
    expect(cycle.message).toBe('the steps depend on each other in a cycle: a → b → c → a');
    const names = cycle.message.split(': ')[1].split(' → ');
    const drawn = new Set(result.edges.map(e => `${e.from}->${e.to}`));
    for (let i = 1; i < names.length; i++) {
      expect(drawn).toContain(`${names[i - 1]}->${names[i]}`);
    }
  });

  it('merges cells that repeat a step name, and rejects names that collide as tasks', () => {
    const result = analyze([
      [['step:load'], 'a = 1'],
      [['step:other'], 'b = 2'],
      [['step:load'], 'c = a'],
      [['step:other_'], 'd = 3'],
      [['step:!!!'], 'e = 4']
    ]);
    expect(step(result, 'load').cellIndices).toEqual([0, 2]);
    expect(codes(result)).toEqual([
      'error:duplicate-step-name',
      'error:invalid-step-name',
      'info:step-merged'
    ]);
  });

  it('refuses step names the cell editor and Kale refuse, naming the cell and the rule', () => {
    const result = analyze([
      [['step:Train-Model'], 'a = 1'],
      [['block:1abc'], 'b = 2'],
      [['step:my step'], 'c = 3'],
      [['step:train_model'], 'd = 4'],
      [['step:' + 'x'.repeat(64)], 'e = 5']
    ]);
    const rule = '(the rule is ^[a-z][a-z0-9_]*$, as in the cell editor)';
    const errors = result.diagnostics.filter(d => d.code === 'invalid-step-name');
    expect(errors.map(d => [d.cellIndex, d.step, d.severity])).toEqual([
      [0, 'Train-Model', 'error'],
      [1, '1abc', 'error'],
      [2, 'my step', 'error'],
      [4, 'x'.repeat(64), 'error']
    ]);
    expect(located(errors[0], errors[0].message)).toBe(
      'cell 1 (step "Train-Model"): Step name "Train-Model" must start with a lowercase letter ' +
        `and hold only lowercase letters, digits and _ ${rule}`
    );
    expect(errors[1].message).toContain(`"1abc" must start with a lowercase letter`);
    expect(errors[2].message).toContain(rule);
    expect(errors[3].message).toMatch(/at most 63 characters/);
    // The same words as the editor's own check, so panel, markers and dialog agree.
    expect(errors[0].message).toContain(stepNameError('Train-Model', [])!);
    expect(codes(result)).toEqual(Array(4).fill('error:invalid-step-name'));
  });

  it('names the metrics step pipeline_metrics when a step is called metrics', () => {
    const result = analyze([
      [['step:metrics'], 'acc = 0.9'],
      [['pipeline-metrics'], 'acc\nunknown_metric']
    ]);
    expect(result.steps.map(s => s.name)).toEqual(['metrics', 'pipeline_metrics']);
    expect(step(result, 'pipeline_metrics').metrics).toEqual(['acc', 'unknown_metric']);
    expect(codes(result)).toContain('warning:metric-not-produced');
  });

  it('accepts one metrics cell, last', () => {
    const result = analyze([
      [['step:a'], 'acc = 1'],
      [['pipeline-metrics'], 'acc'],
      [['step:b'], 'x = 2'],
      [['pipeline-metrics'], 'acc']
    ]);
    expect(codes(result)).toEqual(['error:metrics-not-last', 'error:multiple-metrics']);
  });
});

describe('parameters and cell problems', () => {
  it('parameters must be literals; other lines are ignored with a warning', () => {
    const result = analyze([
      [['pipeline-parameters'], 'a = int("3")\nb = 2\nprint(b)\nb = -1.5'],
      [['step:s'], 'print(a, b)']
    ]);
    expect(result.parameters.map(p => [p.name, p.valueText, p.value, p.type])).toEqual([
      ['a', 'int("3")', undefined, undefined],
      ['b', '-1.5', -1.5, 'float']
    ]);
    expect(codes(result)).toEqual([
      'error:parameter-not-literal',
      'warning:parameter-statement',
      'warning:duplicate-parameter'
    ]);
    expect(step(result, 's').parameters).toEqual(['a', 'b']);
  });

  it('reports syntax errors and masked magics with their lines', () => {
    const result = analyze([[['step:s'], '%matplotlib inline\nx = (1,\ny = 2']]);
    const [syntax, magic] = result.diagnostics;
    expect([syntax.code, syntax.severity]).toEqual(['syntax-error', 'error']);
    expect([magic.code, magic.severity, magic.range?.startLine]).toEqual([
      'magic-masked',
      'info',
      0
    ]);
  });

  it('skipped cells are not analysed', () => {
    const result = analyze([
      [['skip'], 'this is not python ((('],
      [['step:s'], 'x = 1']
    ]);
    expect(result.diagnostics).toEqual([]);
  });
});
