#!/usr/bin/env node
/**
 * The compiler as one self-contained node program for the Python side (local runner, `cellpipe` CLI):
 * `cellpipe/compiler_js/cellpipe.cjs` plus the two wasm files the analyzer loads, beside it (git-ignored,
 * shipped in the wheel). Usage: `node cellpipe/compiler_js/cellpipe.cjs compile NB.ipynb -o PIPELINE.yaml`.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { embedRuntime } = require('./embed-runtime');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, 'cellpipe', 'compiler_js');
const WASM = [
  path.join(ROOT, 'node_modules', 'web-tree-sitter', 'tree-sitter.wasm'),
  path.join(ROOT, 'node_modules', 'tree-sitter-python', 'tree-sitter-python.wasm')
];

async function buildCli() {
  embedRuntime();
  fs.mkdirSync(OUT_DIR, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'cli', 'index.ts')],
    outfile: path.join(OUT_DIR, 'cellpipe.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    legalComments: 'none',
    logLevel: 'warning'
  });
  for (const file of WASM) {
    fs.copyFileSync(file, path.join(OUT_DIR, path.basename(file)));
  }
}

module.exports = { buildCli };

if (require.main === module) {
  buildCli().catch(error => {
    console.error(error.message || error);
    process.exit(1);
  });
}
