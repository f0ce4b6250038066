/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import * as React from 'react';
import { act } from 'react';
import { setValue, until } from './dom';
import { reachableStatus } from './kfp-status';
import { createRoot, Root } from 'react-dom/client';
import { ServerConnection } from '@jupyterlab/services';
import { KfpClient, UploadedDataFile } from '../../../server-api';
import { FakeServerExtension } from '../../../server-api/__tests__/fake-server';
import { RunDialog, SubmittedRun, readPackage } from '../RunDialog';
import { yamlLibrary } from '../../lazy';

const PACKAGE = `# PIPELINE DEFINITION
# Name: demo
pipelineInfo:
  name: demo
root:
  dag:
    tasks:
      load-data:
        taskInfo:
          name: load-data
      train:
        taskInfo:
          name: train_model
  inputDefinitions:
    parameters:
      rows:
        defaultValue: 10.0
        parameterType: NUMBER_INTEGER
      shuffle:
        defaultValue: true
        parameterType: BOOLEAN
schemaVersion: 2.1.0
sdkVersion: cellpipe-0.1.0
---
platforms:
  kubernetes:
    deploymentSpec:
      executors: {}
`;

describe('RunDialog', () => {
  let server: FakeServerExtension;
  let host: HTMLDivElement;
  let root: Root;

  beforeEach(async () => {
    server = await new FakeServerExtension().start();
    server.routes['GET /cellpipe/api/kfp/status'] = { body: reachableStatus('team-a') };
    server.routes['GET /cellpipe/api/kfp/experiments'] = {
      body: {
        experiments: [
          { experiment_id: 'e1', display_name: 'Default' },
          { experiment_id: 'e2', display_name: 'nightly' }
        ]
      }
    };
    server.routes['POST /cellpipe/api/kfp/pipelines'] = {
      body: {
        pipeline_id: 'p1',
        pipeline_version_id: 'v7',
        version_name: 'v7',
        created_pipeline: false
      }
    };
    server.routes['POST /cellpipe/api/kfp/runs'] = (seen: any) => ({
      body: {
        run_id: 'r1',
        display_name: seen.body.name,
        ui_url: 'http://kfp.example/#/runs/details/r1'
      }
    });
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
  });

  afterEach(async () => {
    await act(async () => root.unmount());
    host.remove();
    await server.stop();
  });

  function client(): KfpClient {
    return new KfpClient(
      ServerConnection.makeSettings({ baseUrl: server.url, token: 'jupyter-token' })
    );
  }

  it('compiles on open, edits typed fields, shows the YAML, submits and shows the created run', async () => {
    const submitted: SubmittedRun[] = [];
    let closed = 0;
    await act(async () =>
      root.render(
        <RunDialog
          client={client()}
          compile={async () => PACKAGE}
          onSubmitted={r => submitted.push(r)}
          onClose={() => closed++}
        />
      )
    );
    const q = <T extends Element>(selector: string) => host.querySelector<T>(selector);
    await until(() => !!q('#jp-cellpipe-param-rows'), 'the parameter fields');
    expect(q('h2')!.textContent).toBe('Compile & Run: demo');
    expect(q<HTMLInputElement>('#jp-cellpipe-param-rows')!.value).toBe('10');
    expect(q<HTMLInputElement>('#jp-cellpipe-param-shuffle')!.checked).toBe(true);
    await until(
      () => q<HTMLInputElement>('#jp-cellpipe-run-namespace')!.value === 'team-a',
      'namespace'
    );
    await until(
      () => q<HTMLSelectElement>('#jp-cellpipe-run-experiment')!.value === 'e1',
      'experiments'
    );

    await act(async () => q<HTMLButtonElement>('.jp-cellpipe-run-yaml-toggle')!.click());
    expect(q('.jp-cellpipe-run-yaml')!.textContent).toBe(PACKAGE);

    // A wrong value blocks submission with a message naming the parameter.
    await act(async () => setValue(q<HTMLInputElement>('#jp-cellpipe-param-rows')!, '2.5'));
    expect(q('.jp-cellpipe-run-field-error')!.textContent).toBe('"rows" must be a whole number');
    expect(q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.disabled).toBe(true);
    await act(async () => setValue(q<HTMLInputElement>('#jp-cellpipe-param-rows')!, '25'));
    await act(async () => q<HTMLInputElement>('#jp-cellpipe-param-shuffle')!.click());
    await act(async () => setValue(q<HTMLInputElement>('#jp-cellpipe-run-name')!, 'my run'));
    expect(q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.disabled).toBe(false);

    await act(async () => q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.click());
    await until(() => !!q('.jp-cellpipe-run-created'), 'the created run');
    const stages = [...host.querySelectorAll('.jp-cellpipe-run-progress li')].map(li =>
      li.getAttribute('data-stage')
    );
    expect(stages).toEqual(['compiling', 'uploading', 'creating', 'done']);
    expect(q('.jp-cellpipe-run-created a')!.getAttribute('href')).toBe(
      'http://kfp.example/#/runs/details/r1'
    );
    expect(q('.jp-cellpipe-run-created')!.textContent).toContain('Uploaded as version v7.');

    const runRequest = server.requests.find(r => r.method === 'POST' && r.path.endsWith('/runs'))!;
    expect(runRequest.body).toEqual({
      name: 'my run',
      experiment_id: 'e1',
      parameters: { rows: 25, shuffle: false },
      namespace: 'team-a',
      pipeline_id: 'p1',
      pipeline_version_id: 'v7'
    });
    expect(submitted).toHaveLength(1);
    expect(submitted[0].taskToStep).toEqual({
      'load-data': 'load-data',
      train: 'train_model',
      train_model: 'train_model'
    });

    await act(async () => q<HTMLButtonElement>('.jp-mod-reject')!.click());
    expect(closed).toBe(1);
  });

  it('creates a new experiment when asked and shows the server error when KFP refuses', async () => {
    server.routes['POST /cellpipe/api/kfp/experiments'] = {
      status: 403,
      body: {
        reason: 'forbidden',
        message: 'Not allowed to access experiment "mine" in namespace "team-a"'
      }
    };
    await act(async () =>
      root.render(
        <RunDialog
          client={client()}
          compile={async () => PACKAGE}
          pipelineName="given"
          onClose={() => undefined}
        />
      )
    );
    const q = <T extends Element>(selector: string) => host.querySelector<T>(selector);
    await until(
      () => q<HTMLSelectElement>('#jp-cellpipe-run-experiment')!.value === 'e1',
      'experiments'
    );
    expect(q('h2')!.textContent).toBe('Compile & Run: given');
    await act(async () => {
      const select = q<HTMLSelectElement>('#jp-cellpipe-run-experiment')!;
      select.value = '__new__';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(async () =>
      setValue(q<HTMLInputElement>('.jp-cellpipe-run-new-experiment')!, 'mine')
    );
    await act(async () => q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.click());
    await until(() => !!q('.jp-cellpipe-run-error'), 'the error');
    expect(q('.jp-cellpipe-run-error')!.textContent).toBe(
      'Not allowed to access experiment "mine" in namespace "team-a"'
    );
    // Back to editing: the user can change the choice and try again.
    expect(q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.disabled).toBe(false);
    expect(server.requests.some(r => r.path.endsWith('/runs'))).toBe(false);
  });

  it('shows a compile error and never enables submit', async () => {
    await act(async () =>
      root.render(
        <RunDialog
          client={client()}
          compile={async () => {
            throw new Error(
              'Cannot compile the notebook:\n  cell 3: step "train" reads "model" before any step defines it'
            );
          }}
          onClose={() => undefined}
        />
      )
    );
    const q = <T extends Element>(selector: string) => host.querySelector<T>(selector);
    await until(() => !!q('.jp-cellpipe-run-error'), 'the compile error');
    expect(q('.jp-cellpipe-run-error')!.textContent).toContain('cell 3: step "train"');
    expect(q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.disabled).toBe(true);
  });

  it("shows the compiler's warnings and still lets the user submit", async () => {
    const message = 'the package is 2.2 MiB: Kubeflow Pipelines copies every step';
    await act(async () =>
      root.render(
        <RunDialog
          client={client()}
          compile={async () => ({ yaml: PACKAGE, warnings: [{ message }] })}
          onClose={() => undefined}
        />
      )
    );
    const q = <T extends Element>(selector: string) => host.querySelector<T>(selector);
    await until(() => !!q('.jp-cellpipe-run-warning'), 'the warning');
    expect(q('.jp-cellpipe-run-warning')!.textContent).toBe(`Warning: ${message}`);
    await until(() => !q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.disabled, 'submit enabled');
  });
});

describe('RunDialog with data files', () => {
  let server: FakeServerExtension;
  let host: HTMLDivElement;
  let root: Root;

  beforeEach(async () => {
    server = await new FakeServerExtension().start();
    server.routes['GET /cellpipe/api/kfp/status'] = { body: reachableStatus('ns') };
    server.routes['GET /cellpipe/api/kfp/experiments'] = {
      body: { experiments: [{ experiment_id: 'e1', display_name: 'Default' }] }
    };
    server.routes['POST /cellpipe/api/kfp/pipelines'] = {
      body: { pipeline_id: 'p1', pipeline_version_id: 'v1', created_pipeline: true }
    };
    server.routes['POST /cellpipe/api/kfp/runs'] = { body: { run_id: 'r1', display_name: 'r' } };
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
  });

  afterEach(async () => {
    await act(async () => root.unmount());
    host.remove();
    await server.stop();
  });

  it('asks before submitting files that will not reach the pods, uploads the chosen ones, then compiles with their URIs', async () => {
    const uri = 'minio://mlpipeline/cellpipe/data/ab12/train.csv';
    const compiles: unknown[] = [];
    const compile = async (request?: { dataFileUris?: Record<string, string> }) => {
      compiles.push(request);
      return {
        yaml: request?.dataFileUris
          ? PACKAGE.replace('name: demo', 'name: demo # imported')
          : PACKAGE,
        dataFiles: {
          notebookPath: 'work/nb.ipynb',
          upload: ['data/train.csv'],
          unplaced: ['labels.json', 'w.pt']
        }
      };
    };
    const uploads: { notebookPath: string; paths: string[] }[] = [];
    let answer: (files: UploadedDataFile[]) => void = () => undefined;
    const files = {
      uploadDataFiles: (notebookPath: string, paths: string[]) => {
        uploads.push({ notebookPath, paths });
        return new Promise<UploadedDataFile[]>(resolve => (answer = resolve));
      }
    };
    await act(async () =>
      root.render(
        <RunDialog
          client={new KfpClient(ServerConnection.makeSettings({ baseUrl: server.url, token: 't' }))}
          compile={compile}
          files={files}
          onClose={() => undefined}
        />
      )
    );
    const q = <T extends Element>(selector: string) => host.querySelector<T>(selector);
    await until(
      () => q<HTMLSelectElement>('#jp-cellpipe-run-experiment')!.value === 'e1',
      'experiments'
    );
    await until(() => !q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.disabled, 'submit enabled');
    expect(compiles).toEqual([undefined]);
    expect(q('.jp-cellpipe-run-datafiles')!.textContent).toBe(
      "On submit, first uploaded to the pipeline's object store (unchanged files are not sent again): data/train.csv"
    );

    // Asked first, naming the files; Cancel sends nothing.
    await act(async () => q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.click());
    expect(q('.jp-cellpipe-run-confirm p')!.textContent).toContain(
      '2 files will not exist in the pod: labels.json, w.pt'
    );
    await act(async () => q<HTMLButtonElement>('.jp-cellpipe-run-confirm-cancel')!.click());
    expect(q('.jp-cellpipe-run-confirm')).toBeNull();
    expect(uploads).toEqual([]);
    expect(server.requests.filter(r => r.method === 'POST')).toEqual([]);

    await act(async () => q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.click());
    await act(async () => q<HTMLButtonElement>('.jp-cellpipe-run-confirm-submit')!.click());
    await until(() => uploads.length === 1, 'the upload');
    expect(uploads).toEqual([{ notebookPath: 'work/nb.ipynb', paths: ['data/train.csv'] }]);
    const stage = () =>
      [...host.querySelectorAll('.jp-cellpipe-run-progress li .jp-cellpipe-run-stage-label')].map(
        label => label.textContent
      );
    expect(stage()).toEqual(['Uploading 1 data file…']);
    // The phase and its elapsed time while it goes.
    expect(q('.jp-cellpipe-run-phase-line')!.textContent).toMatch(
      /^Uploading 1 data file… — \d+\.\d s elapsed$/
    );
    expect(q('.jp-cellpipe-run-stage-time')!.textContent).toMatch(/\d+\.\d s/);
    await act(async () =>
      answer([{ path: 'data/train.csv', uri, sha256: 'ab12', size: 618, uploaded: false }])
    );
    await until(() => !!q('.jp-cellpipe-run-created'), 'the created run');
    expect(stage()[0]).toBe('0 data files uploaded, 1 skipped (unchanged)');
    expect(compiles).toEqual([undefined, { dataFileUris: { 'data/train.csv': uri } }]);
    const publish = server.requests.find(r => r.path.endsWith('/pipelines'))!;
    expect(publish.body.package).toContain('name: demo # imported');
  });

  it('names the file when its upload fails, and submits nothing', async () => {
    const files = {
      uploadDataFiles: async () => {
        throw new Error(
          "Cannot upload the data files to the pipeline's object store: data file 'data/train.csv' is not a file in the notebook's folder"
        );
      }
    };
    await act(async () =>
      root.render(
        <RunDialog
          client={new KfpClient(ServerConnection.makeSettings({ baseUrl: server.url, token: 't' }))}
          compile={async () => ({
            yaml: PACKAGE,
            dataFiles: { notebookPath: 'nb.ipynb', upload: ['data/train.csv'], unplaced: [] }
          })}
          files={files}
          onClose={() => undefined}
        />
      )
    );
    const q = <T extends Element>(selector: string) => host.querySelector<T>(selector);
    await until(() => !q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.disabled, 'submit enabled');
    await act(async () => q<HTMLButtonElement>('.jp-cellpipe-run-submit')!.click());
    expect(q('.jp-cellpipe-run-confirm')).toBeNull(); // every file has a way: nothing to ask
    await until(() => !!q('.jp-cellpipe-run-error'), 'the error');
    expect(q('.jp-cellpipe-run-error')!.textContent).toContain("data file 'data/train.csv'");
    expect(server.requests.filter(r => r.method === 'POST')).toEqual([]);
  });
});

describe('readPackage', () => {
  beforeAll(() => yamlLibrary.load());

  it('reads spec and task names from YAML, or takes the compiler result as it is', () => {
    const read = readPackage(PACKAGE);
    expect(read.pipelineSpec.pipelineInfo.name).toBe('demo');
    expect(read.steps).toEqual([
      { step: 'load-data', task: 'load-data' },
      { step: 'train_model', task: 'train' }
    ]);
    const given = readPackage({
      yaml: PACKAGE,
      pipelineSpec: { x: 1 },
      steps: [{ step: 'load_data', task: 'load-data' }]
    });
    expect(given.pipelineSpec).toEqual({ x: 1 });
    expect(given.steps).toEqual([{ step: 'load_data', task: 'load-data' }]);
    expect(read.warnings).toEqual([]);
    expect(readPackage({ yaml: PACKAGE, warnings: [{ message: 'big' }] }).warnings).toEqual([
      { message: 'big' }
    ]);
  });
});
