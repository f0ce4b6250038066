/**
 * How each data file a step reads (and no step writes) reaches a KFP step: notebook metadata
 * `cellpipe.dataFiles`, written by the panel on a user's choice, read by the compiler.
 *
 * ```json
 * "cellpipe": {"dataFiles": {
 *   "*":              {"source": "volume"},
 *   "data/train.csv": {"source": "upload", "uri": "minio://mlpipeline/cellpipe/data/<sha256>/train.csv"},
 *   "labels.json":    {"source": "uri", "uri": "gs://my-bucket/labels.json"},
 *   "weights.pt":     {"source": "image"}
 * }}
 * ```
 * Keys are paths relative to the notebook's folder, as the analyzer reports them (`./` and doubled `/`
 * dropped); `"*"` is the choice for every data file without its own entry (not `"uri"`: one URI cannot
 * serve every file). Sources:
 * - `volume`: the notebook's workspace volume is mounted into the steps; nothing moves.
 * - `upload`: the server uploads the file to the pipeline's object store before the run
 *   (`POST /cellpipe/api/datafiles/upload`, content-addressed); its answer's `uri` is the one imported.
 *   A `uri` kept here is the last upload's; the compiler prefers the one passed for this compile.
 * - `uri`: the user's own `s3://`, `gs://` or `minio://` URI, brought in by a KFP importer.
 * - `image`: the step's image has the file at that path in its working folder; nothing moves.
 */
import { NotebookInput } from './notebook';
import { isObject } from './own';

export type DataFileSource = 'volume' | 'upload' | 'uri' | 'image';

export const DATA_FILE_SOURCES: readonly DataFileSource[] = ['volume', 'upload', 'uri', 'image'];

/** The URI schemes a KFP importer reads (the KFP launcher's object stores). */
export const DATA_FILE_URI_SCHEMES = ['s3', 'gs', 'minio'] as const;

/** The key of the notebook-wide choice. */
export const ALL_DATA_FILES = '*';

export interface DataFileChoice {
  source: DataFileSource;
  /** For `uri` (required) and `upload` (the last upload's). */
  uri?: string;
}

export interface DataFilesProblem {
  /** The file's key in `cellpipe.dataFiles` ("" for the entry as a whole). */
  path: string;
  message: string;
}

export interface DataFiles {
  /** Valid choices by normalized path (`"*"` included); invalid entries are left out, with a problem. */
  choices: Map<string, DataFileChoice>;
  problems: DataFilesProblem[];
}

/** A data file's path as the analyzer and these keys both write it: `./` and doubled or trailing `/` dropped. */
export function normalizeDataPath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter(part => part !== '' && part !== '.')
    .join('/');
}

/** A relative path inside the notebook's folder: not absolute, no `..`, not empty. */
export function isNotebookRelative(path: string): boolean {
  return (
    !!normalizeDataPath(path) &&
    !/^([a-zA-Z]:)?[\\/]/.test(path) &&
    !path.replace(/\\/g, '/').split('/').includes('..')
  );
}

/** Why `uri` is not an importable URI, or undefined when it is (`scheme://bucket/key`). */
export function uriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string' || !uri.trim()) {
    return 'needs a "uri"';
  }
  const match = /^([a-z0-9]+):\/\/([^/\s]+)\/(\S+)$/.exec(uri);
  if (!match) {
    return `uri ${JSON.stringify(uri)} is not scheme://bucket/key`;
  }
  if (!(DATA_FILE_URI_SCHEMES as readonly string[]).includes(match[1])) {
    return (
      `uri ${JSON.stringify(uri)} has scheme "${match[1]}"; a KFP importer reads ` +
      DATA_FILE_URI_SCHEMES.map(s => `${s}://`).join(', ')
    );
  }
  return undefined;
}

function readChoice(path: string, raw: unknown): DataFileChoice | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return 'is not an object like {"source": "upload"}';
  }
  const { source, uri } = raw as { source?: unknown; uri?: unknown };
  if (!DATA_FILE_SOURCES.includes(source as DataFileSource)) {
    return (
      `has source ${JSON.stringify(source)}; expected one of ` +
      DATA_FILE_SOURCES.map(s => `"${s}"`).join(', ')
    );
  }
  const choice: DataFileChoice = { source: source as DataFileSource };
  if (source === 'uri' || (source === 'upload' && uri !== undefined)) {
    const problem = uriProblem(uri);
    if (problem) {
      return problem;
    }
    choice.uri = uri as string;
  } else if (uri !== undefined) {
    return `has a "uri", which only the sources "uri" and "upload" take`;
  }
  if (path === ALL_DATA_FILES && source === 'uri') {
    return 'cannot be "uri" for every file: give each file its own URI';
  }
  return choice;
}

/** `cellpipe.dataFiles` of the notebook, checked; each bad entry is a problem naming its file. */
export function readDataFiles(notebook: NotebookInput): DataFiles {
  const choices = new Map<string, DataFileChoice>();
  const problems: DataFilesProblem[] = [];
  const cellpipe = notebook.metadata.cellpipe as { dataFiles?: unknown } | undefined;
  const raw = cellpipe?.dataFiles;
  if (raw === undefined || raw === null) {
    return { choices, problems };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({
      path: '',
      message: 'cellpipe.dataFiles is not an object of file path → {"source": ...}'
    });
    return { choices, problems };
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key !== ALL_DATA_FILES && !isNotebookRelative(key)) {
      problems.push({
        path: key,
        message: `data file ${JSON.stringify(key)} (cellpipe.dataFiles) must be a path relative to the notebook's folder, without ".."`
      });
      continue;
    }
    const path = key === ALL_DATA_FILES ? key : normalizeDataPath(key);
    const choice = readChoice(path, value);
    if (typeof choice === 'string') {
      const what =
        path === ALL_DATA_FILES ? 'the choice for every data file ("*")' : `data file "${path}"`;
      problems.push({ path, message: `${what} in cellpipe.dataFiles ${choice}` });
    } else if (choices.has(path)) {
      problems.push({ path, message: `data file "${path}" is listed twice in cellpipe.dataFiles` });
    } else {
      choices.set(path, choice);
    }
  }
  return { choices, problems };
}

/** The choice that applies to a data file: its own entry, else the notebook's `"*"`, else none. */
export function dataFileChoice(files: DataFiles, path: string): DataFileChoice | undefined {
  return files.choices.get(normalizeDataPath(path)) ?? files.choices.get(ALL_DATA_FILES);
}

/** The part of JupyterLab's notebook model that writing needs (`INotebookModel` satisfies it). */
export interface MetadataNotebook {
  getMetadata(key: string): unknown;
  setMetadata(key: string, value: unknown): void;
  deleteMetadata(key: string): void;
}

/**
 * The notebook's `cellpipe` metadata with `path`'s choice set (`undefined`: its entry removed), or
 * `undefined` when nothing is left of it. Every other key, and every other file's entry (invalid ones
 * too), is kept as it was, in its place; entries of the same file written another way (`./a.csv`) give
 * way to the one written. Throws naming the file for a choice `readDataFiles` would refuse.
 */
export function withDataFileChoice(
  cellpipe: unknown,
  path: string,
  choice: DataFileChoice | undefined
): Record<string, unknown> | undefined {
  const key = path === ALL_DATA_FILES ? path : normalizeDataPath(path);
  if (key !== ALL_DATA_FILES && !isNotebookRelative(path)) {
    throw new Error(
      `data file ${JSON.stringify(path)}: only a path relative to the notebook's folder, without "..", can have a choice`
    );
  }
  if (choice) {
    const checked = readChoice(key, choice);
    if (typeof checked === 'string') {
      const what = key === ALL_DATA_FILES ? 'the choice for every data file' : `data file "${key}"`;
      throw new Error(`${what} ${checked}`);
    }
  }
  if (cellpipe !== undefined && !isObject(cellpipe)) {
    throw new Error('the notebook metadata "cellpipe" is not an object; not changed');
  }
  const raw = cellpipe?.dataFiles;
  if (raw !== undefined && raw !== null && !isObject(raw)) {
    throw new Error(
      'cellpipe.dataFiles is not an object of file path → {"source": ...}; not changed'
    );
  }
  const same = (k: string) => (k === ALL_DATA_FILES ? k : normalizeDataPath(k)) === key;
  const entries: [string, unknown][] = [];
  let placed = false;
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (!same(k)) {
      entries.push([k, v]);
    } else if (choice && !placed) {
      entries.push([key, { ...choice }]); // in the old entry's place
      placed = true;
    }
  }
  if (choice && !placed) {
    entries.push([key, { ...choice }]);
  }
  const next: Record<string, unknown> = { ...(cellpipe ?? {}) };
  if (entries.length) {
    next.dataFiles = Object.fromEntries(entries);
  } else {
    delete next.dataFiles;
  }
  return Object.keys(next).length ? next : undefined;
}

/**
 * Writes `path`'s choice (`undefined`: removes it) to the notebook's `cellpipe.dataFiles` — on the user's
 * explicit choice only; the notebook is dirtied, not saved. Nothing is written when nothing changes.
 */
export function writeDataFileChoice(
  notebook: MetadataNotebook,
  path: string,
  choice: DataFileChoice | undefined
): void {
  const before = notebook.getMetadata('cellpipe');
  const after = withDataFileChoice(before, path, choice);
  if (JSON.stringify(after) === JSON.stringify(before)) {
    return;
  }
  if (after === undefined) {
    notebook.deleteMetadata('cellpipe');
  } else {
    notebook.setMetadata('cellpipe', after);
  }
}
