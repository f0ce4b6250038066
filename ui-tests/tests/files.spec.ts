import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { runFromPalette } from './palette';

const FIXTURE = path.resolve(__dirname, '../../tests/fixtures/data_files');

test.describe('files a notebook reads and writes', () => {
  test('the panel lists each step’s files with their sizes, and the graph the file passed', async ({
    page,
    tmpPath
  }, testInfo) => {
    await page.contents.uploadDirectory(FIXTURE, tmpPath);
    await page.notebook.openByPath(`${tmpPath}/pipeline.ipynb`);
    await page.notebook.activate('pipeline.ipynb');
    await runFromPalette(page, 'Open Pipeline Panel');

    const panel = page.locator('#cellpipe-panel');
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('2 steps');
    // The file written by "load" and read by "train": a dashed file edge in the graph.
    await expect(
      panel.locator('[data-edge="load->train"] [data-file-edge="clean.csv"]')
    ).toHaveCount(1);

    const section = panel.locator('details.jp-cellpipe-files');
    await section.locator('summary').click();
    const row = (step: string, access: string, file: string) =>
      section.locator(`[data-step="${step}"] [data-access="${access}"][data-file="${file}"]`);
    // data/train.csv beside the notebook: 618 bytes (the path built from the data_dir parameter).
    await expect(row('load', 'read', 'data/train.csv')).toContainText(
      'reads data/train.csv — 618 B'
    );
    await expect(row('load', 'read', 'data/train.csv')).toHaveAttribute('data-exists', 'true');
    await expect(row('load', 'write', 'clean.csv')).toContainText('not written yet');
    await expect(row('train', 'read', 'clean.csv')).toContainText('from step "load"');
    await expect(section.locator('[data-step="train"] .jp-cellpipe-file-unresolved')).toContainText(
      'a path not known before running: f"out_{rows}.csv"'
    );

    await section.scrollIntoViewIfNeeded();
    const shot = testInfo.outputPath('files.png');
    await section.screenshot({ path: shot });
    await testInfo.attach('files', { path: shot, contentType: 'image/png' });
  });

  test('the user picks how a data file gets to the cluster; saved in the notebook metadata', async ({
    page,
    tmpPath
  }, testInfo) => {
    await page.contents.uploadDirectory(FIXTURE, tmpPath);
    await page.notebook.openByPath(`${tmpPath}/pipeline.ipynb`);
    await page.notebook.activate('pipeline.ipynb');
    await runFromPalette(page, 'Open Pipeline Panel');

    const panel = page.locator('#cellpipe-panel');
    await expect(panel.locator('.jp-cellpipe-summary')).toHaveText('2 steps');
    const section = panel.locator('details.jp-cellpipe-files');
    await section.locator('summary').click();
    // data/train.csv: read by "load", written by no step; clean.csv travels between the steps.
    const file = section.locator('.jp-cellpipe-datafile[data-datafile="data/train.csv"]');
    await expect(file).toHaveAttribute('data-way', 'none');
    await expect(file).toContainText("will not exist in the step's pod");
    await expect(section.locator('.jp-cellpipe-datafile[data-datafile="clean.csv"]')).toHaveCount(
      0
    );
    const readRow = section.locator(
      '[data-step="load"] [data-access="read"][data-file="data/train.csv"]'
    );
    await expect(readRow).toContainText("will not exist in the step's pod");

    await file.getByLabel('How data/train.csv gets to the cluster').selectOption('upload');
    await expect(file).toHaveAttribute('data-way', 'upload');
    await expect(file.locator('.jp-cellpipe-file-not-there')).toHaveCount(0);
    await expect(readRow).toHaveAttribute('data-way', 'upload');

    await section.scrollIntoViewIfNeeded();
    const shot = testInfo.outputPath('files-data-file-choice.png');
    await section.screenshot({ path: shot });
    await testInfo.attach('data file choice', { path: shot, contentType: 'image/png' });

    // The choice is an edit of the notebook: in the file once the user saves it.
    await page.notebook.save();
    const response = await page.request.get(`/api/contents/${tmpPath}/pipeline.ipynb?content=1`);
    expect(response.ok()).toBe(true);
    const metadata = (await response.json()).content.metadata;
    expect(metadata.cellpipe).toEqual({ dataFiles: { 'data/train.csv': { source: 'upload' } } });
    expect(metadata.kubeflow_notebook).toEqual({
      pipeline_name: 'data-files',
      docker_image: 'python:3.11'
    });
  });
});
