import * as Y from 'yjs';
import { resolveDeployConfig } from '../notebook-settings';
import { fromNbformat } from '../notebook';
import { MetadataCell, applyCellEdit, cellEditMetadata, readCell, readCellEdit } from '../write';

/**
 * A cell over a Yjs document, as JupyterLab's shared cell model holds metadata (a Y.Map of
 * JSON values); `changes` counts the document's transactions that changed something.
 */
function cellWith(metadata: Record<string, unknown>) {
  const doc = new Y.Doc();
  const map = doc.getMap<any>('metadata');
  for (const [key, value] of Object.entries(metadata)) {
    map.set(key, value);
  }
  let changes = 0;
  doc.on('update', () => changes++);
  const cell: MetadataCell & { metadata: Record<string, unknown>; changes: () => number } = {
    getMetadata: key => (map.has(key) ? JSON.parse(JSON.stringify(map.get(key))) : undefined),
    setMetadata: (key, value) => map.set(key, value),
    deleteMetadata: key => map.delete(key),
    sharedModel: { transact: f => doc.transact(f) },
    get metadata() {
      return map.toJSON();
    },
    changes: () => changes
  };
  return cell;
}

describe('write: an edit applied to a cell', () => {
  it('writes tags and cellpipe metadata in one transaction, keeping unknown keys', () => {
    const cell = cellWith({
      tags: ['hide-input', 'step:train'],
      cellpipe: { note: 'kept', deploy: { retries: 2 } },
      scrolled: true
    });
    const edit = readCell(cell);
    expect(edit).toEqual({ kind: 'step', stepName: 'train', prev: [], deploy: { retries: 2 } });
    edit.prev = ['load_data'];
    edit.deploy = {
      ...edit.deploy,
      gpu: { count: 2, type: 'nvidia.com/gpu', product: 'NVIDIA-A100-SXM4-40GB' },
      env: [{ name: 'A', value: '1' }]
    };
    applyCellEdit(cell, edit);
    expect(cell.changes()).toBe(1);
    expect(cell.getMetadata('tags')).toEqual([
      'hide-input',
      'step:train',
      'prev:load_data',
      'limit:nvidia.com/gpu:2'
    ]);
    expect(cell.getMetadata('cellpipe')).toEqual({
      note: 'kept',
      deploy: {
        retries: 2,
        env: [{ name: 'A', value: '1' }],
        gpu: { product: 'NVIDIA-A100-SXM4-40GB' }
      }
    });
    expect(cell.getMetadata('scrolled')).toBe(true);
    // Read back: the same edit, and the compiler's view agrees.
    expect(readCell(cell)).toEqual(edit);
    const nb = fromNbformat({
      cells: [{ cell_type: 'code', source: '', metadata: cell.metadata }],
      metadata: {}
    });
    expect(resolveDeployConfig(nb, 0).gpu).toEqual({
      count: 2,
      type: 'nvidia.com/gpu',
      product: 'NVIDIA-A100-SXM4-40GB'
    });
  });

  it('an unchanged edit writes nothing; removing everything removes the cellpipe key', () => {
    const cell = cellWith({
      tags: ['step:a', 'limit:cpu:1'],
      cellpipe: { deploy: { caching: false } }
    });
    applyCellEdit(cell, readCell(cell));
    expect(cell.changes()).toBe(0);
    applyCellEdit(cell, { kind: null, stepName: '', prev: [], deploy: {} });
    expect(cell.getMetadata('tags')).toEqual([]);
    expect(cell.getMetadata('cellpipe')).toBeUndefined();
  });

  it('GPU disabled drops the limit tag and the product', () => {
    const tags = ['step:t', 'limit:amd.com/gpu:1', 'limit:memory:2Gi'];
    const meta = { deploy: { gpu: { product: 'MI300' } } };
    const edit = readCellEdit(tags, meta);
    expect(edit.deploy.gpu).toEqual({ count: 1, type: 'amd.com/gpu', product: 'MI300' });
    delete edit.deploy.gpu;
    expect(cellEditMetadata(edit, tags, meta)).toEqual({
      tags: ['step:t', 'limit:memory:2Gi'],
      cellpipe: undefined
    });
  });
});
