import { addPrevTag } from '../../../model/write';
import { diagnosticsByCell, rangeToOffsets } from '../ranges';
import { EditorState } from '@codemirror/state';
import { markerField, setMarkers } from '../markers';
import type { Diagnostic } from '../../../analysis/types';

describe('rangeToOffsets', () => {
  const src = 'a = 1\nprint(df)\nz';
  it('maps line/column to offsets', () => {
    expect(rangeToOffsets(src, { startLine: 1, startColumn: 6, endLine: 1, endColumn: 8 })).toEqual(
      { from: 12, to: 14 }
    );
    expect(src.slice(12, 14)).toBe('df');
  });
  it('clamps ranges past the end and widens an empty range to its line', () => {
    expect(rangeToOffsets(src, { startLine: 2, startColumn: 0, endLine: 9, endColumn: 0 })).toEqual(
      { from: 16, to: 17 }
    );
    expect(rangeToOffsets(src, { startLine: 0, startColumn: 2, endLine: 0, endColumn: 2 })).toEqual(
      { from: 2, to: 5 }
    );
    expect(rangeToOffsets('', { startLine: 0, startColumn: 0, endLine: 0, endColumn: 0 })).toBe(
      null
    );
  });
});

describe('addPrevTag', () => {
  it('adds prev: after the step and existing prev tags, keeping other tags', () => {
    expect(addPrevTag(['step:train', 'prev:load', 'custom'], 'clean')).toEqual([
      'step:train',
      'prev:load',
      'prev:clean',
      'custom'
    ]);
    expect(addPrevTag(['x', 'block:b'], 'a')).toEqual(['x', 'block:b', 'prev:a']);
  });
  it('does not duplicate an existing dependency', () => {
    expect(addPrevTag(['step:t', 'prev:a'], 'a')).toEqual(['step:t', 'prev:a']);
  });
});

describe('markers', () => {
  const diag = (cellIndex: number, startColumn: number, endColumn: number): Diagnostic => ({
    code: 'undefined-variable',
    severity: 'error',
    message: 'x is not defined',
    cellIndex,
    range: { startLine: 0, startColumn, endLine: 0, endColumn }
  });
  it('groups diagnostics with a range by cell', () => {
    const by = diagnosticsByCell([diag(2, 0, 1), diag(2, 2, 3), { ...diag(-1, 0, 1) }]);
    expect([...by.keys()]).toEqual([2]);
    expect(by.get(2)!.length).toBe(2);
  });
  it('decorates the exact ranges and follows edits', () => {
    let state = EditorState.create({ doc: 'y = x + w', extensions: [markerField] });
    state = state.update({ effects: setMarkers.of([diag(0, 8, 9), diag(0, 4, 5)]) }).state;
    const ranges = () => {
      const out: [number, number][] = [];
      state.field(markerField).between(0, state.doc.length, (f, t) => {
        out.push([f, t]);
      });
      return out;
    };
    expect(ranges()).toEqual([
      [4, 5],
      [8, 9]
    ]);
    state = state.update({ changes: { from: 0, insert: '# c\n' } }).state;
    expect(ranges()).toEqual([
      [8, 9],
      [12, 13]
    ]);
    state = state.update({ effects: setMarkers.of([]) }).state;
    expect(ranges()).toEqual([]);
  });
});
