import { readLiteral } from '../literal';
import { Grammar, loadGrammar, parseCode, toSyntax } from '../parse';

let grammar: Grammar;
beforeAll(async () => {
  grammar = await loadGrammar();
});

/** The literal on the right of `x = ...`. */
function literalOf(valueText: string) {
  const code = `x = ${valueText}`;
  const tree = parseCode(grammar, code);
  const root = toSyntax(tree, code);
  tree.delete();
  const assignment = root.children[0].children[0];
  const value = assignment.children.find(c => c.field === 'right')!;
  return readLiteral(value, code);
}

describe('readLiteral', () => {
  it.each([
    ['42', 42, 'int'],
    ['-7', -7, 'int'],
    ['+3', 3, 'int'],
    ['1_000', 1000, 'int'],
    ['0x1F', 31, 'int'],
    ['0o17', 15, 'int'],
    ['0b101', 5, 'int'],
    ['0', 0, 'int'],
    ['0.25', 0.25, 'float'],
    ['-1e-3', -0.001, 'float'],
    ['1.', 1, 'float'],
    ['True', true, 'bool'],
    ['False', false, 'bool'],
    ["'hi'", 'hi', 'str'],
    ['"a\\tb\\n"', 'a\tb\n', 'str'],
    ["r'C:\\path'", 'C:\\path', 'str'],
    ['"\\x41\\u00e9\\101"', 'Aé\x41', 'str'],
    ['"""multi\nline"""', 'multi\nline', 'str'],
    ["'con' 'cat'", 'concat', 'str'],
    ['"{not} an f-string"', '{not} an f-string', 'str'],
    ['[1, 2.5, "x"]', [1, 2.5, 'x'], 'list'],
    ['(1, 2)', [1, 2], 'list'],
    ['()', [], 'list'],
    ['{"a": [1, {"b": None}], "c": -2}', { a: [1, { b: null }], c: -2 }, 'dict'],
    ['(5)', 5, 'int']
  ])('%s', (text, value, type) => {
    expect(literalOf(text)).toEqual({ value, type });
  });

  it('reads None with no type', () => {
    expect(literalOf('None')).toEqual({ value: null, type: undefined });
  });

  it.each([
    'int("3")',
    'f"{a}"',
    'b"bytes"',
    'other',
    '1 + 2',
    '{1: "int key"}',
    '{x for x in y}',
    '3j',
    '10**3',
    '99999999999999999999',
    '"\\N{BULLET}"',
    '-"s"'
  ])('%s is not a literal parameter', text => {
    expect(literalOf(text)).toBeNull();
  });
});
