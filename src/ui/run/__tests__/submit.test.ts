import { BundleClient, FileClient, KfpClient } from '../../../server-api';
import { FakeServerExtension } from '../../../server-api/__tests__/fake-server';
import { LocalModules } from '../../../compiler';
import { loadNotebook, step } from '../../../compiler/__tests__/fixtures';
import { AnalysisResult } from '../../../analysis/types';
import { SubmitStage, UploadProgress, compileForRun, defaultRunName, submitRun } from '../submit';

describe('submitRun', () => {
  let server: FakeServerExtension;

  beforeEach(async () => {
    server = await new FakeServerExtension().start();
    server.routes['POST /cellpipe/api/kfp/pipelines'] = {
      body: {
        pipeline_id: 'p1',
        pipeline_version_id: 'v1',
        version_name: 'demo',
        created_pipeline: true
      }
    };
    server.routes['POST /cellpipe/api/kfp/experiments'] = { body: { experiment_id: 'e-new' } };
    server.routes['POST /cellpipe/api/kfp/runs'] = {
      body: { run_id: 'r1', display_name: 'nightly' }
    };
  });
  afterEach(() => server.stop());

  it('compiles, uploads, creates the experiment and the run, reporting each stage', async () => {
    const stages: SubmitStage[] = [];
    const result = await submitRun(
      new KfpClient(server.settings()),
      {
        yaml: async () => 'root: {}\n',
        pipelineName: 'demo',
        runName: 'nightly',
        namespace: 'team-a',
        experiment: { name: 'cellpipe' },
        parameters: { rows: 3 }
      },
      stage => stages.push(stage)
    );
    expect(stages).toEqual(['compiling', 'uploading', 'experiment', 'creating', 'done']);
    expect(result.run.run_id).toBe('r1');
    expect(result.experimentId).toBe('e-new');
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'POST /cellpipe/api/kfp/pipelines',
      'POST /cellpipe/api/kfp/experiments',
      'POST /cellpipe/api/kfp/runs'
    ]);
    expect(server.requests[0].body).toEqual({
      package: 'root: {}\n',
      name: 'demo',
      namespace: 'team-a'
    });
    expect(server.requests[2].body).toEqual({
      name: 'nightly',
      experiment_id: 'e-new',
      parameters: { rows: 3 },
      namespace: 'team-a',
      pipeline_id: 'p1',
      pipeline_version_id: 'v1'
    });
  });

  it('uses a picked experiment and falls back to the inline package when no version is listed', async () => {
    server.routes['POST /cellpipe/api/kfp/pipelines'] = {
      body: { pipeline_id: 'p1', pipeline_version_id: '', created_pipeline: true }
    };
    const stages: SubmitStage[] = [];
    await submitRun(
      new KfpClient(server.settings()),
      {
        yaml: 'root: {}\n',
        pipelineName: 'demo',
        runName: 'r',
        experiment: { id: 'e1' },
        parameters: {}
      },
      stage => stages.push(stage)
    );
    expect(stages).not.toContain('experiment');
    const run = server.requests[server.requests.length - 1];
    expect(run.body).toEqual({
      name: 'r',
      experiment_id: 'e1',
      parameters: {},
      package: 'root: {}\n'
    });
  });

  it('stops at the failing stage with the server message', async () => {
    server.routes['POST /cellpipe/api/kfp/pipelines'] = {
      status: 400,
      body: { reason: 'rejected', message: 'Kubeflow Pipelines rejected pipeline "demo": bad spec' }
    };
    const stages: SubmitStage[] = [];
    await expect(
      submitRun(
        new KfpClient(server.settings()),
        { yaml: 'x', pipelineName: 'demo', runName: 'r', parameters: {} },
        s => stages.push(s)
      )
    ).rejects.toThrow('Kubeflow Pipelines rejected pipeline "demo": bad spec');
    expect(stages).toEqual(['compiling', 'uploading']);
    expect(server.requests).toHaveLength(1);
  });

  describe('with data files to upload', () => {
    const URI = 'minio://mlpipeline/cellpipe/data/ab12/train.csv';
    beforeEach(() => {
      server.routes['POST /cellpipe/api/datafiles/upload'] = (seen: any) => ({
        body: {
          files: seen.body.paths.map((path: string, i: number) => ({
            path,
            uri: path === 'data/train.csv' ? URI : `s3://bucket/${i}/${path}`,
            sha256: 'ab12',
            size: 618,
            uploaded: i === 0
          }))
        }
      });
    });

    it('uploads them first, compiles with their URIs, and reports what was sent and skipped', async () => {
      const stages: [SubmitStage, UploadProgress | undefined][] = [];
      const compiledWith: (Record<string, string> | undefined)[] = [];
      await submitRun(
        new KfpClient(server.settings()),
        {
          yaml: async uris => {
            compiledWith.push(uris);
            return 'root: {}\n';
          },
          dataFiles: {
            notebookPath: 'work/nb.ipynb',
            upload: ['data/train.csv', 'labels.json'],
            client: new FileClient(server.settings())
          },
          pipelineName: 'demo',
          runName: 'r',
          experiment: { id: 'e1' },
          parameters: {}
        },
        (stage, progress) => stages.push([stage, progress])
      );
      expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual([
        'POST /cellpipe/api/datafiles/upload',
        'POST /cellpipe/api/kfp/pipelines',
        'POST /cellpipe/api/kfp/runs'
      ]);
      expect(server.requests[0].body).toEqual({
        notebookPath: 'work/nb.ipynb',
        paths: ['data/train.csv', 'labels.json']
      });
      expect(compiledWith).toEqual([
        { 'data/train.csv': URI, 'labels.json': 's3://bucket/1/labels.json' }
      ]);
      expect(stages).toEqual([
        ['files', { files: 2 }],
        ['files', { files: 2, uploaded: 1, skipped: 1 }],
        ['compiling', undefined],
        ['uploading', undefined],
        ['creating', undefined],
        ['done', undefined]
      ]);
    });

    it('stops before compiling when the upload fails, naming the file', async () => {
      server.routes['POST /cellpipe/api/datafiles/upload'] = {
        status: 413,
        body: {
          message:
            "data file 'data/big.bin' is 6000000000 bytes, over the 5 GiB one upload may carry"
        }
      };
      const compile = jest.fn(async () => 'root: {}\n');
      const request = {
        yaml: compile,
        dataFiles: {
          notebookPath: 'nb.ipynb',
          upload: ['data/big.bin'],
          client: new FileClient(server.settings())
        },
        pipelineName: 'demo',
        runName: 'r',
        parameters: {}
      };
      await expect(submitRun(new KfpClient(server.settings()), request)).rejects.toThrow(
        "Cannot upload the data files to the pipeline's object store: data file 'data/big.bin' is 6000000000 bytes"
      );
      expect(compile).not.toHaveBeenCalled();
      // A failure that names no file says which were being uploaded.
      server.routes['POST /cellpipe/api/datafiles/upload'] = {
        status: 502,
        body: { message: 'the object store answered 503 SlowDown' }
      };
      await expect(
        submitRun(new KfpClient(server.settings()), {
          ...request,
          dataFiles: { ...request.dataFiles, upload: ['a.csv', 'b.csv'] }
        })
      ).rejects.toThrow('the object store answered 503 SlowDown (uploading a.csv, b.csv)');
      // An answer without a file's URI is refused by name.
      server.routes['POST /cellpipe/api/datafiles/upload'] = { body: { files: [] } };
      await expect(submitRun(new KfpClient(server.settings()), request)).rejects.toThrow(
        `data file "data/big.bin": the server's upload answer has no URI for it`
      );
      expect(server.requests.filter(r => r.path.includes('/kfp/'))).toEqual([]);
    });
  });

  it('names runs after the pipeline and the time', () => {
    expect(defaultRunName('demo', new Date(2026, 10, 23, 7, 5, 9))).toBe(
      'demo 2026-11-23 07:05:09'
    );
  });
});

describe('compileForRun', () => {
  const notebook = () => ({
    ...loadNotebook('tests/fixtures/local_modules/pipeline.ipynb'),
    path: 'work/pipeline.ipynb'
  });
  const analysis = (): AnalysisResult => ({
    importsCells: [0],
    functionsCells: [],
    parameters: [{ name: 'text', cellIndex: 1, valueText: '"x"', value: 'x', type: 'str' }],
    steps: [
      step('load', [2], { outputs: ['words'], parameters: ['text'] }),
      step('score', [3], { inputs: ['words'], inputSources: { words: 'load' } }),
      step('plain', [4])
    ],
    edges: [{ from: 'load', to: 'score', passes: ['words'] }],
    diagnostics: []
  });
  const local: LocalModules = {
    bundles: { helpers: ['1'.repeat(64), 'aGVscGVycw=='], units: ['2'.repeat(64), 'dW5pdHM='] },
    requires: { helpers: ['units'], units: [] },
    maxBytes: 65536
  };
  let server: FakeServerExtension;
  beforeEach(async () => {
    server = await new FakeServerExtension().start();
    server.routes['POST /cellpipe/api/bundles'] = {
      body: { local: ['helpers', 'units'], ...local }
    };
  });
  afterEach(() => server.stop());

  it('asks the server for the modules steps import, then ships them with the steps that import them', async () => {
    const result = await compileForRun(
      notebook(),
      analysis(),
      {},
      new BundleClient(server.settings())
    );
    expect(server.requests.map(r => r.body)).toEqual([
      { path: 'work/pipeline.ipynb', modules: ['helpers', 'json', 'textkit'] }
    ]);
    expect(Object.fromEntries(result.steps.map(s => [s.step, s.localModules]))).toEqual({
      load: [],
      score: ['helpers', 'units'],
      plain: []
    });
    expect(result.steps[1].program).toContain(
      `_CELLPIPE_BUNDLES = ${JSON.stringify([local.bundles.helpers, local.bundles.units])}\n`
    );
  });

  it('says which data files a run uploads and which will not reach the pods; compiles the URIs given into importers', async () => {
    const nb = notebook();
    nb.metadata = {
      ...nb.metadata,
      cellpipe: {
        dataFiles: { 'data/train.csv': { source: 'upload' }, 'w.pt': { source: 'image' } }
      }
    };
    const reading = analysis();
    reading.steps[0].files = {
      reads: ['data/train.csv', 'w.pt', 'labels.json'].map(path => ({
        path,
        cellIndex: 2,
        line: 0
      })),
      writes: [],
      unresolved: []
    };
    const bundles = new BundleClient(server.settings());
    const first = await compileForRun(nb, reading, {}, bundles);
    expect(first.dataFiles).toEqual({
      notebookPath: 'work/pipeline.ipynb',
      upload: ['data/train.csv'],
      unplaced: ['labels.json']
    });
    const uri = 'minio://mlpipeline/cellpipe/data/ab12/train.csv';
    const after = await compileForRun(
      nb,
      reading,
      { dataFileUris: { 'data/train.csv': uri } },
      bundles
    );
    const importers = (result: typeof after) =>
      Object.values(result.pipelineSpec.deploymentSpec.executors as Record<string, any>)
        .filter(e => e.importer)
        .map(e => [e.importer.metadata['cellpipe.path'], e.importer.artifactUri.constant]);
    expect(importers(first)).toEqual([]);
    expect(importers(after)).toEqual([['data/train.csv', uri]]);
    // A local run: no importers, nothing to upload or ask about.
    const local = await compileForRun(
      nb,
      reading,
      { importDataFiles: false, dataFileUris: { 'data/train.csv': uri } },
      bundles
    );
    expect(local.dataFiles).toEqual({
      notebookPath: 'work/pipeline.ipynb',
      upload: [],
      unplaced: []
    });
    expect(importers(local)).toEqual([]);
  });

  it('refuses a notebook with errors before asking the server', async () => {
    const withError = analysis();
    withError.diagnostics.push({ code: 'x', severity: 'error', message: 'broken', cellIndex: 2 });
    await expect(
      compileForRun(notebook(), withError, {}, new BundleClient(server.settings()))
    ).rejects.toThrow('cell 3: broken');
    expect(server.requests).toEqual([]);
  });

  it("stops with the server's message", async () => {
    server.routes['POST /cellpipe/api/bundles'] = {
      status: 400,
      body: { message: 'local module helpers (99999 bytes) zip to more than the 65536-byte limit' }
    };
    await expect(
      compileForRun(notebook(), analysis(), {}, new BundleClient(server.settings()))
    ).rejects.toThrow('local module helpers (99999 bytes)');
  });
});
