/**
 * The tree copy's fastest path: read tree-sitter's subtrees straight out of the wasm memory
 * instead of calling into wasm for every step and read of a cursor. It does in JS what
 * tree-sitter's tree cursor does in C (lib/tree_cursor.c of web-tree-sitter 0.25): hidden nodes
 * are walked through, aliases rename children, a field is found in the parent's field map or, for
 * a child of hidden nodes, in the first of their maps that names it.
 *
 * It depends on tree-sitter's in-memory layout (lib/subtree.h, lib/parser.h, 32-bit wasm), which
 * is not a public API: `parse.ts` uses it only after it copied a sample tree exactly as the
 * binding's cursor does (`toSyntax` falls back otherwise), and the tests compare both on every
 * file of the standard library.
 */
import type { Language, Tree } from 'web-tree-sitter';
import type { Binding, SyntaxNode, WasmHandle } from './syntax';

/** What the walk needs of the grammar's `TSLanguage` (addresses in wasm memory). */
export interface LanguageLayout {
  maxAliasSequenceLength: number;
  aliasSequences: number;
  fieldCount: number;
  fieldMapSlices: number;
  fieldMapEntries: number;
  publicSymbolMap: number;
}

/** Per type id: its name, whether the analysis keeps it, whether its children's fields matter. */
export interface CopyTable {
  names: string[];
  kept: boolean[];
  noFields: boolean[];
  fields: Array<string | null>;
}

// TSLanguage (lib/parser.h), 32-bit: byte offsets of the members read.
const LANGUAGE_ABI_VERSION = 0;
const LANGUAGE_FIELD_COUNT = 32;
const LANGUAGE_MAX_ALIAS_SEQUENCE_LENGTH = 36;
const LANGUAGE_FIELD_MAP_SLICES = 64;
const LANGUAGE_FIELD_MAP_ENTRIES = 68;
const LANGUAGE_PUBLIC_SYMBOL_MAP = 76;
const LANGUAGE_ALIAS_SEQUENCES = 84;

// SubtreeHeapData (lib/subtree.h): byte offsets.
const HEAP_PADDING_BYTES = 4;
const HEAP_SIZE_BYTES = 16;
const HEAP_CHILD_COUNT = 36;
const HEAP_SYMBOL = 40;
const HEAP_FLAGS = 44;
const HEAP_VISIBLE_CHILD_COUNT = 48;
const HEAP_PRODUCTION_ID = 66;
// Flag bits of SubtreeHeapData.
const HEAP_VISIBLE = 1;
const HEAP_EXTRA = 1 << 2;
const HEAP_MISSING = 1 << 9;
// SubtreeInlineData, little-endian: byte 0 bits, then symbol, then sizes at bytes 6 and 7.
const INLINE_BIT = 1;
const INLINE_VISIBLE = 1 << 1;
const INLINE_EXTRA = 1 << 3;
const INLINE_MISSING = 1 << 5;
const INLINE_SYMBOL = 1;
const INLINE_PADDING_BYTES = 6;
const INLINE_SIZE_BYTES = 7;
/** A Subtree (inline data or pointer) is 8 bytes; children precede their parent's heap data. */
const SUBTREE_SIZE = 8;
const SYMBOL_ERROR = 0xffff;

const LAYOUTS = new WeakMap<Language, LanguageLayout | null>();

/** The grammar's layout, or null when its ABI is not one this walk knows. */
export function languageLayout(b: Binding, language: Language): LanguageLayout | null {
  let layout = LAYOUTS.get(language);
  if (layout === undefined) {
    const at = (language as unknown as WasmHandle)[0];
    const u32 = b.HEAPU32;
    const word = (offset: number) => u32[(at + offset) >> 2];
    const abi = word(LANGUAGE_ABI_VERSION);
    layout =
      typeof at === 'number' && at > 0 && (abi === 14 || abi === 15)
        ? {
            maxAliasSequenceLength: b.HEAPU16[(at + LANGUAGE_MAX_ALIAS_SEQUENCE_LENGTH) >> 1],
            aliasSequences: word(LANGUAGE_ALIAS_SEQUENCES),
            fieldCount: word(LANGUAGE_FIELD_COUNT),
            fieldMapSlices: word(LANGUAGE_FIELD_MAP_SLICES),
            fieldMapEntries: word(LANGUAGE_FIELD_MAP_ENTRIES),
            publicSymbolMap: word(LANGUAGE_PUBLIC_SYMBOL_MAP)
          }
        : null;
    LAYOUTS.set(language, layout);
  }
  return layout;
}

// The walk's frames: one per subtree whose children are being visited (visible or hidden).
let framePtr = new Int32Array(64);
let frameCount = new Int32Array(64);
let frameIndex = new Int32Array(64);
let frameStructural = new Int32Array(64);
/** Before the first child: the subtree's start; after: the end of the last child visited. */
let framePos = new Int32Array(64);
let frameProduction = new Int32Array(64);
/** Field of the children that have none in this subtree's map (hidden subtrees only). */
let frameFallback = new Int32Array(64);
/** Type id of the closest visible ancestor (whose field-less-ness counts). */
let frameVisibleType = new Int32Array(64);
const frameNode: SyntaxNode[] = [];

function growFrames(): void {
  const grow = (a: Int32Array) => {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  };
  framePtr = grow(framePtr);
  frameCount = grow(frameCount);
  frameIndex = grow(frameIndex);
  frameStructural = grow(frameStructural);
  framePos = grow(framePos);
  frameProduction = grow(frameProduction);
  frameFallback = grow(frameFallback);
  frameVisibleType = grow(frameVisibleType);
}

/**
 * Copy `tree` from wasm memory. `noChildren` is the shared empty array of leaves; `addChild`
 * appends (giving a node its own array on the first child). Offsets: web-tree-sitter hands
 * tree-sitter UTF-16, so bytes / 2 are UTF-16 code units.
 */
export function copyFromMemory(
  b: Binding,
  layout: LanguageLayout,
  table: CopyTable,
  tree: Tree,
  noChildren: SyntaxNode[],
  addChild: (parent: SyntaxNode, child: SyntaxNode) => void
): SyntaxNode {
  const u8 = b.HEAPU8;
  const u16 = b.HEAPU16;
  const u32 = b.HEAPU32;
  const { names, kept, noFields, fields } = table;
  const known = kept.length;
  const { maxAliasSequenceLength, aliasSequences, fieldCount, fieldMapSlices, fieldMapEntries } =
    layout;
  const publicSymbols = layout.publicSymbolMap >> 1;

  /** The field of structural child `child` in production `production`'s map; 0 if none. */
  const fieldAt = (production: number, child: number): number => {
    if (fieldCount === 0) {
      return 0;
    }
    const slice = fieldMapSlices + 4 * production;
    const first = u16[slice >> 1];
    const count = u16[(slice + 2) >> 1];
    for (let e = fieldMapEntries + 4 * first, end = e + 4 * count; e < end; e += 4) {
      if (u8[e + 3] === 0 && u8[e + 2] === child) {
        return u16[e >> 1];
      }
    }
    return 0;
  };
  const publicSymbol = (symbol: number) =>
    symbol === SYMBOL_ERROR ? symbol : u16[publicSymbols + symbol];

  const treeAt = (tree as unknown as WasmHandle)[0];
  b._ts_tree_root_node_wasm(treeAt);
  const hasError = b._ts_node_has_error_wasm(treeAt) === 1;

  // The root: TSTree starts with its root Subtree.
  let rootPtr = 0;
  let rootSymbol: number;
  let rootStart: number;
  let rootSize: number;
  const r0 = u8[treeAt];
  if (r0 & INLINE_BIT) {
    rootSymbol = u8[treeAt + INLINE_SYMBOL];
    rootStart = u8[treeAt + INLINE_PADDING_BYTES];
    rootSize = u8[treeAt + INLINE_SIZE_BYTES];
  } else {
    rootPtr = u32[treeAt >> 2];
    rootSymbol = u16[(rootPtr + HEAP_SYMBOL) >> 1];
    rootStart = u32[(rootPtr + HEAP_PADDING_BYTES) >> 2];
    rootSize = u32[(rootPtr + HEAP_SIZE_BYTES) >> 2];
  }
  const rootType = publicSymbol(rootSymbol);
  const root: SyntaxNode = {
    type: names[rootType] ?? 'ERROR',
    field: null,
    start: rootStart >> 1,
    end: (rootStart + rootSize) >> 1,
    missing: false,
    children: noChildren
  };
  if (!rootPtr || u32[(rootPtr + HEAP_CHILD_COUNT) >> 2] === 0) {
    return root;
  }

  let top = 0;
  framePtr[0] = rootPtr;
  frameCount[0] = u32[(rootPtr + HEAP_CHILD_COUNT) >> 2];
  frameIndex[0] = 0;
  frameStructural[0] = 0;
  framePos[0] = rootStart;
  frameProduction[0] = u16[(rootPtr + HEAP_PRODUCTION_ID) >> 1];
  frameFallback[0] = 0;
  frameVisibleType[0] = rootType;
  frameNode[0] = root;

  while (top >= 0) {
    const index = frameIndex[top];
    const count = frameCount[top];
    if (index === count) {
      top--;
      continue;
    }
    frameIndex[top] = index + 1;
    const at = framePtr[top] - SUBTREE_SIZE * (count - index);
    const flags0 = u8[at];
    let ptr = 0;
    let symbol: number;
    let visible: boolean;
    let extra: boolean;
    let missing: boolean;
    let padding: number;
    let size: number;
    let childCount = 0;
    if (flags0 & INLINE_BIT) {
      symbol = u8[at + INLINE_SYMBOL];
      visible = (flags0 & INLINE_VISIBLE) !== 0;
      extra = (flags0 & INLINE_EXTRA) !== 0;
      missing = (flags0 & INLINE_MISSING) !== 0;
      padding = u8[at + INLINE_PADDING_BYTES];
      size = u8[at + INLINE_SIZE_BYTES];
    } else {
      ptr = u32[at >> 2];
      symbol = u16[(ptr + HEAP_SYMBOL) >> 1];
      const flags = u16[(ptr + HEAP_FLAGS) >> 1];
      visible = (flags & HEAP_VISIBLE) !== 0;
      extra = (flags & HEAP_EXTRA) !== 0;
      missing = (flags & HEAP_MISSING) !== 0;
      padding = u32[(ptr + HEAP_PADDING_BYTES) >> 2];
      size = u32[(ptr + HEAP_SIZE_BYTES) >> 2];
      childCount = u32[(ptr + HEAP_CHILD_COUNT) >> 2];
    }
    const start = index === 0 ? framePos[top] : framePos[top] + padding;
    framePos[top] = start + size;
    const production = frameProduction[top];
    let structural = -1;
    let alias = 0;
    if (!extra) {
      structural = frameStructural[top];
      frameStructural[top] = structural + 1;
      if (production) {
        alias = u16[(aliasSequences >> 1) + production * maxAliasSequenceLength + structural];
      }
    }
    if (visible || alias) {
      const typeId = publicSymbol(alias || symbol);
      const parent = frameNode[top];
      if (typeId < known && !kept[typeId]) {
        // Tokens are leaves; a missing one (an unclosed bracket) is kept as a syntax error.
        if (hasError && missing) {
          addChild(parent, {
            type: names[typeId],
            field: null,
            start: start >> 1,
            end: start >> 1,
            missing: true,
            children: noChildren
          });
        }
        continue;
      }
      let field: string | null = null;
      if (!noFields[frameVisibleType[top]] && !extra) {
        const id = fieldAt(production, structural) || frameFallback[top];
        field = fields[id] ?? null;
      }
      const node: SyntaxNode = {
        type: names[typeId] ?? 'ERROR',
        field,
        start: start >> 1,
        end: (start + size) >> 1,
        missing: hasError && size === 0 && missing,
        children: noChildren
      };
      addChild(parent, node);
      if (childCount > 0) {
        if (++top === framePtr.length) {
          growFrames();
        }
        framePtr[top] = ptr;
        frameCount[top] = childCount;
        frameIndex[top] = 0;
        frameStructural[top] = 0;
        framePos[top] = start;
        frameProduction[top] = u16[(ptr + HEAP_PRODUCTION_ID) >> 1];
        frameFallback[top] = 0;
        frameVisibleType[top] = typeId;
        frameNode[top] = node;
      }
    } else if (childCount > 0 && u32[(ptr + HEAP_VISIBLE_CHILD_COUNT) >> 2] > 0) {
      // A hidden node: its children belong to the closest visible ancestor.
      const fallback = extra ? 0 : fieldAt(production, structural) || frameFallback[top];
      const node = frameNode[top];
      const visibleType = frameVisibleType[top];
      if (++top === framePtr.length) {
        growFrames();
      }
      framePtr[top] = ptr;
      frameCount[top] = childCount;
      frameIndex[top] = 0;
      frameStructural[top] = 0;
      framePos[top] = start;
      frameProduction[top] = u16[(ptr + HEAP_PRODUCTION_ID) >> 1];
      frameFallback[top] = fallback;
      frameVisibleType[top] = visibleType;
      frameNode[top] = node;
    }
  }
  frameNode.length = 0;
  return root;
}
