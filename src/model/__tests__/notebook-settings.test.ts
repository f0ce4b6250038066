/** The panel's notebook settings over Kale notebooks of each generation (tests/fixtures/kale). */
import * as fs from 'fs';
import * as path from 'path';
import { readKaleNotebook } from '../kale-volumes';
import { readCellpipeNotebook } from '../metadata';
import { fromNbformat } from '../notebook';
import {
  imageKey,
  patchNotebookSettings,
  readNotebookSettings,
  stepReport
} from '../notebook-settings';

const KALE = path.resolve(__dirname, '../../../tests/fixtures/kale');

/** The file's text and its notebook, as JupyterLab saves it (nbformat: one-space indent). */
function fixture(name: string): { text: string; notebook: any } {
  const text = fs.readFileSync(path.join(KALE, name), 'utf8');
  return { text, notebook: JSON.parse(text) };
}

/** What saving writes after the panel set these metadata objects. */
function saved(notebook: any, changed: Record<string, unknown>): string {
  const copy = JSON.parse(JSON.stringify(notebook));
  Object.assign(copy.metadata, changed);
  return JSON.stringify(copy, null, 1) + '\n';
}

describe('notebook settings: the image', () => {
  it("shows a Kale 2.x notebook's base_image, as the compiler reads it", () => {
    const { notebook } = fixture('kale2_steps.ipynb');
    const kale = notebook.metadata.kubeflow_notebook;
    const settings = readNotebookSettings(kale, notebook.metadata.cellpipe);
    expect(settings.dockerImage).toBe('ghcr.io/example/notebook:2.0');
    expect(settings.dockerImage).toBe(readKaleNotebook(kale, { cellIndex: -1, issues: [] }).image);
    expect(settings.pipelineName).toBe('kale-2x-steps');
    expect(settings.experiment).toBe('kale-2x');
  });

  it('writes an edited image back to base_image; the file changes in that value only', () => {
    const { text, notebook } = fixture('kale2_steps.ipynb');
    const changed = patchNotebookSettings(
      notebook.metadata.kubeflow_notebook,
      notebook.metadata.cellpipe,
      { dockerImage: ' ghcr.io/example/notebook:2.1 ' }
    );
    expect(Object.keys(changed)).toEqual(['kubeflow_notebook']);
    expect(changed.kubeflow_notebook).not.toHaveProperty('docker_image');
    expect(saved(notebook, changed)).toBe(
      text.replace('"ghcr.io/example/notebook:2.0"', '"ghcr.io/example/notebook:2.1"')
    );
    expect(readNotebookSettings(changed.kubeflow_notebook, undefined).dockerImage).toBe(
      'ghcr.io/example/notebook:2.1'
    );
  });

  it('writes a Kale 0.x image back to docker_image; every other key and tag stays byte-identical', () => {
    const { text, notebook } = fixture('kale0_blocks.ipynb');
    const kale = notebook.metadata.kubeflow_notebook;
    expect(readNotebookSettings(kale, undefined).dockerImage).toBe(
      'gcr.io/arrikto/jupyter-kale:v0.5.0'
    );
    expect(imageKey(kale)).toBe('docker_image');
    const changed = patchNotebookSettings(kale, notebook.metadata.cellpipe, {
      dockerImage: 'python:3.12'
    });
    expect(saved(notebook, changed)).toBe(
      text.replace('"gcr.io/arrikto/jupyter-kale:v0.5.0"', '"python:3.12"')
    );
  });

  it('with both keys, base_image is shown and edited (the one the steps use); docker_image is kept', () => {
    const kale = { docker_image: 'old:0.x', base_image: 'new:2.x', pipeline_name: 'p' };
    expect(readNotebookSettings(kale, {}).dockerImage).toBe('new:2.x');
    const changed = patchNotebookSettings(kale, {}, { dockerImage: 'newer:2.x' });
    expect(changed.kubeflow_notebook).toEqual({
      docker_image: 'old:0.x',
      base_image: 'newer:2.x',
      pipeline_name: 'p'
    });
    expect(kale.base_image).toBe('new:2.x');
  });

  it('a notebook with no image gets docker_image when one is typed, nothing when it is cleared', () => {
    expect(patchNotebookSettings(undefined, undefined, { dockerImage: 'python:3.11' })).toEqual({
      kubeflow_notebook: { docker_image: 'python:3.11' }
    });
    const cleared = patchNotebookSettings(
      { base_image: 'x', pipeline_name: 'p' },
      {},
      {
        dockerImage: ''
      }
    );
    expect(cleared.kubeflow_notebook).toEqual({ pipeline_name: 'p' });
  });

  it('other settings leave kubeflow_notebook alone', () => {
    const { notebook } = fixture('kale2_steps.ipynb');
    const changed = patchNotebookSettings(
      notebook.metadata.kubeflow_notebook,
      notebook.metadata.cellpipe,
      { cpu: '500m' }
    );
    expect(changed).toEqual({ cellpipe: { defaults: { requests: { cpu: '500m' } } } });
  });
});

describe('notebook settings: step reports', () => {
  const notebook = (cellpipe: unknown, tags: string[][]) =>
    fromNbformat({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: cellpipe === undefined ? {} : { cellpipe },
      cells: tags.map(t => ({ cell_type: 'code', source: 'x = 1', metadata: { tags: t } }))
    });

  it('are on unless the notebook says cellpipe.reports: false; a step tag decides for its step', () => {
    expect(readNotebookSettings(undefined, undefined).reports).toBe(true);
    expect(readNotebookSettings(undefined, { reports: false }).reports).toBe(false);
    const tags = [['step:a'], ['step:b', 'report:disabled'], ['step:c', 'report:enabled']];
    expect([0, 1, 2].map(i => stepReport(notebook(undefined, tags), i))).toEqual([
      true,
      false,
      true
    ]);
    expect([0, 1, 2].map(i => stepReport(notebook({ reports: false }, tags), i))).toEqual([
      false,
      false,
      true
    ]);
  });

  it('writes the setting into cellpipe, other keys kept; a value that is not a boolean is an issue', () => {
    expect(patchNotebookSettings({}, { enabled: true }, { reports: false })).toEqual({
      cellpipe: { enabled: true, reports: false }
    });
    const sink = { cellIndex: -1, issues: [] as { field: string; message: string }[] };
    readCellpipeNotebook({ reports: 'no' }, sink as any);
    expect(sink.issues.map(i => [i.field, i.message])).toEqual([
      ['cellpipe.reports', expect.stringContaining('true or false')]
    ]);
    sink.issues.length = 0;
    readCellpipeNotebook({ reports: false }, sink as any);
    expect(sink.issues).toEqual([]);
  });
});
