/** Data files: which go to the object store on submit, and the question about those that reach no pod. */
import * as React from 'react';
import { unplacedText } from '../dialog-model';
import type { Trans } from '../trans';

/** The files a submit uploads first. */
export function DataFilesNote(props: {
  upload: readonly string[];
  trans: Trans;
}): JSX.Element | null {
  if (props.upload.length === 0) {
    return null;
  }
  return (
    <div className="jp-cellpipe-run-datafiles jp-cellpipe-run-note" role="status">
      {props.trans.__(
        "On submit, first uploaded to the pipeline's object store (unchanged files are not sent again): %1",
        props.upload.join(', ')
      )}
    </div>
  );
}

/** Files that will not exist in the pods: Submit anyway, or Cancel and choose how under Files. */
export function DataFilesConfirm(props: {
  unplaced: readonly string[];
  onSubmit: () => void;
  onCancel: () => void;
  trans: Trans;
}): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-cellpipe-run-confirm" role="alertdialog">
      <p className="jp-cellpipe-run-confirm-text">
        {unplacedText(props.unplaced, trans)}
        <br />
        <span className="jp-cellpipe-run-note">
          {trans.__(
            'No step writes them and nothing brings them to the cluster: choose how under Files (upload, a URI, the workspace volume, or the image).'
          )}
        </span>
      </p>
      <button
        className="jp-mod-styled jp-mod-warn jp-cellpipe-run-confirm-submit"
        onClick={props.onSubmit}
      >
        {trans.__('Submit anyway')}
      </button>{' '}
      <button
        className="jp-mod-styled jp-mod-reject jp-cellpipe-run-confirm-cancel"
        onClick={props.onCancel}
      >
        {trans.__('Cancel')}
      </button>
    </div>
  );
}
