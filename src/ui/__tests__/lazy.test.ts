import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { AnalyzerClient } from '../../analysis/client';
import { spawnInProcess } from '../../analysis/in-process';
import { LazyLibrary, dagreLibrary, yamlLibrary } from '../lazy';

describe('LazyLibrary', () => {
  it('imports on the first load only and hands the library out after', async () => {
    const library = { parse: () => 1 };
    const load = jest.fn(() => Promise.resolve(library));
    const lazy = new LazyLibrary('thing', load);
    expect(lazy.loaded).toBeUndefined();
    expect(() => lazy.now).toThrow('thing is used before it was loaded (call load() first)');
    expect(load).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([lazy.load(), lazy.load()]);
    expect(a).toBe(library);
    expect(b).toBe(library);
    expect(lazy.now).toBe(library);
    expect(lazy.loaded).toBe(library);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('names the library when its fetch fails, and fetches again on the next load', async () => {
    const load = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error('ChunkLoadError: Loading chunk 12 failed'))
      .mockResolvedValueOnce('ok');
    const lazy = new LazyLibrary('dagre', load);
    await expect(lazy.load()).rejects.toThrow(
      'cellpipe could not load dagre: Error: ChunkLoadError: Loading chunk 12 failed'
    );
    expect(lazy.loaded).toBeUndefined();
    await expect(lazy.load()).resolves.toBe('ok');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('loads the real dagre and yaml', async () => {
    expect(typeof (await dagreLibrary.load()).layout).toBe('function');
    expect(typeof (await yamlLibrary.load()).parseAllDocuments).toBe('function');
  });
});

/**
 * The modules JupyterLab loads with the plugin are those src/index.ts imports statically, and theirs
 * (`import()` is a chunk of its own, fetched when called; `import type` is erased). Read from each
 * file as TypeScript emits it, so an import used only as a type does not count.
 */
function startupImports(entry: string): Map<string, string> {
  const packages = new Map<string, string>(); // package → the first file importing it
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) {
      continue;
    }
    seen.add(file);
    const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        jsx: ts.JsxEmit.React
      },
      fileName: file
    }).outputText;
    const specifiers = [
      ...js.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gm),
      ...js.matchAll(/^\s*import\s+'([^']+)'/gm),
      ...js.matchAll(/\brequire\('([^']+)'\)/g)
    ].map(m => m[1]);
    for (const spec of specifiers) {
      if (!spec.startsWith('.')) {
        const name = spec.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : spec.split('/')[0];
        if (!packages.has(name)) {
          packages.set(name, path.relative(SRC, file));
        }
        continue;
      }
      const base = path.resolve(path.dirname(file), spec);
      const found = ['.ts', '.tsx', '/index.ts', '/index.tsx']
        .map(ext => base + ext)
        .find(fs.existsSync);
      if (found) {
        todo.push(found);
      }
    }
  }
  return packages;
}

const SRC = path.resolve(__dirname, '../..');

describe('what loads when JupyterLab starts', () => {
  const imports = startupImports(path.join(SRC, 'index.ts'));

  it('reads the plugin through its own imports (the check sees them)', () => {
    expect(imports.get('@jupyterlab/application')).toBe('index.ts');
    expect(imports.has('react')).toBe(true);
  });

  it('does not load dagre or yaml: they come with the first graph and the first package read', () => {
    expect(imports.get('@dagrejs/dagre')).toBeUndefined();
    expect(imports.get('yaml')).toBeUndefined();
  });
});

describe('the analyzer worker', () => {
  it('is spawned by the first analysis, not when the client is made (nor to forget or dispose)', async () => {
    const spawn = jest.fn(spawnInProcess);
    const idle = new AnalyzerClient(spawn);
    idle.forget('a.ipynb');
    idle.dispose();
    const client = new AnalyzerClient(spawn);
    expect(spawn).not.toHaveBeenCalled();
    const result = await client.analyze({
      path: 'a.ipynb',
      metadata: {},
      cells: [{ id: 'c1', cellType: 'code', source: 'x = 1', tags: ['block:load'], metadata: {} }]
    });
    expect(result?.steps.map(s => s.name)).toEqual(['load']);
    expect(spawn).toHaveBeenCalledTimes(1);
    client.dispose();
  });
});
