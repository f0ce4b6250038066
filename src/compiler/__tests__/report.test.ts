/** Step reports in the package (docs/step-program.md, "Step reports"): the output, the program line, the switches. */
import { compile } from '../index';
import { NotebookInput } from '../../model/notebook';
import { exampleAnalysis, loadNotebook, spec } from './fixtures';

const TAGS_OF_EVALUATE = 9; // examples/pipeline.ipynb: the step:evaluate cell

function example(edit: (nb: NotebookInput) => void = () => undefined) {
  const notebook = loadNotebook('examples/pipeline.ipynb');
  edit(notebook);
  return compile(notebook, exampleAnalysis());
}

const outputs = (s: any, task: string) => s.components[`comp-${task}`].outputDefinitions.artifacts;
const program = (s: any, task: string): string =>
  s.deploymentSpec.executors[`exec-${task}`].container.args[0];

describe('compile: step reports', () => {
  it('gives every step a system.HTML report output and runs its cells through run_cells', () => {
    const result = example();
    const s = spec(result);
    for (const task of Object.keys(s.root.dag.tasks)) {
      expect(outputs(s, task).report.artifactType).toEqual({
        schemaTitle: 'system.HTML',
        schemaVersion: '0.0.1'
      });
      const lines = program(s, task).split('\n');
      const start = lines.findIndex(l => l.startsWith('_cp = _cellpipe_boot('));
      expect(lines[start + 1]).toBe('_cp.run_cells(globals(), report="report")');
    }
    expect(result.steps.map(st => st.report)).toEqual(result.steps.map(() => 'report'));
  });

  it('keeps the line map true with the extra line', () => {
    const notebook = loadNotebook('examples/pipeline.ipynb');
    const result = compile(notebook, exampleAnalysis());
    for (const compiled of result.steps) {
      const lines = compiled.program.split('\n');
      for (const [first, , cell] of compiled.lineMap) {
        expect(lines[first - 1]).toBe(notebook.cells[cell].source.split('\n')[0]);
      }
    }
  });

  it('gives the metrics step a system.ClassificationMetrics output beside system.Metrics', () => {
    const metrics = outputs(spec(example()), 'pipeline-metrics');
    expect(metrics.classification_metrics.artifactType.schemaTitle).toBe(
      'system.ClassificationMetrics'
    );
    expect(metrics.metrics.artifactType.schemaTitle).toBe('system.Metrics');
  });

  it("turns a step's report off with Kale's report:disabled tag", () => {
    const result = example(nb => nb.cells[TAGS_OF_EVALUATE].tags.push('report:disabled'));
    const s = spec(result);
    expect(outputs(s, 'evaluate').report).toBeUndefined();
    expect(program(s, 'evaluate')).not.toContain('run_cells');
    expect(result.steps.find(st => st.step === 'evaluate')!.report).toBeUndefined();
    expect(outputs(s, 'train-forest').report).toBeDefined();
  });

  it('takes the default from the notebook setting cellpipe.reports; a report:enabled tag wins', () => {
    const s = spec(
      example(nb => {
        nb.metadata.cellpipe = { reports: false };
        nb.cells[TAGS_OF_EVALUATE].tags.push('report:enabled');
      })
    );
    expect(outputs(s, 'train-forest').report).toBeUndefined();
    expect(program(s, 'train-forest')).not.toContain('run_cells');
    expect(outputs(s, 'evaluate').report).toBeDefined();
  });

  it('names the report cellpipe_report when the step passes on a variable named report', () => {
    const analysis = exampleAnalysis();
    const load = analysis.steps.find(st => st.name === 'load_data')!;
    load.outputs = ['raw', 'report'];
    const s = spec(compile(loadNotebook('examples/pipeline.ipynb'), analysis));
    expect(outputs(s, 'load-data').report.artifactType.schemaTitle).toBe('system.Artifact');
    expect(outputs(s, 'load-data').cellpipe_report.artifactType.schemaTitle).toBe('system.HTML');
    expect(program(s, 'load-data')).toContain('_cp.run_cells(globals(), report="cellpipe_report")');
  });
});
