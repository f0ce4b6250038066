/**
 * Messages that lead to the right fix, on broken Kale notebooks (tests/fixtures/kale_messages/):
 * every line exactly as the panel and `cellpipe compile` print it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createAnalyzer } from '..';
import { fromNbformat } from '../../model/notebook';
import { located } from '../labels';
import type { AnalysisResult, Analyzer } from '../types';

const DIR = path.resolve(__dirname, '../../../tests/fixtures/kale_messages');
let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});

function analyze(name: string): AnalysisResult {
  const json = JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8'));
  return analyzer.analyze(fromNbformat(json, name));
}

const lines = (result: AnalysisResult, code?: string) =>
  result.diagnostics.filter(d => !code || d.code === code).map(d => located(d, d.message));

describe('unknown prev: targets (unknown_prev.ipynb, Kale 0.x block: tags)', () => {
  let result: AnalysisResult;
  beforeAll(() => {
    result = analyze('unknown_prev.ipynb');
  });

  it('says once per tag which tag of which step names no step, and the step it may mean', () => {
    expect(lines(result, 'unknown-dependency')).toEqual([
      'cell 5: step "feature_transformation": tag prev:loaddata names no step: did you mean "load_data"?',
      'cell 7: step "train": tag prev:feature_transfromation names no step: did you mean "feature_transformation"?',
      'cell 7: step "train": tag prev:zzz names no step: no step has a similar name; the steps are "load_data", "feature_transformation" or "selecting_best"'
    ]);
  });

  it('suggests the producer before the reading cell, never a later one', () => {
    // selecting_best (cell 8) assigns df too, and reads train's model: suggesting it would loop.
    expect(lines(result, 'not-upstream')).toEqual([
      'cell 5: step "feature_transformation" reads "df", which step "load_data" (cell 4) assigns before it, but "load_data" is not upstream of "feature_transformation": add prev:load_data',
      'cell 7: step "train" reads "features", which step "feature_transformation" (cell 5) assigns before it, but "feature_transformation" is not upstream of "train": add prev:feature_transformation',
      'cell 7: step "train" reads "df", which step "feature_transformation" (cell 5) assigns before it, but "feature_transformation" is not upstream of "train": add prev:feature_transformation',
      'cell 8: step "selecting_best" reads "df", which step "feature_transformation" (cell 5) assigns before it, but "feature_transformation" is not upstream of "selecting_best": add prev:feature_transformation'
    ]);
    const fixes = result.diagnostics.filter(d => d.fix).map(d => d.fix!.dependsOn);
    expect(fixes).not.toContain('selecting_best');
  });

  it('the quick fixes, applied, leave no not-upstream error', () => {
    const json = JSON.parse(fs.readFileSync(path.join(DIR, 'unknown_prev.ipynb'), 'utf8'));
    const notebook = fromNbformat(json, 'unknown_prev.ipynb');
    for (const d of result.diagnostics) {
      if (d.fix) {
        const cell = notebook.cells[d.cellIndex];
        cell.tags = [...new Set([...cell.tags, `prev:${d.fix.dependsOn}`])];
      }
    }
    const fixed = analyzer.analyze(notebook);
    expect(lines(fixed, 'not-upstream')).toEqual([]);
    expect(lines(fixed, 'dependency-cycle')).toEqual([]);
  });
});

describe('variables read before any producer (read_before_producer.ipynb)', () => {
  it('says no step assigns it before, and where it is assigned later; no fix offered', () => {
    const result = analyze('read_before_producer.ipynb');
    expect(lines(result, 'not-upstream')).toEqual([
      'cell 2: step "report" reads "summary", which no step assigns before this cell (step "compute" assigns it later, in cell 4): assign "summary" in an earlier step, or move this code below cell 4',
      'cell 6: step "second" reads "seed", which step "first" (cell 5) assigns before it, but "first" runs after "second" (its prev: tags lead back to "second"): remove that dependency, then add prev:first here'
    ]);
    expect(result.diagnostics.filter(d => d.fix)).toEqual([]);
  });
});

describe('one numbering', () => {
  it('counts every cell a person sees, markdown included, from 1; an edit above renumbers', () => {
    const json = JSON.parse(fs.readFileSync(path.join(DIR, 'read_before_producer.ipynb'), 'utf8'));
    const before = analyzer.analyze(fromNbformat(json, 'a.ipynb'));
    expect(lines(before, 'not-upstream')[0]).toMatch(/^cell 2: step "report" reads .* in cell 4\)/);
    // The same analyzer (cached facts and resolutions) after a markdown cell is added above compute.
    json.cells.splice(2, 0, { cell_type: 'markdown', id: 'new', metadata: {}, source: ['more'] });
    const after = analyzer.analyze(fromNbformat(json, 'a.ipynb'));
    expect(lines(after, 'not-upstream')[0]).toMatch(/^cell 2: step "report" reads .* in cell 5\)/);
  });
});

describe('a notebook without Kale tags (tests/fixtures/compile_unannotated.ipynb)', () => {
  it('runs as one step of all its code cells, with a hint on how to split it', () => {
    const file = path.resolve(DIR, '../compile_unannotated.ipynb');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const result = analyzer.analyze(fromNbformat(json, 'compile_unannotated.ipynb'));
    expect(result.steps.map(s => [s.name, s.cellIndices, s.inputs, s.outputs])).toEqual([
      ['notebook', [1, 2, 3, 4], [], []]
    ]);
    expect(result.diagnostics.map(d => [d.severity, d.code, d.cellIndex])).toEqual([
      ['info', 'one-step-notebook', 1]
    ]);
    expect(result.diagnostics[0].message).toMatch(/runs as one step "notebook".*step:NAME/);
  });

  it('a notebook with any Kale tag keeps Kale rules: untagged cells before the first tag run nowhere', () => {
    const json = JSON.parse(fs.readFileSync(path.join(DIR, 'read_before_producer.ipynb'), 'utf8'));
    json.cells.unshift({ cell_type: 'code', metadata: {}, source: ['x = 1'], outputs: [] });
    const result = analyzer.analyze(fromNbformat(json, 'a.ipynb'));
    expect(result.steps.map(s => s.name)).not.toContain('notebook');
    expect(lines(result, 'untagged-cell')).toEqual([
      'cell 1: this cell comes before any tagged cell: it belongs to no step and never runs in the pipeline'
    ]);
  });
});
