import { pythonLiteral, rewriteParameterValues } from '../parameters';

const CELL = [
  'n_estimators = 10  # trees',
  'test_size: float = 0.25',
  "label = 'a'",
  'seed = 1',
  'derived = n_estimators * 2',
  '    n_estimators = 99',
  'flag = True'
].join('\n');

describe('rewriteParameterValues', () => {
  it('rewrites only top-level literal assignments of the given names, keeping comments and annotations', () => {
    const out = rewriteParameterValues(
      CELL,
      { n_estimators: '30', test_size: '0.3', label: 'b"c', flag: 'false', derived: '5' },
      {
        n_estimators: 'NUMBER_INTEGER',
        test_size: 'NUMBER_DOUBLE',
        label: 'STRING',
        flag: 'BOOLEAN',
        derived: 'NUMBER_INTEGER'
      }
    );
    expect(out.source.split('\n')).toEqual([
      'n_estimators = 30  # trees',
      'test_size: float = 0.3',
      'label = "b\\"c"',
      'seed = 1',
      'derived = n_estimators * 2',
      '    n_estimators = 99',
      'flag = False'
    ]);
    expect(out.changed.sort()).toEqual(['flag', 'label', 'n_estimators', 'test_size']);
    expect(out.missing).toEqual(['derived']);
  });

  it('names the parameter whose value is not a number for its type', () => {
    expect(() => rewriteParameterValues(CELL, { seed: 'abc' }, { seed: 'NUMBER_INTEGER' })).toThrow(
      'Parameter "seed": the value "abc" is not a number'
    );
    expect(pythonLiteral('2.0', 'NUMBER_INTEGER')).toBe('2');
    expect(pythonLiteral('x', undefined)).toBe('"x"');
  });
});
