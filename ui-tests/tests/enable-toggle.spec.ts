/**
 * Issue 19 item 2: cellpipe on or off per notebook. A new notebook without Kale tags starts off, one
 * with Kale tags starts on, neither written by opening; off means no chips, no markers, no analysis,
 * and the panel says so with one button to turn it on.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');

/** A copy of the example: `plain` without any annotation; the evaluate step reads an undefined name. */
function copy(dir: string, name: string, plain: boolean): string {
  const nb = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  for (const cell of nb.cells) {
    if (plain) {
      delete cell.metadata.tags;
    }
    if (cell.metadata.tags?.includes('step:evaluate')) {
      cell.source = [...[].concat(cell.source), '\nprint(no_such_name)'];
    }
  }
  if (plain) {
    delete nb.metadata.kubeflow_notebook;
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

async function open(page: IJupyterLabPageFixture, tmpPath: string, file: string, name: string) {
  await page.contents.uploadFile(file, `${tmpPath}/${name}`);
  await page.notebook.openByPath(`${tmpPath}/${name}`);
  await page.notebook.activate(name);
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('cellpipe:open-panel');
  });
  await expect(page.locator('.jp-Notebook .jp-Cell').nth(10)).toBeAttached();
}

async function attach(page: IJupyterLabPageFixture, testInfo: any, name: string): Promise<void> {
  const shot = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: shot });
  await testInfo.attach(name, { path: shot, contentType: 'image/png' });
}

/** What cellpipe could have written on open: the notebook's `cellpipe` key and the cells' tags. */
const written = (page: IJupyterLabPageFixture) =>
  page.evaluate(() => {
    const nb = window.jupyterapp.shell.currentWidget as any;
    return {
      cellpipe: nb.model.getMetadata('cellpipe') ?? null,
      tags: nb.content.widgets.map((c: any) => c.model.getMetadata('tags') ?? null)
    };
  });

const tagsOf = (file: string) =>
  JSON.parse(fs.readFileSync(file, 'utf8')).cells.map((c: any) => c.metadata.tags ?? null);

test.describe('cellpipe on or off per notebook', () => {
  test('a new notebook starts off: no chips, no markers, no analysis; one button turns it on', async ({
    page,
    tmpPath
  }, testInfo) => {
    const name = 'new.ipynb';
    const file = copy(testInfo.outputDir, name, true);
    await open(page, tmpPath, file, name);
    const panel = page.locator('#cellpipe-panel');
    await expect(panel.locator('.jp-cellpipe-off')).toContainText(
      'cellpipe is off for this notebook'
    );
    await expect(panel.locator('.jp-cellpipe-graph-svg')).toHaveCount(0);
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveCount(0);
    await expect(page.locator('.jp-cellpipe-chip')).toHaveCount(0);
    await expect(page.locator('.jp-cellpipe-mark')).toHaveCount(0);
    // Opening wrote nothing (off is derived, not stored).
    expect(await written(page)).toEqual({ cellpipe: null, tags: tagsOf(file) });
    await attach(page, testInfo, 'new-notebook-off');

    await panel.locator('button.jp-cellpipe-turn-on').click();
    await expect(panel.locator('.jp-cellpipe-off')).toHaveCount(0);
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText(/^\d+ steps?$/);
    await expect(page.locator('.jp-cellpipe-chip-placeholder').first()).toBeVisible();
    const enabled = await page.evaluate(() => {
      const nb = window.jupyterapp.shell.currentWidget as any;
      return nb.model.getMetadata('cellpipe');
    });
    expect(enabled).toEqual({ enabled: true });
  });

  test('a Kale notebook starts on; unchecking the switch takes chips, markers and analysis away', async ({
    page,
    tmpPath
  }, testInfo) => {
    const name = 'kale.ipynb';
    const file = copy(testInfo.outputDir, name, false);
    await open(page, tmpPath, file, name);
    const panel = page.locator('#cellpipe-panel');
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('5 steps');
    await expect(
      page.locator('.jp-Notebook .jp-Cell').nth(4).locator('.jp-cellpipe-chip')
    ).toHaveText('load_data');
    await expect(page.locator('.jp-cellpipe-mark-error').first()).toBeAttached();
    expect(await written(page)).toEqual({ cellpipe: null, tags: tagsOf(file) });

    // (a click: the switch goes with the sections it sits in)
    await panel.locator('input[name="enabled"]').click();
    await expect(panel.locator('.jp-cellpipe-off')).toBeVisible();
    await expect(page.locator('.jp-cellpipe-chip')).toHaveCount(0);
    await expect(page.locator('.jp-cellpipe-mark')).toHaveCount(0);
    await attach(page, testInfo, 'kale-notebook-turned-off');

    // On again: everything is back.
    await panel.locator('button.jp-cellpipe-turn-on').click();
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('5 steps');
    await expect(
      page.locator('.jp-Notebook .jp-Cell').nth(4).locator('.jp-cellpipe-chip')
    ).toHaveText('load_data');
    await expect(page.locator('.jp-cellpipe-mark-error').first()).toBeAttached();
  });
});
