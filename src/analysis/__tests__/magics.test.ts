import { maskMagics } from '../magics';

describe('maskMagics', () => {
  it('masks line magics, shell escapes and help, keeping line numbers', () => {
    const source =
      '%matplotlib inline\nx = 1\n!pip install foo\nlen?\n?len\ny = 2\nfiles = !ls\nt = %time f()';
    const { code, masked } = maskMagics(source);
    expect(code.split('\n')).toEqual(['', 'x = 1', '', '', '', 'y = 2', '', '']);
    expect(masked.map(m => m.line)).toEqual([0, 2, 3, 4, 6, 7]);
    expect(masked[1].text).toBe('!pip install foo');
  });

  it('masks a whole cell under a non-Python cell magic', () => {
    const { code, masked } = maskMagics('%%bash\necho hi\nls');
    expect(code).toBe('\n\n');
    expect(masked).toHaveLength(3);
  });

  it('keeps the Python body of %%time and %%capture', () => {
    const { code, masked } = maskMagics('%%capture\nx = f()\n');
    expect(code).toBe('\nx = f()\n');
    expect(masked).toEqual([{ line: 0, text: '%%capture' }]);
  });

  it('masks indented magics and continuation lines', () => {
    const { code } = maskMagics('if ok:\n    !echo a \\\n      b\n    y = 1');
    expect(code.split('\n')).toEqual(['if ok:', '', '', '    y = 1']);
  });

  it('leaves lines inside triple-quoted strings alone', () => {
    const source = 's = """\n%not a magic\n!nor this\n"""\n%magic';
    const { code, masked } = maskMagics(source);
    expect(code).toBe('s = """\n%not a magic\n!nor this\n"""\n');
    expect(masked.map(m => m.line)).toEqual([4]);
  });

  it('normalises line ends even without magics', () => {
    expect(maskMagics('x = 1\r\ny = 2\r')).toEqual({ code: 'x = 1\ny = 2\n', masked: [] });
  });

  it('leaves plain Python untouched', () => {
    const source = 'a = b % c\nd = not e != f\nprint("?")';
    expect(maskMagics(source)).toEqual({ code: source, masked: [] });
  });
});

describe('maskMagics leaves operators on continuation lines alone', () => {
  it.each([
    'x = (a\n     % b)',
    'ok = (a\n      != b)',
    'y = a \\\n    % b',
    'd = {\n  "k": 1,\n}\n',
    's = "%d" % 3',
    "t = 'it''s'\n%time f()"
  ])('%j', source => {
    const { code, masked } = maskMagics(source);
    const expected = source.endsWith('%time f()') ? [source.split('\n').length - 1] : [];
    expect(masked.map(m => m.line)).toEqual(expected);
    expect(code.split('\n')).toHaveLength(source.split('\n').length);
  });
});
