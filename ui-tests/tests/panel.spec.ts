import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { runFromPalette } from './palette';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');

test.describe('cellpipe foundation', () => {
  test('JupyterLab starts with the extension and the panel opens from the palette', async ({
    page,
    tmpPath
  }, testInfo) => {
    await page.contents.uploadFile(EXAMPLE, `${tmpPath}/pipeline.ipynb`);
    await page.notebook.openByPath(`${tmpPath}/pipeline.ipynb`);
    await page.notebook.activate('pipeline.ipynb');

    await runFromPalette(page, 'Open Pipeline Panel');

    const panel = page.locator('#cellpipe-panel');
    await expect(panel).toBeVisible();
    await expect(panel.locator('.jp-cellpipe-notebook')).toHaveText(`${tmpPath}/pipeline.ipynb`);
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('5 steps');

    const shot = testInfo.outputPath('panel.png');
    await page.screenshot({ path: shot });
    await testInfo.attach('panel', { path: shot, contentType: 'image/png' });
  });
});
