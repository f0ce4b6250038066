/**
 * Golden files: real notebooks through the real analyzer and the compiler. The embedded runtime is
 * elided from the programs (it has its own tests), everything else is compared byte for byte.
 * Rewrite them with `UPDATE_GOLDEN=1 npx jest golden`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compileNotebook } from '../index';
import { RUNTIME_SOURCES } from '../runtime-sources.generated';
import { toYaml } from '../yaml';
import { loadNotebook, ROOT } from './fixtures';
import type { Analyzer } from '../../analysis/types';

const GOLDEN_DIR = path.join(ROOT, 'tests/fixtures/golden');
const NOTEBOOKS = [
  'examples/pipeline.ipynb',
  ...fs
    .readdirSync(path.join(ROOT, 'tests/fixtures'))
    .filter(name => /^compile_.*\.ipynb$/.test(name) && !name.startsWith('compile_error_'))
    .sort()
    .map(name => `tests/fixtures/${name}`)
];
const analyzerReady = fs.existsSync(path.join(ROOT, 'src/analysis/index.ts'));

/** The program with the embedded runtime sources and bootstrap replaced by one line each. */
export function elideRuntime(program: string): string {
  const lines = program.split('\n');
  const start = lines.findIndex(line => line.startsWith('_CELLPIPE_SOURCES = "'));
  const end = start;
  const boot = lines.findIndex(line => line.startsWith('_CELLPIPE_BUNDLES = '));
  const started = lines.findIndex(line => line.startsWith('_cp = _cellpipe_boot('));
  return [
    ...lines.slice(0, start),
    `_CELLPIPE_SOURCES = {...}  # ${Object.keys(RUNTIME_SOURCES).length} files, elided`,
    ...lines.slice(end + 1, boot + 1),
    '# cellpipe/runtime/bootstrap.py, elided',
    ...lines.slice(started)
  ].join('\n');
}

function goldenText(notebookPath: string, analyzer: Analyzer): string {
  const result = compileNotebook(loadNotebook(notebookPath), analyzer);
  const spec = JSON.parse(JSON.stringify(result.pipelineSpec));
  for (const executor of Object.values(spec.deploymentSpec.executors)) {
    executor.container.args[0] = elideRuntime(executor.container.args[0]);
  }
  const docs = result.platformSpec ? [spec, result.platformSpec] : [spec];
  return docs.map(toYaml).join('---\n');
}

(analyzerReady ? describe : describe.skip)('golden packages', () => {
  let analyzer: Analyzer;
  beforeAll(async () => {
    // Loaded lazily: the analyzer lands in parallel with the compiler.
    const analysis = require('../../analysis');
    analyzer = await analysis.createAnalyzer();
  });

  it.each(NOTEBOOKS)('%s', notebookPath => {
    const golden = path.join(GOLDEN_DIR, path.basename(notebookPath).replace(/\.ipynb$/, '.yaml'));
    const text = goldenText(notebookPath, analyzer);
    if (process.env.UPDATE_GOLDEN) {
      fs.mkdirSync(GOLDEN_DIR, { recursive: true });
      fs.writeFileSync(golden, text);
    }
    if (!fs.existsSync(golden)) {
      throw new Error(`no golden file ${golden}: write it with UPDATE_GOLDEN=1 npx jest golden`);
    }
    expect(text).toBe(fs.readFileSync(golden, 'utf8'));
  });
});
