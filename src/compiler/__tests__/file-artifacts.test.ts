import { compile } from '../index';
import { AnalysisResult, StepInfo } from '../../analysis/types';
import { NotebookInput } from '../../model/notebook';
import { exampleAnalysis, loadNotebook } from './fixtures';

type Facts = { reads?: string[]; writes?: string[] };

/** examples/pipeline.ipynb with the file facts and file edges the analyzer would report. */
function withFileFlow(
  facts: Record<string, Facts>,
  edges: [string, string, string[]][],
  kale?: Record<string, unknown>
): { notebook: NotebookInput; analysis: AnalysisResult } {
  const notebook = loadNotebook('examples/pipeline.ipynb');
  if (kale) {
    notebook.metadata = { ...notebook.metadata, kubeflow_notebook: kale };
  }
  const analysis = exampleAnalysis();
  analysis.steps = analysis.steps.map((s): StepInfo => {
    const f = facts[s.name];
    const use = (path: string) => ({ path, cellIndex: s.cellIndices[0], line: 0 });
    return f
      ? {
          ...s,
          files: {
            reads: (f.reads ?? []).map(use),
            writes: (f.writes ?? []).map(use),
            unresolved: []
          }
        }
      : s;
  });
  analysis.edges = [
    ...analysis.edges,
    ...edges.map(([from, to, files]) => ({ from, to, passes: [], kind: 'file' as const, files }))
  ];
  return { notebook, analysis };
}

/** The `_CELLPIPE_FILES` a step's program carries, parsed; undefined when it has none. */
function fileSpec(result: ReturnType<typeof compile>, step: string): any {
  const program = result.steps.find(s => s.step === step)!.program;
  const line = program.split('\n').find(l => l.startsWith('_CELLPIPE_FILES = '));
  return line === undefined ? undefined : JSON.parse(line.slice('_CELLPIPE_FILES = '.length));
}

const FLOW = withFileFlow(
  {
    load_data: { reads: ['data/train.csv'], writes: ['./clean.csv', 'out/a b.csv'] },
    preprocess: { reads: ['clean.csv', 'data/*.csv', 'out/a b.csv', '/etc/hosts'] },
    train_forest: { reads: ['clean.csv'] }
  },
  [
    ['load_data', 'preprocess', ['clean.csv', 'out/a b.csv']],
    ['load_data', 'train_forest', ['clean.csv']]
  ]
);

describe('file artifacts: files between steps', () => {
  const result = compile(FLOW.notebook, FLOW.analysis);
  const spec = result.pipelineSpec as any;
  const artifact = (description: string) => ({
    artifactType: { schemaTitle: 'system.Artifact', schemaVersion: '0.0.1' },
    description
  });

  it('gives the writer one output per file, named as importers name data files', () => {
    const outputs = spec.components['comp-load-data'].outputDefinitions.artifacts;
    expect(outputs.cellpipe_file_clean_csv).toEqual(artifact('file clean.csv'));
    expect(outputs.cellpipe_file_out_a_b_csv).toEqual(artifact('file out/a b.csv'));
    expect(outputs.raw).toBeDefined(); // the variable output is still there
  });

  it("gives each reader an input wired from the writer's output", () => {
    const inputs = spec.components['comp-preprocess'].inputDefinitions.artifacts;
    expect(inputs.cellpipe_file_clean_csv).toEqual(artifact('file clean.csv'));
    const task = spec.root.dag.tasks.preprocess;
    expect(task.inputs.artifacts.cellpipe_file_clean_csv).toEqual({
      taskOutputArtifact: {
        outputArtifactKey: 'cellpipe_file_clean_csv',
        producerTask: 'load-data'
      }
    });
    expect(task.inputs.artifacts.cellpipe_file_out_a_b_csv.taskOutputArtifact.producerTask).toBe(
      'load-data'
    );
    expect(
      spec.root.dag.tasks['train-forest'].inputs.artifacts.cellpipe_file_clean_csv
    ).toBeDefined();
    expect(spec.root.dag.tasks['train-forest'].dependentTasks).toContain('load-data');
  });

  it('tells each program which artifact carries which path, and what it reads from the folder', () => {
    expect(fileSpec(result, 'load_data')).toEqual({
      reads: ['data/train.csv'],
      outputs: { cellpipe_file_clean_csv: 'clean.csv', cellpipe_file_out_a_b_csv: 'out/a b.csv' }
    });
    // A file carried by an artifact is not read from the folder (the local cache key has the artifact's hash).
    expect(fileSpec(result, 'preprocess')).toEqual({
      reads: ['/etc/hosts', 'data/*.csv'],
      inputs: { cellpipe_file_clean_csv: 'clean.csv', cellpipe_file_out_a_b_csv: 'out/a b.csv' }
    });
    expect(fileSpec(result, 'train_forest')).toEqual({
      inputs: { cellpipe_file_clean_csv: 'clean.csv' }
    });
    expect(fileSpec(result, 'evaluate')).toBeUndefined();
    const program = result.steps.find(s => s.step === 'load_data')!.program;
    expect(program).toContain('notebook="pipeline.ipynb", files=_CELLPIPE_FILES)');
  });

  it('keeps the line map pointing at the cells with the extra line', () => {
    const notebook = FLOW.notebook;
    for (const compiled of result.steps) {
      const lines = compiled.program.split('\n');
      for (const [first, , cell] of compiled.lineMap) {
        const firstLine = notebook.cells[cell].source.split('\n')[0];
        expect(lines[first - 1]).toBe(firstLine);
      }
    }
  });

  it('names a file output apart from a variable of the same name', () => {
    const { notebook, analysis } = withFileFlow(
      { load_data: { writes: ['raw'] }, preprocess: { reads: ['raw'] } },
      [['load_data', 'preprocess', ['raw']]]
    );
    analysis.steps[0].outputs = ['cellpipe_file_raw', 'raw'];
    const s = compile(notebook, analysis).pipelineSpec as any;
    expect(Object.keys(s.components['comp-load-data'].outputDefinitions.artifacts).sort()).toEqual([
      'cellpipe_file_raw',
      'cellpipe_file_raw_2',
      'raw',
      'report'
    ]);
  });

  it('carries no glob pattern, absolute or ../ path (no single file inside the folder to carry)', () => {
    const { notebook, analysis } = withFileFlow(
      {
        load_data: { writes: ['/tmp/x.csv', '../up.csv'] },
        preprocess: { reads: ['/tmp/x.csv', '../up.csv', 'o/*.csv'] }
      },
      [['load_data', 'preprocess', ['/tmp/x.csv', '../up.csv', 'o/*.csv']]]
    );
    const compiled = compile(notebook, analysis);
    const s = compiled.pipelineSpec as any;
    expect(Object.keys(s.components['comp-load-data'].outputDefinitions.artifacts)).toEqual([
      'raw',
      'report'
    ]);
    expect(fileSpec(compiled, 'load_data')).toBeUndefined();
    expect(fileSpec(compiled, 'preprocess')).toEqual({
      reads: ['../up.csv', '/tmp/x.csv', 'o/*.csv']
    });
  });
});

describe("file artifacts: the notebook's folder in its mounted workspace", () => {
  const workspace = { type: 'pvc', name: 'workspace-ws', mount_point: '/home/jovyan' };

  it("starts the steps in Kale's abs_working_dir when a volume mounted into them holds it", () => {
    const { notebook, analysis } = withFileFlow({}, [], {
      abs_working_dir: '/home/jovyan/work/project/',
      volumes: [workspace]
    });
    const result = compile(notebook, analysis);
    for (const step of analysis.steps) {
      expect(fileSpec(result, step.name)).toEqual({ workdir: '/home/jovyan/work/project' });
    }
  });

  it('does not when no mounted volume holds it, or there is none', () => {
    for (const kale of [
      { abs_working_dir: '/home/jovyan/work', volumes: [{ ...workspace, mount_point: '/data' }] },
      { abs_working_dir: '/home/jovyan/work' },
      { abs_working_dir: 'relative', volumes: [workspace] }
    ]) {
      const { notebook, analysis } = withFileFlow({}, [], kale);
      const result = compile(notebook, analysis);
      expect(result.steps.map(s => fileSpec(result, s.step))).toEqual(
        result.steps.map(() => undefined)
      );
    }
  });
});
