/**
 * The notebook as cellpipe reads it: plain data, no JupyterLab objects, so the
 * analyzer (in a worker), the compiler and the CLI all take the same input.
 */
import { isObject } from './own';
import { readTags } from './tags';

export type CellType = 'code' | 'markdown' | 'raw';

export interface NotebookCell {
  /** nbformat cell id when present, else a stable index-based id. */
  id: string;
  cellType: CellType;
  source: string;
  /** `metadata.tags`, in order, untouched. */
  tags: string[];
  /** The whole cell metadata, kept so nothing is lost on a round trip. */
  metadata: Record<string, unknown>;
}

export interface NotebookInput {
  cells: NotebookCell[];
  /** The whole notebook metadata (`kubeflow_notebook`, `cellpipe`, anything else). */
  metadata: Record<string, unknown>;
  /** Path of the notebook, used in messages and for local module lookup. */
  path?: string;
}

/** Read an nbformat 4 JSON object into a NotebookInput. Throws a clear error on bad input. */
export function fromNbformat(nb: unknown, path?: string): NotebookInput {
  const where = path ? ` ${path}` : '';
  if (!nb || typeof nb !== 'object' || !Array.isArray((nb as { cells?: unknown }).cells)) {
    throw new Error(`Not a Jupyter notebook${where}: expected a JSON object with a "cells" list`);
  }
  const raw = nb as { cells: unknown[]; metadata?: unknown };
  const cells = raw.cells.map((cell, index): NotebookCell => {
    if (!isObject(cell)) {
      throw new Error(
        `Not a Jupyter notebook${where}: cell ${index + 1} is ${cell === null ? 'null' : Array.isArray(cell) ? 'a list' : typeof cell}, expected a cell object`
      );
    }
    const source = readSource(cell.source);
    if (source === null) {
      throw new Error(
        `Not a Jupyter notebook${where}: cell ${index + 1}: its source is ${describe(cell.source)}, expected a string or a list of strings`
      );
    }
    if (cell.metadata !== undefined && !isObject(cell.metadata)) {
      throw new Error(
        `Not a Jupyter notebook${where}: cell ${index + 1}: its metadata is not an object`
      );
    }
    const metadata = cell.metadata ?? {};
    if (metadata.tags !== undefined && metadata.tags !== null && !Array.isArray(metadata.tags)) {
      // A string here is a hand-edited `"tags": "step:train"`: reading it as no tags would silently
      // turn the notebook into something else.
      throw new Error(
        `Not a Jupyter notebook${where}: cell ${index + 1}: metadata.tags is ${describe(metadata.tags)}, expected a list of strings`
      );
    }
    const tags = readTags(metadata.tags);
    const cellType: CellType =
      cell.cell_type === 'markdown' || cell.cell_type === 'raw' ? cell.cell_type : 'code';
    return {
      id: typeof cell.id === 'string' ? cell.id : `cell-${index}`,
      cellType,
      source,
      tags,
      metadata
    };
  });
  if (raw.metadata !== undefined && !isObject(raw.metadata)) {
    throw new Error(`Not a Jupyter notebook${where}: its metadata is not an object`);
  }
  return { cells, metadata: raw.metadata ?? {}, path };
}

function readSource(source: unknown): string | null {
  if (source === undefined || source === null) {
    return '';
  }
  if (typeof source === 'string') {
    return source;
  }
  if (Array.isArray(source) && source.every(line => typeof line === 'string')) {
    return source.join('');
  }
  return null;
}

function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list holding something other than strings';
  }
  return typeof value === 'string'
    ? `the string ${JSON.stringify(value.slice(0, 40))}`
    : `a ${typeof value}`;
}
