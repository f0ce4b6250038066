/**
 * The browser's client of OUR server extension's KFP routes (/cellpipe/api/kfp/...). It never sees a
 * KFP URL to fetch or a credential: the server holds both.
 */
import { ServerConnection } from '@jupyterlab/services';
import {
  CreateRunRequest,
  CreateScheduleRequest,
  KfpConnection,
  KfpExperiment,
  KfpHealth,
  KfpPipeline,
  KfpPublished,
  KfpRecurringRun,
  KfpRun,
  KfpRunList,
  ListRunsRequest,
  PublishRequest
} from './kfp-types';
import { RequestOptions, requestServer } from './request';

/** The calls the run dialog and the run view need; `KfpClient` is the real one. */
export interface IKfpClient {
  health(): Promise<KfpHealth>;
  /** The connection and whether KFP answers; an unreachable KFP is an answer here, not an error. */
  status(): Promise<KfpConnection>;
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
  createSchedule(request: CreateScheduleRequest): Promise<KfpRecurringRun>;
  /** The schedules of a namespace, experiment or pipeline. */
  listSchedules(request?: ListRunsRequest): Promise<KfpRecurringRun[]>;
  setScheduleEnabled(id: string, enabled: boolean): Promise<void>;
  deleteSchedule(id: string): Promise<void>;
  /** The newest runs a schedule started (KFP's runs filtered on `recurring_run_id`), newest first. */
  listScheduleRuns(id: string, pageSize?: number): Promise<KfpRun[]>;
}

export class KfpClient implements IKfpClient {
  constructor(settings?: ServerConnection.ISettings) {
    this.settings = settings ?? ServerConnection.makeSettings();
  }

  readonly settings: ServerConnection.ISettings;

  health(): Promise<KfpHealth> {
    return this._request('GET', ['health']);
  }

  status(): Promise<KfpConnection> {
    return this._request('GET', ['status']);
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

  createSchedule(request: CreateScheduleRequest): Promise<KfpRecurringRun> {
    return this._request('POST', ['recurringruns'], { body: request });
  }

  async listSchedules(request: ListRunsRequest = {}): Promise<KfpRecurringRun[]> {
    const { namespace, experiment_id, pipeline_id } = request;
    const data = await this._request<{ recurring_runs?: KfpRecurringRun[] }>(
      'GET',
      ['recurringruns'],
      { query: { namespace, experiment_id, pipeline_id } }
    );
    return data.recurring_runs ?? [];
  }

  async setScheduleEnabled(id: string, enabled: boolean): Promise<void> {
    await this._request('POST', [
      'recurringruns',
      encodeURIComponent(id),
      enabled ? 'enable' : 'disable'
    ]);
  }

  async deleteSchedule(id: string): Promise<void> {
    await this._request('DELETE', ['recurringruns', encodeURIComponent(id)]);
  }

  async listScheduleRuns(id: string, pageSize?: number): Promise<KfpRun[]> {
    const data = await this._request<KfpRunList>(
      'GET',
      ['recurringruns', encodeURIComponent(id), 'runs'],
      {
        query: { page_size: pageSize === undefined ? undefined : String(pageSize) }
      }
    );
    return data.runs ?? [];
  }

  /** A refusal keeps the server's message, reason and KFP's status (`ServerApiError`). */
  private async _request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    parts: string[],
    options: Pick<RequestOptions, 'query' | 'body'> = {}
  ): Promise<T> {
    const data = await requestServer(this.settings, ['kfp', ...parts], {
      ...options,
      method,
      defaultReason: 'kfp_error'
    });
    return data as T;
  }
}
