/** The analyzer API: incremental analysis gives the same answers as a fresh one, edit after edit. */
import { createAnalyzer, maskMagics } from '..';
import { loadGrammar } from '../parse';
import { CellCache } from '../cell';
import * as fs from 'fs';
import * as path from 'path';
import { fromNbformat, NotebookCell, NotebookInput } from '../../model/notebook';

function notebook(sources: string[], tags: string[][]): NotebookInput {
  return {
    cells: sources.map((source, i) => ({
      id: `cell-${i}`,
      cellType: 'code',
      source,
      tags: tags[i],
      metadata: {}
    })),
    metadata: {}
  };
}

const TAGS = [
  ['imports'],
  ['step:load'],
  ['step:train', 'prev:load'],
  ['step:report', 'prev:train']
];
const SOURCES = [
  'import math',
  'rows = [1, 2, 3]\nscale = 2',
  'weights = [r * scale for r in rows]\ndef total():\n    return sum(weights)\nresult = total()',
  'print(result, math.pi)'
];

describe('createAnalyzer', () => {
  it('re-analyses edit by edit exactly as a fresh analyzer would', async () => {
    const incremental = await createAnalyzer();
    const sources = [...SOURCES];
    incremental.analyze(notebook(sources, TAGS));
    // Type a new line into the train cell one character at a time, then delete it again.
    const typed = '\nbias = rows[0] + é';
    const steps: string[][] = [];
    for (let i = 1; i <= typed.length; i++) {
      steps.push([...sources.slice(0, 2), sources[2] + typed.slice(0, i), sources[3]]);
    }
    steps.push([...sources.slice(0, 2), sources[2] + typed, 'print(result, bias)']);
    steps.push([...SOURCES]);
    for (const version of steps) {
      const nb = notebook(version, TAGS);
      const fresh = await createAnalyzer();
      expect(incremental.analyze(nb)).toEqual(fresh.analyze(nb));
    }
    const last = incremental.analyze(notebook(steps[steps.length - 2], TAGS));
    expect(last.steps.find(s => s.name === 'report')!.inputSources).toEqual({
      bias: 'train',
      result: 'train'
    });
  });

  it('stays equal to a fresh analysis through edits of code, tags and cell order', async () => {
    const file = path.join(__dirname, '../../../tests/fixtures/analyzer_problems.ipynb');
    let nb = fromNbformat(JSON.parse(fs.readFileSync(file, 'utf8')));
    const incremental = await createAnalyzer();
    const edits: Array<(cells: NotebookCell[]) => NotebookCell[]> = [
      cells => cells.map((c, i) => (i === 4 ? { ...c, source: c.source + '\nq = x' } : c)),
      cells => cells.map((c, i) => (i === 6 ? { ...c, source: 'z = q + y' } : c)),
      cells => cells.map((c, i) => (i === 6 ? { ...c, tags: ['step:e', 'prev:c'] } : c)),
      cells => cells.map((c, i) => (i === 3 ? { ...c, source: 'y = x + 1\nq = 0' } : c)),
      cells => cells.map((c, i) => (i === 2 ? { ...c, source: c.source + '\ndel shared' } : c)),
      cells => cells.map((c, i) => (i === 0 ? { ...c, source: 'import os' } : c)),
      cells => [cells[0], cells[1], cells[2], cells[4], cells[3], ...cells.slice(5)],
      cells => cells.filter((_, i) => i !== 4),
      cells => cells.map((c, i) => (i === 2 ? { ...c, tags: ['step:renamed'] } : c)),
      cells => [
        ...cells,
        { ...cells[0], id: 'metrics', tags: ['pipeline-metrics'], source: 'z\nw' }
      ],
      cells => cells.map((c, i) => (i === 1 ? { ...c, source: 'def bump():\n    return 1' } : c))
    ];
    for (const edit of edits) {
      nb = { ...nb, cells: edit(nb.cells) };
      const fresh = await createAnalyzer();
      expect(incremental.analyze(nb)).toEqual(fresh.analyze(nb));
    }
  });

  it('returns the same result for the same notebook, from the cache', async () => {
    const analyzer = await createAnalyzer();
    const nb = notebook(SOURCES, TAGS);
    expect(analyzer.analyze(nb)).toEqual(analyzer.analyze(nb));
  });

  it('re-parses an edited cell from its previous tree and reuses cells seen before', async () => {
    const cache = new CellCache(await loadGrammar());
    const first = cache.get('a', 'x = 1');
    expect(cache.get('a', 'x = 1')).toBe(first);
    const edited = cache.get('a', 'x = 12');
    expect(edited.facts.defs.has('x')).toBe(true);
    // Another cell with content seen before shares its facts.
    expect(cache.get('b', 'x = 1').facts).toBe(first.facts);
    cache.keepOnly(new Set());
  });

  it('frees its trees on dispose and analyses from scratch afterwards', async () => {
    const analyzer = await createAnalyzer();
    const nb = notebook(SOURCES, TAGS);
    const before = analyzer.analyze(nb);
    analyzer.dispose!();
    expect(analyzer.analyze(notebook([...SOURCES.slice(0, 3), 'print(result)'], TAGS))).toEqual(
      (await createAnalyzer()).analyze(notebook([...SOURCES.slice(0, 3), 'print(result)'], TAGS))
    );
    expect(analyzer.analyze(nb)).toEqual(before);
  });

  it('keeps a parameter value only when it may be a literal', async () => {
    const cache = new CellCache(await loadGrammar());
    const [literal, call] = cache.get('p', 'a = [1, (2, -3)]\nb = f(x, [1])').facts.statements;
    expect(literal.value!.children).toHaveLength(2);
    expect([call.value!.type, call.value!.children]).toEqual(['call', []]);
    cache.keepOnly(new Set());
  });

  it('exports maskMagics for the compiler', () => {
    expect(maskMagics('!ls\nx = 1').code).toBe('\nx = 1');
  });
});
