/**
 * Galata configuration of the user guide's pictures (`make docs-images`): the JupyterLab suite's
 * servers and browser, this folder's spec only, a fixed 1440×900 window. `make test` never runs it
 * (its testDir is ../tests), so only this target rewrites docs/images.
 */
import * as os from 'os';
import * as path from 'path';

const labConfig = require('../playwright.config');

// The servers' commands are written from ui-tests/, where the JupyterLab suite's config lives.
const uiTests = path.resolve(__dirname, '..');

module.exports = {
  ...labConfig,
  testDir: '.',
  testMatch: '*.spec.ts',
  // Two local runs of the example on a loaded machine.
  timeout: 480000,
  // One more try: a picture run on a loaded machine may meet a slow start (it rewrites every picture).
  retries: 1,
  // Not under ../test-results: a JupyterLab suite started meanwhile empties that folder.
  outputDir: path.join(os.tmpdir(), 'cellpipe-docs-images'),
  reporter: [['list']],
  // A click that cannot happen fails in a minute rather than at the test's timeout.
  use: {
    ...labConfig.use,
    viewport: { width: 1440, height: 900 },
    trace: 'off',
    actionTimeout: 60000
  },
  webServer: labConfig.webServer.map((server: Record<string, unknown>) => ({
    ...server,
    cwd: uiTests
  }))
};
