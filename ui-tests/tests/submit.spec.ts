/**
 * One-click submit against Stoplight Prism, a validating mock of the KFP REST API (started by
 * playwright.config.ts; the server extension points at it through jupyter_server_test_config.py).
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { openWithPanel } from './keystroke';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');
const NAMESPACE = 'kubeflow-user-example-com';

test.describe('submit to Kubeflow Pipelines', () => {
  test('the server extension reaches the KFP mock and creates a run', async ({ page }) => {
    // Straight through our API from the page: browser → Jupyter server → Prism (which validates).
    const answers = await page.evaluate(async () => {
      const base = document.body.dataset.baseUrl ?? '/';
      const call = async (method: string, what: string, body?: unknown) => {
        const response = await fetch(`${base}cellpipe/api/kfp/${what}`, {
          method,
          body: body === undefined ? undefined : JSON.stringify(body)
        });
        return { status: response.status, body: await response.json() };
      };
      return {
        health: await call('GET', 'health'),
        experiments: await call('GET', 'experiments'),
        run: await call('POST', 'runs', {
          name: 'galata',
          pipeline_id: 'p1',
          pipeline_version_id: 'v1',
          parameters: { rows: 3 }
        }),
        refused: await call('POST', 'runs', { name: 'no source' })
      };
    });
    expect(answers.health.status).toBe(200);
    expect(answers.health.body).toMatchObject({
      reachable: true,
      namespace: NAMESPACE,
      auth_mode: 'bearer'
    });
    expect(JSON.stringify(answers)).not.toContain('galata-not-a-secret');
    expect(answers.experiments.status).toBe(200);
    expect(Array.isArray(answers.experiments.body.experiments)).toBe(true);
    expect(answers.run.status).toBe(200);
    expect(answers.run.body.ui_url).toContain('/#/runs/details/');
    expect(answers.refused.status).toBe(400);
    expect(answers.refused.body.message).toContain('Give either a pipeline version');
  });

  test('from the panel: compile, upload and run the example notebook', async ({
    page,
    tmpPath
  }, testInfo) => {
    await openWithPanel(page, EXAMPLE, 'pipeline.ipynb', tmpPath);
    const panel = page.locator('#cellpipe-panel');
    await expect(panel).toBeVisible();

    // The run section may sit in a collapsed <details>: open it.
    const section = panel.locator('details:has(.jp-cellpipe-compile-run)');
    if (await section.count()) {
      await section.first().evaluate(d => ((d as HTMLDetailsElement).open = true));
    }
    const compileAndRun = panel.getByRole('button', { name: /Compile & Run/ });
    const mounted = await compileAndRun
      .waitFor({ state: 'visible', timeout: 15000 })
      .then(() => true)
      .catch(() => false);
    test.skip(!mounted, 'the deployment panel does not mount the Compile & Run dialog yet');

    await compileAndRun.click();
    const dialog = page.locator('.jp-cellpipe-run-dialog');
    await expect(dialog).toBeVisible();

    // Compiled on open: the YAML can be read before submitting.
    const viewYaml = dialog.locator('.jp-cellpipe-run-yaml-toggle');
    await expect(viewYaml).toBeEnabled({ timeout: 60000 });
    await viewYaml.click();
    await expect(dialog.locator('.jp-cellpipe-run-yaml')).toContainText('schemaVersion: 2.1.0');

    await expect(dialog.locator('#jp-cellpipe-run-namespace')).toHaveValue(NAMESPACE);
    await expect(dialog.locator('#jp-cellpipe-run-experiment')).toBeEnabled();
    // The notebook's experiment (kubeflow_notebook.experiment_name): made, since the mock lists others.
    await expect(dialog.locator('.jp-cellpipe-run-new-experiment')).toHaveValue('cellpipe-demo');
    await dialog.locator('#jp-cellpipe-run-name').fill('galata run');

    await dialog.locator('.jp-cellpipe-run-submit').click();
    await expect(dialog.locator('.jp-cellpipe-run-progress')).toBeVisible();
    const created = dialog.locator('.jp-cellpipe-run-created');
    await expect(created).toBeVisible({ timeout: 60000 });
    await expect(dialog.locator('.jp-cellpipe-run-progress li[data-stage="done"]')).toBeVisible();
    await expect(created.locator('a')).toHaveAttribute('href', /\/#\/runs\/details\//);
    // Each stage says how long it took.
    await expect(dialog.locator('.jp-cellpipe-run-stage-time').first()).toHaveText(/\d+(\.\d)? s/);
    // The panel says KFP answers, and shows the new run.
    await expect(
      panel.locator('.jp-cellpipe-kfp-connection[data-state="reachable"]')
    ).toBeVisible();

    const shot = testInfo.outputPath('submit.png');
    await page.screenshot({ path: shot });
    await testInfo.attach('submit', { path: shot, contentType: 'image/png' });
  });
});
