/**
 * Per-cell facts, cached: by content (a cell seen before costs a map lookup) and by cell id (an
 * edited cell is re-parsed incrementally from its previous tree).
 */
import type { Tree } from 'web-tree-sitter';
import { maskMagics, MaskedLine } from './magics';
import { Grammar, parseCode, toSyntax } from './parse';
import { CellFiles, cellFiles } from './files';
import { CellFacts, cellFacts } from './scopes';
import { lineAt, lineStarts } from './syntax';
import type { CellRange } from './types';

export interface CellAnalysis {
  source: string;
  /** The source with magics masked: what was parsed. */
  code: string;
  masked: MaskedLine[];
  facts: CellFacts;
  /** The file reads and writes it may make, as written (resolved per step by `file-flow.ts`). */
  files: CellFiles;
  /** Offset of each line's first character in `code`. */
  lineStarts: number[];
}

export function rangeOf(cell: CellAnalysis, start: number, end: number): CellRange {
  const at = (offset: number) => {
    const line = lineAt(cell.lineStarts, offset);
    return { line, column: offset - cell.lineStarts[line] };
  };
  const a = at(start);
  const b = at(end);
  return { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
}

/** Analyse one piece of Python source, no caching (tests, the differential test, tools). */
export function analyzeSource(grammar: Grammar, source: string, previous?: LiveCell): LiveCell {
  const { code, masked } = maskMagics(source);
  const tree = parseCode(grammar, code, previous && { tree: previous.tree, code: previous.code });
  const syntax = toSyntax(tree, code);
  const facts = cellFacts(syntax, code, tree.rootNode.hasError);
  const starts = lineStarts(code);
  const files = cellFiles(syntax, code, starts);
  return { source, code, masked, facts, files, lineStarts: starts, tree };
}

interface LiveCell extends CellAnalysis {
  tree: Tree;
}

/** Cells evicted from the content cache past this size (keeps memory flat while typing). */
const MAX_BY_CONTENT = 2000;

export class CellCache {
  private readonly byId = new Map<string, LiveCell>();
  private readonly byContent = new Map<string, CellAnalysis>();

  constructor(private readonly grammar: Grammar) {}

  get(id: string, source: string): CellAnalysis {
    const live = this.byId.get(id);
    if (live && live.source === source) {
      return live;
    }
    const known = this.byContent.get(source);
    if (known) {
      return known;
    }
    const fresh = analyzeSource(this.grammar, source, live);
    if (live) {
      live.tree.delete();
    }
    this.byId.set(id, fresh);
    if (this.byContent.size >= MAX_BY_CONTENT) {
      this.byContent.clear();
    }
    this.byContent.set(source, {
      source,
      code: fresh.code,
      masked: fresh.masked,
      facts: fresh.facts,
      files: fresh.files,
      lineStarts: fresh.lineStarts
    });
    return fresh;
  }

  /** Free every tree (wasm memory); the cache stays usable, re-parsing from scratch. */
  clear(): void {
    for (const live of this.byId.values()) {
      live.tree.delete();
    }
    this.byId.clear();
    this.byContent.clear();
  }

  /** Forget the trees of cells no longer in the notebook. */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const [id, live] of this.byId) {
      if (!ids.has(id)) {
        live.tree.delete();
        this.byId.delete(id);
      }
    }
  }
}
