/**
 * Client of our server extension's /cellpipe/api/bundles: the notebook's own modules (`.py` files and
 * packages beside it), bundled by the server, which alone can read them. XSRF is added by ServerConnection.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { LocalModules } from '../compiler/types';
import { readBody } from './client';

export interface IBundleClient {
  /** The local modules among `modules` (and those they import) for the notebook at `path` (server-relative). */
  /** `exclude`: modules the step images have installed (never bundled). */
  localModules(path: string, modules: string[], exclude?: string[]): Promise<LocalModules>;
}

export class BundleClient implements IBundleClient {
  constructor(settings?: ServerConnection.ISettings) {
    this._settings = settings ?? ServerConnection.makeSettings();
  }

  async localModules(
    path: string,
    modules: string[],
    exclude: string[] = []
  ): Promise<LocalModules> {
    const url = URLExt.join(this._settings.baseUrl, 'cellpipe', 'api', 'bundles');
    const body = exclude.length ? { path, modules, exclude } : { path, modules };
    const init: RequestInit = { method: 'POST', body: JSON.stringify(body) };
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this._settings);
    } catch (error) {
      throw new Error(`Cannot reach the Jupyter server: ${(error as Error).message}`);
    }
    const data = await readBody(response);
    if (!response.ok) {
      throw new Error(
        `Cannot ship the notebook's local modules: ${data.message || `the server answered ${response.status}`}`
      );
    }
    return { bundles: data.bundles ?? {}, requires: data.requires ?? {}, maxBytes: data.maxBytes };
  }

  private _settings: ServerConnection.ISettings;
}
