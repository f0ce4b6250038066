/**
 * The local run view (issue 16): run the example on this machine, open a step's report (its plot) in
 * the sandboxed frame, change a parameter, run again and compare the two runs. Screenshots are attached
 * to the test's results.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';
import * as path from 'path';
import { openWithPanel } from './keystroke';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');
const STEPS = ['load_data', 'preprocess', 'train_forest', 'train_logreg', 'evaluate'];

async function runAndWait(section: Locator): Promise<void> {
  const button = section.locator('button.jp-cellpipe-local-run');
  await button.click();
  await expect(button).toHaveText('Running locally…');
  await expect(section.locator('.jp-cellpipe-rv-progress')).toContainText(/\d of 6 steps done/);
  await expect(button).toHaveText('Run locally', {
    timeout: 180000
  });
  const steps = section.locator('.jp-cellpipe-local-steps');
  for (const step of STEPS) {
    await expect(steps.locator(`li[data-step="${step}"]`)).toHaveAttribute(
      'data-state',
      /^(succeeded|cached)$/
    );
  }
}

/** A screenshot kept in the test's results folder and attached to its report. */
async function keep(testInfo: TestInfo, name: string, what: Locator): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await what.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

test.describe('local run view', () => {
  test('run, open a report with its plot, change a parameter, run again, compare', async ({
    page,
    tmpPath
  }, testInfo) => {
    test.setTimeout(360000); // three local runs of the example, the first with nothing cached
    await page.setViewportSize({ width: 1440, height: 900 });
    await openWithPanel(page, EXAMPLE, 'pipeline.ipynb', tmpPath);
    const panel = page.locator('#cellpipe-panel');
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('5 steps', { timeout: 30000 });
    const section = panel.locator('details.jp-cellpipe-local');
    await section.locator('summary').click();
    await runAndWait(section);
    // Pipeline order, not alphabetical: load_data first, evaluate after both trainings.
    const order = await section
      .locator('.jp-cellpipe-local-steps li')
      .evaluateAll(items => items.map(li => li.getAttribute('data-step')));
    expect(order.indexOf('load_data')).toBe(0);
    expect(order.indexOf('evaluate')).toBeGreaterThan(order.indexOf('train_forest'));
    await expect(section.locator('.jp-cellpipe-local-error')).toHaveCount(0);
    await keep(testInfo, 'run-view-run', section);

    // The evaluate step's report: a figure inline, in a frame that runs no script.
    await section.locator('.jp-cellpipe-local-steps li[data-step="evaluate"] button').click();
    const report = section.locator('iframe.jp-cellpipe-rv-report');
    await expect(report).toHaveAttribute('sandbox', '');
    const figure = page
      .frameLocator('iframe.jp-cellpipe-rv-report')
      .locator('img[src^="data:image/png"]');
    await expect(figure.first()).toBeVisible({ timeout: 30000 });
    await expect(
      section.locator('.jp-cellpipe-rv-output[data-output="best_accuracy"]')
    ).toBeVisible();
    await report.scrollIntoViewIfNeeded();
    await keep(testInfo, 'run-view-report', section.locator('.jp-cellpipe-rv-step'));

    // Another parameter value, another run: the two side by side.
    await section.locator('input[data-parameter="n_estimators"]').fill('3');
    await runAndWait(section);
    await expect(
      section.locator('.jp-cellpipe-local-steps li[data-step="load_data"]')
    ).toHaveAttribute('data-state', 'cached');
    const table = section.locator('.jp-cellpipe-rv-runs');
    await expect(table.locator('thead th[data-run]')).toHaveCount(2, { timeout: 30000 });
    // Newest first: this run's n_estimators beside the first run's.
    await expect(table.locator('tr[data-parameter="n_estimators"] td')).toHaveText(['3', '25']);
    await expect(table.locator('tr[data-metric="forest_accuracy"] td')).toHaveCount(2);
    await expect(section.locator('.jp-cellpipe-rv-best').first()).toBeVisible();
    await section.locator('.jp-cellpipe-rv-chart select').selectOption('forest_accuracy');
    await expect(section.locator('.jp-cellpipe-rv-chart-svg circle')).toHaveCount(2);
    const compare = section.locator('.jp-cellpipe-rv-compare');
    await compare.scrollIntoViewIfNeeded();
    await keep(testInfo, 'run-view-compared', compare);

    // Re-run from a step: it and what follows run again, the steps before come from the cache.
    await section.locator('.jp-cellpipe-local-steps li[data-step="evaluate"] button').click();
    const button = section.locator('button.jp-cellpipe-local-run');
    const starts: Record<string, unknown>[] = [];
    page.on('request', r => {
      if (r.method() === 'POST' && new URL(r.url()).pathname.endsWith('/cellpipe/api/local/runs')) {
        starts.push(r.postDataJSON());
      }
    });
    await section.locator('.jp-cellpipe-rv-rerun').click();
    await expect(button).toHaveText('Running locally…');
    // The task named, the package as compiled; the kernel the notebook's session runs now.
    expect(starts.map(s => [s.fromStep, s.kernelName])).toEqual([['evaluate', 'python3']]);
    await expect(button).toHaveText('Run locally', { timeout: 180000 });
    const steps = section.locator('.jp-cellpipe-local-steps');
    await expect(steps.locator('li[data-step="evaluate"]')).toHaveAttribute(
      'data-state',
      'succeeded'
    );
    await expect(steps.locator('li[data-step="train_forest"]')).toHaveAttribute(
      'data-state',
      'cached'
    );
    await expect(section.locator('.jp-cellpipe-local-error')).toHaveCount(0);
    // Which Python: its path and version once, and why that one.
    await expect(section.locator('.jp-cellpipe-rv-python')).toHaveText(
      /^Python: \/\S+ \(3\.\d+\.\d+\), from the notebook's kernel 'python3'$/
    );
    await expect(section.locator('.jp-cellpipe-rv-runs thead th[data-run]')).toHaveCount(3);
  });
});
