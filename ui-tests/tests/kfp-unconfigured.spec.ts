/**
 * No KFP to talk to (issue 19 item 8): a second Jupyter server whose KFP endpoint, set by
 * KF_PIPELINES_ENDPOINT, is a port nothing listens on. The panel says so — endpoint, where it is set,
 * auth mode, the reason, the settings that fix it — lists no runs, and the Run dialog keeps Submit
 * off with the reason beside it, on the notebook's own experiment.
 */
import { expect, test } from '@jupyterlab/galata';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openWithPanel } from './keystroke';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');
// Beside this run's own ports (CELLPIPE_UI_TEST_PORT, CELLPIPE_PRISM_PORT), so parallel runs stay apart.
const PORT = Number(process.env.CELLPIPE_UI_TEST_PORT ?? '8866') + 1000;
const CLOSED_KFP = `http://127.0.0.1:${Number(process.env.CELLPIPE_PRISM_PORT ?? '4010') + 1000}`;
const BASE = `http://127.0.0.1:${PORT}`;

let server: ChildProcess | undefined;

test.use({ baseURL: BASE });

test.beforeAll(async () => {
  // The Galata test set-up, minus the KFP lines of jupyter_server_test_config.py.
  const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cellpipe-nokfp-')), 'config.py');
  fs.writeFileSync(
    config,
    [
      'from jupyterlab.galata import configure_jupyter_server',
      'c = get_config()  # noqa: F821',
      'configure_jupyter_server(c)',
      `c.ServerApp.port = ${PORT}`,
      'c.ServerApp.allow_root = True',
      'c.LabApp.news_url = None',
      'c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"',
      ''
    ].join('\n')
  );
  const env = { ...process.env, KF_PIPELINES_ENDPOINT: CLOSED_KFP };
  for (const name of ['KF_PIPELINES_TOKEN', 'KF_PIPELINES_COOKIE', 'KF_PIPELINES_USER_ID']) {
    delete env[name];
  }
  server = spawn('../.venv/bin/jupyter', ['lab', '--config', config], { env, stdio: 'ignore' });
  for (let i = 0; i < 240; i++) {
    const up = await fetch(`${BASE}/lab`).then(
      r => r.ok,
      () => false
    );
    if (up) {
      return;
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`the second Jupyter server did not start on ${BASE}`);
});

test.afterAll(() => {
  server?.kill('SIGTERM');
});

test('without a reachable KFP the panel says why and what fixes it, and Submit waits', async ({
  page,
  tmpPath
}, testInfo) => {
  await openWithPanel(page, EXAMPLE, 'pipeline.ipynb', tmpPath);
  const panel = page.locator('#cellpipe-panel');
  const section = panel.locator('details.jp-cellpipe-kfp');
  await section.evaluate(d => ((d as HTMLDetailsElement).open = true));

  const connection = section.locator('.jp-cellpipe-kfp-connection[data-state="unreachable"]');
  await expect(connection).toBeVisible({ timeout: 30000 });
  await expect(connection.locator('.jp-cellpipe-kfp-endpoint')).toContainText(CLOSED_KFP);
  await expect(connection.locator('.jp-cellpipe-kfp-endpoint')).toContainText(
    'from KF_PIPELINES_ENDPOINT'
  );
  await expect(connection.locator('.jp-cellpipe-kfp-auth')).toHaveText('none');
  await expect(connection.locator('.jp-cellpipe-kfp-health')).toContainText(
    `Cannot reach Kubeflow Pipelines at ${CLOSED_KFP}`
  );
  await expect(connection.locator('.jp-cellpipe-kfp-fixes')).toContainText(
    'c.CellpipeKFP.endpoint'
  );
  await expect(connection.locator('.jp-cellpipe-kfp-fixes')).toContainText('KF_PIPELINES_ENDPOINT');
  await expect(section).not.toContainText('No runs yet');
  await expect(section.locator('.jp-cellpipe-recent-runs-unavailable')).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  const shot = testInfo.outputPath('kfp-not-configured.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('kfp-not-configured', { path: shot, contentType: 'image/png' });

  // The dialog compiles (the YAML can be read) but Submit waits for KFP, saying why.
  await section.getByRole('button', { name: /Compile & Run/ }).click();
  const dialog = page.locator('.jp-cellpipe-run-dialog');
  await expect(dialog.locator('.jp-cellpipe-run-yaml-toggle')).toBeEnabled({ timeout: 60000 });
  await expect(dialog.locator('.jp-cellpipe-run-submit')).toBeDisabled();
  await expect(dialog.locator('.jp-cellpipe-run-submit-reason')).toContainText(
    `Cannot reach Kubeflow Pipelines at ${CLOSED_KFP}`
  );
  // The notebook's experiment (kubeflow_notebook.experiment_name), not "Default".
  await expect(dialog.locator('.jp-cellpipe-run-new-experiment')).toHaveValue('cellpipe-demo');
  const dialogShot = testInfo.outputPath('kfp-not-configured-dialog.png');
  await page.screenshot({ path: dialogShot });
  await testInfo.attach('kfp-not-configured-dialog', {
    path: dialogShot,
    contentType: 'image/png'
  });
});
