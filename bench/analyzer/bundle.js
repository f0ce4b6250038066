/** Bundles the analyzer (and the notebook reader) as one CommonJS file for the benchmark. */
'use strict';
const path = require('path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '../..');
esbuild.buildSync({
  stdin: {
    contents:
      "export { createAnalyzer } from './src/analysis';\n" +
      "export { loadGrammar, parseCode } from './src/analysis/parse';\n" +
      "export { maskMagics } from './src/analysis/magics';\n" +
      "export { fromNbformat } from './src/model/notebook';\n",
    resolveDir: ROOT,
    loader: 'ts'
  },
  outfile: process.argv[2],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  logLevel: 'warning'
});
