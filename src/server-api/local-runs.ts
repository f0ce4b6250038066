/**
 * Client of our server extension's local runs (/cellpipe/api/local/runs): the browser posts the
 * package it compiled, so running on this machine needs no node on the server.
 */
import { ServerConnection } from '@jupyterlab/services';
import { requestServer } from './request';
import type { StepState } from './step-state';

export interface LocalStep {
  task: string;
  step: string;
  state: StepState;
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

/** A refusal is a `ServerApiError` with the server's own message (the run section says where it is). */
export class LocalRunClient implements ILocalRunClient {
  constructor(settings?: ServerConnection.ISettings) {
    this._settings = settings ?? ServerConnection.makeSettings();
  }

  async start(request: StartLocalRun): Promise<LocalRunSnapshot> {
    const data = await requestServer(this._settings, ['local', 'runs'], {
      method: 'POST',
      body: request
    });
    return data as unknown as LocalRunSnapshot;
  }

  async get(runId: string): Promise<LocalRunSnapshot> {
    const data = await requestServer(this._settings, ['local', 'runs', encodeURIComponent(runId)]);
    return data as unknown as LocalRunSnapshot;
  }

  private _settings: ServerConnection.ISettings;
}
