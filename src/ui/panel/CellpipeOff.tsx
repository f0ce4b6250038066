/**
 * The panel of a notebook with cellpipe off: it says so, and one button turns it on (writing
 * `cellpipe.enabled`, the user's choice). On, it shows the panel's sections (`children`).
 */
import * as React from 'react';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Enablement } from '../enablement';
import type { Trans } from '../run/trans';

export interface CellpipeOffProps {
  notebook: NotebookPanel;
  /** Write `cellpipe.enabled: true` to the notebook (a user action). */
  turnOn: () => void;
  trans: Trans;
  children?: React.ReactNode;
}

/** The sections when cellpipe is on for `notebook`, else what says it is off; nothing until it has loaded. */
export function CellpipeOff(props: CellpipeOffProps): JSX.Element | null {
  const { notebook, trans } = props;
  const enablement = Enablement.of(notebook);
  // Which notebook's enablement the state holds: another notebook's says nothing about this one.
  const [state, setState] = React.useState<{ of: Enablement | null; enabled: boolean }>({
    of: null,
    enabled: false
  });
  React.useEffect(() => {
    let live = true;
    const follow = () => live && setState({ of: enablement, enabled: enablement.enabled });
    void enablement.ready.then(follow);
    enablement.changed.connect(follow);
    return () => {
      live = false;
      enablement.changed.disconnect(follow);
    };
  }, [enablement]);
  if (state.of !== enablement) {
    return null;
  }
  if (state.enabled) {
    return <>{props.children}</>;
  }
  return (
    <section className="jp-cellpipe-off" role="status">
      <p>
        {trans.__(
          'cellpipe is off for this notebook: no step chips, no problem markers, no analysis.'
        )}
      </p>
      <button type="button" className="jp-cellpipe-turn-on jp-mod-styled" onClick={props.turnOn}>
        {trans.__('Turn on cellpipe')}
      </button>
    </section>
  );
}
