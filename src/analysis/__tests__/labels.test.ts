import { cellLabel, editDistance, located, nearestNames, quotedChoice } from '../labels';

describe('cellLabel', () => {
  it('counts from 1, names the step when known, and the notebook for -1', () => {
    expect(cellLabel(0)).toBe('cell 1');
    expect(cellLabel(3, 'train')).toBe('cell 4 (step "train")');
    expect(cellLabel(-1)).toBe('notebook');
    expect(located({ cellIndex: 23, step: 'feature_transformation' }, 'x')).toBe(
      'cell 24 (step "feature_transformation"): x'
    );
    // The message naming the step first: the label does not say it twice.
    expect(located({ cellIndex: 23, step: 'f' }, 'step "f" reads "df"')).toBe(
      'cell 24: step "f" reads "df"'
    );
  });
});

describe('nearestNames', () => {
  it('offers plausible typos, nearest first, and nothing for an unrelated name', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(nearestNames('loaddata', ['train', 'load_data', 'load'])).toEqual(['load_data', 'load']);
    expect(nearestNames('Train', ['train', 'rain_x'])).toEqual(['train']);
    expect(nearestNames('zzz', ['train', 'load_data'])).toEqual([]);
    expect(quotedChoice(['a', 'b', 'c'])).toBe('"a", "b" or "c"');
  });
});
