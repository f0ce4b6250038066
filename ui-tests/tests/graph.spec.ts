import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');

async function openPanel(page: any): Promise<void> {
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('cellpipe:open-panel');
  });
}

test.describe('cellpipe execution graph and diagnostics', () => {
  test('graph of the example, diagnostic and add-dependency quick fix', async ({
    page,
    tmpPath
  }, testInfo) => {
    await page.contents.uploadFile(EXAMPLE, `${tmpPath}/pipeline.ipynb`);
    await page.notebook.openByPath(`${tmpPath}/pipeline.ipynb`);
    await page.notebook.activate('pipeline.ipynb');
    await openPanel(page);

    const panel = page.locator('#cellpipe-panel');
    const graph = panel.locator('.jp-cellpipe-graph-svg');
    await expect(graph.locator('[data-step="evaluate"]')).toBeVisible({ timeout: 30000 });
    const steps = await graph
      .locator('[data-kind="step"]')
      .evaluateAll(els => els.map(e => e.getAttribute('data-step')).sort());
    expect(steps).toEqual(['evaluate', 'load_data', 'preprocess', 'train_forest', 'train_logreg']);
    const edges = await graph
      .locator('[data-edge]')
      .evaluateAll(els =>
        Object.fromEntries(
          els.map(e => [e.getAttribute('data-edge'), e.getAttribute('data-passes')])
        )
      );
    expect(edges['load_data->preprocess']).toContain('raw');
    expect(edges['train_forest->evaluate']).toContain('forest');
    expect(edges['train_logreg->evaluate']).toContain('logreg');
    expect(edges['preprocess->train_forest']).toContain('X_train');
    await expect(
      graph.locator('[data-edge="train_forest->evaluate"] .jp-cellpipe-edge-label')
    ).toContainText('forest');
    // Parallel branches side by side.
    const boxA = await graph.locator('[data-step="train_forest"]').boundingBox();
    const boxB = await graph.locator('[data-step="train_logreg"]').boundingBox();
    expect(Math.abs(boxA!.y - boxB!.y)).toBeLessThan(2);
    expect(Math.abs(boxA!.x - boxB!.x)).toBeGreaterThan(10);

    const shot = testInfo.outputPath('graph.png');
    await panel.screenshot({ path: shot });
    await testInfo.attach('graph', { path: shot, contentType: 'image/png' });

    // Clicking a node selects its first cell.
    await graph.locator('[data-step="train_logreg"]').click();
    await expect
      .poll(() =>
        page.evaluate(() => (window.jupyterapp.shell.currentWidget as any).content.activeCellIndex)
      )
      .toBe(8);

    // train_logreg now reads train_forest's model without depending on it.
    await page.evaluate(() => {
      const nb = (window.jupyterapp.shell.currentWidget as any).content;
      const cell = nb.widgets[8].model.sharedModel;
      cell.setSource(cell.getSource() + '\nprint(forest)');
    });
    const fix = panel.locator('[data-fix="train_logreg<-train_forest"]');
    await expect(fix).toBeVisible({ timeout: 20000 });
    await expect(page.locator('.jp-cellpipe-mark').first()).toBeVisible();
    await fix.click();
    await expect
      .poll(() =>
        page.evaluate(() =>
          (window.jupyterapp.shell.currentWidget as any).content.widgets[8].model.getMetadata(
            'tags'
          )
        )
      )
      .toEqual(['step:train_logreg', 'prev:preprocess', 'prev:train_forest']);
    await expect(fix).toHaveCount(0);
    await expect(graph.locator('[data-edge="train_forest->train_logreg"]')).toHaveCount(1);
  });

  test('keystroke to graph on a 300-cell notebook (measured, not asserted)', async ({
    page,
    tmpPath
  }, testInfo) => {
    const cells: any[] = [];
    for (let i = 0; i < 300; i++) {
      const source =
        i === 0
          ? 'import math'
          : i % 10 === 1
            ? `v${i} = ${i > 1 ? `v${i - 10} + ` : ''}math.sqrt(${i})`
            : `w${i} = v${i - (i % 10) + 1} * ${i}`;
      const tags = i === 0 ? ['imports'] : i % 10 === 1 ? [`step:s${i}`] : [];
      cells.push({
        id: `c${i}`,
        cell_type: 'code',
        metadata: { tags },
        source,
        outputs: [],
        execution_count: null
      });
    }
    const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf-8'));
    const nb = {
      cells,
      metadata: { kernelspec: example.metadata.kernelspec },
      nbformat: 4,
      nbformat_minor: 5
    };
    const file = testInfo.outputPath('big.ipynb');
    fs.writeFileSync(file, JSON.stringify(nb));
    await page.contents.uploadFile(file, `${tmpPath}/big.ipynb`);
    await page.notebook.openByPath(`${tmpPath}/big.ipynb`);
    await page.notebook.activate('big.ipynb');
    await openPanel(page);
    await expect(page.locator('#cellpipe-panel [data-step="s291"]')).toHaveCount(1, {
      timeout: 60000
    });
    await page.notebook.enterCellEditingMode(5);
    await page.keyboard.press('End');
    const times: number[] = [];
    for (let k = 0; k < 15; k++) {
      await page.evaluate(() => {
        (window as any).__cellpipeKey = -1;
        document.addEventListener(
          'keydown',
          () => ((window as any).__cellpipeKey = performance.now()),
          {
            once: true,
            capture: true
          }
        );
      });
      await page.keyboard.type(k % 2 ? ' ' : '1');
      const ms = await page.evaluate(
        () =>
          new Promise<number>(resolve => {
            const t0 = (window as any).__cellpipeKey as number;
            const check = () => {
              const marks = performance.getEntriesByName('cellpipe:graph-rendered');
              const last = marks[marks.length - 1];
              if (last && last.startTime > t0) {
                resolve(last.startTime - t0);
              } else {
                setTimeout(check, 2);
              }
            };
            check();
          })
      );
      times.push(ms);
      await page.waitForTimeout(100);
    }
    const phases = await page.evaluate(() => {
      const last = (n: string) => {
        const m = performance.getEntriesByName(`cellpipe:${n}`);
        return m.length ? m[m.length - 1].startTime : NaN;
      };
      const t = ['edit', 'read-start', 'read-end', 'analysed', 'markers', 'graph-rendered'].map(
        last
      );
      return t.slice(1).map((x, i) => Math.round(x - t[i]));
    });
    console.log('last keystroke, ms per phase (debounce, read, worker, markers, render):', phases);
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(`cellpipe keystroke→graph on 300 cells: median ${median.toFixed(1)} ms`, times);
    testInfo.annotations.push({
      type: 'keystroke-to-graph-median-ms',
      description: median.toFixed(1)
    });
    expect(times.length).toBe(15);
  });
});
