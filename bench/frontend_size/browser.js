#!/usr/bin/env node
/**
 * What a real browser fetches from cellpipe's labextension when JupyterLab starts: a JupyterLab
 * server serving LABEXTENSIONS_DIR/cellpipe first (--LabApp.extra_labextensions_path), no notebook
 * open (a fresh workspace), chromium recording every response under /lab/extensions/cellpipe/ until
 * the Pipeline panel's tab is in the sidebar and the network is idle.
 * `node browser.js LABEXTENSIONS_DIR PORT` prints one JSON line: files, bytes, gzip_bytes.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { spawn } = require('child_process');
const { chromium } = require('@playwright/test');

const [labextensions, port] = process.argv.slice(2);
const TOKEN = 'frontend-size';
const base = `http://127.0.0.1:${port}`;

async function serverUp(server) {
  for (let i = 0; i < 240; i++) {
    if (server.exitCode !== null) {
      throw new Error(`jupyter lab exited (${server.exitCode})`);
    }
    try {
      if ((await fetch(`${base}/api/status?token=${TOKEN}`)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  throw new Error(`jupyter lab did not answer on ${base}`);
}

async function main() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cellpipe-frontend-size-'));
  const args = [
    'lab',
    '--no-browser',
    `--port=${port}`,
    '--ip=127.0.0.1',
    `--ServerApp.token=${TOKEN}`,
    `--ServerApp.root_dir=${home}`,
    `--LabApp.extra_labextensions_path=${path.resolve(labextensions)}`,
    `--LabApp.workspaces_dir=${path.join(home, 'workspaces')}`,
    `--LabApp.user_settings_dir=${path.join(home, 'settings')}`
  ];
  if (process.getuid?.() === 0) {
    args.push('--allow-root');
  }
  const log = fs.openSync(path.join(home, 'jupyter.log'), 'w');
  const server = spawn('jupyter', args, { stdio: ['ignore', log, log] });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu']
  });
  try {
    await serverUp(server);
    const page = await browser.newPage();
    const bodies = [];
    page.on('response', response => {
      const url = new URL(response.url());
      if (url.pathname.startsWith('/lab/extensions/cellpipe/')) {
        bodies.push(response.body().then(body => ({ file: path.basename(url.pathname), body })));
      }
    });
    await page.goto(`${base}/lab?token=${TOKEN}`);
    await page.waitForSelector('[data-id="cellpipe-panel"]', { timeout: 120000 });
    await page.waitForLoadState('networkidle');
    const files = (await Promise.all(bodies)).map(({ file, body }) => ({
      file,
      bytes: body.length,
      gzip_bytes: zlib.gzipSync(body, { level: 9 }).length
    }));
    const sum = key => files.reduce((total, f) => total + f[key], 0);
    console.log(JSON.stringify({ files, bytes: sum('bytes'), gzip_bytes: sum('gzip_bytes') }));
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise(resolve =>
      server.exitCode !== null ? resolve() : server.on('exit', resolve)
    );
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
