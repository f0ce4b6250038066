import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { smallestLabelPx } from './contrast';
import { openWithPanel } from './keystroke';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');

// The window the issue was seen in: 1440×900, both sidebars open.
test.use({ viewport: { width: 1440, height: 900 } });

/** The right sidebar's width on screen. */
const sidebarWidth = (page: IJupyterLabPageFixture) =>
  page.locator('#jp-right-stack').evaluate(el => el.getBoundingClientRect().width);

/** Open every section of the panel, so that all of it is measured. */
async function openAllSections(page: IJupyterLabPageFixture) {
  await page
    .locator('#cellpipe-panel details:not([open]) > summary')
    .evaluateAll(summaries => summaries.forEach(s => (s as HTMLElement).click()));
}

test.describe('the panel at the default sidebar width', () => {
  test('no sideways scroll, fields in one column, graph labels at least 11 px, YAML copy and download, a rename shown at once', async ({
    page,
    tmpPath
  }, testInfo) => {
    await openWithPanel(page, EXAMPLE, 'pipeline.ipynb', tmpPath);
    const panel = page.locator('#cellpipe-panel');
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('5 steps');
    await expect(panel.locator('g[data-step="evaluate"]')).toBeVisible();
    // JupyterLab's default: the narrow sidebar the issue describes.
    expect(await sidebarWidth(page)).toBeLessThanOrEqual(260);

    await openAllSections(page);
    await expect(panel.locator('.jp-cellpipe-yaml-text')).toContainText('pipelineInfo');

    // No sideways scroll, and nothing drawn past the panel's right edge but inside a part that
    // scrolls on its own (the graph, the YAML text).
    const overflow = await panel.evaluate(el => {
      const right = el.getBoundingClientRect().right;
      const scrolls = (e: Element) =>
        e.closest('.jp-cellpipe-graph-scroll, .jp-cellpipe-yaml-text, .jp-cellpipe-compile-error');
      return {
        scroll: el.scrollWidth - el.clientWidth,
        past: Array.from(el.querySelectorAll('*'))
          .filter(e => !scrolls(e) && e.getBoundingClientRect().right > right + 0.5)
          .map(e => `${e.tagName}.${e.getAttribute('class') ?? ''}`)
      };
    });
    expect(overflow).toEqual({ scroll: 0, past: [] });

    // CPU and Memory one above the other, each the full width, the Memory field whole.
    const cpu = panel.locator('.jp-cellpipe-field', { hasText: 'CPU request' });
    const memory = panel.locator('.jp-cellpipe-field', { hasText: 'Memory' }).first();
    const [cpuBox, memoryBox, memoryInput, body] = await Promise.all([
      cpu.boundingBox(),
      memory.boundingBox(),
      memory.locator('input').boundingBox(),
      panel.locator('.jp-cellpipe-body').boundingBox()
    ]);
    expect(memoryBox!.y).toBeGreaterThanOrEqual(cpuBox!.y + cpuBox!.height);
    expect(memoryInput!.x + memoryInput!.width).toBeLessThanOrEqual(body!.x + body!.width);
    expect(memoryInput!.width).toBeGreaterThan(body!.width * 0.8);

    // The graph is drawn one unit per pixel: its labels stay readable, it scrolls instead.
    const graph = panel.locator('.jp-cellpipe-graph');
    expect(await smallestLabelPx(graph)).toBeGreaterThanOrEqual(11);
    const scroller = graph.locator('.jp-cellpipe-graph-scroll');
    const sizes = await scroller.evaluate(el => [el.scrollWidth, el.clientWidth]);
    if (sizes[0] > sizes[1]) {
      // Wider than the panel: the right-most node is reached by scrolling the graph.
      const shown = await scroller.evaluate(el => {
        el.scrollLeft = el.scrollWidth;
        const box = el.getBoundingClientRect();
        const node = el.querySelector('g[data-step="train_logreg"]')!.getBoundingClientRect();
        return node.left >= box.left && node.right <= box.right;
      });
      expect(shown).toBe(true);
    }

    const shot = testInfo.outputPath('panel-default-width.png');
    await panel.screenshot({ path: shot });
    await testInfo.attach('panel at the default width', { path: shot, contentType: 'image/png' });
    await scroller.evaluate(el => (el.scrollLeft = 0));
    await graph.scrollIntoViewIfNeeded();
    const graphShot = testInfo.outputPath('graph-default-width.png');
    await graph.screenshot({ path: graphShot });
    await testInfo.attach('graph at the default width', {
      path: graphShot,
      contentType: 'image/png'
    });

    // The compiled YAML: Copy puts it on the clipboard, Download saves it as <notebook>.yaml.
    const yaml = (await panel.locator('.jp-cellpipe-yaml-text').textContent())!;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await panel.locator('button.jp-cellpipe-yaml-copy').click();
    await expect(panel.locator('.jp-cellpipe-yaml-copied')).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(yaml);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.locator('button.jp-cellpipe-yaml-download').click()
    ]);
    expect(download.suggestedFilename()).toBe('pipeline.yaml');
    expect(fs.readFileSync((await download.path())!, 'utf8')).toBe(yaml);

    // A rename shows in the panel at once: its name, and the YAML compiled under it.
    // (the command resolves once its dialog is closed: not awaited here)
    await page.evaluate(() => {
      void window.jupyterapp.commands.execute('docmanager:rename');
    });
    const nameInput = page.locator('.jp-Dialog input');
    await nameInput.fill('renamed.ipynb');
    await page.locator('.jp-Dialog button.jp-mod-accept').click();
    await expect(panel.locator('.jp-cellpipe-notebook')).toHaveText(`${tmpPath}/renamed.ipynb`);
    await expect(panel.locator('.jp-cellpipe-yaml-text')).toContainText('renamed.ipynb');
    await expect(panel.locator('.jp-cellpipe-yaml-text')).not.toContainText('pipeline.ipynb');
    await expect(panel.locator('button.jp-cellpipe-yaml-download')).toHaveAttribute(
      'title',
      'Download renamed.yaml'
    );
  });

  test('the width the user gives the panel is kept across a reload (JupyterLab’s layout restorer)', async ({
    page,
    tmpPath
  }) => {
    await openWithPanel(page, EXAMPLE, 'pipeline.ipynb', tmpPath);
    await expect(page.locator('#cellpipe-panel .jp-cellpipe-summary')).toHaveText('5 steps');
    const before = await sidebarWidth(page);

    // What JupyterLab saves of the layout (its workspace, through the layout restorer).
    const savedSizes: unknown[] = [];
    page.on('request', request => {
      if (request.method() === 'PUT' && /api\/workspaces/.test(request.url())) {
        savedSizes.push(request.postDataJSON()?.data?.['layout-restorer:data']?.relativeSizes);
      }
    });

    // Drag the handle between the notebook and the right sidebar 120 px to the left.
    const handle = page.locator('#jp-main-split-panel > .lm-SplitPanel-handle').nth(1);
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 120, box.y + 200, { steps: 6 });
    await page.mouse.up();
    const widened = await sidebarWidth(page);
    expect(widened).toBeGreaterThan(before + 100);
    const sizes = await page.evaluate(
      () => (window.jupyterapp.shell as any).saveLayout().relativeSizes
    );
    await expect.poll(() => savedSizes[savedSizes.length - 1]).toEqual(sizes);

    // (Galata's reload waits for a Launcher; the restored layout has the notebook instead.)
    await page.reload({ waitForIsReady: false });
    await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    await expect(page.locator('#cellpipe-panel .jp-cellpipe-summary')).toHaveText('5 steps');
    expect(Math.abs((await sidebarWidth(page)) - widened)).toBeLessThanOrEqual(2);
  });
});
