/**
 * Client of our server extension's /cellpipe/api/bundles: the notebook's own modules (`.py` files and
 * packages beside it), bundled by the server, which alone can read them.
 */
import { ServerConnection } from '@jupyterlab/services';
import type { LocalModules } from '../compiler/types';
import { requestServer } from './request';

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
    const body = exclude.length ? { path, modules, exclude } : { path, modules };
    const data = await requestServer(this._settings, ['bundles'], {
      method: 'POST',
      body,
      what: "Cannot ship the notebook's local modules"
    });
    return {
      bundles: (data.bundles as LocalModules['bundles'] | undefined) ?? {},
      requires: (data.requires as LocalModules['requires'] | undefined) ?? {},
      maxBytes: data.maxBytes as LocalModules['maxBytes']
    };
  }

  private _settings: ServerConnection.ISettings;
}
