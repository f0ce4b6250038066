import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');

/** The example notebook with every annotation removed: the user starts from scratch. */
function plainCopy(dir: string): string {
  const nb = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  for (const cell of nb.cells) {
    delete cell.metadata.tags;
    delete cell.metadata.cellpipe;
  }
  delete nb.metadata.kubeflow_notebook;
  delete nb.metadata.cellpipe;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'plain.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

/** Click the pencil in the toolbar of cell `index` and wait for the editor dialog. */
async function openPencil(page: IJupyterLabPageFixture, index: number) {
  const cell = page.locator('.jp-Notebook .jp-Cell').nth(index);
  await cell.locator('.jp-InputPrompt').click();
  const pencil = cell.locator('.jp-cell-toolbar [data-command="cellpipe:edit-cell"]');
  await expect(pencil).toBeVisible();
  await pencil.click();
  const dialog = page.locator('.jp-Dialog .jp-cellpipe-cell-editor');
  await expect(dialog).toBeVisible();
  return dialog;
}

async function save(page: IJupyterLabPageFixture) {
  const button = page.locator('.jp-Dialog button.jp-mod-accept');
  await expect(button).toBeEnabled();
  await button.click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
}

test.describe('pencil editor', () => {
  test('annotate the example from scratch and save Kale tags', async ({
    page,
    tmpPath
  }, testInfo) => {
    const name = 'plain.ipynb';
    await page.contents.uploadFile(plainCopy(testInfo.outputDir), `${tmpPath}/${name}`);
    await page.notebook.openByPath(`${tmpPath}/${name}`);
    await page.notebook.activate(name);

    // Cell 1: imports.
    let dialog = await openPencil(page, 1);
    await dialog.locator('select.jp-cellpipe-kind').selectOption('imports');
    await save(page);

    // Cell 4: the first step; a bad name disables Save and says why.
    dialog = await openPencil(page, 4);
    await dialog.locator('select.jp-cellpipe-kind').selectOption('step');
    await dialog.locator('input.jp-cellpipe-step-name').fill('Load-Data');
    await expect(dialog.locator('.jp-cellpipe-field-error')).toContainText('"Load-Data"');
    await expect(page.locator('.jp-Dialog button.jp-mod-accept')).toBeDisabled();
    await dialog.locator('input.jp-cellpipe-step-name').fill('load_data');
    await expect(dialog.locator('.jp-cellpipe-field-error')).toHaveCount(0);
    await save(page);

    // Discard changes nothing.
    dialog = await openPencil(page, 5);
    await dialog.locator('select.jp-cellpipe-kind').selectOption('skip');
    await page.locator('.jp-Dialog button.jp-mod-reject').click();
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);

    // Cell 5: a step depending on load_data, with a GPU and one environment variable.
    dialog = await openPencil(page, 5);
    await dialog.locator('select.jp-cellpipe-kind').selectOption('step');
    await dialog.locator('input.jp-cellpipe-step-name').fill('preprocess');
    await dialog.locator('.jp-cellpipe-deps input[name="load_data"]').check();
    await dialog.locator('input.jp-cellpipe-gpu-enabled').check();
    await dialog.locator('input.jp-cellpipe-gpu-product').fill('NVIDIA-A100-SXM4-40GB');
    await dialog.getByRole('button', { name: 'Add Environment variables' }).click();
    await dialog.getByLabel('Environment variables 1 key').fill('OMP_NUM_THREADS');
    await dialog.getByLabel('Environment variables 1 value').fill('4');
    const shot = testInfo.outputPath('pencil-editor.png');
    await page.locator('.jp-Dialog-content').screenshot({ path: shot });
    await testInfo.attach('pencil editor', { path: shot, contentType: 'image/png' });
    await save(page);

    // Escape changes nothing either. (The cell toolbar hides where it would cover a long
    // first line of code, so this uses a cell with a short one.)
    dialog = await openPencil(page, 10);
    await dialog.locator('select.jp-cellpipe-kind').selectOption('skip');
    await page.keyboard.press('Escape');
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);

    await page.notebook.save();
    // The file as saved on disk, through the server's contents API.
    const response = await page.request.get(`/api/contents/${tmpPath}/${name}?content=1`);
    expect(response.ok()).toBe(true);
    const nb = (await response.json()).content;
    const tags = (i: number) => nb.cells[i].metadata.tags;
    expect(tags(1)).toEqual(['imports']);
    expect(tags(4)).toEqual(['step:load_data']);
    expect(tags(5)).toEqual(['step:preprocess', 'prev:load_data', 'limit:nvidia.com/gpu:1']);
    expect(nb.cells[5].metadata.cellpipe).toEqual({
      deploy: {
        env: [{ name: 'OMP_NUM_THREADS', value: '4' }],
        gpu: { product: 'NVIDIA-A100-SXM4-40GB' }
      }
    });
    expect(nb.cells[6].metadata.tags).toBeUndefined();
    expect(nb.cells[10].metadata.tags).toBeUndefined();
  });
});
