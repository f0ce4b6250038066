/**
 * Stage 2: one cell's syntax tree → its facts: which module-level names it binds, reads and mutates.
 * Follows CPython's symtable: bind every scope first, resolve reads afterwards (a function body sees
 * module names bound after it; class scopes are invisible to nested functions; comprehension targets
 * are local; walrus binds in the enclosing non-comprehension scope; `global`/`nonlocal`).
 */
import { MUTATING_METHODS, unserializableCall } from './policy';
import { LITERAL_TYPES } from './literal';
import type { SyntaxNode } from './syntax';

/** A name at a place in the cell; `order` is evaluation order among module-level events. */
export interface NameAt {
  name: string;
  order: number;
  start: number;
  end: number;
}

export interface TopStatement {
  /** `name = value` at the top of the cell (parameters), or anything else. */
  kind: 'assign' | 'other';
  name?: string;
  /** The assigned value; with its children only when its type may be a literal (LITERAL_TYPES). */
  value?: SyntaxNode;
  start: number;
  end: number;
}

export interface CellFacts {
  /** Module-level bindings, first occurrence per name. */
  defs: Map<string, NameAt>;
  /** Module names bound by functions through `global` (bound when the function runs). */
  globalWrites: Map<string, NameAt>;
  /** Names only annotated at module level (`x: int`), which binds nothing at run time. */
  declared: Map<string, NameAt>;
  /** Module names read while the cell runs (module level, class bodies, comprehensions). */
  reads: Map<string, NameAt>;
  /** Module names read inside function and lambda bodies (when they are called). */
  lateReads: Map<string, NameAt>;
  /** For each top-level `def`/`class`: the module names its body reads. */
  defReads: Map<string, Set<string>>;
  /** Module names mutated while the cell runs (attribute/subscript store, `+=`, mutating calls). */
  mutations: Map<string, NameAt>;
  /** Module names mutated inside function bodies. */
  lateMutations: Map<string, NameAt>;
  starImports: Array<{ module: string; start: number; end: number }>;
  /** Module names whose last binding is an import (modules travel as code, never as data). */
  imports: Set<string>;
  /** Module names whose last binding is `del`: gone when the cell ends. */
  deleted: Set<string>;
  /** `del x` at module level needs x bound: a read for data passing (symtable counts no use). */
  deleteReads: Map<string, NameAt>;
  /** `b = a` at the top of the cell. */
  aliases: Array<{ name: string; of: string; start: number; end: number }>;
  /** Top-level names bound to values that rarely serialize (files, sockets, locks, generators). */
  unserializable: Map<string, { what: string; start: number; end: number }>;
  statements: TopStatement[];
  /** Top-level expression statements that are one bare name (the metrics cell's form). */
  bareNames: NameAt[];
  /** Syntax errors: ERROR and MISSING nodes, first ones only. */
  errors: Array<{ start: number; end: number; missing: boolean }>;
}

type ScopeKind = 'module' | 'function' | 'class' | 'comprehension';

interface Ref {
  name: string;
  order: number;
  start: number;
  end: number;
}

class Scope {
  readonly bound = new Set<string>();
  readonly globals = new Set<string>();
  readonly nonlocals = new Set<string>();
  readonly reads: Ref[] = [];
  readonly binds: Ref[] = [];
  readonly mutations: Ref[] = [];
  /** Inside a function or lambda body: runs later, not when the cell runs. */
  readonly deferred: boolean;
  constructor(
    readonly kind: ScopeKind,
    readonly parent: Scope | null,
    /** The top-level def/class this scope is nested in. */
    readonly topDef: string | null
  ) {
    this.deferred = kind === 'function' || !!parent?.deferred;
  }
}

const MAX_ERRORS = 20;

/**
 * Bind one cell. `code` is the masked source the tree was parsed from; `hasError` false (the
 * tree-sitter root says so) spares the search for ERROR and MISSING nodes.
 */
export function cellFacts(root: SyntaxNode, code: string, hasError = true): CellFacts {
  return new Binder(code, hasError).run(root);
}

class Binder {
  private order = 0;
  private readonly scopes: Scope[] = [];
  private readonly facts: CellFacts = {
    defs: new Map(),
    globalWrites: new Map(),
    declared: new Map(),
    reads: new Map(),
    lateReads: new Map(),
    defReads: new Map(),
    mutations: new Map(),
    lateMutations: new Map(),
    starImports: [],
    imports: new Set(),
    deleted: new Set(),
    deleteReads: new Map(),
    aliases: [],
    unserializable: new Map(),
    statements: [],
    bareNames: [],
    errors: []
  };

  /** `from __future__ import annotations`: annotations stay strings, never evaluated. */
  private lazyAnnotations = false;

  /** No character past ASCII: names need no NFKC normalisation. */
  private readonly ascii: boolean;

  constructor(
    private readonly code: string,
    private readonly hasError: boolean
  ) {
    // eslint-disable-next-line no-control-regex
    this.ascii = !/[^\x00-\x7f]/.test(code);
  }

  run(root: SyntaxNode): CellFacts {
    const module = this.newScope('module', null, null);
    this.lazyAnnotations = root.children.some(
      s => s.type === 'future_import_statement' && /\bannotations\b/.test(this.text(s))
    );
    for (const statement of root.children) {
      this.topStatement(statement, module);
    }
    if (this.hasError) {
      this.collectErrors(root);
    }
    this.resolve();
    return this.facts;
  }

  private text(node: SyntaxNode): string {
    return this.code.slice(node.start, node.end);
  }

  /** An identifier as Python sees it: non-ASCII names are NFKC-normalised (PEP 3131). */
  private name(node: SyntaxNode): string {
    const text = this.code.slice(node.start, node.end);
    // eslint-disable-next-line no-control-regex
    return this.ascii || /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKC');
  }

  private newScope(kind: ScopeKind, parent: Scope | null, topDef: string | null): Scope {
    const scope = new Scope(kind, parent, topDef);
    this.scopes.push(scope);
    return scope;
  }

  private ref(name: string, node: SyntaxNode): Ref {
    return { name, order: this.order++, start: node.start, end: node.end };
  }

  private read(node: SyntaxNode, scope: Scope, name = this.name(node)): void {
    scope.reads.push(this.ref(name, node));
    if (name === 'super' && (scope.kind === 'function' || scope.kind === 'comprehension')) {
      // CPython: `super` in a function implicitly reads the class cell `__class__`.
      scope.reads.push(this.ref('__class__', node));
    }
  }

  private bind(node: SyntaxNode, scope: Scope, name = this.name(node)): void {
    scope.bound.add(name);
    scope.binds.push(this.ref(name, node));
    if (scope.kind === 'module') {
      this.facts.imports.delete(name);
      this.facts.deleted.delete(name);
    }
  }

  private mutate(node: SyntaxNode, scope: Scope): void {
    const base = baseName(node);
    if (base) {
      scope.mutations.push(this.ref(this.name(base), base));
    }
  }

  // ---- statements at the top of the cell: also summarised for parameters, metrics, diagnostics

  private topStatement(node: SyntaxNode, module: Scope): void {
    if (node.type === 'comment') {
      return;
    }
    const summary: TopStatement = { kind: 'other', start: node.start, end: node.end };
    const only = node.type === 'expression_statement' && node.children.length === 1;
    const expression = only ? node.children[0] : null;
    if (expression?.type === 'assignment') {
      const left = field(expression, 'left');
      const right = field(expression, 'right');
      if (left?.type === 'identifier' && right) {
        const name = this.name(left);
        summary.kind = 'assign';
        summary.name = name;
        // Kept for parameters (literal.ts); a value that cannot be a literal keeps no subtree,
        // so the cached facts do not hold on to the cell's syntax tree.
        summary.value = LITERAL_TYPES.has(right.type)
          ? right
          : {
              type: right.type,
              field: right.field,
              start: right.start,
              end: right.end,
              missing: right.missing,
              children: []
            };
        if (right.type === 'identifier') {
          this.facts.aliases.push({ name, of: this.name(right), start: node.start, end: node.end });
        }
        const what = unserializable(right, n => this.text(n));
        if (what) {
          this.facts.unserializable.set(name, { what, start: node.start, end: node.end });
        }
      }
    } else if (expression?.type === 'identifier') {
      const ref = { name: this.name(expression), order: this.order, start: expression.start };
      this.facts.bareNames.push({ ...ref, end: expression.end });
    } else if (node.type === 'with_statement') {
      this.withUnserializable(node);
    }
    this.facts.statements.push(summary);
    this.statement(node, module);
  }

  /** `with open(p) as f:` leaves `f` bound to a closed file at the top of the cell. */
  private withUnserializable(node: SyntaxNode): void {
    for (const clause of node.children.filter(c => c.type === 'with_clause')) {
      for (const item of clause.children) {
        const value = field(item, 'value');
        const target = value?.type === 'as_pattern' ? field(value, 'alias')?.children[0] : null;
        const what = value && unserializable(value.children[0], n => this.text(n));
        if (target?.type === 'identifier' && what) {
          this.facts.unserializable.set(this.name(target), {
            what,
            start: item.start,
            end: item.end
          });
        }
      }
    }
  }

  private collectErrors(root: SyntaxNode): void {
    const stack = [root];
    while (stack.length && this.facts.errors.length < MAX_ERRORS) {
      const node = stack.pop()!;
      if (node.type === 'ERROR' || node.missing) {
        this.facts.errors.push({ start: node.start, end: node.end, missing: node.missing });
        continue;
      }
      for (let i = node.children.length - 1; i >= 0; i--) {
        stack.push(node.children[i]);
      }
    }
  }

  // ---- binding

  private statement(node: SyntaxNode, scope: Scope): void {
    switch (node.type) {
      case 'function_definition':
        return this.functionDef(node, scope, []);
      case 'class_definition':
        return this.classDef(node, scope, []);
      case 'decorated_definition': {
        const decorators = node.children.filter(c => c.type === 'decorator');
        const definition = field(node, 'definition');
        if (definition?.type === 'function_definition') {
          return this.functionDef(definition, scope, decorators);
        }
        if (definition?.type === 'class_definition') {
          return this.classDef(definition, scope, decorators);
        }
        return this.visitChildren(node, scope);
      }
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        return this.importStatement(node, scope);
      case 'global_statement':
      case 'nonlocal_statement':
        for (const child of node.children) {
          if (child.type === 'identifier') {
            const set = node.type === 'global_statement' ? scope.globals : scope.nonlocals;
            set.add(this.name(child));
          }
        }
        return;
      case 'for_statement':
        this.visit(field(node, 'right'), scope);
        this.target(field(node, 'left'), scope);
        for (const child of node.children) {
          if (child.field !== 'left' && child.field !== 'right') {
            this.visit(child, scope);
          }
        }
        return;
      case 'delete_statement':
        for (const child of node.children) {
          this.deleteTarget(child, scope);
        }
        return;
      case 'with_item': {
        const value = field(node, 'value');
        if (value?.type === 'as_pattern') {
          return this.asPattern(value, scope);
        }
        return this.visitChildren(node, scope);
      }
      case 'except_clause':
      case 'except_group_clause':
        for (const child of node.children) {
          if (child.type === 'as_pattern') {
            this.asPattern(child, scope);
          } else {
            this.visit(child, scope);
          }
        }
        return;
      case 'match_statement':
        return this.visitChildren(node, scope);
      case 'case_clause':
        for (const child of node.children) {
          if (child.type === 'case_pattern') {
            this.pattern(child, scope);
          } else {
            this.visit(child, scope);
          }
        }
        return;
      case 'type_alias_statement': {
        const left = field(node, 'left');
        const target = left?.children[0];
        if (target?.type !== 'identifier' && target?.type !== 'generic_type') {
          // tree-sitter reads `type(x).attr = v` as a type alias: it is a call of `type`.
          this.read(node, scope, 'type');
          return this.visitChildren(node, scope);
        }
        const name = findFirst(target, 'identifier');
        this.visit(field(node, 'right'), scope);
        if (name) {
          this.bind(name, scope);
        }
        return;
      }
      case 'print_statement':
      case 'exec_statement':
        this.read(node, scope, node.type === 'print_statement' ? 'print' : 'exec');
        return this.visitChildren(node, scope);
      default:
        return this.expression(node, scope);
    }
  }

  private visit(node: SyntaxNode | null | undefined, scope: Scope): void {
    if (node) {
      this.statement(node, scope);
    }
  }

  private visitChildren(node: SyntaxNode, scope: Scope): void {
    for (const child of node.children) {
      this.statement(child, scope);
    }
  }

  private expression(node: SyntaxNode, scope: Scope): void {
    switch (node.type) {
      case 'identifier':
        return this.read(node, scope);
      case 'dotted_name':
        // `a.b.c` outside imports (a match value pattern): reads a.
        return node.children.length ? this.read(node.children[0], scope) : undefined;
      case 'attribute':
        return this.visit(field(node, 'object'), scope);
      case 'keyword_argument':
        return this.visit(field(node, 'value'), scope);
      case 'call':
        this.mutatingCall(node, scope);
        return this.visitChildren(node, scope);
      case 'assignment':
        return this.assignment(node, scope);
      case 'augmented_assignment': {
        this.visit(field(node, 'right'), scope);
        const left = field(node, 'left');
        if (left?.type === 'identifier') {
          // `x += 1` reads x, then rebinds it; on a shared object it is an in-place change.
          this.read(left, scope);
          this.mutate(left, scope);
          this.bind(left, scope);
        } else {
          this.target(left, scope);
        }
        return;
      }
      case 'named_expression': {
        this.visit(field(node, 'value'), scope);
        const name = field(node, 'name');
        let owner = scope;
        while (owner.kind === 'comprehension' && owner.parent) {
          owner = owner.parent;
        }
        if (name) {
          this.bind(name, owner);
        }
        return;
      }
      case 'lambda':
        return this.lambda(node, scope);
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression':
        return this.comprehension(node, scope);
      case 'comment':
      case 'string_start':
      case 'string_content':
      case 'string_end':
      case 'escape_sequence':
      case 'integer':
      case 'float':
      case 'true':
      case 'false':
      case 'none':
      case 'ellipsis':
        return;
      default:
        return this.visitChildren(node, scope);
    }
  }

  private mutatingCall(node: SyntaxNode, scope: Scope): void {
    const callee = field(node, 'function');
    if (callee?.type !== 'attribute') {
      return;
    }
    const method = field(callee, 'attribute');
    const receiver = field(callee, 'object');
    const args = field(node, 'arguments');
    const inplace = args?.children.some(
      arg =>
        arg.type === 'keyword_argument' &&
        this.text(field(arg, 'name') ?? arg) === 'inplace' &&
        field(arg, 'value')?.type === 'true'
    );
    if (receiver && method && (inplace || MUTATING_METHODS.has(this.text(method)))) {
      this.mutate(receiver, scope);
    }
  }

  private assignment(node: SyntaxNode, scope: Scope): void {
    const left = field(node, 'left');
    const right = field(node, 'right');
    this.visit(right, scope);
    this.annotation(field(node, 'type'), scope);
    if (right) {
      this.target(left, scope);
    } else if (left?.type === 'identifier') {
      // `x: int` binds nothing at run time; CPython's symtable still lists x as local.
      if (scope.kind === 'module') {
        this.declare(left);
      } else {
        scope.bound.add(this.name(left));
      }
    } else if (left) {
      this.expression(left, scope);
    }
  }

  private annotation(node: SyntaxNode | null, scope: Scope): void {
    if (!this.lazyAnnotations) {
      this.visit(node, scope);
    }
  }

  private declare(node: SyntaxNode): void {
    const name = this.name(node);
    if (!this.facts.declared.has(name)) {
      this.facts.declared.set(name, this.ref(name, node));
    }
  }

  /** A store target: names bind; attribute and subscript stores read their base and mutate it. */
  private target(node: SyntaxNode | null | undefined, scope: Scope): void {
    if (!node) {
      return;
    }
    switch (node.type) {
      case 'identifier':
        return this.bind(node, scope);
      case 'attribute':
        this.visit(field(node, 'object'), scope);
        return this.mutate(node, scope);
      case 'subscript':
        this.visitChildren(node, scope);
        return this.mutate(node, scope);
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'expression_list':
      case 'parenthesized_expression':
      case 'list_splat_pattern':
      case 'list_splat':
      case 'as_pattern_target':
        for (const child of node.children) {
          this.target(child, scope);
        }
        return;
      case 'comment':
        return;
      default:
        return this.visit(node, scope);
    }
  }

  private deleteTarget(node: SyntaxNode, scope: Scope): void {
    switch (node.type) {
      case 'identifier': {
        const name = this.name(node);
        if (scope.kind === 'module' && !this.facts.deleteReads.has(name)) {
          this.facts.deleteReads.set(name, this.ref(name, node));
        }
        this.bind(node, scope, name);
        if (scope.kind === 'module') {
          this.facts.deleted.add(name);
        }
        return;
      }
      case 'expression_list':
      case 'tuple':
      case 'list':
      case 'parenthesized_expression':
        for (const child of node.children) {
          this.deleteTarget(child, scope);
        }
        return;
      default:
        // `del a.b`, `del a[k]`: reads a and changes it.
        this.visit(node, scope);
        if (node.type === 'attribute' || node.type === 'subscript') {
          this.mutate(node, scope);
        }
    }
  }

  private asPattern(node: SyntaxNode, scope: Scope): void {
    for (const child of node.children) {
      if (child.field === 'alias') {
        this.target(child, scope);
      } else {
        this.visit(child, scope);
      }
    }
  }

  /** A match-case pattern: capture names bind, dotted value patterns read. */
  private pattern(node: SyntaxNode, scope: Scope): void {
    switch (node.type) {
      case 'dotted_name': {
        const parts = node.children.filter(c => c.type === 'identifier');
        if (parts.length === 1 && this.text(parts[0]) !== '_') {
          this.bind(parts[0], scope);
        } else if (parts.length > 1) {
          this.read(parts[0], scope);
        }
        return;
      }
      case 'identifier':
        if (this.text(node) !== '_') {
          this.bind(node, scope);
        }
        return;
      case 'class_pattern':
        for (const child of node.children) {
          if (child.type === 'dotted_name') {
            this.read(child.children[0] ?? child, scope);
          } else {
            this.pattern(child, scope);
          }
        }
        return;
      case 'keyword_pattern':
        node.children.slice(1).forEach(child => this.pattern(child, scope));
        return;
      case 'dict_pattern':
        for (const child of node.children) {
          if (child.field === 'key') {
            this.visit(child, scope);
          } else {
            this.pattern(child, scope);
          }
        }
        return;
      case 'case_pattern':
      case 'as_pattern':
      case 'union_pattern':
      case 'list_pattern':
      case 'tuple_pattern':
      case 'splat_pattern':
        node.children.forEach(child => this.pattern(child, scope));
        return;
      default:
        return this.visit(node, scope);
    }
  }

  private bindImport(node: SyntaxNode, scope: Scope): void {
    this.bind(node, scope);
    if (scope.kind === 'module') {
      this.facts.imports.add(this.name(node));
    }
  }

  private importStatement(node: SyntaxNode, scope: Scope): void {
    for (const child of node.children) {
      if (child.field === 'module_name') {
        continue;
      }
      if (child.type === 'wildcard_import') {
        const module = field(node, 'module_name');
        this.facts.starImports.push({
          module: module ? this.text(module) : '',
          start: node.start,
          end: node.end
        });
      } else if (child.type === 'aliased_import') {
        const alias = field(child, 'alias');
        if (alias) {
          this.bindImport(alias, scope);
        }
      } else if (child.type === 'dotted_name' && child.children.length) {
        // `import a.b.c` binds a; `from m import x` binds x.
        this.bindImport(child.children[0], scope);
      }
    }
  }

  /** Defaults, annotations and decorators run in the enclosing scope; the body in its own. */
  private parameters(node: SyntaxNode | null, outer: Scope, inner: Scope): void {
    for (const param of node?.children ?? []) {
      switch (param.type) {
        case 'identifier':
          this.bind(param, inner);
          break;
        case 'default_parameter':
        case 'typed_parameter':
        case 'typed_default_parameter':
          for (const part of param.children) {
            if (part.type === 'identifier' && part.field !== 'value' && part.field !== 'type') {
              this.bind(part, inner);
            } else if (
              part.type === 'list_splat_pattern' ||
              part.type === 'dictionary_splat_pattern'
            ) {
              part.children.forEach(name => this.bind(name, inner));
            } else if (part.field === 'type') {
              this.annotation(part, outer);
            } else {
              this.visit(part, outer);
            }
          }
          break;
        case 'list_splat_pattern':
        case 'dictionary_splat_pattern':
        case 'tuple_pattern':
          this.target(param.type === 'tuple_pattern' ? param : param.children[0], inner);
          break;
        default:
          break;
      }
    }
  }

  private functionDef(node: SyntaxNode, scope: Scope, decorators: SyntaxNode[]): void {
    decorators.forEach(d => this.visit(d, scope));
    const name = field(node, 'name');
    const topDef = scope.kind === 'module' && name ? this.name(name) : scope.topDef;
    const inner = this.newScope('function', scope, topDef);
    this.parameters(field(node, 'parameters'), scope, inner);
    this.annotation(field(node, 'return_type'), scope);
    this.visit(field(node, 'body'), inner);
    if (name) {
      this.bind(name, scope);
    }
  }

  private classDef(node: SyntaxNode, scope: Scope, decorators: SyntaxNode[]): void {
    decorators.forEach(d => this.visit(d, scope));
    this.visit(field(node, 'superclasses'), scope);
    const name = field(node, 'name');
    const topDef = scope.kind === 'module' && name ? this.name(name) : scope.topDef;
    const inner = this.newScope('class', scope, topDef);
    this.visit(field(node, 'body'), inner);
    if (name) {
      this.bind(name, scope);
    }
  }

  private lambda(node: SyntaxNode, scope: Scope): void {
    const inner = this.newScope('function', scope, scope.topDef);
    this.parameters(field(node, 'parameters'), scope, inner);
    this.visit(field(node, 'body'), inner);
  }

  /** The first iterable runs in the enclosing scope; targets and the rest in the comprehension. */
  private comprehension(node: SyntaxNode, scope: Scope): void {
    const inner = this.newScope('comprehension', scope, scope.topDef);
    let first = true;
    for (const clause of node.children) {
      if (clause.type === 'for_in_clause') {
        for (const part of clause.children) {
          if (part.field === 'right') {
            this.visit(part, first ? scope : inner);
          }
        }
        first = false;
        clause.children.filter(p => p.field === 'left').forEach(p => this.target(p, inner));
      } else if (clause.type === 'if_clause') {
        this.visit(clause, inner);
      }
    }
    for (const part of node.children) {
      if (part.field === 'body') {
        this.visit(part, inner);
      }
    }
  }

  // ---- resolution, after every scope is bound

  /** Whether a name read in `scope` refers to the module's binding. */
  private isModuleName(scope: Scope, name: string): boolean {
    let current: Scope | null = scope;
    let first = true;
    while (current) {
      // Methods see their class as the implicit cell `__class__`, whatever the class declares.
      if (name === '__class__' && !first && current.kind === 'class') {
        return false;
      }
      if (current.globals.has(name)) {
        return true;
      }
      if (current.kind === 'module') {
        return true;
      }
      if (current.nonlocals.has(name)) {
        return false;
      }
      // A class body's names are visible in the class body only, not in nested scopes.
      if (current.bound.has(name) && (first || current.kind !== 'class')) {
        return false;
      }
      first = false;
      current = current.parent;
    }
    return true;
  }

  private resolve(): void {
    const { facts } = this;
    const add = (map: Map<string, NameAt>, ref: Ref) => {
      if (!map.has(ref.name)) {
        map.set(ref.name, ref);
      }
    };
    for (const scope of this.scopes) {
      const isModule = scope.kind === 'module';
      for (const ref of scope.binds) {
        if (isModule) {
          add(facts.defs, ref);
        } else if (scope.globals.has(ref.name)) {
          add(scope.deferred ? facts.globalWrites : facts.defs, ref);
        }
      }
      for (const ref of scope.reads) {
        const own = !isModule && scope.bound.has(ref.name) && !scope.globals.has(ref.name);
        if (isModule || (!own && this.isModuleName(scope, ref.name))) {
          add(scope.deferred ? facts.lateReads : facts.reads, ref);
          if (scope.topDef && scope.deferred) {
            let set = facts.defReads.get(scope.topDef);
            if (!set) {
              facts.defReads.set(scope.topDef, (set = new Set()));
            }
            set.add(ref.name);
          }
        }
      }
      for (const ref of scope.mutations) {
        const own = !isModule && scope.bound.has(ref.name) && !scope.globals.has(ref.name);
        if (isModule || (!own && this.isModuleName(scope, ref.name))) {
          add(scope.deferred ? facts.lateMutations : facts.mutations, ref);
        }
      }
    }
    for (const ref of facts.globalWrites.values()) {
      add(facts.lateMutations, ref);
    }
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

function findFirst(node: SyntaxNode, type: string): SyntaxNode | null {
  if (node.type === type) {
    return node;
  }
  for (const child of node.children) {
    const found = findFirst(child, type);
    if (found) {
      return found;
    }
  }
  return null;
}

/** The name at the bottom of `a.b[c].d`, or null. */
function baseName(node: SyntaxNode): SyntaxNode | null {
  let current: SyntaxNode | null = node;
  while (current) {
    if (current.type === 'identifier') {
      return current;
    }
    if (current.type === 'attribute') {
      current = field(current, 'object');
    } else if (current.type === 'subscript') {
      current = field(current, 'value');
    } else if (current.type === 'parenthesized_expression') {
      current = current.children[0] ?? null;
    } else {
      return null;
    }
  }
  return null;
}

function unserializable(
  value: SyntaxNode | undefined,
  text: (node: SyntaxNode) => string
): string | null {
  if (!value) {
    return null;
  }
  if (value.type === 'generator_expression') {
    return 'a generator';
  }
  if (value.type !== 'call') {
    return null;
  }
  const callee = field(value, 'function');
  const name =
    callee?.type === 'identifier'
      ? text(callee)
      : callee?.type === 'attribute'
        ? text(field(callee, 'attribute') ?? callee)
        : '';
  return unserializableCall(name);
}
