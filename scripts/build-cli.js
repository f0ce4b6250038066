#!/usr/bin/env node
/**
 * The compiler as one self-contained node program for the Python side (local runner, `cellpipe` CLI):
 * `cellpipe/compiler_js/cellpipe.cjs` plus the two wasm files the analyzer loads, beside it (git-ignored,
 * shipped in the wheel). `node scripts/build-cli.js [OUT_DIR]`. Usage: `node cellpipe/compiler_js/cellpipe.cjs compile NB.ipynb -o PIPELINE.yaml`.
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

/** `outDir` defaults to cellpipe/compiler_js; tests build a private copy elsewhere. */
async function buildCli(outDir = OUT_DIR) {
  embedRuntime();
  fs.mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'cli', 'index.ts')],
    outfile: path.join(outDir, 'cellpipe.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    legalComments: 'none',
    logLevel: 'warning'
  });
  for (const file of WASM) {
    fs.copyFileSync(file, path.join(outDir, path.basename(file)));
  }
}

module.exports = { buildCli };

if (require.main === module) {
  buildCli(process.argv[2] ? path.resolve(process.argv[2]) : undefined).catch(error => {
    console.error(error.message || error);
    process.exit(1);
  });
}
