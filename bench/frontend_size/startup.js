#!/usr/bin/env node
/**
 * Which files of a built labextension JupyterLab loads when it starts, read from the federated build
 * itself: the build's remoteEntry runs here with a stand-in `document` (each chunk script it adds is
 * read from static/ and run), JupyterLab's share scope is given (its core packages, as the host
 * provides them), then `./extension` and `./style` are fetched, as JupyterLab does for every
 * extension at start. Chunks fetched later by `import()` (the worker, dagre, yaml) are not asked for.
 * `node startup.js LABEXTENSION_DIR CORE_PACKAGE_JSON` prints one JSON line: files, bytes, gzip_bytes.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const zlib = require('zlib');

const [dir, corePackage] = process.argv.slice(2);
const staticDir = path.join(dir, 'static');
const entry = path.basename(
  JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).jupyterlab._build.load
);
const BASE = 'http://localhost/lab/extensions/cellpipe/static/';
const loaded = [];

function runFile(file) {
  loaded.push(file);
  vm.runInContext(fs.readFileSync(path.join(staticDir, file), 'utf8'), context, { filename: file });
}

const element = tag => ({
  tagName: tag.toUpperCase(),
  setAttribute(key, value) {
    this[key] = value;
  },
  getAttribute(key) {
    return this[key];
  },
  parentNode: { removeChild() {} }
});
const document = {
  baseURI: BASE,
  currentScript: { tagName: 'SCRIPT', src: BASE + entry },
  getElementsByTagName: () => [],
  createElement: element,
  head: {
    appendChild(script) {
      script.parentNode = { removeChild() {} };
      setImmediate(() => {
        const file = path.basename(new URL(script.src).pathname);
        try {
          runFile(file);
          script.onload?.({ type: 'load', target: script });
        } catch (error) {
          console.error(error);
          script.onerror?.({ type: 'error', target: script });
        }
      });
    }
  }
};
const context = vm.createContext({
  console,
  setTimeout,
  clearTimeout,
  setImmediate,
  URL,
  document
});
context.self = context;
context.window = context;
context.location = { href: BASE };

async function main() {
  runFile(entry);
  context.document.currentScript = null;
  const core = JSON.parse(fs.readFileSync(corePackage, 'utf8'));
  const scope = {};
  for (const [name, range] of Object.entries(core.resolutions ?? {})) {
    const version = range.replace(/^[~^]/, '');
    scope[name] = {
      [version]: {
        get: () => Promise.resolve(() => ({})),
        from: 'jupyterlab',
        eager: false,
        loaded: 1
      }
    };
  }
  const container = context._JUPYTERLAB.cellpipe;
  await container.init(scope);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  await container.get(pkg.jupyterlab._build.extension);
  if (pkg.jupyterlab._build.style) {
    await container.get(pkg.jupyterlab._build.style);
  }
  const files = loaded.map(file => {
    const body = fs.readFileSync(path.join(staticDir, file));
    return { file, bytes: body.length, gzip_bytes: zlib.gzipSync(body, { level: 9 }).length };
  });
  const sum = key => files.reduce((total, f) => total + f[key], 0);
  console.log(JSON.stringify({ files, bytes: sum('bytes'), gzip_bytes: sum('gzip_bytes') }));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
