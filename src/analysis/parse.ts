/**
 * Stage 1: Python source → a plain syntax tree. tree-sitter parses (incrementally when the previous
 * text of the cell is known); the tree is copied once into small JS objects so later stages never
 * cross into wasm.
 */
import type { Language, Parser as TSParser, Tree } from 'web-tree-sitter';
import type { Binding, SyntaxNode, WasmHandle } from './syntax';
import { copyFromMemory, languageLayout } from './tree-memory';
import type { AnalyzerInit } from './types';

export interface Grammar {
  parser: TSParser;
  language: Language;
  /** The emscripten module's own exports, when reachable: the tree copy calls them directly. */
  binding?: Binding;
}

const BINDING_FUNCTIONS: Array<keyof Binding> = [
  '_ts_tree_root_node_wasm',
  '_ts_node_has_error_wasm',
  '_ts_tree_cursor_new_wasm',
  '_ts_tree_cursor_delete_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm'
];

/** Emscripten fills the options object given to `Parser.init` with the module's exports. */
function bindingOf(module: Record<string, unknown>): Binding | undefined {
  return BINDING_FUNCTIONS.every(name => typeof module[name] === 'function') &&
    module.HEAPU32 instanceof Uint32Array
    ? (module as unknown as Binding)
    : undefined;
}

type WebTreeSitter = typeof import('web-tree-sitter');

function loadModule(): WebTreeSitter {
  // The CJS build in node and jest; webpack resolves the ESM build for the browser.
  return require('web-tree-sitter') as WebTreeSitter;
}

function isNode(): boolean {
  return (
    typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined'
  );
}

/** Node only: the bytes of a file, or of the package file when no location is given. */
function readBytes(location: string | undefined, packageFile: string): Uint8Array {
  // Through createRequire: bundlers leave a runtime-made require alone (no warnings, no copies).
  const { createRequire } = require('module') as typeof import('module');
  const fs = require('fs') as typeof import('fs');
  return new Uint8Array(
    fs.readFileSync(location ?? createRequire(__filename).resolve(packageFile))
  );
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function bytesOf(
  given: string | Uint8Array | undefined,
  packageFile: string
): Promise<Uint8Array> {
  if (given instanceof Uint8Array) {
    return given;
  }
  if (isNode() && !(given && /^(https?|blob|data):/.test(given))) {
    return readBytes(given, packageFile);
  }
  if (!given) {
    throw new Error(`the analyzer needs the location of ${packageFile} in the browser`);
  }
  return fetchBytes(given);
}

let shared: Promise<Grammar> | null = null;
/** The binding of this realm's tree-sitter module, once loaded (see `Binding`). */
let binding: Binding | undefined;
/** Whether trees are read straight from wasm memory (see tree-memory.ts). */
let memoryCopy = false;

/** Code with the shapes the analysis reads, and syntax errors, for the start-up self-check. */
const SELF_CHECK = [
  'import a.b as c, d\nfrom .e import (f as g, h)\n@dec(x=1)\nclass C(B, metaclass=M):',
  "    '''doc'''\n    x: int = 1\n    def m(self, /, a, b=2, *c, d: 't' = 3, **e) -> None:",
  '        global g; nonlocal_ = [y for y in c if y]; del self.k[0], z',
  '        return lambda q, *r: (yield q) or f"{a!r:>{b}}"',
  'for i, (j, *k) in enumerate(x): print(i, end="")',
  'match p:\n    case Point(x=0, y=yy) | [1, *rest] if yy: pass\n    case {"k": v, **kw}: pass',
  'with open(p) as f, lock:\n    try: w := 1\n    except* E as e: raise',
  'type T[K] = dict[K, int]\nprint "py2"\nx = (1,\ndef f(:\n  return ]\ns = "open'
].join('\n');

/** Whether the memory walk copies a sample exactly as the binding's cursor does. */
function memoryCopyWorks(b: Binding, parser: TSParser, language: Language): boolean {
  try {
    const layout = languageLayout(b, language);
    const tree = layout && parser.parse(SELF_CHECK);
    if (!layout || !tree) {
      return false;
    }
    const table = typeTable(language);
    const same =
      JSON.stringify(copyFromMemory(b, layout, table, tree, NO_CHILDREN, addChild)) ===
      JSON.stringify(copyThroughBinding(b, tree, SELF_CHECK));
    tree.delete();
    return same;
  } catch {
    return false;
  }
}

/** Load tree-sitter and the Python grammar once per realm (worker or node process). */
export function loadGrammar(init: AnalyzerInit = {}): Promise<Grammar> {
  if (!shared) {
    shared = (async () => {
      const { Parser, Language } = loadModule();
      const runtime = await bytesOf(init.treeSitterWasm, 'web-tree-sitter/tree-sitter.wasm');
      // Emscripten's module options: init fills in the rest (the exports bindingOf reads).
      const module: Record<string, unknown> = { wasmBinary: runtime };
      await Parser.init(module as Parameters<typeof Parser.init>[0]);
      const language = await Language.load(
        await bytesOf(init.pythonWasm, 'tree-sitter-python/tree-sitter-python.wasm')
      );
      const parser = new Parser();
      parser.setLanguage(language);
      binding = bindingOf(module);
      memoryCopy = !!binding && memoryCopyWorks(binding, parser, language);
      return { parser, language, binding };
    })();
    shared.catch(() => {
      shared = null;
    });
  }
  return shared;
}

/** The smallest edit that turns `before` into `after`: common prefix and suffix kept. */
export function textEdit(
  before: string,
  after: string
): { start: number; oldEnd: number; newEnd: number } {
  let start = 0;
  const min = Math.min(before.length, after.length);
  while (start < min && before.charCodeAt(start) === after.charCodeAt(start)) {
    start++;
  }
  let tail = 0;
  while (
    tail < min - start &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  ) {
    tail++;
  }
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  // web-tree-sitter speaks UTF-16 code units to JS (it converts to bytes inside).
  return { row, column: index - lineStart };
}

/** Parse `code`; with the previous tree and text, reuse it through an incremental edit. */
export function parseCode(
  grammar: Grammar,
  code: string,
  previous?: { tree: Tree; code: string }
): Tree {
  let old: Tree | null = null;
  if (previous) {
    const { start, oldEnd, newEnd } = textEdit(previous.code, code);
    old = previous.tree;
    old.edit({
      startIndex: start,
      oldEndIndex: oldEnd,
      newEndIndex: newEnd,
      startPosition: pointAt(previous.code, start),
      oldEndPosition: pointAt(previous.code, oldEnd),
      newEndPosition: pointAt(code, newEnd)
    });
  }
  const tree = grammar.parser.parse(code, old);
  if (!tree) {
    throw new Error('tree-sitter returned no tree');
  }
  return tree;
}

interface TypeTable {
  names: string[];
  /** Named node types the analysis reads; the rest are copied as little as tokens are. */
  kept: boolean[];
  /** Parent types whose children's field names the analysis never asks for. */
  noFields: boolean[];
  identifier: boolean[];
  fields: Array<string | null>;
}

/** Parents whose children are read by position or type only: their fields are not copied. */
const FIELDLESS_PARENTS = new Set([
  'module',
  'block',
  'expression_statement',
  'argument_list',
  'expression_list',
  'list',
  'tuple',
  'set',
  'dictionary',
  'parenthesized_expression',
  'binary_operator',
  'boolean_operator',
  'comparison_operator',
  'not_operator',
  'conditional_expression',
  'return_statement',
  'if_statement',
  'elif_clause',
  'else_clause',
  'while_statement',
  'string',
  'interpolation',
  'pattern_list',
  'tuple_pattern',
  'list_splat',
  'dictionary_splat',
  'await'
]);

/** The end of an identifier starting at `start` (one wasm read saved per identifier). */
const IDENTIFIER_TAIL = /[\p{ID_Continue}\u00B7\u0387\u1369-\u1371\u19DA]*/uy;

/** Named nodes nothing downstream looks at: the insides of strings, comments. */
const SKIPPED = new Set([
  'string_start',
  'string_content',
  'string_end',
  'escape_sequence',
  'escape_interpolation',
  'comment',
  'line_continuation',
  'type_conversion'
]);

const TABLES = new WeakMap<Language, TypeTable>();

/** Type names, named-ness and field names by id, read from the grammar once. */
function typeTable(language: Language): TypeTable {
  let table = TABLES.get(language);
  if (!table) {
    const names: string[] = [];
    const kept: boolean[] = [];
    const noFields: boolean[] = [];
    const identifier: boolean[] = [];
    for (let id = 0; id < language.nodeTypeCount; id++) {
      const name = language.types[id] ?? 'ERROR';
      const named = language.nodeTypeIsNamed(id);
      names.push(name);
      kept.push(named && !SKIPPED.has(name));
      noFields.push(named && FIELDLESS_PARENTS.has(name));
      identifier.push(named && name === 'identifier');
    }
    table = { names, kept, noFields, identifier, fields: language.fields };
    TABLES.set(language, table);
  }
  return table;
}

/**
 * Copy the tree into plain objects with one cursor walk. Every cursor read is a call into wasm,
 * so tokens (punctuation, keywords, string pieces, comments) cost one read and are dropped; the
 * nodes the analysis reads cost two to four. Through the binding when this realm has it, else
 * through web-tree-sitter's TreeCursor (same tree, several times slower).
 */
export function toSyntax(tree: Tree, code: string): SyntaxNode {
  if (binding && memoryCopy) {
    const layout = languageLayout(binding, tree.language);
    if (layout) {
      return copyFromMemory(binding, layout, typeTable(tree.language), tree, NO_CHILDREN, addChild);
    }
  }
  return binding ? copyThroughBinding(binding, tree, code) : copyThroughCursor(tree, code);
}

/** Whether `toSyntax` reads trees straight from wasm memory (it checked it can). */
export function copiesFromMemory(): boolean {
  return memoryCopy;
}

/** Leaves share one empty array; a node gets its own array with its first child. */
const NO_CHILDREN: SyntaxNode[] = [];

function addChild(parent: SyntaxNode, child: SyntaxNode): void {
  if (parent.children === NO_CHILDREN) {
    parent.children = [child];
  } else {
    parent.children.push(child);
  }
}

/** The copy with the binding's cursor functions, the cursor left in wasm memory throughout. */
export function copyThroughBinding(b: Binding, tree: Tree, code: string): SyntaxNode {
  const table = typeTable(tree.language);
  const { names, kept, noFields, identifier, fields } = table;
  const known = kept.length;
  const id = (tree as unknown as WasmHandle)[0];
  b._ts_tree_root_node_wasm(id);
  const hasError = b._ts_node_has_error_wasm(id) === 1;
  b._ts_tree_cursor_new_wasm(id);
  const rootType = b._ts_tree_cursor_current_node_type_id_wasm(id);
  const root: SyntaxNode = {
    type: names[rootType] ?? 'ERROR',
    field: null,
    start: b._ts_tree_cursor_start_index_wasm(id),
    end: b._ts_tree_cursor_end_index_wasm(id),
    missing: false,
    children: NO_CHILDREN
  };
  // The kept ancestors of the cursor (a token has none of its own: it is never descended into).
  const stack: SyntaxNode[] = [root];
  const parentTypes: number[] = [rootType];
  let depth = 0;
  if (!b._ts_tree_cursor_goto_first_child_wasm(id)) {
    b._ts_tree_cursor_delete_wasm(id);
    return root;
  }
  for (;;) {
    const typeId = b._ts_tree_cursor_current_node_type_id_wasm(id);
    const parent = stack[depth];
    let entered = false;
    if (typeId < known && !kept[typeId]) {
      // Tokens are leaves; a missing one (an unclosed bracket) is kept as a syntax error.
      if (hasError && b._ts_tree_cursor_current_node_is_missing_wasm(id)) {
        const at = b._ts_tree_cursor_start_index_wasm(id);
        addChild(parent, {
          type: names[typeId],
          field: null,
          start: at,
          end: at,
          missing: true,
          children: NO_CHILDREN
        });
      }
    } else {
      const start = b._ts_tree_cursor_start_index_wasm(id);
      let end: number;
      if (identifier[typeId] && !hasError) {
        IDENTIFIER_TAIL.lastIndex = start;
        IDENTIFIER_TAIL.test(code);
        end = IDENTIFIER_TAIL.lastIndex;
      } else {
        end = b._ts_tree_cursor_end_index_wasm(id);
      }
      const node: SyntaxNode = {
        type: names[typeId] ?? 'ERROR',
        field: noFields[parentTypes[depth]]
          ? null
          : (fields[b._ts_tree_cursor_current_field_id_wasm(id)] ?? null),
        start,
        end,
        missing:
          hasError && start === end && b._ts_tree_cursor_current_node_is_missing_wasm(id) === 1,
        children: NO_CHILDREN
      };
      addChild(parent, node);
      if (b._ts_tree_cursor_goto_first_child_wasm(id)) {
        depth++;
        stack[depth] = node;
        parentTypes[depth] = typeId;
        entered = true;
      }
    }
    if (entered) {
      continue;
    }
    while (!b._ts_tree_cursor_goto_next_sibling_wasm(id)) {
      if (depth === 0 || !b._ts_tree_cursor_goto_parent_wasm(id)) {
        b._ts_tree_cursor_delete_wasm(id);
        return root;
      }
      depth--;
    }
  }
}

/** The copy through web-tree-sitter's public TreeCursor (when the binding is out of reach). */
export function copyThroughCursor(tree: Tree, code: string): SyntaxNode {
  const table = typeTable(tree.language);
  const parentTypes: number[] = [];
  const hasError = tree.rootNode.hasError;
  const cursor = tree.walk();
  const root: SyntaxNode = {
    type: 'module',
    field: null,
    start: cursor.startIndex,
    end: cursor.endIndex,
    missing: false,
    children: []
  };
  const rootType = cursor.nodeTypeId;
  root.type = table.names[rootType] ?? 'ERROR';
  const stack: SyntaxNode[] = [root];
  parentTypes.push(rootType);
  let descend = true;
  for (;;) {
    if (!(descend && cursor.gotoFirstChild())) {
      let moved = false;
      while (!moved) {
        if (cursor.gotoNextSibling()) {
          stack.pop();
          parentTypes.pop();
          moved = true;
        } else if (cursor.gotoParent()) {
          stack.pop();
          parentTypes.pop();
        } else {
          cursor.delete();
          return root;
        }
      }
    }
    const typeId = cursor.nodeTypeId;
    const kept = typeId >= table.kept.length || table.kept[typeId];
    const parent = stack[stack.length - 1];
    if (!kept) {
      // Tokens are leaves; a missing one (an unclosed bracket) is kept as a syntax error.
      if (hasError && cursor.nodeIsMissing) {
        const at = cursor.startIndex;
        parent.children.push({
          type: table.names[typeId],
          field: null,
          start: at,
          end: at,
          missing: true,
          children: []
        });
      }
      stack.push(parent);
      parentTypes.push(-1);
      descend = false;
      continue;
    }
    const start = cursor.startIndex;
    let end: number;
    if (table.identifier[typeId] && !hasError) {
      IDENTIFIER_TAIL.lastIndex = start;
      IDENTIFIER_TAIL.test(code);
      end = IDENTIFIER_TAIL.lastIndex;
    } else {
      end = cursor.endIndex;
    }
    const parentType = parentTypes[parentTypes.length - 1];
    const node: SyntaxNode = {
      type: table.names[typeId] ?? 'ERROR',
      field:
        parentType >= 0 && table.noFields[parentType]
          ? null
          : (table.fields[cursor.currentFieldId] ?? null),
      start,
      end,
      missing: hasError && start === end && cursor.nodeIsMissing,
      children: []
    };
    parent.children.push(node);
    stack.push(node);
    parentTypes.push(typeId);
    descend = true;
  }
}
