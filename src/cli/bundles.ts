/**
 * The notebook's own modules bundled in node, for `cellpipe compile`: the same rules and the same bytes
 * as `cellpipe/runtime/bundle.py`'s `local_modules` (which the server uses for the panel), so a notebook
 * compiles to the same package from the panel and from a shell.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_MAX_BUNDLE_BYTES, LocalModules, importedModules } from '../compiler';
import { STDLIB_MODULES } from '../analysis/stdlib';

const SKIP_DIRS = new Set(['__pycache__', '.ipynb_checkpoints', '.git', '.cellpipe']);

const IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

export class BundleError extends Error {}

/** `CELLPIPE_MAX_BUNDLE_BYTES`, as the runtime reads it. */
export function maxBundleBytes(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.CELLPIPE_MAX_BUNDLE_BYTES);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_MAX_BUNDLE_BYTES;
}

/** What `file` leads to, symlinks followed; undefined for nothing (a dangling link, a loop), as os.path.isfile. */
function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function isFile(file: string): boolean {
  return statOf(file)?.isFile() ?? false;
}

/** Whether `file`'s real path (symlinks resolved) is `rootReal` or inside it. */
function inside(rootReal: string, file: string): boolean {
  const real = fs.realpathSync(file);
  return real === rootReal || real.startsWith(rootReal.replace(/[\\/]+$/, '') + path.sep);
}

/**
 * Files of top-level module `name` under root (a `.py` file or a package directory), as os.walk lists them.
 * Every file's real path must stay in root (the notebook's folder): a symlink that leads out of it is a
 * BundleError naming the file, never a file zipped into the package.
 */
function moduleFiles(root: string, name: string): string[] {
  const rootReal = fs.realpathSync(root);
  const checked = (file: string): string => {
    if (!inside(rootReal, file)) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      throw new BundleError(
        `local module '${name}': ${rel} leads outside the notebook's folder (a symlink to ` +
          `${fs.realpathSync(file)}); refusing to bundle it. Copy the file into the folder instead`
      );
    }
    return file;
  };
  const single = path.join(root, `${name}.py`);
  if (isFile(single)) {
    return [checked(single)];
  }
  const out: string[] = [];
  const walk = (dir: string) => {
    const dirs: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const target = entry.isSymbolicLink() ? statOf(full) : entry;
      if (!target?.isDirectory()) {
        // regular files only: a dangling symlink (an editor's lock file) or a FIFO cannot be zipped
        if (target?.isFile() && !/\.py[co]$/.test(entry.name)) {
          out.push(checked(full));
        }
      } else if (!entry.isSymbolicLink() && !SKIP_DIRS.has(entry.name)) {
        dirs.push(full); // like os.walk, symlinked directories are not followed
      }
    }
    dirs.sort().forEach(walk);
  };
  const packageDir = path.join(root, name);
  if (statOf(packageDir)?.isDirectory()) {
    walk(packageDir);
  }
  return out.some(file => file.endsWith('.py')) ? out : [];
}

/** The imported top-level names that are modules in root rather than the stdlib or site-packages, sorted. */
export function findLocalModules(root: string, imported: Iterable<string>): string[] {
  // Python checks the interpreter's own site-packages; node knows none, so any site-packages counts.
  if (/[\\/](site|dist)-packages([\\/]|$)/.test(fs.realpathSync(root))) {
    return [];
  }
  const names = new Set([...imported].map(name => name.split('.')[0]));
  return (
    [...names]
      // a module name, never a path: "/etc/x" or ".." would leave root
      .filter(name => IDENTIFIER.test(name) && !STDLIB_MODULES.has(name))
      .filter(name => moduleFiles(root, name).length > 0)
      .sort()
  );
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** [name in the zip, path] of every file of the module, sorted by name. */
function entries(root: string, name: string): (readonly [string, string])[] {
  const files = moduleFiles(root, name);
  if (!files.length) {
    throw new BundleError(`local module '${name}' not found in ${root}`);
  }
  return files
    .map(file => [path.relative(root, file).split(path.sep).join('/'), file] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The stored zip's size, known before reading a byte: headers (30 + 46 + 2 names each, 22 at the end) + data. */
function zipSize(list: readonly (readonly [string, string])[]): number {
  return list.reduce(
    (sum, [arcname, file]) => sum + 76 + 2 * Buffer.byteLength(arcname) + fs.statSync(file).size,
    22
  );
}

/** The files as a stored zip: entries in the given (sorted) order, 1980-01-01 timestamps, mode 0644. */
function zip(list: readonly (readonly [string, string])[]): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [arcname, file] of list) {
    const data = fs.readFileSync(file);
    const name = Buffer.from(arcname, 'utf8');
    // version 2.0, flags (UTF-8 name), stored, time 00:00, date 1980-01-01, crc, sizes, name length, no extra
    const fields = Buffer.alloc(26);
    fields.writeUInt16LE(20, 0);
    fields.writeUInt16LE(name.length === arcname.length ? 0 : 0x800, 2); // non-ASCII: UTF-8 flag
    fields.writeUInt16LE(0, 4);
    fields.writeUInt16LE(0, 6);
    fields.writeUInt16LE(0x21, 8);
    fields.writeUInt32LE(crc32(data), 10);
    fields.writeUInt32LE(data.length, 14);
    fields.writeUInt32LE(data.length, 18);
    fields.writeUInt16LE(name.length, 22);
    fields.writeUInt16LE(0, 24);
    const header = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), fields, name, data]);
    // made by Unix 2.0, the same fields, no comment, disk 0, internal 0, a regular file 0644, offset
    const tail = Buffer.alloc(14);
    tail.writeUInt32LE(0o100644 * 0x10000, 6);
    tail.writeUInt32LE(offset, 10);
    central.push(Buffer.from('PK\x01\x02\x14\x03', 'latin1'), fields, tail, name);
    local.push(header);
    offset += header.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.write('PK\x05\x06', 0, 'latin1');
  end.writeUInt16LE(list.length, 8);
  end.writeUInt16LE(list.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, directory, end]);
}

function overLimit(sizes: Map<string, number>, maxBytes: number): BundleError {
  const what = [...sizes]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, size]) => `${name} (${size} bytes)`)
    .join(', ');
  return new BundleError(
    `local module${sizes.size > 1 ? 's' : ''} ${what} zip to more than the ${maxBytes}-byte ` +
      'limit for shipping them with the step: install them in the step image instead (pip install them ' +
      "into an image, set it as the step's image and list them in the notebook's metadata under " +
      '"cellpipe": {"modulesFromImage": [...]}), or raise CELLPIPE_MAX_BUNDLE_BYTES'
  );
}

/**
 * The local modules among `imported` and, transitively, the local modules they import, each bundled
 * on its own (the compiler's `LocalModules`). All modules over the limit are named in one BundleError.
 */
export function localModules(
  root: string,
  imported: Iterable<string>,
  maxBytes: number = maxBundleBytes(),
  exclude: Iterable<string> = []
): LocalModules {
  const bundles: Record<string, [string, string]> = {};
  const requires: Record<string, string[]> = {};
  const tooLarge = new Map<string, number>();
  const skip = new Set(exclude);
  const pending = findLocalModules(root, imported);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (bundles[name] || tooLarge.has(name) || skip.has(name)) {
      continue;
    }
    const files = entries(root, name);
    const size = zipSize(files);
    if (size > maxBytes) {
      tooLarge.set(name, size);
      continue;
    }
    const data = zip(files);
    bundles[name] = [
      crypto.createHash('sha256').update(data).digest('hex'),
      data.toString('base64')
    ];
    const imports = files
      .map(([, file]) => file)
      .filter(file => file.endsWith('.py'))
      .flatMap(file => importedModules(fs.readFileSync(file, 'utf8')));
    requires[name] = findLocalModules(root, imports).filter(
      other => other !== name && !skip.has(other)
    );
    pending.push(...requires[name]);
  }
  if (tooLarge.size) {
    throw overLimit(tooLarge, maxBytes);
  }
  const sorted = <T>(record: Record<string, T>) =>
    Object.fromEntries(
      Object.keys(record)
        .sort()
        .map(key => [key, record[key]])
    );
  return { bundles: sorted(bundles), requires: sorted(requires), maxBytes };
}
