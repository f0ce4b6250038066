/**
 * Writing an edit through a cell whose metadata lives in a Yjs map, as JupyterLab's shared cell
 * model keeps it (@jupyter/ydoc YCell: a `metadata` Y.Map, edits in `transact`, undo by a
 * Y.UndoManager). One edit is one transaction, so one undo step restores the cell exactly.
 * (@jupyterlab/cells itself is ESM, which this jest setup does not load.)
 */
import * as Y from 'yjs';
import { MetadataCell, applyCellEdit, readCell } from '../write';

class YjsCell implements MetadataCell {
  constructor(metadata: Record<string, unknown>) {
    this.doc.transact(() => {
      for (const [key, value] of Object.entries(metadata)) {
        this.meta.set(key, value);
      }
    });
    this.undo = new Y.UndoManager(this.meta, { captureTimeout: 0 });
    this.meta.observe(() => this.changes++);
  }
  getMetadata(key: string): unknown {
    return this.meta.get(key);
  }
  setMetadata(key: string, value: any): void {
    this.meta.set(key, value);
  }
  deleteMetadata(key: string): void {
    this.meta.delete(key);
  }
  readonly doc = new Y.Doc();
  readonly meta = this.doc.getMap<unknown>('metadata');
  readonly undo: Y.UndoManager;
  readonly sharedModel = { transact: (f: () => void) => this.doc.transact(f) };
  changes = 0;
}

describe('applyCellEdit on a Yjs-backed cell', () => {
  it('writes tags and cellpipe in one undoable step, keeping other keys', () => {
    const cell = new YjsCell({
      tags: ['block:load', 'mine'],
      collapsed: true,
      cellpipe: { note: 'kept' }
    });
    const edit = readCell(cell);
    expect(edit.stepName).toBe('load');
    edit.prev = ['raw'];
    edit.deploy = {
      ...edit.deploy,
      gpu: { count: 1, type: 'nvidia.com/gpu', product: 'T4' },
      env: [{ name: 'A', value: '1' }]
    };
    const before = cell.changes;
    applyCellEdit(cell, edit);
    // Both keys changed, observed as a single transaction.
    expect(cell.changes - before).toBe(1);
    expect(cell.getMetadata('tags')).toEqual([
      'block:load',
      'prev:raw',
      'mine',
      'limit:nvidia.com/gpu:1'
    ]);
    expect(cell.getMetadata('cellpipe')).toEqual({
      note: 'kept',
      deploy: { env: [{ name: 'A', value: '1' }], gpu: { product: 'T4' } }
    });
    expect(cell.getMetadata('collapsed')).toBe(true);

    expect(cell.undo.undoStack.length).toBe(1);
    cell.undo.undo();
    expect(cell.getMetadata('tags')).toEqual(['block:load', 'mine']);
    expect(cell.getMetadata('cellpipe')).toEqual({ note: 'kept' });
  });

  it('an unchanged edit writes nothing (no undo step, no change event)', () => {
    const cell = new YjsCell({
      tags: ['step:a', 'limit:cpu:1'],
      cellpipe: { deploy: { limits: { memory: '1Gi' } } }
    });
    const before = cell.changes;
    applyCellEdit(cell, readCell(cell));
    expect(cell.changes).toBe(before);
    expect(cell.undo.undoStack.length).toBe(0);
  });

  it('removing every annotation deletes the cellpipe key', () => {
    const cell = new YjsCell({
      tags: ['step:a', 'limit:nvidia.com/gpu:1'],
      cellpipe: { deploy: { gpu: { product: 'T4' } } }
    });
    const edit = readCell(cell);
    edit.kind = null;
    edit.deploy = {};
    applyCellEdit(cell, edit);
    expect(cell.getMetadata('tags')).toEqual([]);
    expect(cell.meta.has('cellpipe')).toBe(false);
    cell.undo.undo();
    expect(cell.getMetadata('cellpipe')).toEqual({ deploy: { gpu: { product: 'T4' } } });
  });
});
