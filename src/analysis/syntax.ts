/**
 * The plain syntax tree the later stages read, its offsets' lines, and the part of web-tree-sitter's
 * C binding the tree copies call (`parse.ts` through the cursor functions, `tree-memory.ts` beside
 * them).
 */

/** A syntax node: named nodes, plus anonymous tokens that carry a field (operators). */
export interface SyntaxNode {
  type: string;
  /** Field name in the parent (`left`, `right`, `name`, ...), or null. */
  field: string | null;
  /** Offsets in the cell's code, UTF-16 code units. */
  start: number;
  end: number;
  missing: boolean;
  children: SyntaxNode[];
}

/** Offset of each line's first character in `code`. */
export function lineStarts(code: string): number[] {
  const starts = [0];
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return starts;
}

/** The zero-based line `offset` is on, given the code's `lineStarts`. */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

/**
 * The functions of web-tree-sitter's C binding (its `tree-sitter.c`) the tree copy calls. Each
 * takes the tree's address and works on the cursor kept in the binding's transfer buffer, which
 * web-tree-sitter's TreeCursor class copies in and out around every call: called directly, the
 * cursor never leaves wasm memory and a step or a read is one call.
 */
export interface Binding {
  _ts_tree_root_node_wasm(tree: number): void;
  _ts_node_has_error_wasm(tree: number): number;
  _ts_tree_cursor_new_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  /** Views of the module's linear memory (emscripten replaces them when memory grows). */
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  HEAPU32: Uint32Array;
}

/**
 * web-tree-sitter's Tree and Language keep their wasm address at index 0 (not in its typings);
 * the binding's functions take that address.
 */
export interface WasmHandle {
  readonly 0: number;
}
