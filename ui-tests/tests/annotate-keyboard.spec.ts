/**
 * Issue 19 item 1: annotate a new notebook without the pencil — the keyboard shortcut, the cell's
 * context menu, the palette and the "+ step" chip — and the editor of item 3 on the way.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { runFromPalette } from './palette';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');

/** The example with every annotation removed: a new notebook as a user brings it. */
function plainCopy(dir: string): string {
  const nb = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  for (const cell of nb.cells) {
    delete cell.metadata.tags;
    delete cell.metadata.cellpipe;
  }
  delete nb.metadata.kubeflow_notebook;
  delete nb.metadata.cellpipe;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'fresh.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

const cellAt = (page: IJupyterLabPageFixture, index: number) =>
  page.locator('.jp-Notebook .jp-Cell').nth(index);

/** Select cell `index` in command mode, as a click on its prompt and Escape do. */
async function selectCell(page: IJupyterLabPageFixture, index: number): Promise<void> {
  await cellAt(page, index).locator('.jp-InputPrompt').click();
  await page.keyboard.press('Escape');
  await expect(cellAt(page, index)).toHaveClass(/jp-mod-active/);
}

async function editorOpened(page: IJupyterLabPageFixture) {
  const dialog = page.locator('.jp-Dialog .jp-cellpipe-cell-editor');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('select.jp-cellpipe-kind')).toBeFocused();
  return dialog;
}

async function chipLabels(page: IJupyterLabPageFixture): Promise<(string | null)[]> {
  return page
    .locator('.jp-Notebook .jp-Cell')
    .evaluateAll(cells =>
      cells.map(
        c =>
          c.querySelector('.jp-cellpipe-chip:not(.jp-cellpipe-chip-placeholder)')?.textContent ??
          null
      )
    );
}

test.describe('annotate without the pencil', () => {
  test('annotate a new notebook without the pencil, keyboard and context menu only', async ({
    page,
    tmpPath
  }, testInfo) => {
    const name = 'fresh.ipynb';
    await page.contents.uploadFile(plainCopy(testInfo.outputDir), `${tmpPath}/${name}`);
    await page.notebook.openByPath(`${tmpPath}/${name}`);
    await page.notebook.activate(name);
    // A new notebook starts with cellpipe off: no chips at all.
    await expect(cellAt(page, 1).locator('.jp-InputPrompt')).toBeVisible();
    await expect(page.locator('.jp-cellpipe-chip')).toHaveCount(0);

    // 1. The keyboard shortcut (Shift P in command mode): cell 1 holds the imports.
    await selectCell(page, 1);
    await page.keyboard.press('Shift+P');
    let dialog = await editorOpened(page);
    await dialog.locator('select.jp-cellpipe-kind').selectOption('imports');
    await page.keyboard.press('Enter');
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    // Annotated: cellpipe is on, its chip above the cell, "+ step" on the untagged code cells.
    await expect(cellAt(page, 1).locator('.jp-cellpipe-chip')).toHaveText('Imports');
    await expect(cellAt(page, 4).locator('.jp-cellpipe-chip-placeholder')).toHaveText('+ step');
    await expect(cellAt(page, 0).locator('.jp-cellpipe-chip')).toHaveCount(0); // markdown

    // 2. The context menu: cell 4 becomes the step load_data.
    await cellAt(page, 4).locator('.jp-InputPrompt').click({ button: 'right' });
    await page.locator('.lm-Menu-item', { hasText: 'Annotate cell…' }).click();
    dialog = await editorOpened(page);
    await dialog.locator('select.jp-cellpipe-kind').selectOption('step');
    const save = page.locator('.jp-Dialog button.jp-mod-accept');
    // Nothing typed yet: no error at the field, but Save is off and says why beside it.
    await expect(dialog.locator('.jp-cellpipe-field-error')).toHaveCount(0);
    await expect(save).toBeDisabled();
    await expect(page.locator('.jp-Dialog .jp-cellpipe-save-reason')).toHaveText(
      'Cannot save: Step name is required'
    );
    // The Kubernetes sections are folded under Advanced.
    await expect(dialog.locator('details.jp-cellpipe-ce-advanced > summary')).toHaveText(
      'Advanced (0 set)'
    );
    await expect(dialog.locator('.jp-cellpipe-ce-tolerations')).toBeHidden();
    await page.keyboard.press('Tab');
    await expect(dialog.locator('input.jp-cellpipe-step-name')).toBeFocused();
    await page.keyboard.type('load_data');
    await expect(page.locator('.jp-Dialog .jp-cellpipe-save-reason')).toHaveText('');
    await page.keyboard.press('Enter');
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    await expect(cellAt(page, 4).locator('.jp-cellpipe-chip')).toHaveText('load_data');

    // 3. The palette: cell 5, made a step, is offered what it reads from load_data.
    await selectCell(page, 5);
    await runFromPalette(page, 'Annotate cell…');
    dialog = await editorOpened(page);
    await dialog.locator('select.jp-cellpipe-kind').selectOption('step');
    await expect(dialog.locator('.jp-cellpipe-dep-suggested')).toContainText('load_data');
    await expect(dialog.locator('.jp-cellpipe-dep-suggested')).toContainText('raw');
    await dialog.locator('input.jp-cellpipe-step-name').focus();
    await page.keyboard.type('preprocess');
    await dialog.locator('.jp-cellpipe-add-suggested').focus();
    await page.keyboard.press('Enter');
    await expect(dialog.locator('.jp-cellpipe-deps input[name="load_data"]')).toBeChecked();
    const shot = testInfo.outputPath('editor-new-step.png');
    await page.locator('.jp-Dialog-content').screenshot({ path: shot });
    await testInfo.attach('editor-new-step', { path: shot, contentType: 'image/png' });
    await save.click();
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    await expect(cellAt(page, 5).locator('.jp-cellpipe-chip')).toHaveText('preprocess← load_data');

    // 4. The "+ step" chip: reached with Tab, Enter opens the editor of its cell.
    const plus = cellAt(page, 7).locator('.jp-cellpipe-chip-placeholder');
    await plus.focus();
    await page.keyboard.press('Enter');
    dialog = await editorOpened(page);
    await expect(page.locator('.jp-Dialog .jp-Dialog-header')).toContainText('cell 8');
    await page.keyboard.press('Escape');
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);

    expect(await chipLabels(page)).toEqual([
      null,
      'Imports',
      null,
      null,
      'load_data',
      'preprocess← load_data',
      null,
      null,
      null,
      null,
      null
    ]);
    // What was written: Kale's tags, nothing else.
    const tags = await page.evaluate(() => {
      const panel = window.jupyterapp.shell.currentWidget as any;
      return panel.content.widgets.map((c: any) => c.model.getMetadata('tags') ?? null);
    });
    expect(tags.slice(0, 6)).toEqual([
      null,
      ['imports'],
      null,
      null,
      ['step:load_data'],
      ['step:preprocess', 'prev:load_data']
    ]);
    const shotNb = testInfo.outputPath('annotated-without-pencil.png');
    await page.screenshot({ path: shotNb });
    await testInfo.attach('annotated-without-pencil', { path: shotNb, contentType: 'image/png' });
  });
});
