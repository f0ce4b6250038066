/**
 * The Tune dialog from the panel: the example's parameters one row each, a range and a list chosen,
 * the Katib Experiment shown to copy or download, the search saved into the notebook's
 * kubeflow_notebook.katib_metadata only on Save.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { openWithPanel } from './keystroke';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');

test('tune the example with Katib', async ({ page, tmpPath }, testInfo) => {
  await openWithPanel(page, EXAMPLE, 'pipeline.ipynb', tmpPath);
  const section = page.locator('#cellpipe-panel details.jp-cellpipe-kfp');
  await section.evaluate(d => ((d as HTMLDetailsElement).open = true));
  await section.locator('.jp-cellpipe-tune-open').click();

  const dialog = page.locator('.jp-cellpipe-tune-dialog');
  const row = (name: string) => dialog.locator(`tr[data-parameter="${name}"]`);
  await expect(row('n_estimators')).toBeVisible({ timeout: 60000 });
  await row('n_estimators').locator('select').selectOption('range');
  await row('n_estimators').locator('.jp-cellpipe-tune-min').fill('10');
  await row('n_estimators').locator('.jp-cellpipe-tune-max').fill('50');
  await row('n_estimators').locator('.jp-cellpipe-tune-step').fill('10');
  await row('seed').locator('select').selectOption('list');
  await row('seed').locator('.jp-cellpipe-tune-list').fill('1, 2, 3');
  await dialog.locator('.jp-cellpipe-tune-metric').selectOption('best_accuracy');

  const yaml = dialog.locator('.jp-cellpipe-tune-yaml');
  await expect(yaml).toHaveValue(/kind: Experiment/);
  await expect(yaml).toHaveValue(/'n_estimators=\$\{trialParameters\.n_estimators\}'/);
  await expect(yaml).toHaveValue(/objectiveMetricName: best_accuracy/);
  const shot = testInfo.outputPath('tune.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('tune', { path: shot, contentType: 'image/png' });

  const katib = () =>
    page.evaluate(() => {
      const app = (window as any).jupyterapp;
      const panel = app.shell.currentWidget;
      return panel?.model?.getMetadata('kubeflow_notebook')?.katib_metadata;
    });
  // Nothing is written until Save.
  expect(await katib()).toEqual({});
  await dialog.locator('.jp-cellpipe-tune-save').click();
  await expect(dialog.locator('.jp-cellpipe-tune-save')).toHaveText('Saved');
  const saved = await katib();
  expect(saved.parameters).toEqual([
    { name: 'seed', parameterType: 'discrete', feasibleSpace: { list: ['1', '2', '3'] } },
    {
      name: 'n_estimators',
      parameterType: 'int',
      feasibleSpace: { min: '10', max: '50', step: '10' }
    }
  ]);
  expect(saved.objective).toEqual({ type: 'maximize', objectiveMetricName: 'best_accuracy' });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
});
