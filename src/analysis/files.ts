/**
 * Per-cell file facts: the calls that may read or write a file (`open`, `pd.read_csv`,
 * `df.to_csv`, `np.load`, `Path(p).read_text()`, `glob.glob`, ...), the module-level constants a
 * path may be built from, and the imports that say what `pd` or `load` is. Recorded as written,
 * in evaluation order: which call is a file access and what its path is depends on other cells
 * (imports live in the imports cell, `path = "data/"` in the parameters cell), so `file-flow.ts`
 * resolves them per step. Cached with the cell's other facts.
 */
import { BUILTINS } from './builtins';
import { readLiteral } from './literal';
import { lineAt, SyntaxNode } from './syntax';

/** An expression a path may be built from, as written. */
export type PathExpr =
  | { k: 'str'; v: string }
  | { k: 'int'; v: number }
  | { k: 'name'; name: string }
  /** `a + b` */
  | { k: 'concat'; parts: PathExpr[] }
  /** An f-string: its pieces in order. */
  | { k: 'fstring'; parts: PathExpr[] }
  /** `a / b` (pathlib). */
  | { k: 'div'; left: PathExpr; right: PathExpr }
  | { k: 'attr'; object: PathExpr; name: string }
  | { k: 'call'; func: PathExpr; args: PathExpr[] }
  /** Anything else: never a known path. */
  | { k: 'other' };

export interface Argument {
  expr: PathExpr;
  /** The source text, to name a path that cannot be resolved. */
  text: string;
}

/** A call that may touch a file: which function, its arguments and where it is. */
export interface FileCall {
  kind: 'call';
  func: PathExpr;
  /** Positional arguments (the first three). */
  args: Argument[];
  /** Keyword arguments that may name a path or a mode. */
  kwargs: Record<string, Argument>;
  /** Zero-based line in the cell. */
  line: number;
  start: number;
  end: number;
  /** In the body of this top-level def or class: runs when it is called (shared functions). */
  def?: string;
  /** A method call: its object's source text (`Path(p)` in `Path(p).read_text()`). */
  receiverText?: string;
}

export type FileEvent =
  | FileCall
  /** `name = value` (or `name += value`, recorded as a concatenation) at module level. */
  | { kind: 'assign'; name: string; expr: PathExpr }
  /** `import pandas as pd` → pd is `pandas`; `from numpy import load` → load is `numpy.load`. */
  | { kind: 'import'; name: string; qualified: string };

export interface CellFiles {
  /** Module-level events in evaluation order; calls in function bodies where the def is. */
  events: FileEvent[];
}

/** Last names of the callees worth recording (the rest of the table is in `file-flow.ts`). */
const CALLEE_NAMES = new Set([
  'open',
  'load',
  'loadtxt',
  'genfromtxt',
  'fromfile',
  'save',
  'savez',
  'savez_compressed',
  'savetxt',
  'dump',
  'glob',
  'iglob',
  'rglob',
  'read_text',
  'read_bytes',
  'write_text',
  'write_bytes'
]);

/** Keyword arguments that may carry a path or a mode (pandas, numpy, joblib, torch, open). */
const PATH_KEYWORDS = new Set([
  'file',
  'filename',
  'fname',
  'f',
  'path',
  'path_or_buf',
  'path_or_buffer',
  'filepath_or_buffer',
  'io',
  'excel_writer',
  'buf',
  'pathname',
  'mode'
]);

const MAX_ARGS = 3;

/** Whether a call to a function of this (last) name is worth recording. */
export function mayTouchFiles(name: string): boolean {
  return CALLEE_NAMES.has(name) || name.startsWith('read_') || name.startsWith('to_');
}

/** `lineStarts`: of `code` (`syntax.ts`), for each call's line. */
export function cellFiles(root: SyntaxNode, code: string, lineStarts: number[]): CellFiles {
  const events: FileEvent[] = [];
  new Private.Walker(code, lineStarts, events).statements(root.children, null);
  return { events };
}

namespace Private {
  /** The names a function binds for itself: a path built from one of them is not a constant. */
  export function localNames(node: SyntaxNode, code: string): Set<string> {
    const names = new Set<string>();
    const stack: Array<[SyntaxNode, string]> = node.children.map(c => [c, node.type]);
    while (stack.length) {
      const [n, parent] = stack.pop()!;
      if (
        n.type === 'function_definition' ||
        n.type === 'class_definition' ||
        n.type === 'lambda'
      ) {
        const name = field(n, 'name');
        if (name) {
          names.add(code.slice(name.start, name.end));
        }
        continue;
      }
      if (n.type === 'identifier' && bindsHere(n, parent)) {
        names.add(code.slice(n.start, n.end));
      }
      n.children.forEach(c => stack.push([c, n.type]));
    }
    return names;
  }

  const BINDING_PARENTS = new Set([
    'parameters',
    'typed_parameter',
    'list_splat_pattern',
    'dictionary_splat_pattern',
    'pattern_list',
    'tuple_pattern',
    'list_pattern',
    'as_pattern_target'
  ]);

  /** Roughly: an assignment or loop target, an `as` name, a parameter (over-approximated). */
  export function bindsHere(n: SyntaxNode, parent: string): boolean {
    return (
      n.field === 'left' || n.field === 'alias' || n.field === 'name' || BINDING_PARENTS.has(parent)
    );
  }

  export class Walker {
    constructor(
      private readonly code: string,
      private readonly lineStarts: number[],
      private readonly events: FileEvent[]
    ) {}

    /** The top-level def or class being walked: its calls run when it is called. */
    private topDef: string | null = null;

    private text(node: SyntaxNode): string {
      return this.code.slice(node.start, node.end);
    }

    /** `locals`: inside a function, the names it binds (null at module level). */
    statements(nodes: SyntaxNode[], locals: Set<string> | null): void {
      for (const node of nodes) {
        this.statement(node, locals);
      }
    }

    private statement(node: SyntaxNode, locals: Set<string> | null): void {
      switch (node.type) {
        case 'import_statement':
        case 'import_from_statement':
          if (!locals) {
            this.imports(node);
          }
          return;
        case 'function_definition':
        case 'class_definition': {
          const inner = new Set(locals ?? []);
          localNames(node, this.code).forEach(n => inner.add(n));
          const name = field(node, 'name');
          const outer = this.topDef;
          if (!locals && name) {
            this.topDef = this.text(name);
          }
          for (const child of node.children) {
            this.statement(child, child.field === 'body' ? inner : locals);
          }
          this.topDef = outer;
          return;
        }
        case 'expression_statement': {
          const only = node.children.length === 1 ? node.children[0] : null;
          if (!locals && only?.type === 'assignment') {
            const left = field(only, 'left');
            const right = field(only, 'right');
            this.calls(right, locals);
            if (left?.type === 'identifier' && right) {
              this.events.push({
                kind: 'assign',
                name: this.text(left),
                expr: this.expr(right, locals)
              });
            } else {
              this.calls(left, locals);
              if (left) {
                this.rebind(left);
              }
            }
            return;
          }
          if (!locals && only?.type === 'augmented_assignment') {
            const left = field(only, 'left');
            const right = field(only, 'right');
            this.calls(right, locals);
            const operator = left && right ? this.code.slice(left.end, right.start).trim() : '';
            if (left?.type === 'identifier' && right) {
              const name = this.text(left);
              const expr: PathExpr =
                operator === '+='
                  ? { k: 'concat', parts: [{ k: 'name', name }, this.expr(right, locals)] }
                  : operator === '/='
                    ? { k: 'div', left: { k: 'name', name }, right: this.expr(right, locals) }
                    : { k: 'other' };
              this.events.push({ kind: 'assign', name, expr });
            }
            return;
          }
          return this.calls(node, locals);
        }
        default:
          if (node.children.some(isStatementChild)) {
            // A compound statement: its header expressions, then its blocks, in order.
            if (!locals) {
              // `for p in ...:` and `with ... as p:` rebind p: no longer the constant it was.
              node.children.filter(c => c.field === 'left').forEach(c => this.rebind(c));
              if (node.type === 'with_statement') {
                this.rebindAll(node, 'as_pattern_target');
              }
            }
            for (const child of node.children) {
              if (child.type === 'block' || isStatementChild(child)) {
                this.statements(child.type === 'block' ? child.children : [child], locals);
              } else {
                this.calls(child, locals);
              }
            }
            return;
          }
          return this.calls(node, locals);
      }
    }

    /** Every name in a store target becomes unknown. */
    private rebind(target: SyntaxNode): void {
      if (target.type === 'identifier') {
        this.events.push({ kind: 'assign', name: this.text(target), expr: { k: 'other' } });
        return;
      }
      if (target.type !== 'attribute' && target.type !== 'subscript') {
        target.children.forEach(c => this.rebind(c));
      }
    }

    private rebindAll(node: SyntaxNode, type: string): void {
      for (const child of node.children) {
        if (child.type === type) {
          this.rebind(child);
        } else if (child.type !== 'block') {
          this.rebindAll(child, type);
        }
      }
    }

    private imports(node: SyntaxNode): void {
      const module = field(node, 'module_name');
      const from = module ? this.text(module) : null;
      for (const child of node.children) {
        if (child.field === 'module_name') {
          continue;
        }
        if (child.type === 'aliased_import') {
          const name = field(child, 'name');
          const alias = field(child, 'alias');
          if (name && alias) {
            const dotted = this.text(name);
            this.events.push({
              kind: 'import',
              name: this.text(alias),
              qualified: from ? `${from}.${dotted}` : dotted
            });
          }
        } else if (child.type === 'dotted_name' && child.children.length) {
          const first = this.text(child.children[0]);
          // `import os.path` binds `os`; `from os import path` binds `path` = os.path.
          this.events.push(
            from
              ? { kind: 'import', name: this.text(child), qualified: `${from}.${this.text(child)}` }
              : { kind: 'import', name: first, qualified: first }
          );
        }
      }
    }

    /** Every recordable call under `node`, innermost first (as Python evaluates arguments first). */
    private calls(node: SyntaxNode | null, locals: Set<string> | null): void {
      if (!node) {
        return;
      }
      if (node.type === 'function_definition' || node.type === 'class_definition') {
        return this.statement(node, locals);
      }
      if (node.type === 'lambda') {
        return;
      }
      for (const child of node.children) {
        this.calls(child, locals);
      }
      if (node.type === 'call') {
        this.call(node, locals);
      }
    }

    private call(node: SyntaxNode, locals: Set<string> | null): void {
      const callee = field(node, 'function');
      const last =
        callee?.type === 'identifier'
          ? this.text(callee)
          : callee?.type === 'attribute'
            ? this.text(field(callee, 'attribute') ?? callee)
            : '';
      // An identifier may be a renamed import (`from numpy import load as L`): resolved later.
      if (!callee || (!mayTouchFiles(last) && callee.type !== 'identifier')) {
        return;
      }
      const list = field(node, 'arguments');
      const args: Argument[] = [];
      const kwargs: Record<string, Argument> = {};
      for (const arg of list?.children ?? []) {
        if (arg.type === 'keyword_argument') {
          const name = field(arg, 'name');
          const value = field(arg, 'value');
          const key = name ? this.text(name) : '';
          if (value && PATH_KEYWORDS.has(key)) {
            kwargs[key] = { expr: this.expr(value, locals), text: this.text(value) };
          }
        } else if (arg.type === 'comment') {
          continue;
        } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') {
          break;
        } else if (args.length < MAX_ARGS) {
          args.push({ expr: this.expr(arg, locals), text: this.text(arg) });
        }
      }
      // `Path(p).read_text()`: the object is the path, named as written when it is not known.
      const receiver = callee.type === 'attribute' ? field(callee, 'object') : null;
      if (
        callee.type === 'identifier' &&
        !mayTouchFiles(last) &&
        (!args.length || BUILTINS.has(last))
      ) {
        return;
      }
      this.events.push({
        kind: 'call',
        func: this.expr(callee, locals),
        args,
        kwargs,
        line: lineAt(this.lineStarts, node.start),
        start: node.start,
        end: node.end,
        ...(this.topDef ? { def: this.topDef } : {}),
        ...(receiver ? { receiverText: this.text(receiver) } : {})
      });
    }

    expr(node: SyntaxNode, locals: Set<string> | null): PathExpr {
      switch (node.type) {
        case 'identifier': {
          const name = this.text(node);
          return locals?.has(name) ? { k: 'other' } : { k: 'name', name };
        }
        case 'integer': {
          const value = readLiteral(node, this.code)?.value;
          return typeof value === 'number' ? { k: 'int', v: value } : { k: 'other' };
        }
        case 'string':
        case 'concatenated_string':
          return this.string(node, locals);
        case 'parenthesized_expression':
          return node.children.length === 1 ? this.expr(node.children[0], locals) : { k: 'other' };
        case 'binary_operator': {
          // The tree copy may keep no field names here: the operands are the first and last child.
          const left = field(node, 'left') ?? node.children[0];
          const right = field(node, 'right') ?? node.children[node.children.length - 1];
          if (!left || !right) {
            return { k: 'other' };
          }
          const operator = this.code.slice(left.end, right.start).trim();
          if (operator === '+') {
            return { k: 'concat', parts: [this.expr(left, locals), this.expr(right, locals)] };
          }
          if (operator === '/') {
            return { k: 'div', left: this.expr(left, locals), right: this.expr(right, locals) };
          }
          return { k: 'other' };
        }
        case 'attribute': {
          const object = field(node, 'object');
          const name = field(node, 'attribute');
          return object && name
            ? { k: 'attr', object: this.expr(object, locals), name: this.text(name) }
            : { k: 'other' };
        }
        case 'call': {
          const func = field(node, 'function');
          const list = field(node, 'arguments');
          if (!func || list?.type !== 'argument_list') {
            return { k: 'other' };
          }
          const args: PathExpr[] = [];
          for (const arg of list.children) {
            if (arg.type === 'comment') {
              continue;
            }
            // Keyword or splat arguments: not a call folded into a path.
            if (arg.type === 'keyword_argument' || arg.type.endsWith('splat')) {
              return { k: 'other' };
            }
            args.push(this.expr(arg, locals));
          }
          return { k: 'call', func: this.expr(func, locals), args };
        }
        default:
          return { k: 'other' };
      }
    }

    /** A string literal, or an f-string whose pieces are literals and plain expressions. */
    private string(node: SyntaxNode, locals: Set<string> | null): PathExpr {
      if (node.type === 'concatenated_string') {
        const parts = node.children.map(part => this.string(part, locals));
        return parts.every(p => p.k === 'str')
          ? { k: 'str', v: parts.map(p => (p as { v: string }).v).join('') }
          : { k: 'fstring', parts };
      }
      const literal = readLiteral(node, this.code);
      if (literal && typeof literal.value === 'string') {
        return { k: 'str', v: literal.value };
      }
      const text = this.text(node);
      const prefix = /^[A-Za-z]*/.exec(text)![0].toLowerCase();
      if (!prefix.includes('f') || prefix.includes('b')) {
        return { k: 'other' };
      }
      const quote = /^("""|'''|"|')/.exec(text.slice(prefix.length));
      if (!quote) {
        return { k: 'other' };
      }
      const bodyStart = node.start + prefix.length + quote[0].length;
      const bodyEnd = node.end - quote[0].length;
      const parts: PathExpr[] = [];
      let at = bodyStart;
      const piece = (from: number, to: number): boolean => {
        const raw = this.code.slice(from, to);
        // Escapes in a path piece are rare: left unresolved rather than decoded here.
        if (raw.includes('\\') && !prefix.includes('r')) {
          return false;
        }
        if (raw) {
          parts.push({ k: 'str', v: raw.replace(/\{\{/g, '{').replace(/\}\}/g, '}') });
        }
        return true;
      };
      for (const child of node.children) {
        if (child.type !== 'interpolation') {
          continue;
        }
        if (!piece(at, child.start)) {
          return { k: 'other' };
        }
        const inner = child.children.filter(c => c.type !== 'comment');
        // `{x!r}`, `{x:>3}`, `{x=}`: formatted otherwise than str(x).
        const plain = inner.length === 1 && /^\{\s*[^!:=]*\s*\}$/.test(this.text(child));
        parts.push(plain ? this.expr(inner[0], locals) : { k: 'other' });
        at = child.end;
      }
      if (!piece(at, bodyEnd)) {
        return { k: 'other' };
      }
      return { k: 'fstring', parts };
    }
  }

  export function isStatementChild(node: SyntaxNode): boolean {
    return (
      node.type === 'block' ||
      node.type.endsWith('_clause') ||
      node.type === 'with_statement' ||
      node.type.endsWith('_statement') ||
      node.type === 'function_definition' ||
      node.type === 'class_definition' ||
      node.type === 'decorated_definition'
    );
  }
}

function field(node: SyntaxNode, name: string): SyntaxNode | null {
  for (const child of node.children) {
    if (child.field === name) {
      return child;
    }
  }
  return null;
}
