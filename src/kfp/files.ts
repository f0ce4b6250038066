/**
 * Client of our server extension's /cellpipe/api/files/stat: whether the files a notebook's steps read
 * and write exist beside it, and their sizes. Only the server sees the disk. XSRF is added by
 * ServerConnection.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { readBody } from './client';

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

export interface IFileClient {
  /** `paths` relative to the folder of the notebook at `notebookPath` (server-relative), in order. */
  stat(notebookPath: string, paths: string[]): Promise<FileStat[]>;
}

export class FileClient implements IFileClient {
  constructor(settings?: ServerConnection.ISettings) {
    this._settings = settings ?? ServerConnection.makeSettings();
  }

  async stat(notebookPath: string, paths: string[]): Promise<FileStat[]> {
    const url = URLExt.join(this._settings.baseUrl, 'cellpipe', 'api', 'files', 'stat');
    const init: RequestInit = { method: 'POST', body: JSON.stringify({ notebookPath, paths }) };
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this._settings);
    } catch (error) {
      throw new Error(`Cannot reach the Jupyter server: ${(error as Error).message}`);
    }
    const data = await readBody(response);
    if (!response.ok) {
      throw new Error(
        `Cannot look at the notebook's files: ${data.message || `the server answered ${response.status}`}`
      );
    }
    return Array.isArray(data.files) ? data.files : [];
  }

  private _settings: ServerConnection.ISettings;
}
