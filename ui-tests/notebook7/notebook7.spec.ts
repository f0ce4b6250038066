/**
 * Jupyter Notebook 7: the extension where users open it outside JupyterLab. The Pipeline panel sits
 * in Notebook's right sidebar (View → Right Sidebar → Show Pipeline), the pencil on the cell toolbar
 * edits a cell's annotation and "Run locally" runs the example on this machine.
 */
import { expect, Page, test, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');
const STEPS = ['load_data', 'preprocess', 'train_forest', 'train_logreg', 'evaluate'];

async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

test('Notebook 7: the panel from the View menu, the pencil, and Run locally on the example', async ({
  page
}, testInfo) => {
  // The example in a folder of its own on the server (the test server has no token).
  const folder = `notebook7-${testInfo.testId}`;
  expect(
    (await page.request.put(`/api/contents/${folder}`, { data: { type: 'directory' } })).ok()
  ).toBe(true);
  const content = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  const put = await page.request.put(`/api/contents/${folder}/pipeline.ipynb`, {
    data: { type: 'notebook', format: 'json', content }
  });
  expect(put.ok()).toBe(true);

  await page.goto(`/notebooks/${folder}/pipeline.ipynb`);
  const cells = page.locator('.jp-Notebook .jp-Cell');
  await expect(cells.nth(10)).toBeAttached({ timeout: 60000 });

  // View → Right Sidebar → Show Pipeline, as a Notebook 7 user finds it.
  await page.locator('.lm-MenuBar-item', { hasText: 'View' }).click();
  await page.locator('.lm-Menu-item', { hasText: 'Right Sidebar' }).hover();
  await page.locator('.lm-Menu-item', { hasText: 'Show Pipeline' }).click();
  const panel = page.locator('#cellpipe-panel');
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-cellpipe-notebook')).toHaveText(`${folder}/pipeline.ipynb`);
  await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('5 steps');
  await shoot(page, testInfo, 'notebook7-panel');

  // The pencil on cell 8 (train_logreg): it now also runs after train_forest.
  const cell = cells.nth(8);
  await cell.locator('.jp-InputPrompt').click();
  const pencil = cell.locator('.jp-cell-toolbar [data-command="cellpipe:edit-cell"]');
  await expect(pencil).toBeVisible();
  await pencil.click();
  const dialog = page.locator('.jp-Dialog .jp-cellpipe-cell-editor');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('input.jp-cellpipe-step-name')).toHaveValue('train_logreg');
  await dialog.locator('.jp-cellpipe-deps input[name="train_forest"]').check();
  await shoot(page, testInfo, 'notebook7-pencil');
  await page.locator('.jp-Dialog button.jp-mod-accept').click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  await expect(cell.locator('.jp-cellpipe-chip')).toHaveAttribute(
    'aria-label',
    /^Step train_logreg, depends on preprocess, train_forest\b/
  );

  // Run locally: every step runs, with the Python of the notebook's kernel (python3 here: the server's).
  const section = panel.locator('details.jp-cellpipe-local');
  await section.locator('summary').click();
  await section.locator('button.jp-cellpipe-local-run').click();
  const steps = section.locator('.jp-cellpipe-local-steps');
  for (const step of STEPS) {
    await expect(steps.locator(`li[data-step="${step}"]`)).toHaveAttribute(
      'data-state',
      'succeeded',
      {
        timeout: 90000
      }
    );
  }
  // The run is over (the button is back) and nothing failed.
  await expect(section.locator('button.jp-cellpipe-local-run')).toBeEnabled({ timeout: 90000 });
  await expect(section.locator('.jp-cellpipe-local-steps li[data-state="failed"]')).toHaveCount(0);
  await expect(section.locator('.jp-cellpipe-local-error')).toHaveCount(0);
  await expect(section.getByText(/^Python: \//)).toBeVisible();
  await steps.scrollIntoViewIfNeeded();
  await shoot(page, testInfo, 'notebook7-run-locally');

  // The pencil's edit is in the notebook once saved (Notebook 7's own save shortcut).
  await cells.nth(8).locator('.jp-InputPrompt').click();
  await page.keyboard.press('Control+s');
  await expect(async () => {
    const saved = await page.request.get(`/api/contents/${folder}/pipeline.ipynb?content=1`);
    const nb = (await saved.json()).content;
    expect(nb.cells[8].metadata.tags).toEqual([
      'step:train_logreg',
      'prev:preprocess',
      'prev:train_forest'
    ]);
  }).toPass({ timeout: 30000 });
});
