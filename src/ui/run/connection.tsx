/**
 * The connection to Kubeflow Pipelines as the server sees it (`GET kfp/status`): where, how it
 * authenticates, whether KFP answers and, when not, why and which setting fixes it. Runs are neither
 * listed nor submitted until KFP answers.
 */
import * as React from 'react';
import type { IKfpClient } from '../../server-api';
import { errorText } from '../errors';
import { ConnectionState, unavailableReason } from './connection-state';
import { Trans, plainTrans } from './trans';

export { unavailableReason } from './connection-state';
export type { ConnectionState } from './connection-state';

export interface KfpConnectionControl {
  state: ConnectionState;
  /** Asks the server again (after the admin changed a setting, or KFP came up). */
  check: () => void;
}

/** Asks the server once on mount and again on `check()`. */
export function useKfpConnection(client: Pick<IKfpClient, 'status'>): KfpConnectionControl {
  const [state, setState] = React.useState<ConnectionState>({ kind: 'checking' });
  const [asked, setAsked] = React.useState(0);
  React.useEffect(() => {
    let live = true;
    setState({ kind: 'checking' });
    client.status().then(
      connection => live && setState({ kind: 'known', connection }),
      error => live && setState({ kind: 'failed', error: errorText(error) })
    );
    return () => {
      live = false;
    };
  }, [client, asked]);
  const check = React.useCallback(() => setAsked(n => n + 1), []);
  return { state, check };
}

/** One line per fact: endpoint (and what set it), auth mode, namespace, reachable or why not. */
export function KfpConnectionView(props: {
  control: KfpConnectionControl;
  trans?: Trans;
}): JSX.Element {
  const trans = props.trans ?? plainTrans;
  const { state, check } = props.control;
  const connection = state.kind === 'known' ? state.connection : null;
  const health =
    state.kind === 'checking' ? 'checking' : connection?.reachable ? 'reachable' : 'unreachable';
  return (
    <div className="jp-cellpipe-kfp-connection" data-state={health}>
      {connection && (
        <dl className="jp-cellpipe-kfp-connection-facts">
          <dt>{trans.__('Endpoint')}</dt>
          <dd className="jp-cellpipe-kfp-endpoint">
            {connection.endpoint || trans.__('none')}{' '}
            <span className="jp-cellpipe-muted">
              {trans.__('(from %1)', connection.endpoint_source)}
            </span>
          </dd>
          <dt>{trans.__('Auth')}</dt>
          <dd className="jp-cellpipe-kfp-auth">{connection.auth_mode}</dd>
          {connection.namespace && (
            <>
              <dt>{trans.__('Namespace')}</dt>
              <dd>{connection.namespace}</dd>
            </>
          )}
        </dl>
      )}
      <div className="jp-cellpipe-kfp-health" role="status">
        {health === 'checking'
          ? trans.__('Checking the connection…')
          : health === 'reachable'
            ? trans.__('✓ Kubeflow Pipelines answers')
            : `✗ ${unavailableReason(state, trans) ?? ''}`}
      </div>
      {connection && !connection.reachable && connection.fixes.length > 0 && (
        <div className="jp-cellpipe-kfp-fixes">
          {trans.__('The Jupyter server’s admin fixes it with one of:')}
          <ul>
            {connection.fixes.map(fix => (
              <li key={fix.setting}>
                <code>{fix.setting}</code>
                {fix.env && (
                  <>
                    {' '}
                    {trans.__('or the environment variable')} <code>{fix.env}</code>
                  </>
                )}
              </li>
            ))}
          </ul>
          {trans.__('then restarts it; see "KFP connection" in the README.')}
        </div>
      )}
      {health !== 'checking' && health !== 'reachable' && (
        <button className="jp-mod-styled jp-cellpipe-kfp-check" onClick={check}>
          {trans.__('Check again')}
        </button>
      )}
    </div>
  );
}
