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

/** The example notebook with `prev:NAME` taken off the cell of step `step`. */
function copyWithoutPrev(dir: string, step: string, name: string): string {
  const nb = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  const cell = nb.cells.find((c: any) => c.metadata.tags?.includes(`step:${step}`));
  cell.metadata.tags = cell.metadata.tags.filter((t: string) => t !== `prev:${name}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'suggest.ipynb');
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
  // Keyboard focus moves into the editor (the cell type) once the dialog has rendered; keys
  // pressed before that would still go to the pencil.
  await expect(dialog.locator('select.jp-cellpipe-kind')).toBeFocused();
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
    await dialog.locator('details.jp-cellpipe-ce-advanced > summary').click(); // folded (issue 19)
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

  test('Add suggested and a toleration, from the keyboard, on a step missing a dependency', async ({
    page,
    tmpPath
  }, testInfo) => {
    // train_logreg (cell 8) reads X_train and y_train, which preprocess produces, but no
    // longer depends on it: the analyzer suggests preprocess.
    const name = 'suggest.ipynb';
    const file = copyWithoutPrev(testInfo.outputDir, 'train_logreg', 'preprocess');
    await page.contents.uploadFile(file, `${tmpPath}/${name}`);
    await page.notebook.openByPath(`${tmpPath}/${name}`);
    await page.notebook.activate(name);

    const dialog = await openPencil(page, 8);
    const preprocess = dialog.locator('.jp-cellpipe-deps input[name="preprocess"]');
    const suggested = dialog.locator('.jp-cellpipe-dep-suggested');
    await expect(suggested).toHaveCount(1);
    await expect(suggested).toContainText('preprocess');
    await expect(suggested.locator('.jp-cellpipe-dep-hint')).toHaveText(
      'suggested: reads X_train, y_train'
    );
    await expect(preprocess).not.toBeChecked();
    const suggestedShot = testInfo.outputPath('pencil-suggested.png');
    await page.locator('.jp-Dialog-content').screenshot({ path: suggestedShot });
    await testInfo.attach('pencil editor: suggested dependency', {
      path: suggestedShot,
      contentType: 'image/png'
    });

    // Enter on the form's buttons presses them (the dialog would otherwise swallow it).
    await dialog.getByRole('button', { name: 'Add suggested' }).focus();
    await page.keyboard.press('Enter');
    await expect(preprocess).toBeChecked();
    await expect(suggested).toHaveCount(0);
    await expect(dialog.getByRole('button', { name: 'Add suggested' })).toHaveCount(0);

    await dialog.locator('details.jp-cellpipe-ce-advanced > summary').click(); // folded (issue 19)
    await dialog.getByRole('button', { name: 'Add Tolerations' }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByLabel('Tolerations 1 key').fill('dedicated');
    await dialog.getByLabel('Tolerations 1 value').fill('batch');
    await dialog.getByLabel('Tolerations 1 effect').selectOption('NoSchedule');
    // Seconds need effect NoExecute: the row says so, Save is off, Enter keeps the dialog open.
    const seconds = dialog.getByLabel('Tolerations 1 seconds');
    await seconds.fill('30');
    await expect(seconds).toHaveAttribute('aria-invalid', 'true');
    await expect(dialog.locator('.jp-cellpipe-ce-tolerations .jp-cellpipe-field-error')).toHaveText(
      'Toleration 1: seconds apply only to effect NoExecute'
    );
    await expect(page.locator('.jp-Dialog button.jp-mod-accept')).toBeDisabled();
    await seconds.press('Enter');
    await expect(dialog).toBeVisible();
    await seconds.fill('');
    await expect(dialog.locator('.jp-cellpipe-field-error')).toHaveCount(0);
    const shot = testInfo.outputPath('pencil-toleration.png');
    await page.locator('.jp-Dialog-content').screenshot({ path: shot });
    await testInfo.attach('pencil editor: toleration', { path: shot, contentType: 'image/png' });
    // Enter in a field of a valid form saves, as in any JupyterLab dialog.
    await dialog.getByLabel('Tolerations 1 key').press('Enter');
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    // The cell's chip follows: a button naming the step and its new dependency.
    const chip = page.locator('.jp-Notebook .jp-Cell').nth(8).locator('.jp-cellpipe-chip');
    await expect(chip).toHaveAttribute(
      'aria-label',
      'Step train_logreg, depends on preprocess. Edit annotation'
    );

    await page.notebook.save();
    const response = await page.request.get(`/api/contents/${tmpPath}/${name}?content=1`);
    expect(response.ok()).toBe(true);
    const nb = (await response.json()).content;
    expect(nb.cells[8].metadata.tags).toEqual(['step:train_logreg', 'prev:preprocess']);
    expect(nb.cells[8].metadata.cellpipe).toEqual({
      deploy: {
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }]
      }
    });
    // No other cell's annotation changed (JupyterLab itself adds `trusted` on save).
    const original = JSON.parse(fs.readFileSync(file, 'utf8'));
    nb.cells.forEach((cell: any, i: number) => {
      if (i !== 8) {
        const { trusted, ...metadata } = cell.metadata;
        expect([i, metadata, trusted ?? true]).toEqual([i, original.cells[i].metadata, true]);
      }
    });
  });
});
