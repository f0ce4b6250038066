import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compile } from '../../compiler';
import { AnalysisResult } from '../../analysis/types';
import { exampleAnalysis, loadNotebook, ROOT } from '../../compiler/__tests__/fixtures';
import { createAnalyzer } from '../../analysis';
import type { Analyzer } from '../../analysis/types';
import { EXIT_FAILED, EXIT_USAGE } from '../main';
import { runCli } from './capture';

const EXAMPLE = path.join(ROOT, 'examples/pipeline.ipynb');

/** Runs the CLI with an analyzer that answers `analysis`, capturing what it prints. */
const cli = (argv: string[], analysis: AnalysisResult = exampleAnalysis()) =>
  runCli(argv, { analyze: () => analysis });

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellpipe-cli-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('cellpipe compile', () => {
  it('writes the package to -o', async () => {
    const output = path.join(dir, 'pipeline.yaml');
    const result = await cli(['compile', EXAMPLE, '-o', output]);
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr: `cellpipe: wrote ${output} (6 steps)\n`
    });
    const expected = compile(loadNotebook('examples/pipeline.ipynb'), exampleAnalysis(), {
      notebookPath: 'pipeline.ipynb'
    });
    expect(fs.readFileSync(output, 'utf8')).toBe(expected.yaml);
  });

  it('writes to stdout with -o - and passes compile options', async () => {
    const result = await cli(['compile', EXAMPLE, '--output=-', '--default-image', 'unused:1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('sdkVersion: cellpipe-');
    expect(result.stdout).toContain('image: "python:3.11"\n');
  });

  it('leaves the data-file importers out with --no-data-imports (cellpipe run: a local run)', async () => {
    const copy = path.join(dir, 'data.ipynb');
    const nb = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
    nb.metadata.cellpipe = {
      dataFiles: { 'data/train.csv': { source: 'uri', uri: 's3://b/train.csv' } }
    };
    fs.writeFileSync(copy, JSON.stringify(nb));
    const analysis = exampleAnalysis();
    const use = { path: 'data/train.csv', cellIndex: 4, line: 0 };
    analysis.steps[0] = {
      ...analysis.steps[0],
      files: { reads: [use], writes: [], unresolved: [] }
    };
    const withImports = await cli(['compile', copy, '-o', '-'], analysis);
    expect(withImports.stdout).toContain('importer:');
    const local = await cli(['compile', copy, '-o', '-', '--no-data-imports'], analysis);
    expect(local.code).toBe(0);
    expect(local.stdout).not.toContain('importer:');
    expect(local.stdout).toContain('_CELLPIPE_FILES = {"reads":["data/train.csv"]}');
  });

  it('defaults the output to the notebook name with .yaml', async () => {
    const copy = path.join(dir, 'demo.ipynb');
    fs.copyFileSync(EXAMPLE, copy);
    expect((await cli(['compile', copy])).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'demo.yaml'))).toBe(true);
  });

  it('says which file is missing', async () => {
    const missing = path.join(dir, 'nope.ipynb');
    expect(await cli(['compile', missing])).toEqual({
      code: EXIT_FAILED,
      stdout: '',
      stderr: `cellpipe: cannot read ${missing}: no such file\n`
    });
  });

  it('refuses invalid JSON and JSON that is not a notebook', async () => {
    const broken = path.join(dir, 'broken.ipynb');
    fs.writeFileSync(broken, '{"cells": [');
    const invalid = await cli(['compile', broken]);
    expect(invalid.code).toBe(EXIT_FAILED);
    expect(invalid.stderr).toMatch(/^cellpipe: .*broken\.ipynb is not a notebook: invalid JSON \(/);
    const other = path.join(dir, 'other.ipynb');
    fs.writeFileSync(other, '{"hello": 1}');
    expect((await cli(['compile', other])).stderr).toBe(
      'cellpipe: Not a Jupyter notebook other.ipynb: expected a JSON object with a "cells" list\n'
    );
  });

  it('lists the notebook errors with their cells and exits non-zero', async () => {
    const analysis = exampleAnalysis();
    analysis.diagnostics = [
      { code: 'cycle', severity: 'error', message: 'steps form a cycle', cellIndex: 4 }
    ];
    const result = await cli(['compile', EXAMPLE, '-o', path.join(dir, 'x.yaml')], analysis);
    expect(result.code).toBe(EXIT_FAILED);
    expect(result.stderr).toBe(
      `cellpipe: ${EXAMPLE}: The notebook has errors:\n  cell 5: steps form a cycle\n`
    );
    expect(fs.existsSync(path.join(dir, 'x.yaml'))).toBe(false);
  });

  it('explains its usage on bad command lines', async () => {
    expect((await cli([])).code).toBe(EXIT_USAGE);
    expect((await cli(['build'])).stderr).toMatch(
      /^cellpipe: unknown command "build"\n\nusage: cellpipe compile/
    );
    expect((await cli(['compile', EXAMPLE, '--frobnicate'])).stderr).toMatch(
      /^cellpipe: unknown option --frobnicate/
    );
    expect((await cli(['compile', EXAMPLE, '-o'])).code).toBe(EXIT_USAGE);
    expect((await cli(['compile'])).stderr).toMatch(/^cellpipe: compile takes one notebook, got 0/);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: cellpipe compile/);
    expect((await cli(['--version'])).stdout).toMatch(/^cellpipe \d+\.\d+\.\d+\n$/);
  });
});

describe('cellpipe compile with the real analyzer: exit codes and messages', () => {
  let analyzer: Analyzer;
  beforeAll(async () => {
    analyzer = await createAnalyzer();
  });
  const real = (argv: string[]) => runCli(argv, analyzer);
  const MESSAGES = path.join(ROOT, 'tests/fixtures/kale_messages');

  it('exits 1 and prints every notebook error with the one cell numbering', async () => {
    const notebook = path.join(MESSAGES, 'unknown_prev.ipynb');
    const result = await real(['compile', notebook, '-o', path.join(dir, 'x.yaml')]);
    expect(result.code).toBe(EXIT_FAILED);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(`cellpipe: ${notebook}: The notebook has errors:`);
    expect(lines).toContain(
      '  cell 5: step "feature_transformation": tag prev:loaddata names no step: did you mean "load_data"?'
    );
    expect(lines).toContain(
      '  cell 5: step "feature_transformation" reads "df", which step "load_data" (cell 4) assigns ' +
        'before it, but "load_data" is not upstream of "feature_transformation": add prev:load_data'
    );
    expect(result.stderr).not.toMatch(/prev:selecting_best/);
    expect(fs.existsSync(path.join(dir, 'x.yaml'))).toBe(false);
  });

  it('exits 0 and prints the warnings when the notebook compiles', async () => {
    const notebook = path.join(dir, 'warned.ipynb');
    const code = (source: string, tags: string[] = []) => ({
      cell_type: 'code',
      metadata: tags.length ? { tags } : {},
      source,
      outputs: [],
      execution_count: null
    });
    fs.writeFileSync(
      notebook,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          code('print("setup")'),
          { cell_type: 'markdown', metadata: {}, source: 'A step' },
          code('x = 1', ['step:one'])
        ]
      })
    );
    const result = await real(['compile', notebook, '-o', path.join(dir, 'w.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'cellpipe: warning: cell 1: this cell comes before any tagged cell: it belongs to no step and never runs in the pipeline\n'
    );
  });
});
