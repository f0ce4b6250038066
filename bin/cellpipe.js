#!/usr/bin/env node
/** `npx cellpipe compile notebook.ipynb -o pipeline.yaml`: runs the bundled compiler (`npm run build:cli`). */
'use strict';
const path = require('path');

const bundle = path.join(__dirname, '..', 'cellpipe', 'compiler_js', 'cellpipe.cjs');
let cli;
try {
  cli = require(bundle);
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('cellpipe.cjs')) {
    throw error;
  }
  console.error(`cellpipe: the compiler is not built (${bundle}); run \`npm run build:cli\``);
  process.exit(1);
}
cli.main(process.argv.slice(2)).then(code => {
  process.exitCode = code;
});
