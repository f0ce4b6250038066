/** "Run locally": the local runner's view in the panel, fed with the notebook's graph and parameters. */
import * as React from 'react';
import { LocalRunModel, LocalRunView, type LocalRunViewProps } from '../local';
import { pipelineNameOf, sessionKernel } from '../local/run-view';
import type { Trans } from '../run/trans';
import type { PanelModel } from './model';
import { usePanelSignals } from './use-signals';

export interface LocalSectionProps {
  local: LocalRunModel;
  notebookPath: string;
  compile: () => Promise<string>;
  /** Why a run cannot start (e.g. the notebook has problems); absent: it can. */
  disabledReason?: string;
  trans: Trans;
  /** The panel: the graph, parameters and pipeline name of the notebook, and its cells to go to. */
  panel?: PanelModel;
}

/** Drawn again when its inputs change (the panel's analysis parts change on every keystroke). */
export const LocalSection = React.memo(function LocalSection(
  props: LocalSectionProps
): JSX.Element {
  return (
    <details className="jp-cellpipe-section jp-cellpipe-local">
      <summary>{props.trans.__('Run locally')}</summary>
      {props.panel ? (
        <WithPanel {...props} panel={props.panel} />
      ) : (
        <LocalRunView {...viewProps(props)} />
      )}
    </details>
  );
});

function WithPanel(props: LocalSectionProps & { panel: PanelModel }): JSX.Element {
  const { panel } = props;
  usePanelSignals(panel, 'analysisChanged', 'notebookSettingsChanged');
  const reveal = React.useCallback((index: number) => panel.revealCell(index), [panel]);
  const kernelName = React.useCallback(() => sessionKernel(panel.notebook), [panel]);
  const written = panel.notebookSettings()?.pipelineName;
  return (
    <LocalRunView
      {...viewProps(props)}
      layout={panel.layout}
      revision={panel.revision}
      parameters={panel.analysis?.parameters}
      pipelineName={pipelineNameOf(props.notebookPath, written)}
      reveal={reveal}
      kernelName={kernelName}
    />
  );
}

/** What the run view needs with or without the panel. */
function viewProps(props: LocalSectionProps): LocalRunViewProps {
  const { local, notebookPath, compile, disabledReason, trans } = props;
  return { model: local, notebookPath, compile, disabledReason, trans };
}
