/**
 * Client of our server extension's /cellpipe/api/files/stat (whether the files a notebook's steps read
 * and write exist beside it, and their sizes) and /cellpipe/api/datafiles/upload (data files into the
 * pipeline's object store, with the admin's credentials). Only the server sees the disk and the store.
 */
import { ServerConnection } from '@jupyterlab/services';
import { requestServer } from './request';

/** One path as the server found it (cellpipe/server/file_handlers.py). */
export interface FileStat {
  path: string;
  exists: boolean;
  size?: number;
  /** Seconds since the epoch. */
  mtime?: number;
  /** A glob pattern: how many files it matches (`size` is their total). */
  matches?: number;
  /** Not looked at: the path leaves the notebook's folder; why. */
  refused?: string;
}

/** One data file in the object store (cellpipe/server/datafile_handlers.py). */
export interface UploadedDataFile {
  path: string;
  /** What a KFP importer brings in (content-addressed: the same bytes, the same URI). */
  uri: string;
  sha256: string;
  size: number;
  /** false: the store had these bytes already; nothing was sent. */
  uploaded: boolean;
}

export interface IFileClient {
  /** `paths` relative to the folder of the notebook at `notebookPath` (server-relative), in order. */
  stat(notebookPath: string, paths: string[]): Promise<FileStat[]>;
  /** Puts those files in the pipeline's object store; answers in the request's order. */
  uploadDataFiles(notebookPath: string, paths: string[]): Promise<UploadedDataFile[]>;
}

export class FileClient implements IFileClient {
  constructor(settings?: ServerConnection.ISettings) {
    this._settings = settings ?? ServerConnection.makeSettings();
  }

  async stat(notebookPath: string, paths: string[]): Promise<FileStat[]> {
    return this._post(
      ['files', 'stat'],
      { notebookPath, paths },
      "Cannot look at the notebook's files"
    );
  }

  async uploadDataFiles(notebookPath: string, paths: string[]): Promise<UploadedDataFile[]> {
    return this._post(
      ['datafiles', 'upload'],
      { notebookPath, paths },
      "Cannot upload the data files to the pipeline's object store"
    );
  }

  /** POSTs `body`; answers its `files`, or throws `ServerApiError` `what: <the server's message>`. */
  private async _post<T>(route: string[], body: unknown, what: string): Promise<T[]> {
    const data = await requestServer(this._settings, route, { method: 'POST', body, what });
    return Array.isArray(data.files) ? (data.files as T[]) : [];
  }

  private _settings: ServerConnection.ISettings;
}
