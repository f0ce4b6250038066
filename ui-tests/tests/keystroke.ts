/**
 * Galata helpers of the graph specs: open a notebook with the pipeline panel, type at the end of
 * a cell, and time keystrokes to the graph drawn after them from the analysis service's
 * performance marks.
 */
import { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { TestInfo } from '@playwright/test';

/** The analysis service's performance marks along the way from an edit to the drawn graph. */
const PHASE_MARKS = [
  'edit',
  'read-start',
  'read-end',
  'worker-start',
  'worker-end',
  'analysed',
  'markers',
  'graph-rendered'
];

/** Milliseconds from the next keydown to the first graph render after it. */
export async function armKeystrokeClock(page: IJupyterLabPageFixture): Promise<void> {
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
}

/**
 * Waits for the graph drawn from the analysis of the armed keystroke's edit, following the marks
 * in order: the first `edit` after the keydown, the read after it, the analysis result handled
 * after that (`markers`), the render after that (not a render of something else, such as the
 * graph laid out again after a pause). Its time from the keydown, and each mark's.
 */
export async function keystrokeToGraph(
  page: IJupyterLabPageFixture
): Promise<{ total: number; marks: Record<string, number> }> {
  return page.evaluate(
    (names: string[]) =>
      new Promise<{ total: number; marks: Record<string, number> }>(resolve => {
        const t0 = (window as any).__cellpipeKey as number;
        // (at or after: the clock's resolution may be 0.1 ms)
        const first = (name: string, after: number) =>
          performance.getEntriesByName(`cellpipe:${name}`).find(m => m.startTime >= after)
            ?.startTime;
        const check = () => {
          const edit = t0 >= 0 ? first('edit', t0) : undefined;
          const read = edit === undefined ? undefined : first('read-start', edit);
          const handled = read === undefined ? undefined : first('markers', read);
          const drawn = handled === undefined ? undefined : first('graph-rendered', handled);
          if (drawn === undefined) {
            setTimeout(check, 2);
            return;
          }
          const marks: Record<string, number> = { edit: edit! - t0 };
          for (const name of names.filter(n => n !== 'edit')) {
            const at = first(name, read!);
            if (at !== undefined && at <= drawn) {
              marks[name] = at - t0;
            }
          }
          resolve({ total: drawn - t0, marks });
        };
        check();
      }),
    PHASE_MARKS
  );
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median duration of each phase (keydown → first mark, then mark → next mark) over samples. */
function phaseMedians(samples: { marks: Record<string, number> }[]): Record<string, number> {
  const phases: Record<string, number[]> = {};
  for (const { marks } of samples) {
    let from = 'keydown';
    let at = 0;
    for (const name of PHASE_MARKS) {
      if (marks[name] !== undefined) {
        (phases[`${from}→${name}`] ??= []).push(marks[name] - at);
        from = name;
        at = marks[name];
      }
    }
  }
  return Object.fromEntries(
    Object.entries(phases).map(([k, v]) => [k, Math.round(median(v) * 10) / 10])
  );
}

/**
 * Types `text` key by key, each keystroke timed to the graph drawn after it; prints the median
 * and the per-phase medians, and records both as annotations (measured, not asserted).
 */
export async function timeTyping(
  page: IJupyterLabPageFixture,
  testInfo: TestInfo,
  text: string,
  label: string
): Promise<number> {
  const samples: { total: number; marks: Record<string, number> }[] = [];
  for (const key of text) {
    await armKeystrokeClock(page);
    await page.keyboard.type(key);
    samples.push(await keystrokeToGraph(page));
    await page.waitForTimeout(150);
  }
  const times = samples.map(s => s.total);
  const m = median(times);
  console.log(
    `cellpipe keystroke→graph on ${label}: median ${m.toFixed(1)} ms over ${times.length} keys`,
    times.map(t => Math.round(t)).sort((a, b) => a - b)
  );
  const phases = phaseMedians(samples);
  console.log(`cellpipe keystroke→graph on ${label}, median ms per phase:`, phases);
  testInfo.annotations.push(
    { type: `keystroke-to-graph-median-ms (${label})`, description: m.toFixed(1) },
    { type: `keystroke-to-graph-phases-ms (${label})`, description: JSON.stringify(phases) }
  );
  return m;
}

/** Open `file` (uploaded as `name`) with the pipeline panel showing its graph. */
export async function openWithPanel(
  page: IJupyterLabPageFixture,
  file: string,
  name: string,
  tmpPath: string
) {
  await page.contents.uploadFile(file, `${tmpPath}/${name}`);
  await page.notebook.openByPath(`${tmpPath}/${name}`);
  await page.notebook.activate(name);
  // The extension's plugins may still be activating when the notebook is open.
  await page.waitForFunction(() => window.jupyterapp.commands.hasCommand('cellpipe:open-panel'));
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('cellpipe:open-panel');
  });
}

/**
 * Put the cursor on a new line at the end of cell `index`, once JupyterLab has rendered every
 * cell (it renders them in idle time after opening: that work is not cellpipe's). Galata's
 * enterCellEditingMode scrolls cell by cell, far too slow on 300 cells.
 */
export async function typeAtEndOf(page: IJupyterLabPageFixture, index: number): Promise<void> {
  await page.waitForFunction(
    () =>
      (window.jupyterapp.shell.currentWidget as any).content.widgets.every(
        (cell: any) => !cell.isPlaceholder()
      ),
    undefined,
    { timeout: 60000 }
  );
  await page.evaluate(async (i: number) => {
    const notebook = (window.jupyterapp.shell.currentWidget as any).content;
    notebook.activeCellIndex = i;
    await notebook.scrollToItem(i, 'center');
    notebook.mode = 'edit';
  }, index);
  await page.locator('.jp-Notebook .jp-Cell.jp-mod-active .cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
}

/** The last line of cell `index` of the current notebook. */
export async function lastLineOf(page: IJupyterLabPageFixture, index: number): Promise<string> {
  return page.evaluate(
    (i: number) =>
      (window.jupyterapp.shell.currentWidget as any).content.widgets[i].model.sharedModel
        .getSource()
        .split('\n')
        .pop(),
    index
  );
}
