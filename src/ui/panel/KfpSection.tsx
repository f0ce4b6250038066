/**
 * The panel's "Run on Kubeflow" section: `<RunSection>` fed from the panel's latest analysis (no
 * second analysis), and the watched run's step states passed on to the graph's colours.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { IFileClient, IKatibClient, IKfpClient } from '../../server-api';
import { RunSection, RunStatusModel, showRunDialog, showScheduleDialog } from '../run';
import type { CompileRequest } from '../run/RunDialog';
import { PanelModel } from './model';
import { TuneButton } from '../tune/TuneButton';
import { usePanelSignals } from './use-signals';

/** Drawn again only when its inputs changed (not on every keystroke's analysis). */
export const KfpSection = React.memo(function KfpSection(props: {
  model: PanelModel;
  trans: TranslationBundle;
  /** The notebook's pipeline name, to list its runs. */
  pipelineName?: string;
  namespace?: string;
  disabledReason?: string;
  /** The plugin's one Katib client (IServerApi's `katib`), for the Tune dialog's Create in cluster. */
  katib?: IKatibClient;
  /** The plugin's one client (IServerApi's `kfp`): it only talks to our server extension. */
  client: IKfpClient;
  /** Uploads a run's data files (IServerApi's `files`). */
  files: Pick<IFileClient, 'uploadDataFiles'>;
}): JSX.Element {
  const { model, trans } = props;
  const { client } = props;
  // The notebook's experiment is read here: the memo above does not see it change.
  usePanelSignals(model, 'notebookSettingsChanged');
  // The run being watched and the slot copying its step states into the panel model.
  const watched = React.useRef<{ run: RunStatusModel; copy: () => void } | null>(null);
  const follow = React.useCallback(
    (run: RunStatusModel | null) => {
      if (watched.current) {
        watched.current.run.changed.disconnect(watched.current.copy);
        watched.current = null;
      }
      if (!run) {
        model.stepStates = {};
        return;
      }
      const copy = () => (model.stepStates = { ...run.steps });
      run.changed.connect(copy);
      watched.current = { run, copy };
      copy();
    },
    [model]
  );
  const compile = React.useCallback(
    (request?: CompileRequest) => model.compilePackageForRun(request),
    [model]
  );
  return (
    <details className="jp-cellpipe-section jp-cellpipe-kfp">
      <summary>{trans.__('Run on Kubeflow Pipelines')}</summary>
      <RunSection
        client={client}
        files={props.files}
        compile={compile}
        openDialog={showRunDialog}
        openSchedule={showScheduleDialog}
        pipelineName={props.pipelineName}
        namespace={props.namespace}
        experimentName={model.notebookSettings()?.experiment || undefined}
        onWatch={follow}
        disabledReason={props.disabledReason}
        trans={trans}
      />
      <TuneButton
        model={model}
        trans={trans}
        disabledReason={props.disabledReason}
        katib={props.katib}
      />
    </details>
  );
});
