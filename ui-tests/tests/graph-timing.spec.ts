/**
 * Time from a keystroke to the graph drawn after it, on the example and on bench/analyzer's
 * generated 300-cell notebook: each key's time from the keydown to the `cellpipe:graph-rendered`
 * mark, the median printed and kept as a test annotation with the median of each phase.
 */
import { expect, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { lastLineOf, openWithPanel, timeTyping, typeAtEndOf } from './keystroke';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/pipeline.ipynb');
// The example's `evaluate` cell (tags step:evaluate, prev:train_forest, prev:train_logreg).
const EVALUATE_CELL = 9;

// Measured, never asserted. No trace: Playwright's trace snapshots the whole DOM at every action,
// on the page's thread, and would be timed too.
test.use({ trace: 'off' });

test.describe('cellpipe keystroke → graph timing', () => {
  test('keystroke to graph on the example (measured, not asserted)', async ({
    page,
    tmpPath
  }, testInfo) => {
    await openWithPanel(page, EXAMPLE, 'pipeline.ipynb', tmpPath);
    const graph = page.locator('#cellpipe-panel .jp-cellpipe-graph-svg');
    await expect(graph.locator('[data-step="evaluate"]')).toBeVisible({ timeout: 30000 });
    await typeAtEndOf(page, EVALUATE_CELL);
    await page.keyboard.type('# ');
    await page.waitForTimeout(300);
    await timeTyping(page, testInfo, 'abcdefghi', 'the example');
    expect(await lastLineOf(page, EVALUATE_CELL)).toBe('# abcdefghi');
    await expect(graph.locator('[data-edge="train_forest->evaluate"]')).toHaveCount(1);
  });

  test('keystroke to graph on a generated 300-cell notebook (measured, not asserted)', async ({
    page,
    tmpPath
  }, testInfo) => {
    // bench/analyzer's deterministic notebook: ~6,000 lines of ML code, 98 steps with prev: chains.
    const file = testInfo.outputPath('ml300.ipynb');
    const python = path.join(ROOT, '.venv/bin/python');
    execFileSync(fs.existsSync(python) ? python : 'python3', [
      path.join(ROOT, 'bench/analyzer/make_notebook.py'),
      file,
      '300'
    ]);
    const cells: { metadata: { tags?: string[] } }[] = JSON.parse(
      fs.readFileSync(file, 'utf-8')
    ).cells;
    expect(cells).toHaveLength(300);
    const tagsOf = (i: number) => cells[i].metadata.tags ?? [];
    const firstCell = (step: string) =>
      cells.findIndex((_, i) => tagsOf(i).includes(`step:${step}`));
    const prevOf = (step: string) =>
      tagsOf(firstCell(step))
        .filter(t => t.startsWith('prev:'))
        .map(t => t.slice('prev:'.length));
    // Type in step_50's last cell a read of a grand-parent's frame: a new edge when the name is
    // complete, an undefined name (an error on the node) while it is being typed.
    const step = 'step_50';
    const cell = firstCell(step) + 2;
    const grand = prevOf(prevOf(step)[0]).find(p => !prevOf(step).includes(p))!;
    expect(grand).toBeTruthy();
    const frame = `frame_${grand.slice('step_'.length)}`;

    await openWithPanel(page, file, 'ml300.ipynb', tmpPath);
    const graph = page.locator('#cellpipe-panel .jp-cellpipe-graph-svg');
    await expect(graph.locator('[data-step="step_97"]')).toHaveCount(1, { timeout: 60000 });
    await expect(page.locator('#cellpipe-panel .jp-cellpipe-summary')).toHaveText('98 steps');
    const newEdge = graph.locator(`[data-edge="${grand}->${step}"]`);
    await expect(newEdge).toHaveCount(0);

    await typeAtEndOf(page, cell);
    const line = `check = len(${frame}) + cv_50`;
    await timeTyping(page, testInfo, line, '300 cells');

    // What was typed is in the notebook, and the graph drew the edge it creates.
    expect(await lastLineOf(page, cell)).toBe(line);
    await expect(newEdge).toHaveCount(1);
    expect((await newEdge.getAttribute('data-passes'))!.split(',')).toContain(frame);
    await expect(graph.locator(`[data-step="${step}"]`)).not.toHaveClass(/jp-cellpipe-node-error/);
  });
});
