/** What the fake server answers for `GET kfp/status`: a KFP that answers, or one that does not. */
import type { KfpConnection } from '../../../server-api';

export function reachableStatus(namespace = 'team-a'): KfpConnection {
  return {
    reachable: true,
    endpoint: 'http://ml-pipeline.kubeflow:8888',
    ui_endpoint: '/pipeline',
    namespace,
    auth_mode: 'sa_token',
    endpoint_source: 'the in-cluster default',
    multi_user: true,
    fixes: []
  };
}

export function unreachableStatus(): KfpConnection {
  return {
    reachable: false,
    endpoint: 'http://ml-pipeline.kubeflow.svc.cluster.local:8888',
    ui_endpoint: '/pipeline',
    namespace: null,
    auth_mode: 'none',
    endpoint_source: 'the in-cluster default',
    reason: 'unreachable',
    message:
      'Cannot reach Kubeflow Pipelines at http://ml-pipeline.kubeflow.svc.cluster.local:8888: Name or service not known',
    fixes: [{ setting: 'c.CellpipeKFP.endpoint', env: 'KF_PIPELINES_ENDPOINT' }]
  };
}
