#!/usr/bin/env node
/**
 * The production labextension the wheel ships (minified, no source maps), built apart from the
 * development build in cellpipe/labextension: that one is what `jupyter labextension develop` links
 * and `make lab` and the Galata suites load, and `jupyter labextension build` empties its output
 * folder first. So: tsc (no source maps) into a staging folder beside the output, the labextension
 * built there, then swapped in whole, so OUT_DIR is never half written.
 * `node scripts/build-labextension.js [OUT_DIR]` (default build/labextension; pyproject's wheel
 * shared-data reads it).
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { embedRuntime } = require('./embed-runtime');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.resolve(process.argv[2] || path.join(ROOT, 'build', 'labextension'));

function run(command, args, cwd = ROOT) {
  const done = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (done.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${done.status ?? done.signal})`);
  }
}

function buildLabextension(outDir = OUT_DIR) {
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  const stage = fs.mkdtempSync(path.join(path.dirname(outDir), '.stage-'));
  try {
    embedRuntime();
    run(path.join(ROOT, 'node_modules', '.bin', 'tsc'), [
      '-p',
      path.join(ROOT, 'tsconfig.json'),
      '--outDir',
      path.join(stage, 'lib'),
      '--composite',
      'false',
      '--incremental',
      'false',
      '--declaration',
      'false',
      '--sourceMap',
      'false'
    ]);
    for (const item of ['package.json', 'webpack.config.js', 'style', 'schema']) {
      fs.cpSync(path.join(ROOT, item), path.join(stage, item), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
    run('jupyter', ['labextension', 'build', stage]);
    const built = path.join(stage, require(path.join(ROOT, 'package.json')).jupyterlab.outputDir);
    const old = `${outDir}.old`;
    fs.rmSync(old, { recursive: true, force: true });
    if (fs.existsSync(outDir)) {
      fs.renameSync(outDir, old);
    }
    fs.renameSync(built, outDir);
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  return outDir;
}

module.exports = { buildLabextension };

if (require.main === module) {
  console.log(`production labextension: ${path.relative(ROOT, buildLabextension())}`);
}
