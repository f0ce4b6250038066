/** Ancestor sets as each stage keeps them between analyses (`AncestorsMemo`), and what each stage makes of them. */
import { createAnalyzer } from '..';
import { AncestorsMemo } from '../dataflow/memo';
import type { NotebookInput } from '../../model/notebook';

describe('AncestorsMemo', () => {
  it('computes the sets again only when a name or a dependency changes', () => {
    const memo = new AncestorsMemo();
    expect(memo.key).toBeUndefined();
    const first = memo.of([
      { name: 'a', depends: [] },
      { name: 'b', depends: ['a'] },
      { name: 'c', depends: ['b'] }
    ]);
    expect(first).toEqual(
      new Map([
        ['a', new Set()],
        ['b', new Set(['a'])],
        ['c', new Set(['a', 'b'])]
      ])
    );
    const same = memo.of([
      { name: 'a', depends: [] },
      { name: 'b', depends: ['a'] },
      { name: 'c', depends: ['b'] }
    ]);
    expect(same).toBe(first);
    const key = memo.key;
    const other = memo.of([
      { name: 'a', depends: [] },
      { name: 'b', depends: [] },
      { name: 'c', depends: ['b'] }
    ]);
    expect(other).not.toBe(first);
    expect(other.get('c')).toEqual(new Set(['b']));
    expect(memo.key).not.toEqual(key);
  });

  it('makes the members of a cycle ancestors of each other', () => {
    const sets = new AncestorsMemo().of([
      { name: 'a', depends: ['b'] },
      { name: 'b', depends: ['a'] }
    ]);
    expect(sets.get('a')).toEqual(new Set(['b']));
    expect(sets.get('b')).toEqual(new Set(['a']));
  });
});

describe('the metrics step after a cycle', () => {
  // a and b depend on each other: neither is a leaf, so the metrics step depends on no step.
  const cells: Array<[string[], string]> = [
    [['step:a', 'prev:b'], 'x = 1\nopen("a.txt", "w").write("a")'],
    [['step:b', 'prev:a'], 'y = x + 1'],
    [['pipeline-metrics'], 'x\nopen("a.txt").read()']
  ];
  const notebook: NotebookInput = {
    cells: cells.map(([tags, source], i) => ({
      id: `c${i}`,
      cellType: 'code',
      source,
      tags,
      metadata: {}
    })),
    metadata: {}
  };

  it('takes a variable from a step of the cycle (the flow stage: every step is its ancestor)', async () => {
    const result = (await createAnalyzer()).analyze(notebook);
    const metrics = result.steps.find(s => s.kind === 'metrics')!;
    expect(metrics.depends).toEqual([]);
    expect(metrics.inputSources).toEqual({ x: 'a' });
    expect(result.edges).toContainEqual({ from: 'a', to: 'metrics', passes: ['x'] });
  });

  it("but its read of that step's file is not upstream (the files stage: ancestors from its dependencies)", async () => {
    const result = (await createAnalyzer()).analyze(notebook);
    expect(result.diagnostics.map(d => [d.code, d.step])).toEqual([
      ['dependency-cycle', 'a'],
      ['file-not-upstream', 'metrics']
    ]);
  });
});
