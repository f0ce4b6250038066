/** "Run locally": the local runner's view in the panel. */
import * as React from 'react';
import { LocalRunModel, LocalRunView } from '../local';
import type { Trans } from '../run/trans';

export interface LocalSectionProps {
  local: LocalRunModel;
  notebookPath: string;
  compile: () => Promise<string>;
  /** Why a run cannot start (e.g. the notebook has problems); absent: it can. */
  disabledReason?: string;
  trans: Trans;
}

/** Drawn again when its inputs change (the panel's analysis parts change on every keystroke). */
export const LocalSection = React.memo(function LocalSection(
  props: LocalSectionProps
): JSX.Element {
  return (
    <details className="jp-cellpipe-section jp-cellpipe-local">
      <summary>{props.trans.__('Run locally')}</summary>
      <LocalRunView
        model={props.local}
        notebookPath={props.notebookPath}
        compile={props.compile}
        disabledReason={props.disabledReason}
        trans={props.trans}
      />
    </details>
  );
});
