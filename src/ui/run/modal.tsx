/**
 * The run and schedule dialogs as modals over the page (JupyterLab's dialog look), for the panel's
 * "Compile & Run" and "Schedule".
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { KfpRecurringRun } from '../../server-api';
import { RunDialog, RunDialogProps, SubmittedRun } from './RunDialog';
import { ScheduleDialog, ScheduleDialogProps } from './ScheduleDialog';

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

/** Opens the Schedule dialog as a modal; resolves with the created schedule, or null if closed before. */
export function showScheduleDialog(
  props: Omit<ScheduleDialogProps, 'onClose'> & { host?: HTMLElement }
): Promise<KfpRecurringRun | null> {
  return new Promise(resolve => {
    let created: KfpRecurringRun | null = null;
    const backdrop = ReactWidget.create(
      <div
        className="jp-Dialog-content jp-cellpipe-run-dialog-content"
        onKeyDown={e => e.key === 'Escape' && close()}
      >
        <ScheduleDialog
          {...props}
          onCreated={schedule => {
            created = schedule;
            props.onCreated?.(schedule);
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
      resolve(created);
    }
    ReactWidget.attach(backdrop, props.host ?? document.body);
  });
}
