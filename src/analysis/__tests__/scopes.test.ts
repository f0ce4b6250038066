/** Per-cell facts with the real grammar: Python's scoping rules, one corner per test. */
import { analyzeSource } from '../cell';
import { Grammar, loadGrammar } from '../parse';
import type { CellFacts } from '../scopes';

let grammar: Grammar;
beforeAll(async () => {
  grammar = await loadGrammar();
});

function facts(source: string): CellFacts {
  const cell = analyzeSource(grammar, source);
  cell.tree.delete();
  return cell.facts;
}

const names = (map: Map<string, unknown>) => [...map.keys()].sort();
const defs = (source: string) => names(facts(source).defs);
const reads = (source: string) => names(facts(source).reads);
const lateReads = (source: string) => names(facts(source).lateReads);
const mutations = (source: string) => names(facts(source).mutations);

describe('module-level definitions', () => {
  it.each([
    ['x = 1', ['x']],
    ['a = b = 2', ['a', 'b']],
    ['a, (b, *c) = v', ['a', 'b', 'c']],
    ['[a, b] = v', ['a', 'b']],
    ['x += 1', ['x']],
    ['x: int = 1', ['x']],
    ['for i, (j, k) in items: pass', ['i', 'j', 'k']],
    ['with open(p) as f, lock as (g, h): pass', ['f', 'g', 'h']],
    ['try:\n  pass\nexcept E as err:\n  pass', ['err']],
    ['if (n := len(v)) > 1: pass', ['n']],
    ['import os, os.path as osp, a.b.c', ['a', 'os', 'osp']],
    ['from .m import (x as y, z)', ['y', 'z']],
    ['def f(a, b=1): pass', ['f']],
    ['@dec\nclass C(Base): pass', ['C']],
    ['del x', ['x']],
    [
      'match p:\n  case Point(x=0, y=yy) | [1, *rest] as whole: pass\n  case {"k": v, **kw}: pass',
      ['kw', 'rest', 'v', 'whole', 'yy']
    ],
    ['match p:\n  case Color.RED: pass\n  case _: pass', []],
    ['type Alias = list[int]', ['Alias']],
    ['[y for y in range(3)]', []],
    ['def f():\n  global g\n  g = 1', ['f']]
  ])('%s', (source, expected) => {
    expect(defs(source)).toEqual(expected);
  });

  it('records names bound by functions through global separately', () => {
    expect(names(facts('def f():\n  global g, h\n  g = 1\n  h += 1').globalWrites)).toEqual([
      'g',
      'h'
    ]);
    expect(names(facts('def f():\n  g = 1').globalWrites)).toEqual([]);
  });

  it('keeps annotation-only names apart: they bind nothing', () => {
    const f = facts('x: int\ny: int = 2');
    expect(names(f.defs)).toEqual(['y']);
    expect(names(f.declared)).toEqual(['x']);
  });

  it('walrus in a comprehension binds in the enclosing scope', () => {
    expect(defs('[last := v for v in values]')).toEqual(['last']);
  });
});

describe('reads that resolve to the module', () => {
  it('reads the right-hand side before the target binds', () => {
    const f = facts('x = x + 1');
    expect(f.reads.get('x')!.order).toBeLessThan(f.defs.get('x')!.order);
  });

  it('attribute names and keyword names are not reads', () => {
    expect(reads('a.b.c(key=value)')).toEqual(['a', 'value']);
  });

  it('function bodies read module names late; parameters and locals are not reads', () => {
    const source = 'def f(a, *args, b=default, **kw) -> Ret:\n  c = a + b + g\n  return c';
    expect(reads(source)).toEqual(['Ret', 'default']);
    expect(lateReads(source)).toEqual(['g']);
  });

  it('class scope is not visible to nested functions', () => {
    const source = 'class C:\n  k = 1\n  m = k\n  def f(self):\n    return k';
    expect(reads(source)).toEqual([]);
    expect(lateReads(source)).toEqual(['k']);
  });

  it('comprehension targets are local; the first iterable is read outside', () => {
    expect(reads('[x * y for x in xs for y in x if y > limit]')).toEqual(['limit', 'xs']);
  });

  it('a class body comprehension cannot see class names, except the first iterable', () => {
    const source = 'class C:\n  n = 3\n  items = [n for _ in range(n)]';
    expect(reads(source)).toEqual(['n', 'range']);
  });

  it('nonlocal and enclosing function locals are not module reads', () => {
    const source =
      'def outer():\n  v = 1\n  def inner():\n    nonlocal v\n    v += w\n  return inner';
    expect(lateReads(source)).toEqual(['w']);
  });

  it('global declarations reach the module from nested functions', () => {
    const source = 'def f():\n  global g\n  def h():\n    return g\n  g = 1';
    expect(lateReads(source)).toEqual(['g']);
  });

  it('lambda bodies read late, defaults read now', () => {
    const source = 'f = lambda a, b=d: a + e';
    expect(reads(source)).toEqual(['d']);
    expect(lateReads(source)).toEqual(['e']);
  });

  it('decorators, bases and keywords are read in the enclosing scope', () => {
    expect(reads('@register(kind)\nclass C(Base, metaclass=Meta):\n  pass')).toEqual([
      'Base',
      'Meta',
      'kind',
      'register'
    ]);
  });

  it('f-strings read the names in their fields', () => {
    expect(reads('s = f"{a!r:{width}} {b.c}"')).toEqual(['a', 'b', 'width']);
  });

  it('match value patterns and class patterns read; captures bind', () => {
    const source = 'match cmd:\n  case Kind.STOP: pass\n  case Point(x=px): pass';
    expect(reads(source)).toEqual(['Kind', 'Point', 'cmd']);
    expect(defs(source)).toEqual(['px']);
  });

  it('super() in a method reads the class cell, not a module name', () => {
    expect(lateReads('class C(B):\n  def f(self):\n    return super().f()')).toEqual(['super']);
  });

  it('type(x).attr = v is a call of type, not a type alias', () => {
    expect(reads('type(obj).attr = value')).toEqual(['obj', 'type', 'value']);
    expect(defs('type Pair = tuple[int, int]')).toEqual(['Pair']);
  });

  it('a method reads the class cell __class__ even when the class declares it global', () => {
    expect(
      lateReads('class X:\n  global __class__\n  __class__ = 1\n  def f():\n    __class__')
    ).toEqual([]);
  });

  it('postponed annotations are not read', () => {
    const source = 'from __future__ import annotations\ndef f(a: Missing) -> Other:\n  pass';
    expect(reads(source)).toEqual([]);
  });

  it('non-ASCII identifiers are normalised like Python (NFKC)', () => {
    expect(defs('ｗｉｄｔｈ = 1')).toEqual(['width']);
  });

  it('print statements of Python 2 still read print', () => {
    expect(reads('print >>f, x')).toContain('print');
  });
});

describe('mutations', () => {
  it.each([
    ['df["c"] = 1', ['df']],
    ['model.coef_ = w', ['model']],
    ['a.b[0].c = 1', ['a']],
    ['items.append(x)', ['items']],
    ['model.fit(X, y)', ['model']],
    ['df.dropna(inplace=True)', ['df']],
    ['df.dropna()', []],
    ['total += 1', ['total']],
    ['del cache[key]', ['cache']],
    ['x = [1]\nx.append(2)', ['x']]
  ])('%s', (source, expected) => {
    expect(mutations(source)).toEqual(expected);
  });

  it('functions changing module names are late mutations', () => {
    const f = facts('def f():\n  registry["k"] = 1\n  local = []\n  local.append(1)');
    expect(names(f.mutations)).toEqual([]);
    expect(names(f.lateMutations)).toEqual(['registry']);
  });
});

describe('cell summaries', () => {
  it('lists top-level assignments, aliases, bare names and star imports', () => {
    const f = facts('from math import *\nb = a\nscore\nn = 3\nprint(n)');
    expect(f.statements.map(s => s.kind)).toEqual(['other', 'assign', 'other', 'assign', 'other']);
    expect(f.aliases.map(a => [a.name, a.of])).toEqual([['b', 'a']]);
    expect(f.bareNames.map(n => n.name)).toEqual(['score']);
    expect(f.starImports.map(s => s.module)).toEqual(['math']);
  });

  it('flags values that do not serialize', () => {
    const f = facts(
      'fh = open(p)\nlock = threading.Lock()\ngen = (x for x in y)\nconn = sqlite3.connect(db)\nok = list(y)\nwith open(p) as f:\n  pass'
    );
    expect(names(f.unserializable)).toEqual(['conn', 'f', 'fh', 'gen', 'lock']);
  });

  it('reports syntax errors and never throws on garbage', () => {
    expect(facts('def f(:\n  pass').errors.length).toBeGreaterThan(0);
    expect(facts('x = (1,').errors.length).toBeGreaterThan(0);
    expect(() => facts(')))]]]:::\n\t\t  ¿?')).not.toThrow();
  });
});
