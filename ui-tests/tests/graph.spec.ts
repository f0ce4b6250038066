import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { openWithPanel } from './keystroke';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');

test.describe('cellpipe execution graph and diagnostics', () => {
  test('graph of the example, diagnostic and add-dependency quick fix', async ({
    page,
    tmpPath
  }, testInfo) => {
    await openWithPanel(page, EXAMPLE, 'pipeline.ipynb', tmpPath);

    const panel = page.locator('#cellpipe-panel');
    const graph = panel.locator('.jp-cellpipe-graph-svg');
    await expect(graph.locator('[data-step="evaluate"]')).toBeVisible({ timeout: 30000 });
    const steps = await graph
      .locator('[data-kind="step"]')
      .evaluateAll(els => els.map(e => e.getAttribute('data-step')).sort());
    expect(steps).toEqual(['evaluate', 'load_data', 'preprocess', 'train_forest', 'train_logreg']);
    const edges = await graph
      .locator('[data-edge]')
      .evaluateAll(els =>
        Object.fromEntries(
          els.map(e => [e.getAttribute('data-edge'), e.getAttribute('data-passes')])
        )
      );
    expect(edges['load_data->preprocess']).toContain('raw');
    expect(edges['train_forest->evaluate']).toContain('forest');
    expect(edges['train_logreg->evaluate']).toContain('logreg');
    expect(edges['preprocess->train_forest']).toContain('X_train');
    await expect(
      graph.locator('[data-edge="train_forest->evaluate"] .jp-cellpipe-edge-label')
    ).toContainText('forest');
    // Parallel branches side by side.
    const boxA = await graph.locator('[data-step="train_forest"]').boundingBox();
    const boxB = await graph.locator('[data-step="train_logreg"]').boundingBox();
    expect(Math.abs(boxA!.y - boxB!.y)).toBeLessThan(2);
    expect(Math.abs(boxA!.x - boxB!.x)).toBeGreaterThan(10);

    const shot = testInfo.outputPath('graph.png');
    await panel.screenshot({ path: shot });
    await testInfo.attach('graph', { path: shot, contentType: 'image/png' });

    // Clicking a node selects its first cell.
    await graph.locator('[data-step="train_logreg"]').click();
    await expect
      .poll(() =>
        page.evaluate(() => (window.jupyterapp.shell.currentWidget as any).content.activeCellIndex)
      )
      .toBe(8);

    // train_logreg now reads train_forest's model without depending on it.
    await page.evaluate(() => {
      const nb = (window.jupyterapp.shell.currentWidget as any).content;
      const cell = nb.widgets[8].model.sharedModel;
      cell.setSource(cell.getSource() + '\nprint(forest)');
    });
    const fix = panel.locator('[data-fix="train_logreg<-train_forest"]');
    await expect(fix).toBeVisible({ timeout: 20000 });
    await expect(page.locator('.jp-cellpipe-mark').first()).toBeVisible();
    await fix.click();
    await expect
      .poll(() =>
        page.evaluate(() =>
          (window.jupyterapp.shell.currentWidget as any).content.widgets[8].model.getMetadata(
            'tags'
          )
        )
      )
      .toEqual(['step:train_logreg', 'prev:preprocess', 'prev:train_forest']);
    await expect(fix).toHaveCount(0);
    await expect(graph.locator('[data-edge="train_forest->train_logreg"]')).toHaveCount(1);
  });
});
