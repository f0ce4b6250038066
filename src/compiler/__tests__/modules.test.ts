import { compile, CompileError, importedModules, notebookModules, stepModules } from '../index';
import { LocalModules } from '../types';
import { AnalysisResult } from '../../analysis/types';
import { loadNotebook, step } from './fixtures';

const NOTEBOOK = 'tests/fixtures/local_modules/pipeline.ipynb';

/** What the analyzer decides for tests/fixtures/local_modules/pipeline.ipynb. */
function fixtureAnalysis(): AnalysisResult {
  return {
    importsCells: [0],
    functionsCells: [],
    parameters: [
      {
        name: 'text',
        cellIndex: 1,
        valueText: '"The Art of a Good Pipeline"',
        value: 'The Art of a Good Pipeline',
        type: 'str'
      }
    ],
    steps: [
      step('load', [2], { outputs: ['words'], parameters: ['text'] }),
      step('score', [3], {
        depends: ['load'],
        inputs: ['words'],
        inputSources: { words: 'load' },
        outputs: []
      }),
      step('plain', [4])
    ],
    edges: [{ from: 'load', to: 'score', passes: ['words'] }],
    diagnostics: []
  };
}

/** Bundles whose content is only their size (the compiler never opens them). */
function bundleOf(bytes: number, tag: string): [string, string] {
  return [tag.repeat(64).slice(0, 64), Buffer.alloc(bytes, tag).toString('base64')];
}

const LOCAL: LocalModules = {
  bundles: {
    helpers: bundleOf(100, 'h'),
    textkit: bundleOf(300, 't'),
    units: bundleOf(10, 'u')
  },
  requires: { helpers: ['units'], textkit: [], units: [] },
  maxBytes: 1000
};

const bundlesLine = (program: string) =>
  JSON.parse(
    program
      .split('\n')
      .find(l => l.startsWith('_CELLPIPE_BUNDLES = '))!
      .slice(20)
  );

describe('importedModules', () => {
  it.each([
    ['import a.b as c, d', ['a', 'd']],
    ['from x.y import z\nfrom w import (p,\n  q)', ['w', 'x']],
    ['from . import sibling\nfrom .pkg import thing\nfrom ..up import it', []],
    ['def f():\n    import inner\n    return inner', ['inner']],
    ['try: import fast\nexcept ImportError: import slow as fast', ['fast', 'slow']],
    ['x = 1; import after; y = 2', ['after']],
    ['import \\\n    continued', ['continued']],
    ['if True:\n    from cond import x', ['cond']],
    ['# import commented\ns = "import quoted"\nt = f"{1}import fmt"', []],
    ['"""\nimport in_docstring\n"""\nimport real', ['real']],
    ["r'\\' import raw'\nb'''\nfrom bytes import x'''", []],
    ['d = {"k": importlib}\nimport_me = 1\nfrom_x = 2', []],
    ['import données', ['données']]
  ])('%j imports %j', (source, expected) => {
    expect(importedModules(source)).toEqual(expected);
  });
});

describe('modules per step', () => {
  it('reads the shared cells and the step’s own cells, magics removed, not comments or strings', () => {
    const notebook = loadNotebook(NOTEBOOK);
    expect(stepModules(notebook, fixtureAnalysis())).toEqual({
      load: ['json', 'textkit'],
      score: ['helpers', 'json'],
      plain: ['json']
    });
    expect(notebookModules(notebook, fixtureAnalysis())).toEqual(['helpers', 'json', 'textkit']);
    notebook.cells[4].source = '!pip install helpers\n%run helpers\nimport os';
    expect(stepModules(notebook, fixtureAnalysis()).plain).toEqual(['json', 'os']);
  });

  it('leaves out the modules the notebook says its images have (cellpipe.modulesFromImage)', () => {
    const notebook = loadNotebook(NOTEBOOK);
    notebook.metadata = { ...notebook.metadata, cellpipe: { modulesFromImage: ['textkit', 7] } };
    expect(stepModules(notebook, fixtureAnalysis()).load).toEqual(['json']);
    expect(notebookModules(notebook, fixtureAnalysis())).toEqual(['helpers', 'json']);
  });
});

describe('compile with local modules', () => {
  const compileWith = (localModules?: LocalModules, bundles?: [string, string][]) =>
    compile(loadNotebook(NOTEBOOK), fixtureAnalysis(), { localModules, bundles });

  it('gives each step the bundles of the local modules it imports, and theirs', () => {
    const result = compileWith(LOCAL);
    const byStep = Object.fromEntries(result.steps.map(s => [s.step, s]));
    expect(byStep.load.localModules).toEqual(['textkit']);
    expect(byStep.score.localModules).toEqual(['helpers', 'units']);
    expect(byStep.plain.localModules).toEqual([]);
    expect(bundlesLine(byStep.load.program)).toEqual([LOCAL.bundles.textkit]);
    expect(bundlesLine(byStep.score.program)).toEqual([LOCAL.bundles.helpers, LOCAL.bundles.units]);
    expect(bundlesLine(byStep.plain.program)).toEqual([]);
  });

  it('keeps bundles every step carries first', () => {
    const shared = bundleOf(5, 's');
    const result = compileWith(LOCAL, [shared]);
    expect(bundlesLine(result.steps[2].program)).toEqual([shared]);
    expect(bundlesLine(result.steps[1].program)).toEqual([
      shared,
      LOCAL.bundles.helpers,
      LOCAL.bundles.units
    ]);
  });

  it('is deterministic: the same modules in any order give the same bytes', () => {
    const reordered: LocalModules = {
      maxBytes: 1000,
      requires: { units: [], textkit: [], helpers: ['units'] },
      bundles: {
        units: LOCAL.bundles.units,
        textkit: LOCAL.bundles.textkit,
        helpers: LOCAL.bundles.helpers
      }
    };
    expect(compileWith(reordered).yaml).toBe(compileWith(LOCAL).yaml);
    expect(compileWith(LOCAL).yaml).not.toBe(compileWith().yaml);
  });

  it('refuses a step whose modules together are over the limit, naming step and modules', () => {
    const tight = { ...LOCAL, maxBytes: 105 };
    let error: CompileError | undefined;
    try {
      compileWith(tight);
    } catch (e) {
      error = e as CompileError;
    }
    expect(error).toBeInstanceOf(CompileError);
    expect(error!.problems).toEqual([
      {
        cellIndex: 2,
        step: 'load',
        message:
          'step "load": local modules textkit zip to 300 bytes, over the 105-byte limit for shipping ' +
          "them with the step: install them in an image, set it as the step's image and list them in " +
          'the notebook\'s metadata under "cellpipe": {"modulesFromImage": [...]} (or raise ' +
          'CELLPIPE_MAX_BUNDLE_BYTES)'
      },
      {
        cellIndex: 3,
        step: 'score',
        message: expect.stringContaining('local modules helpers, units zip to 110 bytes')
      }
    ]);
  });
});
