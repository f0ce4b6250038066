import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { runFromPalette } from './palette';

const FIXTURE = path.resolve(__dirname, '../../tests/fixtures/local_modules');

test.describe('local modules', () => {
  test('Run locally ships helpers.py and the textkit package with the steps that import them', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadDirectory(FIXTURE, tmpPath);
    await page.notebook.openByPath(`${tmpPath}/pipeline.ipynb`);
    await page.notebook.activate('pipeline.ipynb');
    await runFromPalette(page, 'Open Pipeline Panel');

    const panel = page.locator('#cellpipe-panel');
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('3 steps');
    const section = panel.locator('details.jp-cellpipe-local');
    await section.locator('summary').click();
    await section.locator('button.jp-cellpipe-local-run').click();

    const steps = section.locator('.jp-cellpipe-local-steps');
    for (const step of ['load', 'score', 'plain']) {
      await expect(steps.locator(`li[data-step="${step}"]`)).toHaveAttribute(
        'data-state',
        'succeeded',
        { timeout: 60000 }
      );
    }
    await expect(section.locator('.jp-cellpipe-local-error')).toHaveCount(0);
    const logs = section.locator('details.jp-cellpipe-local-logs');
    await logs.locator('summary').click();
    await expect(logs).toContainText('[score] {"total": 45}');
  });
});
