/**
 * Client of our server extension's local runs (/cellpipe/api/local/runs): the browser posts the
 * package it compiled, so running on this machine needs no node on the server.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

export type LocalStepState = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cached';

export interface LocalStep {
  task: string;
  step: string;
  state: LocalStepState;
  started?: number | null;
  finished?: number | null;
  error?: string | null;
}

export interface LocalRunSnapshot {
  id: string;
  done: boolean;
  steps: LocalStep[];
  logs: string[];
  metrics: Record<string, number>;
  error: string | null;
  store: string;
}

export interface StartLocalRun {
  /** The compiled pipeline package (YAML), exactly what would be submitted to KFP. */
  package: string;
  notebookPath: string;
  parameters?: Record<string, unknown>;
  useCache?: boolean;
}

export interface ILocalRunClient {
  start(request: StartLocalRun): Promise<LocalRunSnapshot>;
  get(runId: string): Promise<LocalRunSnapshot>;
}

export class LocalRunClient implements ILocalRunClient {
  constructor(settings?: ServerConnection.ISettings) {
    this._settings = settings ?? ServerConnection.makeSettings();
  }

  start(request: StartLocalRun): Promise<LocalRunSnapshot> {
    return this._request('POST', [], request);
  }

  get(runId: string): Promise<LocalRunSnapshot> {
    return this._request('GET', [encodeURIComponent(runId)]);
  }

  private async _request<T>(method: string, parts: string[], body?: unknown): Promise<T> {
    const url = URLExt.join(this._settings.baseUrl, 'cellpipe', 'api', 'local', 'runs', ...parts);
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }
    const response = await ServerConnection.makeRequest(url, init, this._settings);
    const text = await response.text();
    const data = text ? JSON.parse(text) : {};
    if (!response.ok) {
      throw new Error(data.message || `local run request failed (${response.status})`);
    }
    return data as T;
  }

  private _settings: ServerConnection.ISettings;
}
