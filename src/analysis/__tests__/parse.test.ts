import {
  copiesFromMemory,
  copyThroughBinding,
  copyThroughCursor,
  Grammar,
  loadGrammar,
  parseCode,
  textEdit,
  toSyntax
} from '../parse';

let grammar: Grammar;
beforeAll(async () => {
  grammar = await loadGrammar();
});

describe('textEdit', () => {
  it('keeps the common prefix and suffix', () => {
    expect(textEdit('abcdef', 'abXdef')).toEqual({ start: 2, oldEnd: 3, newEnd: 3 });
    expect(textEdit('abc', 'abc!')).toEqual({ start: 3, oldEnd: 3, newEnd: 4 });
    expect(textEdit('aaaa', 'aa')).toEqual({ start: 2, oldEnd: 4, newEnd: 2 });
    expect(textEdit('', 'x')).toEqual({ start: 0, oldEnd: 0, newEnd: 1 });
  });
});

describe('parseCode', () => {
  const edits: Array<[string, string]> = [
    ['x = 1\ny = x + 2\n', 'x = 1\ny = x + 23\n'],
    ['def f(a):\n    return a\n', 'def f(a, b):\n    return a\n'],
    ['é = "😀"\nnom = é\n', 'é = "😀😀"\nnom = é * 2\n'],
    ['for i in range(3):\n    print(i)\n', 'for i in range(3):\nprint(i)\n'],
    ['a = [1,\n     2]\n', 'a = [1,\n     2\n']
  ];

  it.each(edits)('an incremental re-parse equals a fresh parse: %j', (before, after) => {
    const old = parseCode(grammar, before);
    const incremental = parseCode(grammar, after, { tree: old, code: before });
    const fresh = parseCode(grammar, after);
    expect(incremental.rootNode.toString()).toBe(fresh.rootNode.toString());
    expect(toSyntax(incremental, after)).toEqual(toSyntax(fresh, after));
    [old, incremental, fresh].forEach(t => t.delete());
  });

  it('copies named nodes with fields and UTF-16 offsets', () => {
    const code = 'é = a.b';
    const tree = parseCode(grammar, code);
    const root = toSyntax(tree, code);
    tree.delete();
    const assignment = root.children[0].children[0];
    expect(assignment.type).toBe('assignment');
    const [left, right] = assignment.children;
    expect([left.field, code.slice(left.start, left.end)]).toEqual(['left', 'é']);
    expect([right.field, right.type, code.slice(right.start, right.end)]).toEqual([
      'right',
      'attribute',
      'a.b'
    ]);
    expect(right.children.map(c => c.field)).toEqual(['object', 'attribute']);
  });

  it('copies from memory and through the binding exactly as through the public cursor', () => {
    expect(grammar.binding).toBeDefined();
    expect(copiesFromMemory()).toBe(true);
    const sources = [
      'x = 1\n',
      '',
      '# only a comment\n',
      'é = a.b\nnom: int = é[1:2, ...]\n',
      'def f(a, /, b=1, *c, d: "x" = 2, **e) -> int:\n    global g\n    return [y for y in c if y]\n',
      'class C(B, metaclass=M):\n    @property\n    def p(self): return f"{self.x!r:>{w}}"\n',
      'match p:\n    case Point(x=0, y=yy) | [1, *rest] if yy: pass\n    case {"k": v, **kw}: pass\n',
      'with open(p) as f, lock:\n    try:\n        pass\n    except* E as e:\n        del a.b, c\n',
      'x = (1,\n',
      'def f(:\n  return ]\n',
      'if x\n    y = [1, 2\nz = "unterminated\n',
      'lambda a, *b: (yield)\nasync def g():\n    async with a as (b, c): await d\n',
      'print "py2"\nexec code in ns\n',
      'type T[K] = dict[K, int]\n'
    ];
    for (const code of sources) {
      const tree = parseCode(grammar, code);
      const expected = copyThroughCursor(tree, code);
      expect(copyThroughBinding(grammar.binding!, tree, code)).toEqual(expected);
      expect(toSyntax(tree, code)).toEqual(expected);
      tree.delete();
    }
  });

  it('loads the grammar once', async () => {
    expect(await loadGrammar()).toBe(grammar);
  });
});
