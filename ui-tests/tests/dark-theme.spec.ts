import AxeBuilder from '@axe-core/playwright';
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { focusableControls, lowContrast, tabThrough, switchTheme } from './contrast';

const LIGHT = 'JupyterLab Light';
const DARK = 'JupyterLab Dark';
const HIGH_CONTRAST = 'JupyterLab Dark High Contrast';

/** Three steps, one of which fails: a local run leaves both a succeeded and a failed node. */
function runNotebook(dir: string): string {
  const cell = (tags: string[], source: string) => ({
    cell_type: 'code',
    execution_count: null,
    metadata: { tags },
    outputs: [],
    source
  });
  const nb = {
    cells: [
      cell(['step:make'], 'numbers = list(range(5))'),
      cell(['step:total', 'prev:make'], 'total = sum(numbers)\nprint(total)'),
      cell(['step:broken', 'prev:make'], 'raise ValueError(len(numbers))')
    ],
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      kubeflow_notebook: { pipeline_name: 'themes', docker_image: 'python:3.11' }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'themes.ipynb');
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
  return file;
}

async function shoot(target: Locator, testInfo: TestInfo, name: string) {
  const shot = testInfo.outputPath(`${name}.png`);
  await target.screenshot({ path: shot });
  await testInfo.attach(name, { path: shot, contentType: 'image/png' });
}

/** Serious and critical accessibility violations under `selector`, by rule and element. */
async function axeViolations(page: IJupyterLabPageFixture, selector: string) {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(' | ')}`);
}

/** Open every folded section under `root`, so that all of it is measured. */
async function openAll(root: Locator) {
  await root
    .locator('details:not([open]) > summary')
    .evaluateAll(summaries => summaries.forEach(s => (s as HTMLElement).click()));
}

/** Every control under `root` is reached by Tab from its first one, each with a focus mark. */
async function expectKeyboardReach(page: IJupyterLabPageFixture, root: Locator) {
  const controls = await focusableControls(root);
  expect(controls.length).toBeGreaterThan(3);
  await root.locator(`[data-cellpipe-control="${controls[0]}"]`).focus();
  // Back to the first control by keyboard: focus given by a script shows no focus mark.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Shift+Tab');
  const { reached, unmarked } = await tabThrough(page, root, controls.length + 5);
  expect(
    controls.filter(c => !reached.includes(c)),
    `reached: ${reached.join(' → ')}`
  ).toEqual([]);
  expect(unmarked).toEqual([]);
}

test.describe('dark and high-contrast themes', () => {
  test('panel, graph run states and pencil editor read at 4.5:1 in each theme, pass axe, and work by keyboard', async ({
    page,
    tmpPath
  }, testInfo) => {
    const file = runNotebook(testInfo.outputPath('nb'));
    await page.contents.uploadFile(file, `${tmpPath}/themes.ipynb`);
    await page.notebook.openByPath(`${tmpPath}/themes.ipynb`);
    await page.notebook.activate('themes.ipynb');
    await page.waitForFunction(() => window.jupyterapp.commands.hasCommand('cellpipe:open-panel'));
    await page.evaluate(() => window.jupyterapp.commands.execute('cellpipe:open-panel'));
    await switchTheme(page, DARK);

    const panel = page.locator('#cellpipe-panel');
    // The Execution graph section's (the local run view draws one too, further down).
    const graph = panel.locator('.jp-cellpipe-graph').first();
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('3 steps');

    // A local run: node labels over the succeeded and failed fills (white on pastel before).
    const local = panel.locator('details.jp-cellpipe-local');
    await local.locator('summary').click();
    await local.locator('button.jp-cellpipe-local-run').click();
    await expect(graph.locator('[data-step="total"]')).toHaveAttribute('data-state', /succeeded/i, {
      timeout: 60000
    });
    await expect(graph.locator('[data-step="broken"]')).toHaveAttribute('data-state', /failed/i);

    await openAll(panel);
    await expect(panel.locator('.jp-cellpipe-yaml-text')).toContainText('pipelineInfo');
    await graph.scrollIntoViewIfNeeded();
    const node = graph.locator('[data-step="make"]');
    const classes = (await node.getAttribute('class'))!;
    for (const theme of [HIGH_CONTRAST, LIGHT, DARK]) {
      await switchTheme(page, theme);
      expect(await lowContrast(panel), theme).toEqual([]);
      // The states a finished run does not leave (running, pending, cached): the node's class as
      // the graph sets it for each, its label measured over that fill.
      for (const state of ['running', 'pending', 'cached']) {
        await node.evaluate(
          (el, cls) => el.setAttribute('class', cls),
          classes.replace(/jp-cellpipe-state-\w+/, `jp-cellpipe-state-${state}`)
        );
        expect(await lowContrast(node), `${theme}: ${state}`).toEqual([]);
      }
      await node.evaluate((el, cls) => el.setAttribute('class', cls), classes);
    }

    await shoot(panel, testInfo, 'dark-panel');
    await shoot(graph, testInfo, 'dark-graph-after-run');
    expect(await axeViolations(page, '#cellpipe-panel')).toEqual([]);
    await expectKeyboardReach(page, panel);

    // The pencil editor on the `total` step.
    await page.notebook.selectCells(1);
    // (the command resolves once the dialog is closed: not awaited here)
    await page.evaluate(() => {
      void window.jupyterapp.commands.execute('cellpipe:edit-cell');
    });
    const dialog = page.locator('.jp-Dialog-content');
    await expect(dialog.locator('.jp-cellpipe-cell-editor')).toBeVisible();
    await openAll(dialog);
    expect(await lowContrast(dialog)).toEqual([]);
    await shoot(dialog, testInfo, 'dark-pencil-editor');
    expect(await axeViolations(page, '.jp-Dialog-content')).toEqual([]);
    await expectKeyboardReach(page, dialog);
    for (const theme of [HIGH_CONTRAST, LIGHT]) {
      await switchTheme(page, theme);
      expect(await lowContrast(dialog), theme).toEqual([]);
    }
    await page.keyboard.press('Escape');
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
  });
});
