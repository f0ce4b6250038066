/**
 * What the browser knows of the connection to Kubeflow Pipelines, as plain data (the panel's view and the
 * Run dialog's reducer both read it).
 */
import type { KfpConnection } from '../../server-api';
import type { Trans } from './trans';

/** What is known of the connection: being asked, answered, or the status request itself failed. */
export type ConnectionState =
  | { kind: 'checking' }
  | { kind: 'known'; connection: KfpConnection }
  | { kind: 'failed'; error: string };

/** Why KFP cannot be used now, or undefined once it answered. */
export function unavailableReason(state: ConnectionState, trans: Trans): string | undefined {
  switch (state.kind) {
    case 'checking':
      return trans.__('Waiting for Kubeflow Pipelines to answer…');
    case 'failed':
      return trans.__('Cannot ask the server about Kubeflow Pipelines: %1', state.error);
    case 'known':
      return state.connection.reachable
        ? undefined
        : (state.connection.message ?? trans.__('Kubeflow Pipelines does not answer'));
  }
}
