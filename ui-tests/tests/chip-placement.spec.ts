/**
 * Issue 18, a steady cell view: every chip sits right above its cell — in a 300-cell notebook just
 * opened and scrolled end to end, its cells rendered lazily, and through a move, its undo and an edit.
 */
import { expect, galata, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const CELLS = 300;

/** 300 cells: a markdown cell every fifth, a step every third code cell, the others continuing it. */
function longNotebook(dir: string): string {
  const cells = [];
  for (let i = 0; i < CELLS; i++) {
    if (i % 5 === 0) {
      cells.push({ cell_type: 'markdown', id: `m${i}`, metadata: {}, source: `## Part ${i}` });
      continue;
    }
    const tags = i % 3 === 0 ? [`step:s${i}`] : [];
    cells.push({
      cell_type: 'code',
      id: `c${i}`,
      metadata: tags.length ? { tags } : {},
      source: `v${i} = ${i}\nprint(v${i})`,
      outputs: [],
      execution_count: null
    });
  }
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells
  };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'long.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

/**
 * Scroll the notebook from the first cell to the last; at each step's cell, once it is rendered and its
 * chip drawn, where the chip is: the cells whose chip is not right above their input.
 */
async function misplacedChips(page: IJupyterLabPageFixture): Promise<string[]> {
  return page.evaluate(async () => {
    const frame = () => new Promise(resolve => requestAnimationFrame(resolve));
    const notebook = (window.jupyterapp.shell.currentWidget as any).content;
    const wrong: string[] = [];
    for (let i = 0; i < notebook.widgets.length; i++) {
      const cell = notebook.widgets[i];
      // The steps' chips ("+ step" on the others is checked by annotate-keyboard).
      if (!(cell.model.getMetadata('tags') ?? []).length) {
        continue;
      }
      // Centred: at the very top the header would stick over the cell (as it should while scrolling).
      await notebook.scrollToItem(i, 'center');
      await cell.ready;
      let chip: HTMLElement | null = null;
      for (let tries = 0; tries < 30 && !chip; tries++) {
        await frame();
        chip = cell.node.querySelector('.jp-cellpipe-chip');
      }
      // Rendered cells have their real heights now: centre this one for good, below the top edge.
      cell.node.scrollIntoView({ block: 'center' });
      await frame();
      const input = cell.node.querySelector('.jp-Cell-inputWrapper');
      if (!chip || !input) {
        wrong.push(`cell ${i}: no chip`);
        continue;
      }
      const c = chip.getBoundingClientRect();
      const box = input.getBoundingClientRect();
      const cellBox = cell.node.getBoundingClientRect();
      // Right above: inside the cell, its bottom at the input's top (a pixel of rounding).
      if (c.height === 0 || c.top < cellBox.top - 1 || Math.abs(c.bottom - box.top) > 6) {
        wrong.push(`cell ${i}: chip ${c.top}-${c.bottom}, input at ${box.top}`);
      }
    }
    return wrong;
  });
}

async function openLong(page: IJupyterLabPageFixture, tmpPath: string, testInfo: any) {
  await page.contents.uploadFile(longNotebook(testInfo.outputDir), `${tmpPath}/long.ipynb`);
  await page.notebook.openByPath(`${tmpPath}/long.ipynb`);
  await page.notebook.activate('long.ipynb');
  await expect(
    page.locator('.jp-Notebook .jp-Cell').nth(3).locator('.jp-cellpipe-chip')
  ).toHaveText('s3');
}

for (const windowingMode of ['full', 'contentVisibility']) {
  test.describe(`chips above their cells (windowing: ${windowingMode})`, () => {
    test.use({
      mockSettings: {
        ...galata.DEFAULT_SETTINGS,
        '@jupyterlab/notebook-extension:tracker': {
          ...galata.DEFAULT_SETTINGS['@jupyterlab/notebook-extension:tracker'],
          windowingMode
        }
      }
    });

    test('a 300-cell notebook scrolled end to end, then a move, its undo and an edit', async ({
      page,
      tmpPath
    }, testInfo) => {
      test.setTimeout(240000);
      // Opened as after a page load: its cells rendered lazily, as they come into view.
      await openLong(page, tmpPath, testInfo);
      expect(await misplacedChips(page)).toEqual([]);
      const shot = testInfo.outputPath(`chips-${windowingMode}.png`);
      await page.screenshot({ path: shot });
      await testInfo.attach(`chips-${windowingMode}`, { path: shot, contentType: 'image/png' });

      // A step moved down and back by undo, then an edit: its chip stays on top of it.
      await page.evaluate(async () => {
        const app = window.jupyterapp;
        const panel = app.shell.currentWidget as any;
        panel.content.activeCellIndex = 3;
        await app.commands.execute('notebook:move-cell-down');
        await app.commands.execute('notebook:undo-cell-action');
        panel.content.widgets[3].model.sharedModel.setSource('v3 = 33\nprint(v3)');
      });
      const cell = page.locator('.jp-Notebook .jp-Cell').nth(3);
      await expect(cell.locator('.jp-cellpipe-chip')).toHaveText('s3');
      const [chip, input] = await Promise.all([
        cell.locator('.jp-cellpipe-chip').boundingBox(),
        cell.locator('.jp-Cell-inputWrapper').boundingBox()
      ]);
      expect(Math.abs(chip!.y + chip!.height - input!.y)).toBeLessThanOrEqual(6);
    });
  });
}
