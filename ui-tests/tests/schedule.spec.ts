/**
 * A recurring run from the panel against the Prism KFP mock: the Schedule dialog reads the cron aloud,
 * creates the schedule (Prism validates the request), the schedules list shows its next run and last
 * runs, and disables it. Prism invents its list answers, so the list is the created schedule,
 * answered by the page's route.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { openWithPanel } from './keystroke';

const EXAMPLE = path.resolve(__dirname, '../../examples/pipeline.ipynb');

test('create a weekly schedule and disable it', async ({ page, tmpPath }, testInfo) => {
  await openWithPanel(page, EXAMPLE, 'pipeline.ipynb', tmpPath);
  const section = page.locator('#cellpipe-panel details.jp-cellpipe-kfp');
  await section.evaluate(d => ((d as HTMLDetailsElement).open = true));
  await expect(section.locator('.jp-cellpipe-kfp-connection[data-state="reachable"]')).toBeVisible({
    timeout: 30000
  });

  let created: Record<string, unknown> | null = null;
  // Our client adds a cache-busting query to every URL: match on the path and the method.
  const pathOf = (url: string) => new URL(url).pathname;
  await page.route(
    url => pathOf(url.href).endsWith('/cellpipe/api/kfp/recurringruns'),
    route =>
      route.request().method() === 'GET'
        ? route.fulfill({ json: { recurring_runs: created ? [created] : [] } })
        : route.continue()
  );

  await section.locator('.jp-cellpipe-schedule-open').click();
  const dialog = page.locator('.jp-cellpipe-schedule-dialog');
  await expect(dialog.locator('.jp-cellpipe-schedule-submit')).toBeEnabled({ timeout: 60000 });
  await dialog.locator('#jp-cellpipe-schedule-cron').fill('0 6 * * 1');
  await expect(dialog.locator('.jp-cellpipe-schedule-reading')).toHaveText(
    'every Monday at 06:00 UTC'
  );
  await dialog.locator('#jp-cellpipe-schedule-name').fill('weekly retrain');
  await expect(dialog.locator('#jp-cellpipe-schedule-experiment')).toHaveValue('cellpipe-demo');
  const shot = testInfo.outputPath('schedule.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('schedule', { path: shot, contentType: 'image/png' });

  const answer = page.waitForResponse(
    r =>
      pathOf(r.url()).endsWith('/cellpipe/api/kfp/recurringruns') && r.request().method() === 'POST'
  );
  await dialog.locator('.jp-cellpipe-schedule-submit').click();
  const made = await (await answer).json();
  expect((await answer).status()).toBe(200);
  expect(made.ui_url).toContain('/#/recurringrun/details/');
  created = {
    ...made,
    display_name: 'weekly retrain',
    status: 'ENABLED',
    trigger: { cron_schedule: { cron: '0 0 6 * * 1' } }
  };
  await expect(dialog.locator('.jp-cellpipe-schedule-created')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  const row = section.locator(`[data-schedule="${made.recurring_run_id}"]`);
  await expect(row).toContainText('every Monday at 06:00 UTC');
  await expect(row).toHaveAttribute('data-status', 'ENABLED');
  // The next run, computed in the browser from the cron: a Monday at 06:00 UTC, within a week.
  const next = row.locator('.jp-cellpipe-schedule-next');
  await expect(next).toHaveText(/^next: Mon \d{1,2} [A-Z][a-z]{2} \d{4}, 06:00 UTC$/);
  const nextAt = Date.parse((await next.getAttribute('data-next')) ?? '');
  expect(new Date(nextAt).getUTCDay()).toBe(1);
  expect(nextAt - Date.now()).toBeLessThanOrEqual(7 * 24 * 3600 * 1000);
  // Its last runs come through the server from KFP (Prism checks the filtered request).
  await expect(row.locator('.jp-cellpipe-schedule-runs')).toHaveText(
    /^(no runs yet|last runs:.*)$/
  );
  const nextShot = testInfo.outputPath('schedule-next.png');
  await row.screenshot({ path: nextShot });
  await testInfo.attach('schedule-next', { path: nextShot, contentType: 'image/png' });
  const disabled = page.waitForResponse(r => pathOf(r.url()).endsWith('/disable'));
  await row.locator('.jp-cellpipe-schedule-toggle').click();
  expect((await disabled).status()).toBe(200);
  await expect(row).toHaveAttribute('data-status', 'DISABLED');
  await expect(next).toHaveText('no next run');
  const listShot = testInfo.outputPath('schedules.png');
  await page.screenshot({ path: listShot });
  await testInfo.attach('schedules', { path: listShot, contentType: 'image/png' });
});
