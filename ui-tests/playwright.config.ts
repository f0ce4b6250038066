/**
 * Galata (Playwright) configuration: Debian's chromium, no browser download, one JupyterLab
 * server started for the whole run with the extension installed in the project's .venv.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = process.env.CELLPIPE_UI_TEST_PORT ?? '8866';
// Stoplight Prism: a validating mock of the KFP REST API (see tests/kfp_mock/prism.py).
const prismPort = process.env.CELLPIPE_PRISM_PORT ?? '4010';

module.exports = {
  ...baseConfig,
  testDir: './tests',
  outputDir: './test-results',
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 120000,
  expect: { timeout: 20000 },
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    video: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
  },
  webServer: [
    {
      command: `../.venv/bin/python ../tests/kfp_mock/prism.py --port ${prismPort}`,
      url: `http://127.0.0.1:${prismPort}/apis/v2beta1/healthz`,
      timeout: 120000,
      reuseExistingServer: !process.env.CI
    },
    {
      command: '../.venv/bin/jupyter lab --config jupyter_server_test_config.py',
      url: `http://127.0.0.1:${port}/lab`,
      timeout: 120000,
      reuseExistingServer: !process.env.CI
    }
  ]
};
