/** The notebook settings' validation, the one reader of a cell's tags, and the add-dependency fix. */
import { readNotebookSettings, validateNotebookSettings } from '../notebook-settings';
import { readTags } from '../tags';
import { addDependency, MetadataCell } from '../write';

/** A cell as JupyterLab's model holds its metadata, enough for the writers. */
function cell(
  metadata: Record<string, unknown>
): MetadataCell & { metadata: Record<string, unknown> } {
  return {
    metadata,
    getMetadata: key => metadata[key],
    setMetadata: (key, value) => {
      metadata[key] = value;
    },
    deleteMetadata: key => {
      delete metadata[key];
    },
    sharedModel: { transact: f => f() }
  };
}

describe('readTags', () => {
  it('reads a list of tags as strings, in order', () => {
    expect(readTags(['step:train', 'prev:load', 3])).toEqual(['step:train', 'prev:load', '3']);
  });

  it('reads anything but a list as no tags', () => {
    for (const raw of [undefined, null, 'step:train', { 0: 'step:train' }]) {
      expect(readTags(raw)).toEqual([]);
    }
  });
});

describe('addDependency', () => {
  it("writes prev: on the step's first tagged cell, after its step and prev tags", () => {
    const cells = [
      cell({ tags: ['imports'] }),
      cell({ tags: ['step:train', 'prev:load', 'custom'] }),
      cell({})
    ];
    expect(addDependency(cells, 'train', 'clean')).toBe(true);
    expect(cells[1].metadata.tags).toEqual(['step:train', 'prev:load', 'prev:clean', 'custom']);
    expect(cells[0].metadata.tags).toEqual(['imports']);
    expect(cells[2].metadata).toEqual({});
  });

  it('changes nothing when no cell starts the step', () => {
    const cells = [cell({ tags: ['step:load'] }), cell({ tags: 'step:train' })];
    expect(addDependency(cells, 'train', 'load')).toBe(false);
    expect(cells.map(c => c.metadata.tags)).toEqual([['step:load'], 'step:train']);
  });
});

describe('validateNotebookSettings', () => {
  const settings = readNotebookSettings(
    { pipeline_name: 'p', docker_image: 'python:3.12' },
    { defaults: { requests: { cpu: '2', memory: '4Gi' } } }
  );

  it('finds nothing wrong with settings the compiler reads', () => {
    expect(settings.cpu).toBe('2');
    expect(validateNotebookSettings(settings)).toEqual([]);
  });

  it('names the settings field of each problem', () => {
    const errors = validateNotebookSettings({
      ...settings,
      dockerImage: 'python 3.12',
      cpu: 'two',
      volumes: [{ pvcName: 'data', mountPath: 'relative' }]
    });
    expect(errors.map(e => e.field)).toEqual(['cpu', 'volumes[0].mountPath', 'dockerImage']);
    expect(errors[0].message).toContain('two');
  });
});
