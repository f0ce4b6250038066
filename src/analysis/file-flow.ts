/**
 * Stage 3b: the files each step reads and writes, and what follows from them. Per step, the cells'
 * file events (`files.ts`) are resolved in order against what the step sees — the imports and
 * constants of the shared cells, the pipeline parameters' values, its own earlier assignments, and
 * the constants its upstream steps pass it — into `StepInfo.files`. Then: a file written by an
 * upstream step and read by this one is an edge of kind `file`; a file written by a step that is
 * not upstream (but comes before the reading cell) gets the same "add prev:" suggestion as a
 * variable; a file written by two steps that run in parallel is a race.
 */
import { CellAnalysis } from './cell';
import type { CellSource } from './dataflow';
import { AncestorsMemo, sameKey } from './dataflow/memo';
import { addDependencyFix, Diagnostics } from './diagnostics';
import type { Argument, FileCall, PathExpr } from './files';
import { cellLabel } from './labels';
import type { AnalysisResult, Edge, FileUse, StepFiles, StepInfo, UnresolvedFile } from './types';

/** A resolved constant: a string (`path`: a pathlib path), or an int (f-strings). */
type Value = { s: string; path: boolean } | { n: number };

interface Env {
  consts: Map<string, Value | null>;
  /** Local name → what it imports, qualified (`pd` → `pandas`, `load` → `numpy.load`). */
  imports: Map<string, string>;
  /** A name the step never set: the value an upstream step passes it, if known. */
  fallback: (name: string) => Value | null;
}

/** A file access as found, with where it is (for diagnostics). */
interface Access extends FileUse {
  start: number;
  end: number;
}

interface StepAccesses {
  info: StepInfo;
  reads: Access[];
  writes: Access[];
  unresolved: UnresolvedFile[];
  /** The step's module-level constants when it ends (what downstream steps receive). */
  consts: Map<string, Value | null>;
}

/** Where a path argument is: positional index and keyword names. */
interface Rule {
  access: 'read' | 'write' | 'open';
  arg: number;
  keywords: string[];
  /** `open`: where the mode is. */
  modeArg?: number;
}

const OPEN: Rule = { access: 'open', arg: 0, keywords: ['file', 'filename'], modeArg: 1 };
const FIRST_READ = (keywords: string[]): Rule => ({ access: 'read', arg: 0, keywords });
const FIRST_WRITE = (keywords: string[]): Rule => ({ access: 'write', arg: 0, keywords });

/** Module functions by qualified name. */
const FUNCTIONS: Record<string, Rule> = {
  'builtins.open': OPEN,
  'io.open': OPEN,
  'codecs.open': OPEN,
  'gzip.open': OPEN,
  'bz2.open': OPEN,
  'lzma.open': OPEN,
  'numpy.load': FIRST_READ(['file']),
  'numpy.loadtxt': FIRST_READ(['fname']),
  'numpy.genfromtxt': FIRST_READ(['fname']),
  'numpy.fromfile': FIRST_READ(['file']),
  'numpy.save': FIRST_WRITE(['file']),
  'numpy.savez': FIRST_WRITE(['file']),
  'numpy.savez_compressed': FIRST_WRITE(['file']),
  'numpy.savetxt': FIRST_WRITE(['fname']),
  'joblib.load': FIRST_READ(['filename']),
  'joblib.dump': { access: 'write', arg: 1, keywords: ['filename'] },
  'torch.load': FIRST_READ(['f']),
  'torch.save': { access: 'write', arg: 1, keywords: ['f'] },
  'glob.glob': FIRST_READ(['pathname']),
  'glob.iglob': FIRST_READ(['pathname'])
};

/** pandas readers that read no local file. */
const PANDAS_NOT_FILES = new Set([
  'read_sql',
  'read_sql_query',
  'read_sql_table',
  'read_gbq',
  'read_clipboard'
]);
const PANDAS_PATH = ['filepath_or_buffer', 'path', 'path_or_buffer', 'io'];

/** `value.to_<format>(path)`: pandas' writers (DataFrame and Series). */
const WRITER_METHODS = new Set([
  'to_csv',
  'to_parquet',
  'to_json',
  'to_excel',
  'to_pickle',
  'to_feather',
  'to_hdf',
  'to_stata',
  'to_orc',
  'to_xml',
  'to_html',
  'to_latex',
  'to_markdown'
]);
const WRITER_PATH = ['path_or_buf', 'path', 'excel_writer', 'buf', 'fname'];

/** Another name of a module users import. */
const MODULE_ALIASES: Record<string, string> = { 'sklearn.externals.joblib': 'joblib' };

const PATH_TYPES = new Set([
  'pathlib.Path',
  'pathlib.PurePath',
  'pathlib.PosixPath',
  'pathlib.PurePosixPath'
]);

/** What the shared cells and parameters give every step: imports, constants, shared functions' calls. */
interface Base {
  env: Env;
  shared: Private.SharedDefs;
}

/** A step's resolved files, kept while its cells, the shared code and its upstream constants stay. */
interface Resolved {
  reads: Access[];
  writes: Access[];
  unresolved: UnresolvedFile[];
  consts: Map<string, Value | null>;
  files: StepFiles;
}

/**
 * Kept between analyses (like `FlowMemo`): an edit re-resolves the steps whose cells, shared code
 * or upstream constants changed; the rest keep their `StepFiles` (the same objects).
 */
export class FileMemo {
  private base: { key: unknown[]; base: Base } | null = null;
  private readonly steps = new Map<string, { key: unknown[]; resolved: Resolved }>();
  private readonly graph = new AncestorsMemo();

  baseOf(key: unknown[], compute: () => Base): Base {
    if (!this.base || !sameKey(this.base.key, key)) {
      this.base = { key, base: compute() };
    }
    return this.base.base;
  }

  step(name: string, key: unknown[], compute: () => Resolved): Resolved {
    const known = this.steps.get(name);
    if (known && sameKey(known.key, key)) {
      return known.resolved;
    }
    const resolved = compute();
    this.steps.set(name, { key, resolved });
    return resolved;
  }

  /** Forget the steps not in `names`. */
  keepOnly(names: ReadonlySet<string>): void {
    for (const name of this.steps.keys()) {
      if (!names.has(name)) {
        this.steps.delete(name);
      }
    }
  }

  /** The result's steps' ancestor sets (the metrics step's from the leaves it depends on). */
  ancestors(steps: StepInfo[]): Map<string, Set<string>> {
    return this.graph.of(steps);
  }
}

/** `result` with each step's `StepInfo.files`, the file edges and the file diagnostics added. */
export function withFileFlow(
  result: AnalysisResult,
  cellAt: CellSource,
  memo: FileMemo = new FileMemo()
): AnalysisResult {
  const sharedCells = [...result.importsCells, ...result.functionsCells].sort((a, b) => a - b);
  const baseKey: unknown[] = [JSON.stringify(result.parameters.map(p => [p.name, p.value]))];
  for (const index of sharedCells) {
    const cell = cellAt(index);
    baseKey.push(index, cell?.files, cell?.facts);
  }
  const base = memo.baseOf(baseKey, () => Private.baseOf(result, sharedCells, cellAt));
  const byName = new Map<string, Resolved>();
  const all: StepAccesses[] = [];
  const steps: StepInfo[] = [];
  for (const info of result.steps) {
    const key: unknown[] = [base];
    for (const index of info.cellIndices) {
      const cell = cellAt(index);
      key.push(index, cell?.files, cell?.facts);
    }
    // The constants its upstream steps pass it (a path built from one of them).
    // By value: an upstream step re-resolved with the same constants changes nothing here.
    for (const [name, source] of Object.entries(info.inputSources)) {
      const value = byName.get(source)?.consts.get(name);
      key.push(name, value ? ('s' in value ? `${value.path}:${value.s}` : value.n) : null);
    }
    const resolved = memo.step(info.name, key, () =>
      Private.resolveStep(info, base, byName, cellAt)
    );
    const withFiles = { ...info, files: resolved.files };
    steps.push(withFiles);
    byName.set(info.name, resolved);
    all.push({ ...resolved, info: withFiles });
  }
  memo.keepOnly(new Set(byName.keys()));
  const diagnostics = new Diagnostics();
  // Keyed by the whole step list: looked up once per analysis, and only if a file has a writer.
  let known: Map<string, Set<string>> | undefined;
  const ancestors = () => (known ??= memo.ancestors(steps));
  const writers = Private.writersByPath(all);
  const edges = [
    ...result.edges,
    ...Private.fileEdges(all, writers, ancestors, cellAt, diagnostics)
  ];
  Private.races(writers, ancestors, cellAt, diagnostics);
  if (!diagnostics.list.length) {
    return { ...result, steps, edges };
  }
  const merged = new Diagnostics();
  merged.list.push(...result.diagnostics, ...diagnostics.list);
  return { ...result, steps, edges, diagnostics: merged.sorted() };
}

/** `a/./b//c` → `a/b/c`; `./x` → `x` (the path as pathlib would print it). */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const parts = path.split('/').filter(p => p !== '' && p !== '.');
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** A glob pattern (`*`, `?`, `[...]`, `**`) as a regular expression over whole paths. */
export function globMatcher(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        source += '/?';
      }
    } else if (ch === '*') {
      source += '[^/]*';
    } else if (ch === '?') {
      source += '[^/]';
    } else if (ch === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) {
        source += '\\[';
      } else {
        const body = pattern.slice(i + 1, close);
        source += '[' + (body[0] === '!' ? '^' + body.slice(1) : body).replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else {
      source += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** Whether `path` is a glob pattern (`*`, `?`, `[...]`) rather than one file. */
export const isPattern = (path: string) => /[*?[]/.test(path);

/** Whether a written path is among what a read of `read` (one path or a glob pattern) reads. */
export function readMatcher(read: string): (written: string) => boolean {
  if (!isPattern(read)) {
    return written => written === read;
  }
  const pattern = globMatcher(read);
  return written => pattern.test(written);
}

namespace Private {
  export function baseOf(result: AnalysisResult, sharedCells: number[], cellAt: CellSource): Base {
    const env: Env = { consts: new Map(), imports: new Map(), fallback: () => null };
    const shared: SharedDefs = { calls: new Map(), reads: new Map() };
    for (const index of sharedCells) {
      const cell = cellAt(index);
      if (cell) {
        run(cell, index, env, null, shared);
      }
    }
    for (const p of result.parameters) {
      const v = p.value;
      env.consts.set(
        p.name,
        typeof v === 'string'
          ? { s: v, path: false }
          : Number.isInteger(v)
            ? { n: v as number }
            : null
      );
    }
    return { env, shared };
  }

  export function resolveStep(
    info: StepInfo,
    base: Base,
    upstream: Map<string, Resolved>,
    cellAt: CellSource
  ): Resolved {
    const env: Env = {
      consts: new Map(base.env.consts),
      imports: new Map(base.env.imports),
      fallback: name => {
        const source = info.inputSources[name];
        return source ? (upstream.get(source)?.consts.get(name) ?? null) : null;
      }
    };
    const step: StepAccesses = { info, reads: [], writes: [], unresolved: [], consts: env.consts };
    for (const index of info.cellIndices) {
      const cell = cellAt(index);
      if (cell) {
        run(cell, index, env, step);
      }
    }
    sharedCalls(info, cellAt, base.shared, env, step);
    const files: StepFiles = {
      reads: step.reads.map(use),
      writes: step.writes.map(use),
      unresolved: step.unresolved
    };
    return {
      reads: step.reads,
      writes: step.writes,
      unresolved: step.unresolved,
      consts: env.consts,
      files
    };
  }

  export function use(access: Access): FileUse {
    return { path: access.path, cellIndex: access.cellIndex, line: access.line };
  }

  /** The file calls in the shared cells' functions, by function, and what each function reads. */
  export interface SharedDefs {
    calls: Map<string, Array<{ call: FileCall; cellIndex: number }>>;
    reads: Map<string, Set<string>>;
  }

  /**
   * Apply a cell's events to `env`; record its file accesses into `step`. Shared code (`step`
   * null) keeps the calls in its functions for the steps that call them.
   */
  export function run(
    cell: CellAnalysis,
    cellIndex: number,
    env: Env,
    step: StepAccesses | null,
    shared?: SharedDefs
  ): void {
    if (shared) {
      cell.facts.defReads.forEach((names, def) => shared.reads.set(def, names));
    }
    const touched = new Set<string>();
    for (const event of cell.files.events) {
      switch (event.kind) {
        case 'import':
          env.imports.set(event.name, MODULE_ALIASES[event.qualified] ?? event.qualified);
          env.consts.delete(event.name);
          touched.add(event.name);
          break;
        case 'assign':
          env.consts.set(event.name, evaluate(event.expr, env));
          env.imports.delete(event.name);
          touched.add(event.name);
          break;
        case 'call':
          if (step) {
            call(event, cellIndex, env, step);
          } else if (shared && event.def) {
            const calls = shared.calls.get(event.def) ?? [];
            calls.push({ call: event, cellIndex });
            shared.calls.set(event.def, calls);
          }
          break;
      }
    }
    // Bound some other way (a loop, `with ... as`, a def): no longer the constant it was.
    for (const name of cell.facts.defs.keys()) {
      if (!touched.has(name)) {
        env.consts.set(name, null);
        env.imports.delete(name);
      }
    }
  }

  /**
   * The file calls of the shared functions a step calls (directly or through another shared
   * function it calls), as if they ran after the step's cells, with what the step has bound.
   */
  export function sharedCalls(
    info: StepInfo,
    cellAt: CellSource,
    shared: SharedDefs,
    env: Env,
    step: StepAccesses
  ): void {
    if (!shared.calls.size) {
      return;
    }
    const own = new Set<string>();
    const queue: string[] = [];
    for (const index of info.cellIndices) {
      const facts = cellAt(index)?.facts;
      facts?.defs.forEach((_, name) => own.add(name));
      facts?.reads.forEach((_, name) => queue.push(name));
      facts?.lateReads.forEach((_, name) => queue.push(name));
    }
    const seen = new Set<string>();
    for (let next = 0; next < queue.length; next++) {
      const name = queue[next];
      if (seen.has(name) || own.has(name)) {
        continue; // the step's own function of that name shadows the shared one
      }
      seen.add(name);
      for (const { call: event, cellIndex } of shared.calls.get(name) ?? []) {
        call(event, cellIndex, env, step);
      }
      queue.push(...(shared.reads.get(name) ?? []));
    }
  }

  type Callee = { qualified: string } | { method: string; receiver: PathExpr };

  export function callee(func: PathExpr, env: Env): Callee | null {
    const chain: string[] = [];
    let at: PathExpr = func;
    while (at.k === 'attr') {
      chain.unshift(at.name);
      at = at.object;
    }
    if (at.k === 'name') {
      const head = at.name;
      const imported = env.imports.get(head);
      if (imported !== undefined) {
        return { qualified: [imported, ...chain].join('.') };
      }
      if (!chain.length) {
        return env.consts.has(head) ? null : { qualified: `builtins.${head}` };
      }
    }
    if (func.k === 'attr') {
      return { method: func.name, receiver: func.object };
    }
    return null;
  }

  export function evaluate(expr: PathExpr, env: Env): Value | null {
    switch (expr.k) {
      case 'str':
        return { s: expr.v, path: false };
      case 'int':
        return { n: expr.v };
      case 'name':
        return env.consts.has(expr.name) ? env.consts.get(expr.name)! : env.fallback(expr.name);
      case 'concat': {
        let s = '';
        for (const part of expr.parts) {
          const v = evaluate(part, env);
          if (!v || !('s' in v) || v.path) {
            return null; // str + Path is a TypeError; str + int too
          }
          s += v.s;
        }
        return { s, path: false };
      }
      case 'fstring': {
        let s = '';
        for (const part of expr.parts) {
          const v = evaluate(part, env);
          if (!v) {
            return null;
          }
          s += 's' in v ? v.s : String(v.n);
        }
        return { s, path: false };
      }
      case 'div': {
        const left = evaluate(expr.left, env);
        const right = evaluate(expr.right, env);
        if (!left || !right || !('s' in left) || !('s' in right) || !(left.path || right.path)) {
          return null;
        }
        return { s: join([left.s, right.s]), path: true };
      }
      case 'call': {
        const target = callee(expr.func, env);
        const args = expr.args.map(a => evaluate(a, env));
        const strings = args.every(a => a && 's' in a)
          ? args.map(a => (a as { s: string }).s)
          : null;
        if (!target || !strings) {
          return null;
        }
        if ('qualified' in target) {
          const q = target.qualified;
          if (q === 'os.path.join' || q === 'posixpath.join') {
            return strings.length ? { s: join(strings), path: false } : null;
          }
          if (PATH_TYPES.has(q)) {
            return { s: strings.length ? join(strings) : '.', path: true };
          }
          if ((q === 'builtins.str' || q === 'os.fspath') && strings.length === 1) {
            return { s: strings[0], path: false };
          }
          return null;
        }
        if (target.method === 'joinpath') {
          const receiver = evaluate(target.receiver, env);
          return receiver && 's' in receiver && receiver.path
            ? { s: join([receiver.s, ...strings]), path: true }
            : null;
        }
        return null;
      }
      default:
        return null;
    }
  }

  export function join(parts: string[]): string {
    let out = '';
    for (const part of parts) {
      out = part.startsWith('/') || !out ? part : out.endsWith('/') ? out + part : `${out}/${part}`;
    }
    return out;
  }

  export function argument(
    call: FileCall,
    index: number,
    keywords: string[]
  ): Argument | undefined {
    return call.args[index] ?? keywords.map(k => call.kwargs[k]).find(Boolean);
  }

  export function call(event: FileCall, cellIndex: number, env: Env, step: StepAccesses): void {
    const target = callee(event.func, env);
    if (!target) {
      return;
    }
    if ('qualified' in target) {
      const q = target.qualified;
      const pandasReader =
        q.startsWith('pandas.read_') && !PANDAS_NOT_FILES.has(q.slice('pandas.'.length));
      const rule = FUNCTIONS[q] ?? (pandasReader ? FIRST_READ(PANDAS_PATH) : undefined);
      if (rule) {
        const access =
          rule.access === 'open'
            ? openMode(argument(event, rule.modeArg!, ['mode']), env)
            : [rule.access];
        access.forEach(a =>
          record(a, argument(event, rule.arg, rule.keywords), event, cellIndex, env, step)
        );
      }
      return;
    }
    const { method, receiver } = target;
    if (WRITER_METHODS.has(method)) {
      // `df.to_csv()` with no path returns the text: no file.
      record('write', argument(event, 0, WRITER_PATH), event, cellIndex, env, step);
      return;
    }
    const access =
      method === 'read_text' || method === 'read_bytes'
        ? ['read' as const]
        : method === 'write_text' || method === 'write_bytes'
          ? ['write' as const]
          : method === 'open'
            ? openMode(argument(event, 0, ['mode']), env)
            : method === 'glob' || method === 'rglob'
              ? ['read' as const]
              : null;
    if (!access) {
      return;
    }
    const value = evaluate(receiver, env);
    if (!(value && 's' in value && value.path) && !isPathCall(receiver, env)) {
      // Not known to be a pathlib path: some other object's method (`zipfile.open`, `img.save`).
      return;
    }
    const receiverText = { expr: receiver, text: event.receiverText ?? '' };
    if (method === 'glob' || method === 'rglob') {
      const pattern = argument(event, 0, ['pattern']);
      const expr: PathExpr = {
        k: 'div',
        left: receiver,
        right:
          method === 'rglob' && pattern
            ? { k: 'fstring', parts: [{ k: 'str', v: '**/' }, pattern.expr] }
            : (pattern?.expr ?? { k: 'other' })
      };
      record('read', { expr, text: pattern?.text ?? '' }, event, cellIndex, env, step);
      return;
    }
    access.forEach(a => record(a, receiverText, event, cellIndex, env, step));
  }

  /** `Path(<something unknown>)`: a path, even when its value is not known. */
  export function isPathCall(expr: PathExpr, env: Env): boolean {
    if (expr.k !== 'call') {
      return false;
    }
    const target = callee(expr.func, env);
    return !!target && 'qualified' in target && PATH_TYPES.has(target.qualified);
  }

  /** What `open`'s mode does: read unless it writes (`w`, `a`, `x`); `r+` does both. */
  export function openMode(mode: Argument | undefined, env: Env): Array<'read' | 'write'> {
    const value = mode && evaluate(mode.expr, env);
    const text = value && 's' in value ? value.s : 'r';
    if (/[wax]/.test(text)) {
      return text.includes('+') ? ['read', 'write'] : ['write'];
    }
    return text.includes('+') ? ['read', 'write'] : ['read'];
  }

  export function record(
    access: 'read' | 'write',
    arg: Argument | undefined,
    event: FileCall,
    cellIndex: number,
    env: Env,
    step: StepAccesses
  ): void {
    if (!arg) {
      return;
    }
    const value = evaluate(arg.expr, env);
    const where = { cellIndex, line: event.line, start: event.start, end: event.end };
    if (!value || !('s' in value)) {
      step.unresolved.push({ expression: arg.text || '?', access, cellIndex, line: event.line });
      return;
    }
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value.s)) {
      return; // a URL (http://, s3://, ...): not a file beside the notebook
    }
    const path = normalizePath(value.s);
    if (access === 'write') {
      if (!step.writes.some(w => w.path === path)) {
        step.writes.push({ path, ...where });
      }
      return;
    }
    // A file the step wrote itself is no input of it.
    const reads = readMatcher(path);
    const own = step.writes.some(w => reads(w.path));
    if (!own && !step.reads.some(r => r.path === path)) {
      step.reads.push({ path, ...where });
    }
  }

  /** Where an access is, for its diagnostic. */
  export function place(access: Access, cellAt: CellSource) {
    return {
      cellIndex: access.cellIndex,
      cell: cellAt(access.cellIndex),
      start: access.start,
      end: access.end
    };
  }

  /** Path → the steps that write it, in notebook order. */
  export function writersByPath(steps: StepAccesses[]): Map<string, StepAccesses[]> {
    const map = new Map<string, StepAccesses[]>();
    for (const step of steps) {
      for (const write of step.writes) {
        const list = map.get(write.path);
        if (list) {
          list.push(step);
        } else {
          map.set(write.path, [step]);
        }
      }
    }
    return map;
  }

  export function fileEdges(
    steps: StepAccesses[],
    byPath: Map<string, StepAccesses[]>,
    ancestorsOf: () => Map<string, Set<string>>,
    cellAt: CellSource,
    diagnostics: Diagnostics
  ): Edge[] {
    const edges: Edge[] = [];
    if (!byPath.size) {
      return edges;
    }
    for (const reader of steps) {
      const { info } = reader;
      const carried = new Map<string, Set<string>>();
      for (const read of reader.reads) {
        const reads = readMatcher(read.path);
        const matches = (w: Access) => reads(w.path);
        const writers = isPattern(read.path)
          ? steps.filter(s => s !== reader && s.writes.some(matches))
          : (byPath.get(read.path) ?? []).filter(s => s !== reader);
        if (!writers.length) {
          continue; // a file that is there before the run
        }
        const ancestors = ancestorsOf();
        const upstream = ancestors.get(info.name) ?? new Set<string>();
        const above = writers.filter(w => upstream.has(w.info.name));
        if (above.length) {
          // The closest: a writer no other upstream writer runs after.
          const closest = above.filter(
            w => !above.some(o => o !== w && ancestors.get(o.info.name)?.has(w.info.name))
          );
          for (const w of closest) {
            const paths = carried.get(w.info.name) ?? new Set<string>();
            paths.add(read.path);
            carried.set(w.info.name, paths);
          }
          continue;
        }
        notUpstream(reader, read, writers, matches, ancestors, cellAt, diagnostics);
      }
      for (const [from, paths] of carried) {
        edges.push({ from, to: info.name, passes: [], kind: 'file', files: [...paths].sort() });
      }
    }
    return edges;
  }

  /** A file read here that a step not upstream writes before the reading cell: suggest prev:. */
  export function notUpstream(
    reader: StepAccesses,
    read: Access,
    writers: StepAccesses[],
    matches: (w: Access) => boolean,
    ancestors: Map<string, Set<string>>,
    cellAt: CellSource,
    diagnostics: Diagnostics
  ): void {
    const { info } = reader;
    let before: { writer: StepAccesses; cellIndex: number } | null = null;
    for (const writer of writers) {
      const write = writer.writes.find(matches)!;
      if (write.cellIndex < read.cellIndex && (!before || write.cellIndex > before.cellIndex)) {
        before = { writer, cellIndex: write.cellIndex };
      }
    }
    if (!before) {
      return; // written later or never: a file that is there before the run
    }
    const producer = before.writer.info.name;
    const reads = `step "${info.name}" reads file "${read.path}"`;
    const from = `step "${producer}" (${cellLabel(before.cellIndex)})`;
    if (ancestors.get(producer)?.has(info.name)) {
      diagnostics.add(
        'file-not-upstream',
        'warning',
        `${reads}, which ${from} writes before it, but "${producer}" runs after "${info.name}" ` +
          `(its prev: tags lead back to "${info.name}"): the pipeline reads the file as it was before the run`,
        place(read, cellAt),
        { step: info.name, file: read.path }
      );
      return;
    }
    const fix = addDependencyFix(info, producer);
    diagnostics.add(
      'file-not-upstream',
      'warning',
      `${reads}, which ${from} writes before it, but "${producer}" is not upstream of "${info.name}": ` +
        `in the pipeline the file may not be written yet` +
        (fix ? `; add prev:${producer}` : ''),
      place(read, cellAt),
      { step: info.name, file: read.path, fix }
    );
  }

  /** A file two steps write, neither upstream of the other: which content wins depends on timing. */
  export function races(
    byPath: Map<string, StepAccesses[]>,
    ancestorsOf: () => Map<string, Set<string>>,
    cellAt: CellSource,
    diagnostics: Diagnostics
  ): void {
    const related = (a: string, b: string) => {
      const ancestors = ancestorsOf();
      return !!ancestors.get(a)?.has(b) || !!ancestors.get(b)?.has(a);
    };
    for (const [path, writers] of byPath) {
      writers.forEach((later, j) => {
        const earlier = writers.slice(0, j).find(s => !related(s.info.name, later.info.name));
        if (!earlier) {
          return;
        }
        const write = later.writes.find(w => w.path === path)!;
        diagnostics.add(
          'parallel-file-writers',
          'warning',
          `steps "${earlier.info.name}" and "${later.info.name}" both write file "${write.path}" and neither ` +
            'runs after the other: which content the file ends with depends on timing; make one depend on the other',
          place(write, cellAt),
          { step: later.info.name, file: write.path }
        );
      });
    }
  }
}
