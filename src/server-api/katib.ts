/**
 * Client of our server extension's /cellpipe/api/katib/: whether the server can create a Katib
 * Experiment (its in-cluster credential), create one, and watch it and its Trials. The browser sends
 * the Experiment only: the Kubernetes API, credential and namespace are the server's.
 */
import { ServerConnection } from '@jupyterlab/services';
import { requestServer, ServerAnswer } from './request';

/** Whether "Create in cluster" is possible; when not, why (`reason`, `message`). */
export interface KatibStatus {
  available: boolean;
  reason: string;
  message: string;
  namespace: string;
}

/** One Trial as the dialog's table shows it. */
export interface KatibTrial {
  name: string;
  /** Parameter name → the value Katib assigned (as Katib writes it, a string). */
  parameters: Record<string, string>;
  /** The objective metric's latest value, or null before the trial reports it. */
  metric: string | null;
  /** The last condition that holds (Created, Running, Succeeded, Failed, Killed, ...), or "Pending". */
  state: string;
}

/** An Experiment's state and its best trial so far. */
export interface KatibExperiment {
  name: string;
  state: string;
  objective: string;
  best: { trial: string; parameters: Record<string, string>; metric: string | null } | null;
}

export interface IKatibClient {
  status(): Promise<KatibStatus>;
  /** Creates the Experiment in the server's namespace; answers its name. */
  createExperiment(experiment: Record<string, unknown>): Promise<string>;
  experiment(name: string): Promise<KatibExperiment>;
  trials(name: string, objective: string): Promise<KatibTrial[]>;
}

export class KatibClient implements IKatibClient {
  constructor(settings?: ServerConnection.ISettings) {
    this._settings = settings ?? ServerConnection.makeSettings();
  }

  async status(): Promise<KatibStatus> {
    const data = await requestServer(this._settings, ['katib', 'status'], {
      what: 'Katib status'
    });
    return {
      available: data.available === true,
      reason: Private.text(data.reason),
      message: Private.text(data.message),
      namespace: Private.text(data.namespace)
    };
  }

  async createExperiment(experiment: Record<string, unknown>): Promise<string> {
    const data = await requestServer(this._settings, ['katib', 'experiments'], {
      method: 'POST',
      body: experiment,
      what: 'Create the Katib Experiment'
    });
    return Private.text(Private.object(data.metadata).name);
  }

  async experiment(name: string): Promise<KatibExperiment> {
    const data = await requestServer(this._settings, ['katib', 'experiments', name], {
      what: `Katib Experiment "${name}"`
    });
    const spec = Private.object(data.spec);
    const objective = Private.text(Private.object(spec.objective).objectiveMetricName);
    const status = Private.object(data.status);
    const optimal = Private.object(status.currentOptimalTrial);
    const trial = Private.text(optimal.bestTrialName);
    return {
      name,
      state: Private.condition(status.conditions, 'Created'),
      objective,
      best: trial
        ? {
            trial,
            parameters: Private.assignments(optimal.parameterAssignments),
            metric: Private.metric(Private.object(optimal.observation).metrics, objective)
          }
        : null
    };
  }

  async trials(name: string, objective: string): Promise<KatibTrial[]> {
    const data = await requestServer(this._settings, ['katib', 'experiments', name, 'trials'], {
      what: `Trials of the Katib Experiment "${name}"`
    });
    const items = Array.isArray(data.items) ? data.items : [];
    return items.map(item => {
      const trial = Private.object(item);
      const status = Private.object(trial.status);
      return {
        name: Private.text(Private.object(trial.metadata).name),
        parameters: Private.assignments(Private.object(trial.spec).parameterAssignments),
        metric: Private.metric(Private.object(status.observation).metrics, objective),
        state: Private.condition(status.conditions, 'Pending')
      };
    });
  }

  private _settings: ServerConnection.ISettings;
}

namespace Private {
  export function text(value: unknown): string {
    return typeof value === 'string' ? value : '';
  }

  export function object(value: unknown): ServerAnswer {
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as ServerAnswer)
      : {};
  }

  export function assignments(value: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of Array.isArray(value) ? value : []) {
      const { name, value: assigned } = object(entry);
      if (typeof name === 'string') {
        out[name] = String(assigned ?? '');
      }
    }
    return out;
  }

  export function metric(value: unknown, objective: string): string | null {
    for (const entry of Array.isArray(value) ? value : []) {
      const found = object(entry);
      if (found.name === objective && found.latest !== undefined) {
        return String(found.latest);
      }
    }
    return null;
  }

  /** The type of the last condition whose status is "True" (Kubernetes appends them in order). */
  export function condition(value: unknown, fallback: string): string {
    let state = fallback;
    for (const entry of Array.isArray(value) ? value : []) {
      const found = object(entry);
      if (found.status === 'True' && typeof found.type === 'string') {
        state = found.type;
      }
    }
    return state;
  }
}
