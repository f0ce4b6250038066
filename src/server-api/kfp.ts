/**
 * The browser's client of OUR server extension (/cellpipe/api/kfp/...). It never sees a KFP URL to
 * fetch or a credential: the server holds both. XSRF is added by ServerConnection.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import {
  CreateRunRequest,
  KfpApiError,
  KfpExperiment,
  KfpHealth,
  KfpPipeline,
  KfpPublished,
  KfpRun,
  KfpRunList,
  ListRunsRequest,
  PublishRequest
} from './types';

export * from './types';

const API = ['cellpipe', 'api', 'kfp'];

/** The server extension's JSON answer; a body that is not JSON becomes its `message`. */
export async function readBody(response: Response): Promise<any> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { message: text.slice(0, 300) };
  }
}

/** The calls the run dialog and the run view need; `KfpClient` is the real one. */
export interface IKfpClient {
  health(): Promise<KfpHealth>;
  listExperiments(namespace?: string): Promise<KfpExperiment[]>;
  createExperiment(name: string, namespace?: string, description?: string): Promise<KfpExperiment>;
  /** The pipeline of that name, or null. */
  findPipeline(name: string, namespace?: string): Promise<KfpPipeline | null>;
  publish(request: PublishRequest): Promise<KfpPublished>;
  createRun(request: CreateRunRequest): Promise<KfpRun>;
  getRun(runId: string): Promise<KfpRun>;
  listRuns(request?: ListRunsRequest): Promise<KfpRunList>;
  terminateRun(runId: string): Promise<void>;
  retryRun(runId: string): Promise<void>;
}

export class KfpClient implements IKfpClient {
  constructor(settings?: ServerConnection.ISettings) {
    this.settings = settings ?? ServerConnection.makeSettings();
  }

  readonly settings: ServerConnection.ISettings;

  health(): Promise<KfpHealth> {
    return this._request('GET', ['health']);
  }

  async listExperiments(namespace?: string): Promise<KfpExperiment[]> {
    const data = await this._request<{ experiments?: KfpExperiment[] }>('GET', ['experiments'], {
      query: { namespace }
    });
    return data.experiments ?? [];
  }

  createExperiment(name: string, namespace?: string, description = ''): Promise<KfpExperiment> {
    return this._request('POST', ['experiments'], { body: { name, namespace, description } });
  }

  async findPipeline(name: string, namespace?: string): Promise<KfpPipeline | null> {
    const data = await this._request<{ pipeline: KfpPipeline | null }>('GET', ['pipelines'], {
      query: { name, namespace }
    });
    return data.pipeline ?? null;
  }

  publish(request: PublishRequest): Promise<KfpPublished> {
    return this._request('POST', ['pipelines'], { body: request });
  }

  createRun(request: CreateRunRequest): Promise<KfpRun> {
    return this._request('POST', ['runs'], { body: request });
  }

  getRun(runId: string): Promise<KfpRun> {
    return this._request('GET', ['runs', encodeURIComponent(runId)]);
  }

  listRuns(request: ListRunsRequest = {}): Promise<KfpRunList> {
    const { page_size, ...rest } = request;
    return this._request('GET', ['runs'], {
      query: { ...rest, page_size: page_size === undefined ? undefined : String(page_size) }
    });
  }

  async terminateRun(runId: string): Promise<void> {
    await this._request('POST', ['runs', encodeURIComponent(runId), 'terminate']);
  }

  async retryRun(runId: string): Promise<void> {
    await this._request('POST', ['runs', encodeURIComponent(runId), 'retry']);
  }

  private async _request<T>(
    method: 'GET' | 'POST',
    parts: string[],
    options: { query?: Record<string, string | undefined>; body?: unknown } = {}
  ): Promise<T> {
    let url = URLExt.join(this.settings.baseUrl, ...API, ...parts);
    const query = Object.entries(options.query ?? {}).filter(
      (entry): entry is [string, string] => !!entry[1]
    );
    if (query.length) {
      url += '?' + new URLSearchParams(query).toString();
    }
    const init: RequestInit = { method };
    if (method === 'POST') {
      init.body = JSON.stringify(options.body ?? {});
    }
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this.settings);
    } catch (error) {
      throw new KfpApiError(
        `Cannot reach the Jupyter server: ${(error as Error).message}`,
        0,
        'network'
      );
    }
    const data = await readBody(response);
    if (!response.ok) {
      throw new KfpApiError(
        data.message || `The server answered ${response.status} ${response.statusText}`,
        response.status,
        data.reason ?? 'kfp_error',
        data.kfp_status
      );
    }
    return data as T;
  }
}
