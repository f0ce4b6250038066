import { KatibClient } from '../katib';
import { ServerApiError } from '../request';
import { FakeServerExtension } from './fake-server';

const EXPERIMENT = {
  apiVersion: 'kubeflow.org/v1beta1',
  kind: 'Experiment',
  metadata: { name: 'tune-pipeline' },
  spec: { objective: { objectiveMetricName: 'best_accuracy' } }
};

describe('KatibClient', () => {
  let server: FakeServerExtension;
  beforeEach(async () => {
    server = await new FakeServerExtension().start();
  });
  afterEach(() => server.stop());

  it('reads whether the server can create Experiments, and why not', async () => {
    server.routes['GET /cellpipe/api/katib/status'] = {
      body: {
        available: false,
        reason: 'no_credentials',
        message: 'No service-account token',
        namespace: 'team-a'
      }
    };
    expect(await new KatibClient(server.settings()).status()).toEqual({
      available: false,
      reason: 'no_credentials',
      message: 'No service-account token',
      namespace: 'team-a'
    });
  });

  it('posts the Experiment only, and answers its name; a refusal is a ServerApiError naming it', async () => {
    const client = new KatibClient(server.settings());
    server.routes['POST /cellpipe/api/katib/experiments'] = seen => ({
      status: 201,
      body: { ...seen.body, metadata: { ...seen.body.metadata, namespace: 'team-a' } }
    });
    expect(await client.createExperiment(EXPERIMENT)).toBe('tune-pipeline');
    expect(server.requests[0].body).toEqual(EXPERIMENT);
    expect(server.requests[0].query).toEqual({});

    server.routes['POST /cellpipe/api/katib/experiments'] = {
      status: 409,
      body: { reason: 'no_credentials', message: 'No service-account token at /x' }
    };
    const error = await client.createExperiment(EXPERIMENT).catch(e => e);
    expect(error).toBeInstanceOf(ServerApiError);
    expect(error.status).toBe(409);
    expect(error.message).toBe('Create the Katib Experiment: No service-account token at /x');
  });

  it("reads the Experiment's state and best trial, and its trials' parameters, metric and state", async () => {
    const client = new KatibClient(server.settings());
    server.routes['GET /cellpipe/api/katib/experiments/tune-pipeline'] = {
      body: {
        ...EXPERIMENT,
        status: {
          conditions: [
            { type: 'Created', status: 'True' },
            { type: 'Running', status: 'True' }
          ],
          currentOptimalTrial: {
            bestTrialName: 't2',
            parameterAssignments: [{ name: 'n_estimators', value: '30' }],
            observation: { metrics: [{ name: 'best_accuracy', latest: '0.93' }] }
          }
        }
      }
    };
    expect(await client.experiment('tune-pipeline')).toEqual({
      name: 'tune-pipeline',
      state: 'Running',
      objective: 'best_accuracy',
      best: { trial: 't2', parameters: { n_estimators: '30' }, metric: '0.93' }
    });

    server.routes['GET /cellpipe/api/katib/experiments/tune-pipeline/trials'] = {
      body: {
        items: [
          {
            metadata: { name: 't1' },
            spec: { parameterAssignments: [{ name: 'n_estimators', value: '10' }] },
            status: {
              conditions: [
                { type: 'Created', status: 'True' },
                { type: 'Running', status: 'False' },
                { type: 'Succeeded', status: 'True' }
              ],
              observation: {
                metrics: [
                  { name: 'other', latest: '1' },
                  { name: 'best_accuracy', latest: '0.81' }
                ]
              }
            }
          },
          { metadata: { name: 't3' }, spec: {} }
        ]
      }
    };
    expect(await client.trials('tune-pipeline', 'best_accuracy')).toEqual([
      { name: 't1', parameters: { n_estimators: '10' }, metric: '0.81', state: 'Succeeded' },
      { name: 't3', parameters: {}, metric: null, state: 'Pending' }
    ]);
  });
});
