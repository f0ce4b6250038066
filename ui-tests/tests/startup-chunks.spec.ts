import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { runFromPalette } from './palette';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');

test.describe('what cellpipe loads when JupyterLab starts', () => {
  test('neither dagre, yaml nor the analyzer worker until a notebook is analysed and drawn', async ({
    page,
    tmpPath
  }) => {
    const fetched: string[] = [];
    page.on('request', request => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/lab/extensions/cellpipe/')) {
        fetched.push(path.basename(url.pathname));
      }
    });
    await page.goto();
    await expect(page.locator('[data-id="cellpipe-panel"]')).toBeAttached();
    const atStart = [...fetched];
    expect(atStart.some(file => file.startsWith('remoteEntry.'))).toBe(true);
    expect(atStart.filter(file => /dagre|yaml|worker|spawn|\.wasm$/.test(file))).toEqual([]);

    await page.contents.uploadFile(EXAMPLE, `${tmpPath}/pipeline.ipynb`);
    await page.notebook.openByPath(`${tmpPath}/pipeline.ipynb`);
    await page.notebook.activate('pipeline.ipynb');
    await runFromPalette(page, 'Open Pipeline Panel');
    const graph = page.locator('#cellpipe-panel .jp-cellpipe-graph-svg');
    await expect(graph.locator('[data-step="evaluate"]')).toBeVisible({ timeout: 30000 });
    expect(fetched.filter(file => /dagre|worker/.test(file)).length).toBeGreaterThanOrEqual(2);
    expect(fetched.some(file => /yaml/.test(file))).toBe(false);
  });
});
