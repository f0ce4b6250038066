/**
 * Differential test against CPython: for every .py file of the installed standard library, the
 * module-level names the analyzer finds defined and used must equal what `symtable`/`ast` say
 * (see symtable_facts.py for the exact definition). Also: no exception on truncated and garbled
 * versions of the same files. Prints the agreement figure and every disagreement.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAnalyzer } from '..';
import type { NotebookInput } from '../../model/notebook';
import { analyzeSource } from '../cell';
import { copiesFromMemory, copyThroughBinding, Grammar, loadGrammar, toSyntax } from '../parse';

const ROOT = path.resolve(__dirname, '../../..');
const PYTHON = fs.existsSync(path.join(ROOT, '.venv/bin/python'))
  ? path.join(ROOT, '.venv/bin/python')
  : 'python3';

function stdlibFiles(): string[] {
  const stdlib = execFileSync(PYTHON, [
    '-c',
    "import sysconfig; print(sysconfig.get_paths()['stdlib'])"
  ])
    .toString()
    .trim();
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'site-packages') {
        walk(full);
      } else if (entry.isFile() && entry.name.endsWith('.py')) {
        files.push(full);
      }
    }
  };
  walk(stdlib);
  return files.sort();
}

interface Truth {
  defined?: string[];
  used?: string[];
  annotated_only?: string[];
  error?: string;
}

/** Cells of a generated notebook (bench/analyzer's generator), one .py file per code cell. */
function generatedCells(): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellpipe-cells-'));
  const notebook = path.join(dir, 'generated.ipynb');
  execFileSync(PYTHON, [path.join(ROOT, 'bench/analyzer/make_notebook.py'), notebook, '60']);
  const cells = JSON.parse(fs.readFileSync(notebook, 'utf8')).cells;
  return cells.map((cell: { source: string }, i: number) => {
    const file = path.join(dir, `cell_${String(i).padStart(3, '0')}.py`);
    fs.writeFileSync(file, cell.source);
    return file;
  });
}

function symtableFacts(files: string[]): Record<string, Truth> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cellpipe-symtable-')), 'facts.json');
  execFileSync(PYTHON, [path.join(__dirname, 'symtable_facts.py'), out, ...files], {
    maxBuffer: 1 << 26
  });
  return JSON.parse(fs.readFileSync(out, 'utf8'));
}

function difference(a: Iterable<string>, b: Set<string>): string[] {
  return [...a].filter(x => !b.has(x)).sort();
}

/** Deterministic garbling: drop, duplicate and swap characters at pseudo-random places. */
function garble(text: string, seed: number): string {
  let state = seed >>> 0 || 1;
  const next = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const chars = text.split('');
  const edits = Math.max(1, Math.floor(chars.length / 200));
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * chars.length);
    const pick = next();
    if (pick < 0.3) {
      chars.splice(at, 1);
    } else if (pick < 0.6) {
      chars.splice(at, 0, '([{:=\'"\\\n\t'[Math.floor(next() * 10)]);
    } else {
      chars.splice(at, 0, chars[Math.floor(next() * chars.length)] ?? '');
    }
  }
  return chars.join('');
}

describe('differential test against CPython symtable over the standard library', () => {
  let grammar: Grammar;
  beforeAll(async () => {
    grammar = await loadGrammar();
  });

  it('agrees on module-level defined and used names for ≥99.9% of files', () => {
    const files = [...stdlibFiles(), ...generatedCells()];
    const truth = symtableFacts(files);
    let compared = 0;
    let agreed = 0;
    let rejected = 0;
    const masked: string[] = [];
    const disagreements: string[] = [];
    for (const file of files) {
      const expected = truth[file];
      const source = fs.readFileSync(file, 'utf8');
      const cell = analyzeSource(grammar, source);
      cell.tree.delete();
      if (!expected || expected.error) {
        rejected++; // CPython rejects it (Python 2 test data, deliberate syntax errors)
        continue;
      }
      if (cell.masked.length) {
        masked.push(file); // valid Python never holds IPython syntax: masking it is a bug
      }
      compared++;
      const { facts } = cell;
      const defined = new Set([...facts.defs.keys(), ...facts.globalWrites.keys()]);
      facts.declared.forEach((_, name) => defined.add(name));
      const used = new Set([...facts.reads.keys(), ...facts.lateReads.keys()]);
      const wantDefined = new Set(expected.defined);
      const wantUsed = new Set(expected.used);
      const problems: [string, string[]][] = [
        ['missing defined', difference(wantDefined, defined)],
        ['extra defined', difference(defined, wantDefined)],
        ['missing used', difference(wantUsed, used)],
        ['extra used', difference(used, wantUsed)]
      ].filter(([, names]) => names.length);
      if (problems.length) {
        const rel = path.basename(path.dirname(file)) + '/' + path.basename(file);
        disagreements.push(`${rel}: ${problems.map(([k, v]) => `${k} ${v.join(',')}`).join('; ')}`);
      } else {
        agreed++;
      }
    }
    const agreement = agreed / compared;
    console.log(
      `differential: ${agreed}/${compared} files agree (${(agreement * 100).toFixed(2)}%); ` +
        `${rejected} files CPython rejects were skipped` +
        (disagreements.length ? `; disagreements:\n${disagreements.join('\n')}` : '')
    );
    expect(masked).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
    expect(agreement).toBeGreaterThanOrEqual(0.999);
  });

  it('never throws on truncated or garbled files', () => {
    const files = stdlibFiles();
    let checked = 0;
    files.forEach((file, i) => {
      const source = fs.readFileSync(file, 'utf8').slice(0, 20000);
      for (const variant of [
        source.slice(0, Math.floor((source.length * ((i % 7) + 1)) / 8)),
        garble(source, i)
      ]) {
        const cell = analyzeSource(grammar, variant);
        cell.tree.delete();
        checked++;
      }
    });
    expect(checked).toBe(files.length * 2);
  });

  it('copies every tree from wasm memory exactly as the binding cursor does', () => {
    // tree-memory.ts reads tree-sitter's private layout: checked here on real and broken code.
    expect(copiesFromMemory()).toBe(true);
    const files = stdlibFiles();
    const different: string[] = [];
    files.forEach((file, i) => {
      const source = fs.readFileSync(file, 'utf8');
      for (const variant of [source, garble(source.slice(0, 20000), i + 1)]) {
        const cell = analyzeSource(grammar, variant);
        const fromMemory = JSON.stringify(toSyntax(cell.tree, cell.code));
        const throughCursor = JSON.stringify(
          copyThroughBinding(grammar.binding!, cell.tree, cell.code)
        );
        cell.tree.delete();
        if (fromMemory !== throughCursor) {
          different.push(file);
        }
      }
    });
    expect(different).toEqual([]);
  });

  it('analyses a notebook of garbled cells end to end without throwing', async () => {
    const files = stdlibFiles().slice(0, 80);
    const notebook: NotebookInput = {
      cells: files.map((file, i) => ({
        id: `c${i}`,
        cellType: 'code',
        source: garble(fs.readFileSync(file, 'utf8').slice(0, 4000), i),
        tags: i % 3 ? [] : [`step:s${i}`, ...(i ? [`prev:s${i - 3}`] : [])],
        metadata: {}
      })),
      metadata: {}
    };
    const result = (await createAnalyzer()).analyze(notebook);
    expect(result.steps).toHaveLength(27);
    expect(result.diagnostics.some(d => d.code === 'syntax-error')).toBe(true);
  });
});
