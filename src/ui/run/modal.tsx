/**
 * The run dialog as a modal over the page (JupyterLab's dialog look), for the panel's "Compile & Run".
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';
import { RunDialog, RunDialogProps, SubmittedRun } from './RunDialog';

/** Opens the dialog as a modal over the page; resolves with the created run, or null if closed before. */
export function showRunDialog(
  props: Omit<RunDialogProps, 'onClose'> & { host?: HTMLElement }
): Promise<SubmittedRun | null> {
  return new Promise(resolve => {
    let submitted: SubmittedRun | null = null;
    const backdrop = ReactWidget.create(
      <div
        className="jp-Dialog-content jp-cellpipe-run-dialog-content"
        onKeyDown={e => e.key === 'Escape' && close()}
      >
        <RunDialog
          {...props}
          onSubmitted={result => {
            submitted = result;
            props.onSubmitted?.(result);
          }}
          onClose={() => close()}
        />
      </div>
    );
    backdrop.addClass('jp-Dialog');
    backdrop.addClass('jp-ThemedContainer');
    backdrop.addClass('jp-cellpipe-run-modal');
    function close() {
      backdrop.dispose();
      resolve(submitted);
    }
    ReactWidget.attach(backdrop, props.host ?? document.body);
  });
}
