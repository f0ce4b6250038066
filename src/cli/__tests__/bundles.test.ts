import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from '../../compiler/__tests__/fixtures';
import type { Analyzer } from '../../analysis/types';
import { BundleError, findLocalModules, localModules, maxBundleBytes } from '../bundles';
import { runCli } from './capture';

const FIXTURE = path.join(ROOT, 'tests/fixtures/local_modules');

/** Entry names of a zip, read from its central directory; checks the header fields we promise. */
function zipEntries(base64: string): string[] {
  const data = Buffer.from(base64, 'base64');
  const end = data.length - 22;
  expect(data.readUInt32LE(end)).toBe(0x06054b50);
  const count = data.readUInt16LE(end + 10);
  let at = data.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    expect(data.readUInt32LE(at)).toBe(0x02014b50);
    expect(data.readUInt16LE(at + 10)).toBe(0); // stored
    expect(data.readUInt16LE(at + 14)).toBe(0x21); // 1980-01-01
    const nameLength = data.readUInt16LE(at + 28);
    names.push(data.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength;
  }
  return names;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellpipe-bundles-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}

describe('which modules are local', () => {
  it('is a .py file or a package with .py files beside the notebook, never the stdlib', () => {
    write('helpers.py', 'X = 1\n');
    write('pkg/sub/mod.py', 'Y = 2\n');
    write('data/readme.txt', 'no Python here\n');
    write('json.py', 'shadowing the stdlib\n');
    expect(
      findLocalModules(dir, ['helpers', 'pkg.sub.mod', 'data', 'json', 'numpy', 'os.path'])
    ).toEqual(['helpers', 'pkg']);
  });

  it('takes names, never paths', () => {
    write('nb/x.txt', '');
    write('secret/keys.py', 'KEY = 1\n');
    const names = ['../secret', path.join(dir, 'secret'), '..', 'secret/keys'];
    expect(findLocalModules(path.join(dir, 'nb'), names)).toEqual([]);
  });

  it('finds none in a site-packages folder', () => {
    write('lib/site-packages/helpers.py', 'X = 1\n');
    expect(findLocalModules(path.join(dir, 'lib/site-packages'), ['helpers'])).toEqual([]);
  });
});

describe('localModules', () => {
  it('bundles each local module and the local modules it imports, named by its sha256', () => {
    const found = localModules(FIXTURE, ['helpers', 'json', 'textkit']);
    expect(Object.keys(found.bundles)).toEqual(['helpers', 'textkit', 'units']);
    expect(found.requires).toEqual({ helpers: ['units'], textkit: [], units: [] });
    expect(zipEntries(found.bundles.textkit[1])).toEqual([
      'textkit/__init__.py',
      'textkit/clean.py',
      'textkit/stopwords.py'
    ]);
    for (const [digest, data] of Object.values(found.bundles)) {
      expect(crypto.createHash('sha256').update(Buffer.from(data, 'base64')).digest('hex')).toBe(
        digest
      );
    }
  });

  it('gives the same bytes for the same files, whatever their times and the order asked', () => {
    write('pkg/__init__.py', 'from .b import B\n');
    write('pkg/b.py', 'B = 1\n');
    write('pkg/__pycache__/b.cpython-311.pyc', 'compiled');
    const first = localModules(dir, ['pkg']);
    fs.utimesSync(path.join(dir, 'pkg/b.py'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(localModules(dir, ['pkg', 'pkg.b'])).toEqual(first);
    expect(zipEntries(first.bundles.pkg[1])).toEqual(['pkg/__init__.py', 'pkg/b.py']);
  });

  it('zips only regular files: a dangling link (an editor lock file) or a FIFO is left out', () => {
    write('pkg/__init__.py', 'X = 1\n');
    write('pkg/real.py', 'Y = 2\n');
    fs.symlinkSync('user@host.1234:1700000000', path.join(dir, 'pkg/.#real.py'));
    execFileSync('mkfifo', [path.join(dir, 'pkg/pipe')]);
    const found = localModules(dir, ['pkg']);
    expect(zipEntries(found.bundles.pkg[1])).toEqual(['pkg/__init__.py', 'pkg/real.py']);
  });

  describe('files whose real path leaves the notebook folder', () => {
    // The notebook's folder is `nb`; `secret` beside it is outside.
    const nb = () => path.join(dir, 'nb');
    beforeEach(() => {
      write('secret/keys.py', 'KEY = "s3cr3t"\n');
      write('nb/pipeline.ipynb', '{}');
    });

    it('refuses a module file that is a symlink out, naming it', () => {
      write('nb/pkg/__init__.py', 'X = 1\n');
      fs.symlinkSync(path.join(dir, 'secret/keys.py'), path.join(nb(), 'pkg/keys.py'));
      expect(() => localModules(nb(), ['pkg'])).toThrow(BundleError);
      expect(() => localModules(nb(), ['pkg'])).toThrow(
        /local module 'pkg': pkg\/keys\.py leads outside the notebook's folder/
      );
    });

    it('refuses a single-file module and a package folder that are symlinks out', () => {
      fs.symlinkSync(path.join(dir, 'secret/keys.py'), path.join(nb(), 'keys.py'));
      expect(() => localModules(nb(), ['keys'])).toThrow(
        /keys\.py leads outside the notebook's folder/
      );
      fs.symlinkSync(path.join(dir, 'secret'), path.join(nb(), 'secretpkg'));
      expect(() => localModules(nb(), ['secretpkg'])).toThrow(
        /secretpkg\/keys\.py leads outside the notebook's folder/
      );
    });

    it('bundles a symlink that stays inside the folder, under its own name', () => {
      write('nb/pkg/__init__.py', 'X = 1\n');
      write('nb/shared/util.py', 'U = 1\n');
      fs.symlinkSync(path.join(nb(), 'shared/util.py'), path.join(nb(), 'pkg/util.py'));
      const found = localModules(nb(), ['pkg']);
      expect(zipEntries(found.bundles.pkg[1])).toEqual(['pkg/__init__.py', 'pkg/util.py']);
    });
  });

  it('names every module over the limit and suggests an image', () => {
    write('small.py', 'X = 1\n');
    write('big/__init__.py', `DATA = '${'x'.repeat(3000)}'\n`);
    write('huge/__init__.py', `DATA = '${'x'.repeat(3000)}'\n`);
    expect(() => localModules(dir, ['small', 'big', 'huge'], 2000)).toThrow(
      new BundleError(
        'local modules big (3138 bytes), huge (3140 bytes) zip to more than the 2000-byte limit for ' +
          'shipping them with the step: install them in the step image instead (pip install them into an ' +
          "image, set it as the step's image and list them in the notebook's metadata under " +
          '"cellpipe": {"modulesFromImage": [...]}), or raise CELLPIPE_MAX_BUNDLE_BYTES'
      )
    );
  });

  it('reads the limit from CELLPIPE_MAX_BUNDLE_BYTES', () => {
    expect(maxBundleBytes({})).toBe(65536);
    expect(maxBundleBytes({ CELLPIPE_MAX_BUNDLE_BYTES: '1000' })).toBe(1000);
    expect(maxBundleBytes({ CELLPIPE_MAX_BUNDLE_BYTES: 'lots' })).toBe(65536);
  });
});

describe('cellpipe compile ships local modules', () => {
  let analyzer: Analyzer;
  beforeAll(async () => {
    analyzer = await require('../../analysis').createAnalyzer();
  });

  const cli = (argv: string[]) => runCli(argv, analyzer);

  const bundlesOf = (yaml: string) =>
    [...yaml.matchAll(/_CELLPIPE_BUNDLES = (.*)/g)].map(m => JSON.parse(m[1]) as string[][]);

  it('embeds per step the bundles of what it imports, the same bytes every time', async () => {
    const first = await cli(['compile', path.join(FIXTURE, 'pipeline.ipynb'), '-o', '-']);
    expect(first.code).toBe(0);
    const local = localModules(FIXTURE, ['helpers', 'textkit']);
    // executors in task order: load, plain, score
    expect(bundlesOf(first.stdout)).toEqual([
      [local.bundles.textkit],
      [],
      [local.bundles.helpers, local.bundles.units]
    ]);
    fs.cpSync(FIXTURE, path.join(dir, 'copy'), { recursive: true });
    const again = await cli(['compile', path.join(dir, 'copy', 'pipeline.ipynb'), '-o', '-']);
    expect(again.stdout).toBe(first.stdout);
  });

  it('fails readably when a module is over the limit', async () => {
    fs.cpSync(FIXTURE, dir, { recursive: true });
    fs.appendFileSync(path.join(dir, 'units.py'), '# padding\n'.repeat(200));
    process.env.CELLPIPE_MAX_BUNDLE_BYTES = '1000';
    try {
      const result = await cli(['compile', path.join(dir, 'pipeline.ipynb'), '-o', '-']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^cellpipe: .*pipeline\.ipynb: local module units \(\d+ bytes\) zip to more than the 1000-byte limit/
      );
    } finally {
      delete process.env.CELLPIPE_MAX_BUNDLE_BYTES;
    }
  });
});
