/**
 * What our server extension answers under /cellpipe/api/kfp/ (KFP's own JSON where it passes through).
 * Only the fields cellpipe reads are typed; KFP may send more.
 */

/** KFP's run and task states (`v2beta1RuntimeState`). */
export type KfpRuntimeState =
  | 'RUNTIME_STATE_UNSPECIFIED'
  | 'PENDING'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'SKIPPED'
  | 'FAILED'
  | 'CANCELING'
  | 'CANCELED'
  | 'PAUSED';

export interface KfpHealth {
  reachable: boolean;
  /** The API endpoint the server talks to (no credentials in it). */
  endpoint: string;
  /** Where run links point. */
  ui_endpoint: string;
  /** The default namespace, when the server knows one. */
  namespace: string | null;
  auth_mode: 'none' | 'sa_token' | 'bearer' | 'cookie' | 'user_id';
  multi_user: boolean;
}

/** A setting that changes the connection: the Jupyter server's trait and its environment variable ('' if none). */
export interface KfpFix {
  setting: string;
  env: string;
}

/**
 * The connection the panel shows (`GET kfp/status`): where KFP is, how the server authenticates, and whether
 * it answers — when not, why (`reason`, `message`) and the settings that fix it. Never the credential.
 */
export interface KfpConnection {
  reachable: boolean;
  /** The API endpoint ('' when the user's endpoint was refused). */
  endpoint: string;
  ui_endpoint: string;
  namespace: string | null;
  /** The auth mode in use (`auto` only when no client could be made). */
  auth_mode: string;
  /** Which setting chose the endpoint, e.g. `c.CellpipeKFP.endpoint`, `KF_PIPELINES_ENDPOINT`. */
  endpoint_source: string;
  multi_user?: boolean;
  /** Why KFP did not answer (a `ServerApiError` reason: `unreachable`, `unauthenticated`, `tls`, ...). */
  reason?: string;
  message?: string;
  fixes: KfpFix[];
}

export interface KfpExperiment {
  experiment_id: string;
  display_name: string;
  namespace?: string;
  description?: string;
  created_at?: string;
}

export interface KfpPipeline {
  pipeline_id: string;
  display_name?: string;
  namespace?: string;
  created_at?: string;
}

export interface KfpPublished {
  pipeline_id: string;
  pipeline_version_id: string;
  version_name: string;
  /** False when the name existed and the package became a new version of it. */
  created_pipeline: boolean;
}

export interface KfpStatus {
  code?: number;
  message?: string;
}

export interface KfpTaskDetail {
  task_id?: string;
  /** The task's name in the PipelineSpec (our compiler's kebab-case task name). */
  display_name?: string;
  /** A KfpRuntimeState, or a state a newer KFP adds. */
  state?: string;
  pod_name?: string;
  executor_detail?: { main_job?: string; pre_caching_check_job?: string };
  parent_task_id?: string;
  start_time?: string;
  end_time?: string;
  error?: KfpStatus;
  /** The run in the KFP UI with this task selected: its logs (added by our server). */
  logs_url?: string;
  /** The page of the task's report (else metrics) artifact in the KFP UI (added by our server). */
  visualization_url?: string;
}

export interface KfpRun {
  run_id: string;
  display_name?: string;
  experiment_id?: string;
  /** A KfpRuntimeState, or a state a newer KFP adds. */
  state?: string;
  created_at?: string;
  finished_at?: string;
  error?: KfpStatus;
  pipeline_version_reference?: { pipeline_id?: string; pipeline_version_id?: string };
  /** The schedule that started it, if one did. */
  recurring_run_id?: string;
  runtime_config?: { parameters?: Record<string, unknown> };
  run_details?: { task_details?: KfpTaskDetail[] };
  /** Link to the run in the KFP UI (added by our server). */
  ui_url?: string;
}

export interface KfpRunList {
  runs: KfpRun[];
  next_page_token?: string;
}

export interface CreateRunRequest {
  name: string;
  experiment_id?: string;
  pipeline_id?: string;
  pipeline_version_id?: string;
  /** An inline package (YAML) instead of an uploaded version. */
  package?: string;
  /** Typed values: numbers, strings, booleans, lists, objects. */
  parameters?: Record<string, unknown>;
  namespace?: string;
  pipeline_root?: string;
}

export interface PublishRequest {
  package: string;
  name: string;
  description?: string;
  namespace?: string;
  version_name?: string;
}

export interface ListRunsRequest {
  namespace?: string;
  experiment_id?: string;
  pipeline_id?: string;
  page_size?: number;
}

/** A recurring run (KFP's `v2beta1RecurringRun`, the fields cellpipe reads) with its link in the KFP UI. */
export interface KfpRecurringRun {
  recurring_run_id: string;
  display_name?: string;
  /** `ENABLED`, `DISABLED`, or `STATUS_UNSPECIFIED`. */
  status?: string;
  trigger?: {
    cron_schedule?: { cron?: string; start_time?: string; end_time?: string };
    periodic_schedule?: { interval_second?: string; start_time?: string; end_time?: string };
  };
  max_concurrency?: string;
  no_catchup?: boolean;
  created_at?: string;
  pipeline_version_reference?: { pipeline_id?: string; pipeline_version_id?: string };
  ui_url?: string;
}

/** When a schedule starts runs (our server turns it into KFP's trigger). */
export interface ScheduleSpec {
  /** Five fields (minute hour day month weekday) or KFP's six (seconds first); or '' with an interval. */
  cron?: string;
  interval_seconds?: number;
  /** RFC 3339, e.g. `2026-01-05T06:00:00Z`. */
  start_time?: string;
  end_time?: string;
  max_concurrency?: number;
  /** Start each run missed while behind (KFP's default), or only the latest. */
  catchup?: boolean;
  enabled?: boolean;
}

export interface CreateScheduleRequest extends ScheduleSpec {
  name: string;
  experiment_id?: string;
  pipeline_id?: string;
  pipeline_version_id?: string;
  package?: string;
  parameters?: Record<string, unknown>;
  namespace?: string;
  description?: string;
}
