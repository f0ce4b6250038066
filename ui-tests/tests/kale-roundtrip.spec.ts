import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import { runFromPalette } from './palette';

/** A Kale 0.x notebook: block:/prev:/limit: tags, an unknown tag, every kubeflow_notebook key. */
const FIXTURE = path.resolve(__dirname, '../../tests/fixtures/kale/kale0_blocks.ipynb');
const NAME = 'kale0_blocks.ipynb';
/** The cell of step "summarize" (tags block:summarize, prev:transform): the one the user edits. */
const EDITED = 8;

/** The file's text as the server reads it from disk. */
async function fileText(page: IJupyterLabPageFixture, file: string): Promise<string> {
  const response = await page.request.get(`/api/contents/${file}?content=1&type=file&format=text`);
  expect(response.ok()).toBe(true);
  return (await response.json()).content;
}

/** The raw text of `"key": {...}` at the notebook metadata level (one-space nbformat indent). */
function rawBlock(text: string, key: string): string {
  const start = text.indexOf(`\n  "${key}": {`);
  expect(start).toBeGreaterThan(0);
  const end = text.indexOf('\n  }', start);
  return text.slice(start, end + 4);
}

/** A cell's source as text, whichever way nbformat stored it (a string or a list of lines). */
const text = (source: string | string[]) => ([] as string[]).concat(source).join('');

test.describe('a Kale notebook through the browser', () => {
  test('opens with its steps and Kale warnings; a pencil edit saves only that edit', async ({
    page,
    tmpPath
  }, testInfo) => {
    const original = fs.readFileSync(FIXTURE, 'utf8');
    const before = JSON.parse(original);
    await page.contents.uploadFile(FIXTURE, `${tmpPath}/${NAME}`);
    await page.notebook.openByPath(`${tmpPath}/${NAME}`);
    await page.notebook.activate(NAME);
    await runFromPalette(page, 'Open Pipeline Panel');

    const panel = page.locator('#cellpipe-panel');
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('3 steps');
    for (const step of ['load_data', 'transform', 'summarize']) {
      await expect(panel.locator(`.jp-cellpipe-node[data-step="${step}"]`)).toHaveCount(1);
    }
    // The notebook's own image (Kale 0.x docker_image) in the settings.
    await expect(panel.locator('input[name="dockerImage"]')).toHaveValue(
      'gcr.io/arrikto/jupyter-kale:v0.5.0'
    );
    // What the compiler approximates or cannot carry over, under Problems.
    const problems = panel.locator('.jp-cellpipe-compile-problems');
    await expect(problems.locator('li', { hasText: 'type "clone"' })).toContainText(
      'the run sees and changes the live volume, not a copy'
    );
    await expect(problems.locator('li', { hasText: 'kubeflow_notebook.timeout' })).toContainText(
      'each step is bounded to 3600 s'
    );
    await expect(problems.locator('li', { hasText: 'kubeflow_notebook.kfp_host' })).toHaveCount(1);
    await expect(problems.locator('li', { hasText: 'tag hide-input' })).toHaveText(
      'compiler: cell 7 (step "transform"): tag hide-input: is not a Kale tag; it is kept and ignored'
    );
    const problemsShot = testInfo.outputPath('kale-panel.png');
    await problems.scrollIntoViewIfNeeded();
    await page.screenshot({ path: problemsShot });
    await testInfo.attach('Kale 0.x notebook in the panel', {
      path: problemsShot,
      contentType: 'image/png'
    });

    // The pencil editor of step "summarize", opened from the cell's chip (with the panel open the
    // narrower notebook hides the cell toolbar over the code): a memory limit.
    const chip = page.locator('.jp-Notebook .jp-Cell').nth(EDITED).locator('.jp-cellpipe-chip');
    await expect(chip).toHaveAttribute(
      'aria-label',
      'Step summarize, depends on transform. Edit annotation'
    );
    await chip.click();
    const dialog = page.locator('.jp-Dialog .jp-cellpipe-cell-editor');
    await expect(dialog).toBeVisible();
    await expect(dialog.locator('select.jp-cellpipe-kind')).toBeFocused();
    await expect(dialog.locator('input.jp-cellpipe-step-name')).toHaveValue('summarize');
    await dialog.locator('details.jp-cellpipe-ce-advanced > summary').click(); // folded (issue 19)
    await dialog.getByRole('button', { name: 'Add Limits' }).click();
    await dialog.getByLabel('Limits 1 key').fill('memory');
    await dialog.getByLabel('Limits 1 value').fill('2Gi');
    const editorShot = testInfo.outputPath('kale-pencil.png');
    await page.locator('.jp-Dialog-content').screenshot({ path: editorShot });
    await testInfo.attach('pencil on a Kale 0.x step', {
      path: editorShot,
      contentType: 'image/png'
    });
    const accept = page.locator('.jp-Dialog button.jp-mod-accept');
    await expect(accept).toBeEnabled();
    await accept.click();
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);

    await page.notebook.save();
    const saved = await fileText(page, `${tmpPath}/${NAME}`);
    const after = JSON.parse(saved);

    // The edit is there, written as Kale writes it, the step's own tags as they were.
    expect(after.cells[EDITED].metadata.tags).toEqual([
      ...before.cells[EDITED].metadata.tags,
      'limit:memory:2Gi'
    ]);
    // Every other Kale key and tag, byte for byte.
    expect(JSON.stringify(after.metadata.kubeflow_notebook)).toBe(
      JSON.stringify(before.metadata.kubeflow_notebook)
    );
    expect(rawBlock(saved, 'kubeflow_notebook')).toBe(rawBlock(original, 'kubeflow_notebook'));
    expect(after.cells).toHaveLength(before.cells.length);
    before.cells.forEach((cell: any, i: number) => {
      if (i !== EDITED) {
        expect([i, JSON.stringify(after.cells[i].metadata.tags)]).toEqual([
          i,
          JSON.stringify(cell.metadata.tags)
        ]);
        // (JupyterLab writes a source as a list of lines; the text is the same.)
        expect([i, text(after.cells[i].source)]).toEqual([i, text(cell.source)]);
      }
    });
  });
});
