import YAML from 'yaml';
import { compile, CompileOptions } from '../index';
import { DATA_FILES_PARAMETER } from '../importers';
import { AnalysisResult, StepInfo } from '../../analysis/types';
import { NotebookInput } from '../../model/notebook';
import { exampleAnalysis, loadNotebook, problemsOf, spec } from './fixtures';

const TRAIN_URI = 'minio://mlpipeline/cellpipe/data/0a1b/train.csv';
const LABELS_URI = 'gs://team-bucket/labels/v2.json';

type FileFacts = { path: string; line: number; cellIndex: number }[];
type Files = { reads?: FileFacts; writes?: FileFacts };

/** The example notebook whose steps read and write files, as the analyzer reports them (`step.files`). */
function withFiles(
  dataFiles: unknown,
  files: Record<string, Files> = {
    load_data: {
      reads: [
        { path: 'data/train.csv', line: 0, cellIndex: 4 },
        { path: './labels.json', line: 1, cellIndex: 4 }
      ],
      writes: [{ path: 'clean.csv', line: 2, cellIndex: 4 }]
    },
    preprocess: {
      reads: [
        { path: 'data/train.csv', line: 0, cellIndex: 5 },
        { path: 'clean.csv', line: 1, cellIndex: 5 },
        { path: 'weights.pt', line: 2, cellIndex: 5 }
      ]
    }
  }
): { notebook: NotebookInput; analysis: AnalysisResult } {
  const notebook = loadNotebook('examples/pipeline.ipynb');
  if (dataFiles !== undefined) {
    notebook.metadata = { ...notebook.metadata, cellpipe: { dataFiles } };
  }
  const analysis = exampleAnalysis();
  analysis.steps = analysis.steps.map((s): StepInfo =>
    files[s.name] ? ({ ...s, files: files[s.name] } as StepInfo) : s
  );
  return { notebook, analysis };
}

const CHOICES = {
  'data/train.csv': { source: 'uri', uri: TRAIN_URI },
  'labels.json': { source: 'upload' },
  'weights.pt': { source: 'image' }
};

function compiled(dataFiles: unknown = CHOICES, options: CompileOptions = {}, files?: any) {
  const { notebook, analysis } = withFiles(dataFiles, files);
  return compile(notebook, analysis, options);
}

describe('importers: data files brought in by URI', () => {
  it("emits kfp's importer IR for a file with a URI", () => {
    const s = spec(compiled());
    // As kfp 2.17 compiles dsl.importer(artifact_uri=URI, artifact_class=dsl.Artifact, metadata=...).
    expect(s.components['comp-import-data-train-csv']).toEqual({
      executorLabel: 'exec-import-data-train-csv',
      inputDefinitions: { parameters: { uri: { parameterType: 'STRING' } } },
      outputDefinitions: {
        artifacts: {
          artifact: { artifactType: { schemaTitle: 'system.Artifact', schemaVersion: '0.0.1' } }
        }
      }
    });
    expect(s.deploymentSpec.executors['exec-import-data-train-csv']).toEqual({
      importer: {
        artifactUri: { constant: TRAIN_URI },
        metadata: { 'cellpipe.path': 'data/train.csv' },
        typeSchema: { schemaTitle: 'system.Artifact', schemaVersion: '0.0.1' }
      }
    });
    expect(s.root.dag.tasks['import-data-train-csv']).toEqual({
      cachingOptions: { enableCache: true },
      componentRef: { name: 'comp-import-data-train-csv' },
      inputs: { parameters: { uri: { runtimeValue: { constant: TRAIN_URI } } } },
      taskInfo: { name: 'import data/train.csv' }
    });
  });

  it('gives each reading step the file as an input artifact and its relative path', () => {
    const s = spec(compiled());
    const input = 'cellpipe_file_data_train_csv';
    for (const name of ['load-data', 'preprocess']) {
      const task = s.root.dag.tasks[name];
      expect(task.inputs.artifacts[input]).toEqual({
        taskOutputArtifact: { outputArtifactKey: 'artifact', producerTask: 'import-data-train-csv' }
      });
      expect(task.inputs.parameters[DATA_FILES_PARAMETER]).toEqual({
        runtimeValue: { constant: { [input]: 'data/train.csv' } }
      });
      expect(task.dependentTasks).toContain('import-data-train-csv');
      const component = s.components[`comp-${name}`];
      expect(component.inputDefinitions.artifacts[input]).toEqual({
        artifactType: { schemaTitle: 'system.Artifact', schemaVersion: '0.0.1' },
        description: 'data file data/train.csv'
      });
      expect(component.inputDefinitions.parameters[DATA_FILES_PARAMETER]).toEqual({
        parameterType: 'STRUCT'
      });
    }
    // One importer serves both readers; the variable inputs stay as they were.
    expect(Object.keys(s.root.dag.tasks).filter(t => t.startsWith('import-'))).toEqual([
      'import-data-train-csv'
    ]);
    expect(s.root.dag.tasks.preprocess.inputs.artifacts.raw).toEqual({
      taskOutputArtifact: { outputArtifactKey: 'raw', producerTask: 'load-data' }
    });
    expect(s.root.dag.tasks.preprocess.dependentTasks).toEqual([
      'import-data-train-csv',
      'load-data'
    ]);
    expect(s.root.dag.tasks['load-data'].dependentTasks).toEqual(['import-data-train-csv']);
  });

  it('imports an uploaded file from the URI given for this compile', () => {
    const s = spec(compiled(CHOICES, { dataFileUris: { 'labels.json': LABELS_URI } }));
    expect(s.deploymentSpec.executors['exec-import-labels-json'].importer.artifactUri).toEqual({
      constant: LABELS_URI
    });
    expect(
      s.root.dag.tasks['load-data'].inputs.parameters[DATA_FILES_PARAMETER].runtimeValue.constant
    ).toEqual({
      cellpipe_file_data_train_csv: 'data/train.csv',
      cellpipe_file_labels_json: 'labels.json'
    });
  });

  it('does not import a file a step writes, one in the image or on the volume, or one without a choice', () => {
    const s = spec(compiled({ ...CHOICES, '*': { source: 'volume' } }));
    const importers = Object.keys(s.root.dag.tasks).filter(t => t.startsWith('import-'));
    expect(importers).toEqual(['import-data-train-csv']);
    const noChoice = spec(compiled({ 'data/train.csv': { source: 'uri', uri: TRAIN_URI } }));
    expect(Object.keys(noChoice.root.dag.tasks).filter(t => t.startsWith('import-'))).toEqual([
      'import-data-train-csv'
    ]);
    expect(noChoice.root.dag.tasks.preprocess.inputs.artifacts).not.toHaveProperty(
      'cellpipe_file_clean_csv'
    );
  });

  it('imports neither a glob pattern nor a path outside the notebook folder', () => {
    const files = {
      load_data: {
        reads: [
          { path: 'data/*.csv', line: 0, cellIndex: 4 },
          { path: '/etc/hosts', line: 1, cellIndex: 4 },
          { path: '../shared/x.csv', line: 2, cellIndex: 4 }
        ]
      }
    };
    const result = compiled({ '*': { source: 'upload' } }, {}, files);
    expect(Object.keys(spec(result).root.dag.tasks).some(t => t.startsWith('import-'))).toBe(false);
    expect(result.warnings).toEqual([]);
  });

  it('warns, naming step and file, when a file to upload has no URI yet', () => {
    const warnings = compiled().warnings;
    expect(warnings).toEqual([
      expect.objectContaining({
        cellIndex: 4,
        step: 'load_data',
        message: expect.stringContaining('step "load_data" reads "labels.json", to be uploaded')
      })
    ]);
  });

  it('compiles as before without data files, or with importers turned off (a local run)', () => {
    // The same file facts without any choice: no importer (the programs list the reads either way).
    const noChoices = withFiles(undefined);
    const plain = compile(noChoices.notebook, noChoices.analysis).yaml;
    expect(plain).not.toContain('importer:');
    expect(plain).not.toContain('cellpipe_data_files');
    const off = compiled(CHOICES, { importDataFiles: false });
    expect(off.yaml).toBe(plain);
    expect(off.warnings).toEqual([]);
  });

  it('names an importer apart from a step of the same name, and inputs apart from variables', () => {
    const files = {
      load_data: { reads: [{ path: 'raw', line: 0, cellIndex: 4 }] },
      preprocess: {
        reads: [
          { path: 'a-b.csv', line: 0, cellIndex: 5 },
          { path: 'a_b.csv', line: 0, cellIndex: 5 }
        ]
      }
    };
    const dataFiles = {
      raw: { source: 'uri', uri: 's3://b/raw' },
      'a-b.csv': { source: 'uri', uri: 's3://b/1' },
      'a_b.csv': { source: 'uri', uri: 's3://b/2' }
    };
    const { notebook, analysis } = withFiles(dataFiles, files);
    analysis.steps[1] = { ...analysis.steps[1], name: 'import a b csv' } as StepInfo;
    analysis.edges = analysis.edges.map(e =>
      e.to === 'preprocess'
        ? { ...e, to: 'import a b csv' }
        : e.from === 'preprocess'
          ? { ...e, from: 'import a b csv' }
          : e
    );
    analysis.steps = analysis.steps.map(s => ({
      ...s,
      depends: s.depends.map(d => (d === 'preprocess' ? 'import a b csv' : d)),
      inputSources: Object.fromEntries(
        Object.entries(s.inputSources).map(([k, v]) => [
          k,
          v === 'preprocess' ? 'import a b csv' : v
        ])
      )
    }));
    const s = spec(compile(notebook, analysis));
    const tasks = s.root.dag.tasks;
    expect(tasks['import-a-b-csv'].componentRef.name).toBe('comp-import-a-b-csv');
    expect(tasks['import-a-b-csv'].taskInfo.name).toBe('import a b csv'); // the step
    const inputs =
      tasks['import-a-b-csv'].inputs.parameters[DATA_FILES_PARAMETER].runtimeValue.constant;
    expect(inputs).toEqual({
      cellpipe_file_a_b_csv: 'a-b.csv',
      cellpipe_file_a_b_csv_2: 'a_b.csv'
    });
    expect(tasks['import-a-b-csv'].dependentTasks).toEqual([
      'import-a-b-csv-2',
      'import-a-b-csv-3',
      'load-data'
    ]);
  });

  it('refuses bad metadata and bad uploaded URIs, naming the file', () => {
    expect(
      problemsOf(() =>
        compiled({
          'data/train.csv': { source: 'uri' },
          'labels.json': { source: 'ftp' },
          '../secret.csv': { source: 'volume' }
        })
      )
    ).toEqual([
      'data file "data/train.csv" in cellpipe.dataFiles needs a "uri"',
      'data file "labels.json" in cellpipe.dataFiles has source "ftp"; expected one of "volume", "upload", "uri", "image"',
      'data file "../secret.csv" (cellpipe.dataFiles) must be a path relative to the notebook\'s folder, without ".."'
    ]);
    expect(
      problemsOf(() => compiled(CHOICES, { dataFileUris: { 'labels.json': 'http://x/y' } }))
    ).toEqual([
      'data file "labels.json": the uploaded uri "http://x/y" has scheme "http"; a KFP importer reads s3://, gs://, minio://'
    ]);
  });

  it('writes YAML that reads back as the spec, the same bytes each time', () => {
    const first = compiled(CHOICES, { dataFileUris: { 'labels.json': LABELS_URI } });
    const again = compiled(CHOICES, { dataFileUris: { 'labels.json': LABELS_URI } });
    expect(again.yaml).toBe(first.yaml);
    expect(YAML.parseAllDocuments(first.yaml)[0].toJSON()).toEqual(first.pipelineSpec);
  });
});
