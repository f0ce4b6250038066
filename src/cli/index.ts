/**
 * Entry of the `cellpipe` node CLI (bundled by scripts/build-cli.js into cellpipe/compiler_js/).
 * The two wasm files ship beside the bundle; in a source checkout they come from node_modules.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createAnalyzer } from '../analysis';
import { AnalyzerInit } from '../analysis/types';
import { run } from './main';

function shippedWasm(dir: string): AnalyzerInit | undefined {
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
    analyzerInit: shippedWasm(__dirname),
    stdout: text => void process.stdout.write(text),
    stderr: text => void process.stderr.write(text)
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
}
