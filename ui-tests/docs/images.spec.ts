/**
 * The pictures of docs/user-guide.md and the README, taken from the running extension on the example
 * notebook so they show what a user sees today. Run by `make docs-images` (playwright.config.ts in this
 * folder), never by `make test`: each picture is written into docs/images/, cropped to the part it
 * shows. The waits are the ones the feature specs assert; here they only make the pictures complete.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');
const IMAGES = path.resolve(__dirname, '../../docs/images');

/** Writes docs/images/<name>.png: the element, or the page region `clip`. */
async function picture(
  page: IJupyterLabPageFixture,
  name: string,
  what: Locator | { x: number; y: number; width: number; height: number }
): Promise<void> {
  fs.mkdirSync(IMAGES, { recursive: true });
  const file = path.join(IMAGES, `${name}.png`);
  if ('screenshot' in what) {
    await what.screenshot({ path: file, animations: 'disabled' });
  } else {
    await page.screenshot({ path: file, clip: what, animations: 'disabled' });
  }
}

/** The example, with `print(no_such_name)` added to the evaluate step: one problem to show. */
function brokenCopy(dir: string): string {
  const nb = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  for (const cell of nb.cells) {
    if (cell.metadata.tags?.includes('step:evaluate')) {
      cell.source = [...[].concat(cell.source), '\nprint(no_such_name)'];
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'broken.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

async function open(page: IJupyterLabPageFixture, file: string, name: string, tmpPath: string) {
  await page.contents.uploadFile(file, `${tmpPath}/${name}`);
  // Opened by the document manager, not through the file browser (whose listing may lag the upload).
  await page.evaluate(async (where: string) => {
    await window.jupyterapp.commands.execute('docmanager:open', { path: where });
  }, `${tmpPath}/${name}`);
  await page.notebook.activate(name);
  await page.waitForFunction(() => window.jupyterapp.commands.hasCommand('cellpipe:open-panel'));
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('cellpipe:open-panel');
  });
}

/** The page region from the top of `top` to the bottom of `bottom` `top` scrolled up. */
async function region(top: Locator, bottom: Locator) {
  await top.evaluate(node => node.scrollIntoView({ block: 'start' }));
  const from = (await top.boundingBox())!;
  const to = (await bottom.boundingBox())!;
  return {
    x: from.x,
    y: from.y - 4,
    width: from.width,
    // (to the status bar at the window's foot: a picture holds only what the window shows)
    height: Math.min(to.y + to.height - from.y + 8, 872 - from.y)
  };
}

/** Cells `first` to `last` of the open notebook. */
function cellsRegion(page: IJupyterLabPageFixture, first: number, last: number) {
  const cells = page.locator('.jp-NotebookPanel:visible .jp-Notebook .jp-Cell');
  return region(cells.nth(first), cells.nth(last));
}

async function runLocally(section: Locator): Promise<void> {
  const button = section.locator('button.jp-cellpipe-local-run');
  await button.click();
  await expect(button).toHaveText('Running locally…');
  await expect(button).toHaveText('Run locally', { timeout: 240000 });
  await expect(section.locator('.jp-cellpipe-local-error')).toHaveCount(0);
  await expect(
    section.locator('.jp-cellpipe-local-steps li[data-step="evaluate"]')
  ).toHaveAttribute('data-state', /^(succeeded|cached)$/);
}

test('the user guide pictures', async ({ page, tmpPath }, testInfo) => {
  await open(page, EXAMPLE, 'pipeline.ipynb', tmpPath);
  const panel = page.locator('#cellpipe-panel');
  await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('5 steps', { timeout: 60000 });
  // A wider sidebar than the default ~250 px, so the pictures read at the guide's width.
  const handle = page.locator('#jp-main-split-panel > .lm-SplitPanel-handle').nth(1);
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 300);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 200, box.y + 300, { steps: 8 });
  await page.mouse.up();
  await expect(panel.locator('.jp-cellpipe-graph-svg')).toBeVisible();
  // The settings (with the enable switch) on their own; the panel's picture shows the graph.
  const settings = panel.locator('details.jp-cellpipe-settings');
  await picture(page, 'settings', settings);
  await settings.evaluate(d => ((d as HTMLDetailsElement).open = false));
  await picture(page, 'panel', panel);
  await picture(page, 'graph', panel.locator('.jp-cellpipe-graph'));

  // The chips above their cells: parameters, load_data, preprocess.
  await expect(
    page.locator('.jp-Notebook .jp-Cell').nth(4).locator('.jp-cellpipe-chip')
  ).toHaveText('load_data');
  await picture(page, 'chips', await cellsRegion(page, 3, 5));

  // The pencil editor of the evaluate step (it depends on both trainings), as its toolbar pencil opens it.
  // (not awaited: the command settles when the dialog closes)
  await page.evaluate(() => {
    const notebook = (window.jupyterapp.shell.currentWidget as any).content;
    notebook.activeCellIndex = 9;
    void window.jupyterapp.commands.execute('cellpipe:edit-cell');
  });
  const dialog = page.locator('.jp-Dialog .jp-cellpipe-cell-editor');
  await expect(dialog.locator('select.jp-cellpipe-kind')).toBeFocused();
  await picture(page, 'pencil-editor', page.locator('.jp-Dialog-content'));
  await page.locator('.jp-Dialog button.jp-mod-reject').click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);

  // Kubeflow Pipelines: the connection the server uses (the test's Prism mock) and the Schedule dialog.
  const kfp = panel.locator('details.jp-cellpipe-kfp');
  await kfp.evaluate(d => ((d as HTMLDetailsElement).open = true));
  await expect(kfp.locator('.jp-cellpipe-kfp-connection[data-state="reachable"]')).toBeVisible({
    timeout: 60000
  });
  await page.route('**/cellpipe/api/kfp/recurringruns?**', route =>
    route.fulfill({ json: { recurring_runs: [] } })
  );
  await kfp.scrollIntoViewIfNeeded();
  await picture(page, 'kfp-section', kfp);
  await kfp.getByRole('button', { name: /Compile & Run/ }).click();
  const submit = page.locator('.jp-cellpipe-run-dialog');
  await expect(submit.locator('.jp-cellpipe-run-yaml-toggle')).toBeEnabled({ timeout: 60000 });
  await expect(submit.locator('.jp-cellpipe-run-new-experiment')).toHaveValue('cellpipe-demo');
  await submit.locator('#jp-cellpipe-run-name').fill('first try');
  await picture(page, 'submit', page.locator('.jp-Dialog-content'));
  await submit.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  await kfp.locator('.jp-cellpipe-schedule-open').click();
  const schedule = page.locator('.jp-cellpipe-schedule-dialog');
  await expect(schedule.locator('.jp-cellpipe-schedule-submit')).toBeEnabled({ timeout: 60000 });
  await schedule.locator('#jp-cellpipe-schedule-cron').fill('0 6 * * 1');
  await expect(schedule.locator('.jp-cellpipe-schedule-reading')).toHaveText(
    'every Monday at 06:00 UTC'
  );
  await picture(page, 'schedule', page.locator('.jp-Dialog-content'));
  await schedule.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  // Tune with Katib: a range for n_estimators, best_accuracy as the objective, the Experiment shown.
  await kfp.locator('.jp-cellpipe-tune-open').click();
  const tune = page.locator('.jp-cellpipe-tune-dialog');
  const row = tune.locator('tr[data-parameter="n_estimators"]');
  await expect(row).toBeVisible({ timeout: 60000 });
  await row.locator('select').selectOption('range');
  await row.locator('.jp-cellpipe-tune-min').fill('10');
  await row.locator('.jp-cellpipe-tune-max').fill('50');
  await row.locator('.jp-cellpipe-tune-step').fill('10');
  await tune.locator('.jp-cellpipe-tune-metric').selectOption('best_accuracy');
  await expect(tune.locator('.jp-cellpipe-tune-yaml')).toHaveValue(/kind: Experiment/);
  await picture(page, 'tune', page.locator('.jp-Dialog-content'));
  await tune.getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  await kfp.evaluate(d => ((d as HTMLDetailsElement).open = false));

  // Run locally: the run, the evaluate step's report with its plot, a second run compared.
  const local = panel.locator('details.jp-cellpipe-local');
  await local.evaluate(d => ((d as HTMLDetailsElement).open = true));
  await runLocally(local);
  await picture(page, 'run-view', await region(local, local.locator('.jp-cellpipe-local-steps')));
  await local.locator('.jp-cellpipe-local-steps li[data-step="evaluate"] button').click();
  await expect(
    page.frameLocator('iframe.jp-cellpipe-rv-report').locator('img[src^="data:image/png"]').first()
  ).toBeVisible({ timeout: 60000 });
  const step = local.locator('.jp-cellpipe-rv-step');
  await step.scrollIntoViewIfNeeded();
  await picture(page, 'run-report', step);
  await local.locator('input[data-parameter="n_estimators"]').fill('3');
  await runLocally(local);
  const compare = local.locator('.jp-cellpipe-rv-compare');
  await expect(compare.locator('thead th[data-run]')).toHaveCount(2, { timeout: 60000 });
  await compare.locator('.jp-cellpipe-rv-chart select').selectOption('forest_accuracy');
  await expect(compare.locator('.jp-cellpipe-rv-chart-svg circle')).toHaveCount(2);
  await compare.scrollIntoViewIfNeeded();
  await picture(page, 'runs-compared', compare);
  await local.evaluate(d => ((d as HTMLDetailsElement).open = false));

  // A problem: the evaluate step reads a name nothing defines.
  await open(page, brokenCopy(testInfo.outputDir), 'broken.ipynb', tmpPath);
  const problems = panel.locator('.jp-cellpipe-diagnostics');
  await expect(problems).toContainText('no_such_name', { timeout: 60000 });
  await picture(page, 'problems', problems);
  await expect(page.locator('.jp-cellpipe-mark-error').first()).toBeAttached();
  await picture(page, 'problem-in-cell', await cellsRegion(page, 9, 9));
});
