import * as fs from 'fs';
import * as path from 'path';
import { fromNbformat } from '../../../model/notebook';
import { computeChips, computePlaceholders } from '../chips';

const fixture = path.join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'tests',
  'fixtures',
  'kale_roundtrip.ipynb'
);

describe('chips', () => {
  it('one chip per block on a Kale notebook, legacy block: included', () => {
    const nb = fromNbformat(JSON.parse(fs.readFileSync(fixture, 'utf8')));
    const chips = computeChips(nb.cells);
    expect(chips.map(c => [c.cellIndex, c.kind, c.label, c.deps, c.continued])).toEqual([
      [1, 'imports', 'Imports', [], 0],
      [2, 'functions', 'Functions', [], 0],
      [3, 'pipeline-parameters', 'Pipeline parameters', [], 0],
      [4, 'step', 'load_data', [], 1],
      [6, 'step', 'split', ['load_data'], 0],
      [7, 'step', 'train_model', ['split', 'load_data'], 0],
      [8, 'step', 'evaluate', ['train_model', 'split'], 0],
      [9, 'pipeline-metrics', 'Pipeline metrics', [], 0],
      // The last cell has only malformed tags: it continues the skip block.
      [10, 'skip', 'Skip', [], 1]
    ]);
    expect(chips[5].ariaLabel).toBe('Step train_model, depends on split, load_data');
  });

  it('markdown cells carry no chip and do not extend a block', () => {
    const chips = computeChips([
      { cellType: 'markdown', tags: ['step:x'] },
      { cellType: 'code', tags: [] },
      { cellType: 'code', tags: ['step:a'] },
      { cellType: 'markdown', tags: [] },
      { cellType: 'code', tags: [] }
    ]);
    expect(chips).toEqual([
      { cellIndex: 2, kind: 'step', label: 'a', deps: [], continued: 1, ariaLabel: 'Step a' }
    ]);
  });

  it('a "+ step" placeholder on each untagged code cell, naming the block it runs with', () => {
    const cells = [
      { cellType: 'code', tags: [] },
      { cellType: 'code', tags: ['step:a'] },
      { cellType: 'markdown', tags: [] },
      { cellType: 'code', tags: ['my-tag'] },
      { cellType: 'code', tags: ['imports'] }
    ];
    const chips = computeChips(cells);
    const placeholders = computePlaceholders(cells, chips);
    expect(placeholders.map(p => [p.cellIndex, p.continues?.label ?? null])).toEqual([
      [0, null],
      [3, 'a']
    ]);
  });
});
