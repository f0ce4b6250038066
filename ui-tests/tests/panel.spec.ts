import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');

test.describe('cellpipe foundation', () => {
  test('JupyterLab starts with the extension and the panel opens from the palette', async ({
    page,
    tmpPath
  }, testInfo) => {
    await page.contents.uploadFile(EXAMPLE, `${tmpPath}/pipeline.ipynb`);
    await page.notebook.openByPath(`${tmpPath}/pipeline.ipynb`);
    await page.notebook.activate('pipeline.ipynb');

    // The modal palette closes when focus moves (e.g. while the kernel starts): reopen until it stays.
    const palette = page.locator('#modal-command-palette');
    await expect(async () => {
      await page.evaluate(async () => {
        await window.jupyterapp.commands.execute('apputils:activate-command-palette');
      });
      await expect(palette).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 30000 });
    await palette.locator('input').fill('Open Pipeline Panel');
    await palette.locator('.lm-CommandPalette-item', { hasText: 'Open Pipeline Panel' }).click();

    const panel = page.locator('#cellpipe-panel');
    await expect(panel).toBeVisible();
    await expect(panel.locator('.jp-cellpipe-notebook')).toHaveText(`${tmpPath}/pipeline.ipynb`);
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('5 steps');

    const shot = testInfo.outputPath('panel.png');
    await page.screenshot({ path: shot });
    await testInfo.attach('panel', { path: shot, contentType: 'image/png' });
  });
});
