/**
 * Client of our server extension's local runs (/cellpipe/api/local/runs): the browser posts the
 * package it compiled, so running on this machine needs no node on the server.
 */
import { ServerConnection } from '@jupyterlab/services';
import { URLExt } from '@jupyterlab/coreutils';
import { requestServer } from './request';
import type { StepState } from './step-state';

export interface LocalStep {
  task: string;
  step: string;
  state: StepState;
  started?: number | null;
  finished?: number | null;
  error?: string | null;
  /** Where its outputs are kept in the store's cache; set once the step starts (or is found cached). */
  cacheKey?: string | null;
}

export interface LocalRunSnapshot {
  id: string;
  done: boolean;
  steps: LocalStep[];
  logs: string[];
  metrics: Record<string, number>;
  error: string | null;
  store: string;
  started?: number;
  finished?: number | null;
  /** The interpreter that ran the steps, when the server says. */
  python?: string | null;
  /** Its version ("3.12.1") and why that one ("the notebook's kernel 'ml'", the setting, the server's own), without the path. */
  pythonVersion?: string | null;
  pythonFrom?: string | null;
}

/** A run kept in the notebook's store (`.cellpipe/runs/<id>/`), as the run list compares them. */
export interface KeptRun {
  id: string;
  pipeline: string | null;
  parameters: Record<string, unknown>;
  /** `running`, `succeeded`, `failed`, `interrupted`. */
  state: string | null;
  started: number | null;
  finished: number | null;
  python?: string | null;
  /** In pipeline order. */
  steps: LocalStep[];
  metrics: Record<string, number>;
}

/** One output of a step, previewed by the server from the stored file (never unpickled). */
export interface StepOutput {
  name: string;
  /** `array` (numpy), `table` (DataFrame), `value` (JSON), `metrics`, `file`, `other` (type + size). */
  kind: 'array' | 'table' | 'value' | 'metrics' | 'file' | 'other';
  type: string;
  backend?: string | null;
  bytes?: number | null;
  shape?: number[];
  dtype?: string;
  min?: number | string;
  max?: number | string;
  columns?: string[];
  rows?: unknown[][];
  value?: unknown;
  values?: Record<string, number>;
  path?: string;
  /** Why there is no preview (a damaged or refused file). */
  problem?: string;
}

export interface StepOutputs {
  outputs: StepOutput[];
  /** Whether the step wrote a report page (`reportUrl`). */
  report: boolean;
}

/** Which step of which run: a run followed now (its id from `start`) or one kept in the store. */
export interface StepRef {
  notebookPath: string;
  runId: string;
  task: string;
}

export interface StartLocalRun {
  /** The compiled pipeline package (YAML), exactly what would be submitted to KFP. */
  package: string;
  notebookPath: string;
  parameters?: Record<string, unknown>;
  useCache?: boolean;
  /** The Python to run the steps with (the "Local run Python" setting); absent: the notebook kernel's. */
  python?: string;
  /** The notebook's kernel, when the browser knows it better than the saved notebook's metadata. */
  kernelName?: string;
  /** "Re-run from here": this task and every task after it run again, those before come from the cache. */
  fromStep?: string;
}

export interface ILocalRunClient {
  start(request: StartLocalRun): Promise<LocalRunSnapshot>;
  get(runId: string): Promise<LocalRunSnapshot>;
  /** The newest runs kept beside the notebook, newest first (those of `pipeline` when given). */
  history(notebookPath: string, pipeline?: string): Promise<KeptRun[]>;
  outputs(step: StepRef): Promise<StepOutputs>;
  /** The end of the step's log in a run kept in the store. */
  log(step: StepRef): Promise<string>;
  /** The address of the step's report page, for a sandboxed iframe (served with a CSP that runs no script). */
  reportUrl(step: StepRef): string;
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

  async history(notebookPath: string, pipeline?: string): Promise<KeptRun[]> {
    const data = await requestServer(this._settings, ['local', 'history'], {
      query: { notebook: notebookPath, pipeline }
    });
    return Array.isArray(data.runs) ? (data.runs as KeptRun[]) : [];
  }

  async outputs(step: StepRef): Promise<StepOutputs> {
    const data = await requestServer(this._settings, stepRoute(step, 'outputs'), {
      query: { notebook: step.notebookPath }
    });
    return {
      outputs: Array.isArray(data.outputs) ? (data.outputs as StepOutput[]) : [],
      report: data.report === true
    };
  }

  async log(step: StepRef): Promise<string> {
    const data = await requestServer(this._settings, stepRoute(step, 'log'), {
      query: { notebook: step.notebookPath }
    });
    return typeof data.log === 'string' ? data.log : '';
  }

  reportUrl(step: StepRef): string {
    const url = URLExt.join(
      this._settings.baseUrl,
      'cellpipe',
      'api',
      ...stepRoute(step, 'report')
    );
    return `${url}?${new URLSearchParams({ notebook: step.notebookPath }).toString()}`;
  }

  private _settings: ServerConnection.ISettings;
}

function stepRoute(step: StepRef, what: string): string[] {
  return [
    'local',
    'runs',
    encodeURIComponent(step.runId),
    'steps',
    encodeURIComponent(step.task),
    what
  ];
}
