/**
 * Entry of the `cellpipe` node CLI (bundled by scripts/build-cli.js into cellpipe/compiler_js/).
 * The two wasm files ship beside the bundle; in a source checkout they come from node_modules.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createAnalyzer } from '../analysis';
import { AnalyzerInit } from '../analysis/types';
import { run } from './main';

// The bundle's API for node callers (the compile benchmark, tools).
export { createAnalyzer } from '../analysis';
export { fromNbformat } from '../model/notebook';
export { compile, compileNotebook, importedModules } from '../compiler';
export { localModules } from './bundles';

/** The wasm files beside the bundle, when it ships with them. */
export function bundledAnalyzerInit(dir: string = __dirname): AnalyzerInit | undefined {
  const treeSitter = path.join(dir, 'tree-sitter.wasm');
  const python = path.join(dir, 'tree-sitter-python.wasm');
  if (!fs.existsSync(treeSitter) || !fs.existsSync(python)) {
    return undefined;
  }
  return { treeSitterWasm: fs.readFileSync(treeSitter), pythonWasm: fs.readFileSync(python) };
}

export function main(argv: string[]): Promise<number> {
  return run(argv, {
    createAnalyzer,
    analyzerInit: bundledAnalyzerInit(),
    stdout: text => void process.stdout.write(text),
    stderr: text => void process.stderr.write(text)
  });
}

if (require.main === module) {
  // main never rejects: run() reports every error as an exit code.
  void main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
}
