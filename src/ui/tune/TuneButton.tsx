/**
 * "Tune…" in the panel's Kubeflow section: opens the Tune dialog as a modal over the page.
 */
import * as React from 'react';
import type { IKatibClient } from '../../server-api';
import type { PanelModel } from '../panel/model';
import { showModal } from '../run/modal';
import { Trans, plainTrans } from '../run/trans';
import { applyTrialParameters } from './parameters';
import { TuneDialog } from './TuneDialog';

export function showTuneDialog(model: PanelModel, trans?: Trans, katib?: IKatibClient): void {
  const notebook = model.notebook?.model;
  if (!notebook) {
    return;
  }
  void showModal(
    close => (
      <TuneDialog
        compile={() => model.compilePackageForRun({ importDataFiles: false })}
        metadata={{ kubeflow_notebook: notebook.getMetadata('kubeflow_notebook') }}
        save={metadata => notebook.setMetadata('kubeflow_notebook', metadata.kubeflow_notebook)}
        onClose={close}
        katib={katib}
        applyParameters={(values, types) => applyTrialParameters(notebook, values, types)}
        trans={trans}
      />
    ),
    () => undefined
  );
}

export function TuneButton(props: {
  model: PanelModel;
  trans?: Trans;
  disabledReason?: string;
  /** The plugin's one Katib client (IServerApi's `katib`); absent: the dialog offers the YAML only. */
  katib?: IKatibClient;
}): JSX.Element {
  const trans = props.trans ?? plainTrans;
  return (
    <button
      className="jp-mod-styled jp-cellpipe-tune-open"
      disabled={props.disabledReason !== undefined}
      title={props.disabledReason ?? trans.__('Tune the pipeline parameters with Katib')}
      onClick={() => showTuneDialog(props.model, props.trans, props.katib)}
    >
      {trans.__('Tune…')}
    </button>
  );
}
