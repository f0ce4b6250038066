/** The files each step reads and writes, file edges and file diagnostics, through the real analyzer. */
import { createAnalyzer } from '..';
import type { NotebookInput } from '../../model/notebook';
import { globMatcher, normalizePath } from '../file-flow';
import type { AnalysisResult, Analyzer, StepFiles } from '../types';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});
afterAll(() => analyzer.dispose?.());

function notebook(cells: Array<[string[], string]>): NotebookInput {
  return {
    cells: cells.map(([tags, source], index) => ({
      id: `c${index}`,
      cellType: 'code',
      source,
      tags,
      metadata: {}
    })),
    metadata: {}
  };
}

const IMPORTS = [
  'import os',
  'import glob',
  'import json',
  'import pickle',
  'import joblib',
  'import torch',
  'import numpy as np',
  'import pandas as pd',
  'from pathlib import Path'
].join('\n');

const analyze = (cells: Array<[string[], string]>) => analyzer.analyze(notebook(cells));
const filesOf = (result: AnalysisResult, name: string): StepFiles =>
  result.steps.find(s => s.name === name)!.files!;

/** The files of one step `s` whose code is `source`, after the usual imports cell. */
function oneStep(source: string, imports = IMPORTS): StepFiles {
  return filesOf(
    analyze([
      [['imports'], imports],
      [['step:s'], source]
    ]),
    's'
  );
}
const reads = (f: StepFiles) => f.reads.map(r => r.path);
const writes = (f: StepFiles) => f.writes.map(w => w.path);

describe('read and write forms', () => {
  it.each([
    ['open("a.txt")', ['a.txt'], []],
    ['open("a.txt", "r")', ['a.txt'], []],
    ['open("a.txt", "w")', [], ['a.txt']],
    ['open("a.txt", mode="wb")', [], ['a.txt']],
    ['open("a.txt", "a")', [], ['a.txt']],
    ['open("a.txt", "r+")', ['a.txt'], ['a.txt']],
    ['open(file="a.txt")', ['a.txt'], []],
    [
      'with open("in.txt") as f, open("out.txt", "w") as g:\n    g.write(f.read())',
      ['in.txt'],
      ['out.txt']
    ],
    ['df = pd.read_csv("data/train.csv")', ['data/train.csv'], []],
    ['df = pd.read_parquet(path="t.parquet")', ['t.parquet'], []],
    ['df = pd.read_excel("t.xlsx")', ['t.xlsx'], []],
    ['df = pd.read_sql("select 1", con)', [], []],
    ['df.to_csv("clean.csv", index=False)', [], ['clean.csv']],
    ['df.to_parquet("clean.parquet")', [], ['clean.parquet']],
    ['df.to_json(path_or_buf="clean.json")', [], ['clean.json']],
    ['text = df.to_csv()', [], []],
    ['x = np.load("f.npy")', ['f.npy'], []],
    ['x = np.loadtxt("f.txt")', ['f.txt'], []],
    ['x = np.genfromtxt("f.csv", delimiter=",")', ['f.csv'], []],
    ['np.save("f.npy", x)', [], ['f.npy']],
    ['np.savez("f.npz", a=x)', [], ['f.npz']],
    ['np.savetxt("f.txt", x)', [], ['f.txt']],
    ['m = joblib.load("model.joblib")', ['model.joblib'], []],
    ['joblib.dump(m, "model.joblib")', [], ['model.joblib']],
    ['joblib.dump(m, filename="model.joblib")', [], ['model.joblib']],
    ['m = pickle.load(open("m.pkl", "rb"))', ['m.pkl'], []],
    ['pickle.dump(m, open("m.pkl", "wb"))', [], ['m.pkl']],
    ['with open("c.json") as f:\n    c = json.load(f)', ['c.json'], []],
    ['json.dump(c, open("c.json", "w"))', [], ['c.json']],
    ['m = torch.load("w.pt")', ['w.pt'], []],
    ['torch.save(m.state_dict(), "w.pt")', [], ['w.pt']],
    ['t = Path("notes.txt").read_text()', ['notes.txt'], []],
    ['b = Path("img.png").read_bytes()', ['img.png'], []],
    ['Path("out.txt").write_text("hi")', [], ['out.txt']],
    ['Path("out.bin").write_bytes(b"")', [], ['out.bin']],
    ['with Path("o.txt").open("w") as f:\n    f.write("x")', [], ['o.txt']],
    ['p = Path("data")\nq = p / "x.csv"\nt = q.read_text()', ['data/x.csv'], []],
    ['files = glob.glob("images/*.png")', ['images/*.png'], []],
    ['files = list(Path("images").glob("*.png"))', ['images/*.png'], []],
    ['df = pd.read_csv("https://example.com/x.csv")', [], []],
    ['s = "a.txt".upper()', [], []],
    // Methods of objects not known to be paths: a zip member, an image, a handle.
    ['with zipfile.ZipFile(z) as archive:\n    member = archive.open("a.txt")', [], []],
    ['img.save(out)\nfound = folder.glob("*.png")', [], []]
  ])('%s', (source, expectedReads, expectedWrites) => {
    const files = oneStep(source);
    expect(reads(files)).toEqual(expectedReads);
    expect(writes(files)).toEqual(expectedWrites);
    expect(files.unresolved).toEqual([]);
  });

  it('records the cell and the line of each access', () => {
    const result = analyze([
      [['imports'], IMPORTS],
      [['step:s'], 'x = 1\n\ndf = pd.read_csv("a.csv")'],
      [[], 'df.to_csv("b.csv")']
    ]);
    expect(filesOf(result, 's').reads).toEqual([{ path: 'a.csv', cellIndex: 1, line: 2 }]);
    expect(filesOf(result, 's').writes).toEqual([{ path: 'b.csv', cellIndex: 2, line: 0 }]);
  });

  it('a file the step wrote itself is not among its reads', () => {
    const files = oneStep('df.to_csv("t.csv")\nback = pd.read_csv("t.csv")');
    expect(reads(files)).toEqual([]);
    expect(writes(files)).toEqual(['t.csv']);
  });

  it('calls in function bodies count, with the function’s own names unknown', () => {
    const files = oneStep(
      'DATA = "data/"\ndef load(name):\n    return pd.read_csv(DATA + "fixed.csv"), pd.read_csv(DATA + name)\nload("x")'
    );
    expect(reads(files)).toEqual(['data/fixed.csv']);
    expect(files.unresolved.map(u => u.expression)).toEqual(['DATA + name']);
  });
});

describe('shared functions', () => {
  const cells = (step: string): Array<[string[], string]> => [
    [['imports'], IMPORTS + '\nDATA = "data/"'],
    [
      ['functions'],
      'def load():\n    return pd.read_csv(DATA + "train.csv")\n\n' +
        'def save(df):\n    df.to_csv("out.csv")\n\n' +
        'def prepare():\n    return load().dropna()'
    ],
    [['step:s'], step]
  ];

  it('a step that calls one reads and writes what it does, where it is written', () => {
    const files = filesOf(analyze(cells('df = load()\nsave(df)')), 's');
    expect(files.reads).toEqual([{ path: 'data/train.csv', cellIndex: 1, line: 1 }]);
    expect(writes(files)).toEqual(['out.csv']);
  });

  it('through another shared function, or called from the step’s own function', () => {
    expect(reads(filesOf(analyze(cells('df = prepare()')), 's'))).toEqual(['data/train.csv']);
    expect(reads(filesOf(analyze(cells('def run():\n    return load()\nrun()')), 's'))).toEqual([
      'data/train.csv'
    ]);
  });

  it('not when the step does not call it, or has its own function of that name', () => {
    expect(filesOf(analyze(cells('x = 1')), 's').reads).toEqual([]);
    expect(reads(filesOf(analyze(cells('def load():\n    return 1\ndf = load()')), 's'))).toEqual(
      []
    );
  });
});

describe('import aliases', () => {
  it.each([
    ['import pandas\ndf = pandas.read_csv("a.csv")'],
    ['import pandas as pandas_lib\ndf = pandas_lib.read_csv("a.csv")'],
    ['from pandas import read_csv\ndf = read_csv("a.csv")'],
    ['from pandas import read_csv as rc\ndf = rc("a.csv")'],
    ['from numpy import load\nx = load("a.csv")'],
    ['from numpy import load as L\nx = L("a.csv")'],
    ['import io\nf = io.open("a.csv")']
  ])('%s', source => {
    expect(reads(oneStep(source, ''))).toEqual(['a.csv']);
  });

  it('follows the imports cell', () => {
    expect(reads(oneStep('x = np.load("a.npy")'))).toEqual(['a.npy']);
  });

  it('a name that is not an import of a known library is not its function', () => {
    // `np` here is the user's object, not numpy; `load` a function of the user's.
    expect(reads(oneStep('np = Loader()\nx = np.load("a.npy")', ''))).toEqual([]);
    expect(reads(oneStep('def load(p):\n    return p\nx = load("a.npy")', ''))).toEqual([]);
  });

  it('a user function called `open` is still… not numpy: a bare open is the builtin', () => {
    expect(writes(oneStep('open("a.txt", "w").close()', ''))).toEqual(['a.txt']);
  });
});

describe('constant folding of paths', () => {
  it.each([
    ['path = "data/"\ndf = pd.read_csv(path + "test.csv")', 'data/test.csv'],
    ['path = "data"\npath += "/test.csv"\ndf = pd.read_csv(path)', 'data/test.csv'],
    ['df = pd.read_csv(os.path.join("data", "x.csv"))', 'data/x.csv'],
    ['d = "data"\ndf = pd.read_csv(os.path.join(d, "sub", "x.csv"))', 'data/sub/x.csv'],
    ['name = "x"\nn = 3\ndf = pd.read_csv(f"data/{name}_{n}.csv")', 'data/x_3.csv'],
    ['df = pd.read_csv(Path("data") / "x.csv")', 'data/x.csv'],
    ['root = Path("./data")\ndf = pd.read_csv(root / "raw" / "x.csv")', 'data/raw/x.csv'],
    ['df = pd.read_csv(str(Path("data").joinpath("x.csv")))', 'data/x.csv'],
    ['df = pd.read_csv("data" "/x.csv")', 'data/x.csv'],
    ['df = pd.read_csv("./data//x.csv")', 'data/x.csv']
  ])('%s', (source, expected) => {
    const files = oneStep(source);
    expect(reads(files)).toEqual([expected]);
    expect(files.unresolved).toEqual([]);
  });

  it('from the pipeline parameters, an earlier cell of the step, and the shared cells', () => {
    const result = analyze([
      [['imports'], IMPORTS + '\nBASE = "data/"'],
      [['pipeline-parameters'], 'split = "test"'],
      [['step:s'], 'ext = ".csv"'],
      [[], 'df = pd.read_csv(BASE + split + ext)']
    ]);
    expect(reads(filesOf(result, 's'))).toEqual(['data/test.csv']);
  });

  it('from a constant an upstream step passes', () => {
    const result = analyze([
      [['imports'], IMPORTS],
      [['step:a'], 'out = "clean.csv"\ndf = pd.DataFrame()\ndf.to_csv(out)'],
      [['step:b', 'prev:a'], 'df2 = pd.read_csv(out)']
    ]);
    expect(reads(filesOf(result, 'b'))).toEqual(['clean.csv']);
  });

  it('the value at the call: a later assignment does not change an earlier read', () => {
    const files = oneStep('p = "a.csv"\nx = pd.read_csv(p)\np = "b.csv"\ny = pd.read_csv(p)');
    expect(reads(files)).toEqual(['a.csv', 'b.csv']);
  });

  it('a name rebound by a loop is no longer a constant', () => {
    const files = oneStep('p = "a.csv"\nfor p in names:\n    pass\nx = pd.read_csv(p)');
    expect(reads(files)).toEqual([]);
    expect(files.unresolved).toEqual([{ expression: 'p', access: 'read', cellIndex: 1, line: 3 }]);
  });
});

describe('unresolved paths are named', () => {
  it.each([
    ['df = pd.read_csv(input_path)', 'input_path', 'read'],
    ['df = pd.read_csv(get_path())', 'get_path()', 'read'],
    ['df.to_csv(f"out_{run_id}.csv")', 'f"out_{run_id}.csv"', 'write'],
    ['df = pd.read_csv(f"{x!r}.csv")', 'f"{x!r}.csv"', 'read'],
    ['with open(cfg["path"], "w") as f:\n    pass', 'cfg["path"]', 'write'],
    ['df = pd.read_csv("data/" + 3)', '"data/" + 3', 'read'],
    ['t = Path(base_dir).read_text()', 'Path(base_dir)', 'read']
  ])('%s', (source, expression, access) => {
    const files = oneStep(source);
    expect(files.reads).toEqual([]);
    expect(files.writes).toEqual([]);
    expect(files.unresolved.map(u => [u.expression, u.access])).toEqual([[expression, access]]);
  });
});

describe('file flow between steps', () => {
  const edges = (result: AnalysisResult) =>
    result.edges.filter(e => e.kind === 'file').map(e => [e.from, e.to, e.files]);

  it('a file written upstream and read downstream is a file edge, apart from variable edges', () => {
    const result = analyze([
      [['imports'], IMPORTS],
      [['step:clean'], 'df = pd.read_csv("data/raw.csv")\ndf.to_csv("clean.csv")\nn = len(df)'],
      [['step:train', 'prev:clean'], 'df = pd.read_csv("clean.csv")\nprint(n)'],
      [['step:report', 'prev:train'], 'text = open("clean.csv").read()']
    ]);
    expect(edges(result)).toEqual([
      ['clean', 'train', ['clean.csv']],
      ['clean', 'report', ['clean.csv']]
    ]);
    const variables = result.edges.filter(e => e.kind === undefined);
    expect(variables.map(e => [e.from, e.to, e.passes])).toEqual([
      ['clean', 'train', ['n']],
      ['train', 'report', []]
    ]);
    expect(result.diagnostics.filter(d => d.code.includes('file'))).toEqual([]);
  });

  it('the closest upstream writer carries the file', () => {
    const result = analyze([
      [['imports'], IMPORTS],
      [['step:a'], 'open("x.txt", "w").write("1")'],
      [['step:b', 'prev:a'], 'open("x.txt", "w").write("2")'],
      [['step:c', 'prev:b'], 'v = open("x.txt").read()']
    ]);
    expect(edges(result)).toEqual([['b', 'c', ['x.txt']]]);
  });

  it('a glob read is fed by the files it matches', () => {
    const result = analyze([
      [['imports'], IMPORTS],
      [['step:a'], 'np.save("parts/p1.npy", x)'],
      [['step:b', 'prev:a'], 'names = glob.glob("parts/*.npy")']
    ]);
    expect(edges(result)).toEqual([['a', 'b', ['parts/*.npy']]]);
  });

  it('a file written by a step that is not upstream, before the reading cell: add prev', () => {
    const result = analyze([
      [['imports'], IMPORTS],
      [['step:clean'], 'pd.DataFrame().to_csv("clean.csv")'],
      [['step:train'], 'df = pd.read_csv("clean.csv")']
    ]);
    const found = result.diagnostics.filter(d => d.code === 'file-not-upstream');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'warning',
      cellIndex: 2,
      step: 'train',
      file: 'clean.csv',
      fix: { kind: 'add-dependency', step: 'train', dependsOn: 'clean' }
    });
    expect(found[0].message).toContain('step "train" reads file "clean.csv"');
    expect(found[0].message).toContain('add prev:clean');
    expect(found[0].range).toEqual({ startLine: 0, startColumn: 5, endLine: 0, endColumn: 29 });
    expect(edges(result)).toEqual([]);
  });

  it('a file only written later, or never, is a file that exists before the run: no diagnostic', () => {
    const result = analyze([
      [['imports'], IMPORTS],
      [['step:train'], 'df = pd.read_csv("clean.csv")'],
      [['step:clean'], 'df.to_csv("clean.csv")']
    ]);
    expect(result.diagnostics.filter(d => d.code === 'file-not-upstream')).toEqual([]);
  });

  it('two parallel writers of a file are a race; a chain of writers is not', () => {
    const result = analyze([
      [['imports'], IMPORTS],
      [['step:a'], 'open("out.txt", "w").write("a")'],
      [['step:b'], 'open("out.txt", "w").write("b")'],
      [['step:c', 'prev:b'], 'open("out.txt", "w").write("c")']
    ]);
    const races = result.diagnostics.filter(d => d.code === 'parallel-file-writers');
    // a ∥ b and a ∥ c race; b → c is ordered.
    expect(races.map(d => [d.step, d.file, d.cellIndex])).toEqual([
      ['b', 'out.txt', 2],
      ['c', 'out.txt', 3]
    ]);
    expect(races[0].message).toBe(
      'steps "a" and "b" both write file "out.txt" and neither runs after the other: which content ' +
        'the file ends with depends on timing; make one depend on the other'
    );
    const ordered = analyze([
      [['imports'], IMPORTS],
      [['step:a'], 'open("out.txt", "w").write("a")'],
      [['step:b', 'prev:a'], 'open("out.txt", "w").write("b")']
    ]);
    expect(ordered.diagnostics.filter(d => d.code === 'parallel-file-writers')).toEqual([]);
  });
});

describe('helpers', () => {
  it('normalizes paths as pathlib prints them', () => {
    expect(normalizePath('./a//b/./c')).toBe('a/b/c');
    expect(normalizePath('/abs/./x')).toBe('/abs/x');
    expect(normalizePath('./')).toBe('.');
    expect(normalizePath('../up/x')).toBe('../up/x');
  });

  it('matches glob patterns on whole paths', () => {
    expect(globMatcher('parts/*.npy').test('parts/p1.npy')).toBe(true);
    expect(globMatcher('parts/*.npy').test('parts/sub/p1.npy')).toBe(false);
    expect(globMatcher('parts/**/*.npy').test('parts/sub/p1.npy')).toBe(true);
    expect(globMatcher('img?.[pj]ng').test('img1.png')).toBe(true);
    expect(globMatcher('a+b.txt').test('a+b.txt')).toBe(true);
  });
});

describe('between analyses', () => {
  it('re-resolves a step when its cells, the shared code, parameters or upstream constants change; an edit leaves the other steps their files', async () => {
    const fresh = await createAnalyzer();
    const cells: Array<[string[], string]> = [
      [['imports'], IMPORTS],
      [['pipeline-parameters'], 'split = "train"'],
      [['step:a'], 'out = "clean.csv"\npd.DataFrame().to_csv(out)'],
      [['step:b', 'prev:a'], 'df = pd.read_csv(out)'],
      [['step:c'], 'x = pd.read_csv(f"data/{split}.csv")'],
      [['step:d'], 'y = np.load("y.npy")']
    ];
    const run = (changes: Record<number, string> = {}) =>
      fresh.analyze(notebook(cells.map(([tags, source], i) => [tags, changes[i] ?? source])));
    const first = run();
    const again = run();
    for (const name of ['a', 'b', 'c', 'd']) {
      expect(filesOf(again, name)).toBe(filesOf(first, name));
    }
    const edited = run({ 4: 'x = pd.read_csv("data/other.csv")' });
    expect(reads(filesOf(edited, 'c'))).toEqual(['data/other.csv']);
    expect(filesOf(edited, 'd')).toBe(filesOf(first, 'd'));
    const params = run({ 1: 'split = "test"' });
    expect(reads(filesOf(params, 'c'))).toEqual(['data/test.csv']);
    const upstream = run({
      1: 'split = "test"',
      2: 'out = "other.csv"\npd.DataFrame().to_csv(out)'
    });
    expect(reads(filesOf(upstream, 'b'))).toEqual(['other.csv']);
    expect(upstream.edges.filter(e => e.kind === 'file')).toEqual([
      { from: 'a', to: 'b', passes: [], kind: 'file', files: ['other.csv'] }
    ]);
    const imports = run({ 0: IMPORTS.replace('import numpy as np', 'import mylib as np') });
    expect(reads(filesOf(imports, 'd'))).toEqual([]);
    fresh.dispose?.();
  });
});
