import * as fs from 'fs';
import * as path from 'path';
import { resolveDeployConfig } from '../notebook-settings';
import { fromNbformat } from '../notebook';
import { parseTags, toTags } from '../tags';
import { cellEditMetadata, readCellEdit } from '../write';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'tests', 'fixtures');

function load(name: string) {
  const file = path.join(FIXTURES, name);
  return fromNbformat(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}

const kaleFixtures = fs
  .readdirSync(FIXTURES)
  .filter(f => /^(kale|analyzer_kale|compile_).*\.ipynb$/.test(f));

describe('toTags round trip', () => {
  it('has Kale-style fixtures to read', () => {
    expect(kaleFixtures).toContain('kale_roundtrip.ipynb');
  });

  it.each(kaleFixtures)('%s: unchanged annotations give the tags back byte for byte', name => {
    const nb = load(name);
    for (const cell of nb.cells) {
      expect(JSON.stringify(toTags(parseTags(cell.tags), cell.tags))).toBe(
        JSON.stringify(cell.tags)
      );
      // Through the editor's state too (deploy split and merged back).
      const edit = readCellEdit(cell.tags, cell.metadata.cellpipe);
      const written = cellEditMetadata(edit, cell.tags, cell.metadata.cellpipe);
      expect(written.tags).toEqual(cell.tags);
      expect(written.cellpipe).toEqual(cell.metadata.cellpipe);
    }
  });

  const tags = (i: number) => load('kale_roundtrip.ipynb').cells[i];

  it('keeps legacy block: when only other things change', () => {
    const cell = tags(4);
    const a = parseTags(cell.tags);
    a.prev = ['load_x'];
    expect(toTags(a, cell.tags)).toEqual(['block:load_data', 'prev:load_x', 'my-own-tag']);
  });

  it('renames a step in place, keeping the block: spelling and unknown tags', () => {
    const cell = tags(4);
    const a = parseTags(cell.tags);
    a.stepName = 'load';
    expect(toTags(a, cell.tags)).toEqual(['block:load', 'my-own-tag']);
  });

  it('replaces a changed limit in place, drops a removed one and appends a new one', () => {
    const cell = tags(6);
    const a = parseTags(cell.tags);
    a.limits = { cpu: '1', 'nvidia.com/gpu': '1' };
    delete a.labels.team;
    a.labels['tier'] = 'gold';
    expect(toTags(a, cell.tags)).toEqual([
      'step:split',
      'prev:load_data',
      'limit:cpu:1',
      'limit:nvidia.com/gpu:1',
      'label:tier:gold'
    ]);
  });

  it('adds prev after the last prev, removes one, keeps their order', () => {
    const cell = tags(7);
    const a = parseTags(cell.tags);
    expect(a.prev).toEqual(['split', 'load_data']);
    a.prev = ['load_data', 'extra'];
    expect(toTags(a, cell.tags)).toEqual([
      'step:train_model',
      'prev:load_data',
      'prev:extra',
      'limit:nvidia.com/gpu:2',
      'annotation:example.com/owner:ana',
      'image:python:3.11-slim',
      'collapsed'
    ]);
  });

  it('annotates an untagged cell from scratch in Kale order', () => {
    const a = parseTags([]);
    a.kind = 'step';
    a.stepName = 'clean';
    a.prev = ['load_data'];
    a.limits['amd.com/gpu'] = '1';
    a.annotations['note'] = 'x:y';
    a.image = 'repo/img:1';
    expect(toTags(a, [])).toEqual([
      'step:clean',
      'prev:load_data',
      'limit:amd.com/gpu:1',
      'annotation:note:x:y',
      'image:repo/img:1'
    ]);
    // And the written tags read back the same annotation.
    expect(parseTags(toTags(a, []))).toEqual({ ...a, legacyBlock: false });
  });

  it('clears the kind and keeps unknown and malformed tags', () => {
    const cell = tags(11);
    const a = parseTags(cell.tags);
    a.kind = 'skip';
    expect(toTags(a, cell.tags)).toEqual(['skip', 'limit:cpu', 'prev:', 'weird:tag']);
    const b = parseTags(['step:a', 'x', 'prev:b']);
    b.kind = null;
    b.stepName = undefined;
    b.prev = [];
    expect(toTags(b, ['step:a', 'x', 'prev:b'])).toEqual(['x']);
  });

  it('keeps duplicate keys verbatim while unchanged, collapses them on change', () => {
    const original = ['step:a', 'limit:cpu:1', 'x', 'limit:cpu:2'];
    const a = parseTags(original);
    expect(toTags(a, original)).toEqual(original);
    a.limits.cpu = '3';
    // The last tag of a key is the one parseTags reads: the new value goes there.
    expect(toTags(a, original)).toEqual(['step:a', 'x', 'limit:cpu:3']);
  });
});

describe('cell edits: tags and cellpipe metadata', () => {
  const nb = load('kale_roundtrip.ipynb');
  const cell = nb.cells[7];

  it('reads GPU count and type from the tag, the product from cellpipe metadata', () => {
    const edit = readCellEdit(cell.tags, cell.metadata.cellpipe);
    expect(edit.deploy.gpu).toEqual({
      count: 2,
      type: 'nvidia.com/gpu',
      product: 'NVIDIA-A100-SXM4-40GB'
    });
    expect(edit.deploy.env).toEqual([{ name: 'MODE', value: 'fast' }]);
    expect(edit.deploy.image).toBe('python:3.11-slim');
    expect(edit.deploy.annotations).toEqual({ 'example.com/owner': 'ana' });
  });

  it('writes GPU changes to the Kale tag and product to metadata, keeping unknown keys', () => {
    const edit = readCellEdit(cell.tags, cell.metadata.cellpipe);
    edit.deploy.gpu = { count: 4, type: 'amd.com/gpu', product: 'MI300X' };
    edit.deploy.tolerations = [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }];
    edit.deploy.env = [];
    const out = cellEditMetadata(edit, cell.tags, cell.metadata.cellpipe);
    expect(out.tags).toEqual([
      'step:train_model',
      'prev:split',
      'prev:load_data',
      'annotation:example.com/owner:ana',
      'image:python:3.11-slim',
      'collapsed',
      'limit:amd.com/gpu:4'
    ]);
    expect(out.cellpipe).toEqual({
      deploy: {
        futureKey: 1,
        gpu: { product: 'MI300X' },
        tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }]
      },
      note: 'kept'
    });
    // The compiler's view of the written cell.
    const written = {
      ...nb,
      cells: nb.cells.map((c, i) =>
        i === 7 ? { ...c, tags: out.tags, metadata: { ...c.metadata, cellpipe: out.cellpipe } } : c
      )
    };
    const resolved = resolveDeployConfig(written, 7);
    expect(resolved.gpu).toEqual({ count: 4, type: 'amd.com/gpu', product: 'MI300X' });
    expect(resolved.image).toBe('python:3.11-slim');
    expect(resolved.env).toBeUndefined();
  });

  it('removing the GPU removes its tag and product; an empty cellpipe is deleted', () => {
    const meta = { cellpipe: { deploy: { gpu: { product: 'T4' } } } };
    const original = ['step:a', 'limit:nvidia.com/gpu:1'];
    const edit = readCellEdit(original, meta.cellpipe);
    delete edit.deploy.gpu;
    const out = cellEditMetadata(edit, original, meta.cellpipe);
    expect(out.tags).toEqual(['step:a']);
    expect(out.cellpipe).toBeUndefined();
  });
});

/** The notebook file as JupyterLab writes it (1-space indent, trailing newline), cells' metadata swapped. */
function saveAs(raw: any, metadataOf: (i: number, meta: any) => any): string {
  const out = {
    ...raw,
    cells: raw.cells.map((c: any, i: number) => ({ ...c, metadata: metadataOf(i, c.metadata) }))
  };
  return JSON.stringify(out, null, 1) + '\n';
}

describe('Kale notebooks of every generation: load → edit → save', () => {
  const KALE = path.join(FIXTURES, 'kale');
  const files = fs.readdirSync(KALE).filter(f => f.endsWith('.ipynb'));

  it.each(files)('%s: an unchanged edit of every cell saves the file byte for byte', name => {
    const text = fs.readFileSync(path.join(KALE, name), 'utf8');
    const raw = JSON.parse(text);
    const saved = saveAs(raw, (i, meta) => {
      const tags = meta.tags ?? [];
      const out = cellEditMetadata(readCellEdit(tags, meta.cellpipe), tags, meta.cellpipe);
      const next = { ...meta };
      if (meta.tags !== undefined || out.tags.length) {
        next.tags = out.tags;
      }
      if (out.cellpipe === undefined) {
        delete next.cellpipe;
      } else {
        next.cellpipe = out.cellpipe;
      }
      return next;
    });
    expect(saved).toBe(text);
  });

  it('a dependency added to a Kale 2.x step keeps its image:, secret:, report: and cache: tags in place', () => {
    const raw = JSON.parse(fs.readFileSync(path.join(KALE, 'kale2_steps.ipynb'), 'utf8'));
    const tags: string[] = raw.cells[3].metadata.tags;
    const edit = readCellEdit(tags, undefined);
    expect(edit.deploy.secrets).toEqual([
      { secretName: 'api-credentials', key: 'token', envVar: 'API_TOKEN' }
    ]);
    expect(edit.deploy.caching).toBe(true);
    edit.prev.push('evaluate');
    const out = cellEditMetadata(edit, tags, undefined);
    expect(out.tags).toEqual([...tags.slice(0, 2), 'prev:evaluate', ...tags.slice(2)]);
    expect(out.cellpipe).toBeUndefined();
  });

  it('turning the cache off rewrites the cache: tag in place; a secret removed drops its tag only', () => {
    const tags = ['step:train', 'cache:enabled', 'secret:s:k:A', 'secret:s:k2:B', 'my-tag'];
    const edit = readCellEdit(tags, undefined);
    edit.deploy.caching = false;
    edit.deploy.secrets = edit.deploy.secrets!.filter(s => s.envVar !== 'A');
    const out = cellEditMetadata(edit, tags, undefined);
    expect(out.tags).toEqual(['step:train', 'cache:disabled', 'secret:s:k2:B', 'my-tag']);
    expect(out.cellpipe).toBeUndefined();
  });

  it('a new secret or cache setting without a Kale tag goes to cellpipe.deploy, tags untouched', () => {
    const tags = ['block:', 'notebook:sub', 'report:disabled'];
    const edit = readCellEdit(tags, undefined);
    edit.deploy.caching = false;
    edit.deploy.secrets = [{ secretName: 's', key: 'k', envVar: 'A' }];
    const out = cellEditMetadata(edit, tags, undefined);
    expect(out.tags).toEqual(tags);
    expect(out.cellpipe).toEqual({
      deploy: { caching: false, secrets: [{ secretName: 's', key: 'k', envVar: 'A' }] }
    });
  });

  it('a field of the wrong shape the edit does not set is written back untouched', () => {
    const cellpipe = { deploy: { env: { A: '1' }, image: 'python:3.12', future: [1] } };
    const edit = readCellEdit(['step:a'], cellpipe);
    expect(edit.deploy.env).toBeUndefined();
    edit.deploy.image = 'python:3.13';
    const out = cellEditMetadata(edit, ['step:a'], cellpipe);
    expect(out.cellpipe).toEqual({
      deploy: { env: { A: '1' }, image: 'python:3.13', future: [1] }
    });
  });
});
