import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { lastLineOf, openWithPanel } from './keystroke';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');
// The example's `evaluate` cell (tags step:evaluate, prev:train_forest, prev:train_logreg).
const EVALUATE_CELL = 9;

test.describe('cellpipe graph follows typing', () => {
  test('typing a use of load_data’s `raw` in evaluate adds the edge load_data->evaluate', async ({
    page,
    tmpPath
  }, testInfo) => {
    await openWithPanel(page, EXAMPLE, 'pipeline.ipynb', tmpPath);
    const graph = page.locator('#cellpipe-panel .jp-cellpipe-graph-svg');
    await expect(graph.locator('[data-step="evaluate"]')).toBeVisible({ timeout: 30000 });
    // Before the edit evaluate reads only the models and the test split.
    await expect(graph.locator('[data-edge="load_data->evaluate"]')).toHaveCount(0);
    await expect(graph.locator('[data-step="evaluate"] title')).not.toContainText(/\braw\b/);

    // Type at the end of the evaluate cell, key by key, as a user does.
    await page.notebook.enterCellEditingMode(EVALUATE_CELL);
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('print(raw.shape)');
    await expect.poll(() => lastLineOf(page, EVALUATE_CELL)).toBe('print(raw.shape)');

    const edge = graph.locator('[data-edge="load_data->evaluate"]');
    await expect(edge).toHaveCount(1);
    expect((await edge.getAttribute('data-passes'))!.split(',')).toContain('raw');
    await expect(edge.locator('.jp-cellpipe-edge-label')).toContainText('raw');
    await expect(graph.locator('[data-step="evaluate"] title')).toContainText(/inputs:.*\braw\b/);
    // The edges the notebook had are still drawn.
    await expect(graph.locator('[data-edge="preprocess->train_forest"]')).toHaveAttribute(
      'data-passes',
      /\bX_train\b/
    );

    const shot = testInfo.outputPath('graph-after-typing.png');
    await page.locator('#cellpipe-panel').screenshot({ path: shot });
    await testInfo.attach('graph after typing', { path: shot, contentType: 'image/png' });

    // Wheel zooms the graph without scrolling the panel; dragging the background pans it.
    const zoomed = graph.locator(':scope > g');
    // The panel lists problems and settings above the graph: bring the graph on screen first, so the
    // wheel and the drag land on it (scrolling is measured only from here on).
    await graph.scrollIntoViewIfNeeded();
    const before = await zoomed.getAttribute('transform');
    const scrollBefore = await page
      .locator('#cellpipe-panel')
      .evaluate(el => [el.scrollTop, ...Array.from(el.querySelectorAll('*'), e => e.scrollTop)]);
    const box = (await graph.boundingBox())!;
    await page.mouse.move(box.x + 4, box.y + 4);
    await page.mouse.wheel(0, -240);
    await expect(zoomed).not.toHaveAttribute('transform', before!);
    expect(await zoomed.getAttribute('transform')).toMatch(/scale\(1\.[1-9]/);
    const scrollAfter = await page
      .locator('#cellpipe-panel')
      .evaluate(el => [el.scrollTop, ...Array.from(el.querySelectorAll('*'), e => e.scrollTop)]);
    expect(scrollAfter).toEqual(scrollBefore);
    const zoomedOnly = await zoomed.getAttribute('transform');
    await page.mouse.down();
    await page.mouse.move(box.x + 40, box.y + 30, { steps: 4 });
    await page.mouse.up();
    await expect(zoomed).not.toHaveAttribute('transform', zoomedOnly!);
    expect(await zoomed.getAttribute('transform')).toMatch(/^translate\(36 26\)/);
  });
});
