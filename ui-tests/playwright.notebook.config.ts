/**
 * Galata (Playwright) configuration of the Jupyter Notebook 7 suite (`notebook7/`): the same server
 * configuration as the JupyterLab suite, started as `jupyter notebook` on its own port, so the
 * extension is checked in the other Jupyter front end users open (`make test-ui` runs both suites).
 */
const labConfig = require('./playwright.config');

const port = process.env.CELLPIPE_NB_TEST_PORT ?? '8867';

module.exports = {
  ...labConfig,
  testDir: './notebook7',
  // One test that runs the whole example locally (about a minute on a busy machine).
  timeout: 240000,
  outputDir: './test-results/notebook7',
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report/notebook7' }]],
  use: { ...labConfig.use, baseURL: `http://127.0.0.1:${port}` },
  webServer: [
    {
      // The test configuration reads the port from CELLPIPE_UI_TEST_PORT; the window's app is
      // exposed (window.jupyterapp) as it is in JupyterLab's suite.
      command:
        '../.venv/bin/jupyter notebook --config jupyter_server_test_config.py ' +
        '--JupyterNotebookApp.expose_app_in_browser=True',
      env: { ...process.env, CELLPIPE_UI_TEST_PORT: port },
      url: `http://127.0.0.1:${port}/tree`,
      timeout: 120000,
      // Never a JupyterLab left on the port: the suite must talk to Notebook 7.
      reuseExistingServer: false
    }
  ]
};
