/**
 * The run, schedule (and Tune) dialogs as modals over the page (JupyterLab's dialog look), for the panel's
 * "Compile & Run" and "Schedule".
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { KfpRecurringRun } from '../../server-api';
import { RunDialog, RunDialogProps, SubmittedRun } from './RunDialog';
import { ScheduleDialog, ScheduleDialogProps } from './ScheduleDialog';

/**
 * Shows `render(close)` as a modal over the page with JupyterLab's dialog look; Escape or `close` removes
 * it. Resolves, once closed, with what `result()` says then.
 */
export function showModal<T>(
  render: (close: () => void) => React.ReactElement,
  result: () => T,
  host?: HTMLElement
): Promise<T> {
  return new Promise(resolve => {
    const backdrop = ReactWidget.create(
      <div
        className="jp-Dialog-content jp-cellpipe-run-dialog-content"
        onKeyDown={e => e.key === 'Escape' && close()}
      >
        {render(() => close())}
      </div>
    );
    backdrop.addClass('jp-Dialog');
    backdrop.addClass('jp-ThemedContainer');
    backdrop.addClass('jp-cellpipe-run-modal');
    function close() {
      if (!backdrop.isDisposed) {
        backdrop.dispose();
        resolve(result());
      }
    }
    ReactWidget.attach(backdrop, host ?? document.body);
  });
}

/** Opens the dialog as a modal over the page; resolves with the created run, or null if closed before. */
export function showRunDialog(
  props: Omit<RunDialogProps, 'onClose'> & { host?: HTMLElement }
): Promise<SubmittedRun | null> {
  let submitted: SubmittedRun | null = null;
  return showModal(
    close => (
      <RunDialog
        {...props}
        onSubmitted={result => {
          submitted = result;
          props.onSubmitted?.(result);
        }}
        onClose={close}
      />
    ),
    () => submitted,
    props.host
  );
}

/** Opens the Schedule dialog as a modal; resolves with the created schedule, or null if closed before. */
export function showScheduleDialog(
  props: Omit<ScheduleDialogProps, 'onClose'> & { host?: HTMLElement }
): Promise<KfpRecurringRun | null> {
  let created: KfpRecurringRun | null = null;
  return showModal(
    close => (
      <ScheduleDialog
        {...props}
        onCreated={schedule => {
          created = schedule;
          props.onCreated?.(schedule);
        }}
        onClose={close}
      />
    ),
    () => created,
    props.host
  );
}
