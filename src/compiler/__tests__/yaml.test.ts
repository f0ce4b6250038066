import fc from 'fast-check';
import YAML from 'yaml';
import { toYaml } from '../yaml';

/** Strings that a careless emitter turns into something else. */
export const TRICKY_STRINGS = [
  '',
  ' ',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'null',
  '~',
  'true',
  '123',
  '-5',
  '0777',
  '0x1F',
  '1_000',
  '1:20',
  '1.5',
  '1e3',
  'e1',
  '-E5',
  '.inf',
  '.nan',
  '2020-01-01',
  '2.1.0',
  '1.10',
  '{{$}}',
  '- item',
  '-',
  '-.inf',
  '--flag',
  '-ec',
  'a: b',
  'a #b',
  '#comment',
  '*alias',
  '&anchor',
  '!tag',
  '%directive',
  '@at',
  '`tick',
  '|',
  '>',
  '"double"',
  "'single'",
  '[1, 2]',
  '{a: 1}',
  '---',
  '...',
  '<<',
  '=',
  'trailing space ',
  ' leading space',
  'tab\there',
  'line1\nline2',
  'line1\nline2\n',
  'line1\n\n',
  '\nleading newline',
  '  indented first\nsecond',
  '\n  indented after an empty line\nb',
  '\n\n  \nspaces-only line first',
  '\n\tindented by a tab',
  'ends with spaces  \n  \nnext',
  'carriage\r\nreturn',
  'nel\u0085next',
  'line\u2028separator',
  'bom\ufeff',
  'control\u0001char',
  'del\u007f',
  'émoji 🎉 ünïcode',
  'cloud.google.com/gke-accelerator',
  '/data',
  '//',
  '/',
  'Train a random forest, then a logistic regression (v2)',
  'sh -ec "$0"'
];

const roundTrip = (value: unknown) => YAML.parse(toYaml(value), { version: '1.1' });

describe('toYaml', () => {
  it('writes strings that read back as the same strings, as keys and as values', () => {
    for (const text of TRICKY_STRINGS) {
      expect(roundTrip({ value: text })).toEqual({ value: text });
      expect(roundTrip({ [text]: 1 })).toEqual({ [text]: 1 });
      expect(roundTrip({ list: [text, { inner: text }] })).toEqual({
        list: [text, { inner: text }]
      });
    }
  });

  it('writes numbers, booleans, null and empty collections', () => {
    const value = {
      ints: [0, -3, 600, 2 ** 53],
      floats: [0.25, -1.5, 1e-7, 1e21, 3.0e300],
      flags: [true, false],
      nothing: null,
      emptyMap: {},
      emptyList: []
    };
    expect(roundTrip(value)).toEqual(value);
    expect(toYaml({ small: 1e-7, big: 1e21 })).toBe('big: 1.0e+21\nsmall: 1.0e-7\n');
    expect(() => toYaml({ x: NaN })).toThrow('cannot write NaN to YAML');
  });

  it('sorts keys and writes block style the way KFP does', () => {
    const text = toYaml({
      b: { z: 1, a: ['x', { k: 'v', j: [1, [2, 3]] }] },
      a: { program: 'import os\n\nprint(os.sep)\n' }
    });
    expect(text).toBe(
      [
        'a:',
        '  program: |',
        '    import os',
        '',
        '    print(os.sep)',
        'b:',
        '  a:',
        '  - x',
        '  - j:',
        '    - 1',
        '    - - 2',
        '      - 3',
        '    k: v',
        '  z: 1',
        ''
      ].join('\n')
    );
    expect(roundTrip({ b: { z: 1, a: ['x', { k: 'v', j: [1, [2, 3]] }] } })).toEqual({
      b: { z: 1, a: ['x', { k: 'v', j: [1, [2, 3]] }] }
    });
  });

  it('keeps a program as a literal block in a list', () => {
    const program = 'def f():\n\treturn 1  \n\n\nx = f()';
    const text = toYaml({ args: [program, '--executor-input', '{{$}}'] });
    expect(
      text.startsWith(
        'args:\n- |-\n  def f():\n  \treturn 1  \n\n\n  x = f()\n- --executor-input\n'
      )
    ).toBe(true);
    expect(roundTrip({ args: [program] })).toEqual({ args: [program] });
  });

  it('round-trips arbitrary strings, as values and keys, in maps and lists', () => {
    // YAML's structural characters, weighted so that indentation, line and comment edge cases come up often.
    const yamlish = fc.string({
      unit: fc.oneof(
        {
          weight: 4,
          arbitrary: fc.constantFrom(' ', '\n', '\t', '\r', ':', '#', '-', '|', '>', "'", '"')
        },
        {
          weight: 4,
          arbitrary: fc.constantFrom(
            'a',
            'b',
            '0',
            '1',
            '.',
            'e',
            'y',
            'n',
            '~',
            '{',
            '[',
            '&',
            '*',
            '!'
          )
        },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }
      ),
      maxLength: 24
    });
    // Multi-line text as a program or a config value has it: lines indented by spaces or tabs, some empty.
    const line = fc.tuple(fc.constantFrom('', ' ', '  ', '    ', '\t'), yamlish);
    const lines = fc
      .array(line, { maxLength: 6 })
      .map(parts => parts.map(([indent, rest]) => indent + rest).join('\n'));
    const text = fc.oneof(
      yamlish,
      lines,
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' })
    );
    fc.assert(
      fc.property(text, text, (value, name) => {
        const data = {
          [name]: value,
          list: [value, { [name]: [value] }],
          nested: { inner: value }
        };
        expect(roundTrip(data)).toEqual(data);
      }),
      { numRuns: 2000 }
    );
  });
});
