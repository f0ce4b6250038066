/** The run's name, namespace and experiment (pick one, or name a new one). */
import * as React from 'react';
import type { KfpExperiment } from '../../../server-api';
import { NEW_EXPERIMENT } from '../dialog-model';
import type { Trans } from '../trans';

export interface RunFieldsProps {
  runName: string;
  namespace: string;
  /** null while they are being listed. */
  experiments: readonly KfpExperiment[] | null;
  experiment: string;
  newExperiment: string;
  onEdit: (patch: {
    runName?: string;
    namespace?: string;
    experiment?: string;
    newExperiment?: string;
  }) => void;
  trans: Trans;
}

export function RunFields(props: RunFieldsProps): JSX.Element {
  const { onEdit, trans } = props;
  return (
    <>
      <div className="jp-cellpipe-run-row">
        <label htmlFor="jp-cellpipe-run-name" className="jp-cellpipe-run-label">
          {trans.__('Run name')}
        </label>
        <input
          id="jp-cellpipe-run-name"
          className="jp-mod-styled jp-cellpipe-run-control"
          value={props.runName}
          onChange={e => onEdit({ runName: e.target.value })}
        />
      </div>
      <div className="jp-cellpipe-run-row">
        <label htmlFor="jp-cellpipe-run-namespace" className="jp-cellpipe-run-label">
          {trans.__('Namespace')}
        </label>
        <input
          id="jp-cellpipe-run-namespace"
          className="jp-mod-styled jp-cellpipe-run-control"
          placeholder={trans.__('the server default')}
          value={props.namespace}
          onChange={e => onEdit({ namespace: e.target.value })}
        />
      </div>
      <div className="jp-cellpipe-run-row">
        <label htmlFor="jp-cellpipe-run-experiment" className="jp-cellpipe-run-label">
          {trans.__('Experiment')}
        </label>
        <select
          id="jp-cellpipe-run-experiment"
          className="jp-mod-styled jp-cellpipe-run-control"
          value={props.experiment}
          disabled={props.experiments === null}
          onChange={e => onEdit({ experiment: e.target.value })}
        >
          {(props.experiments ?? []).map(e => (
            <option key={e.experiment_id} value={e.experiment_id}>
              {e.display_name || e.experiment_id}
            </option>
          ))}
          <option value={NEW_EXPERIMENT}>{trans.__('New experiment…')}</option>
        </select>
        {props.experiment === NEW_EXPERIMENT && (
          <input
            aria-label={trans.__('New experiment name')}
            className="jp-mod-styled jp-cellpipe-run-control jp-cellpipe-run-indented jp-cellpipe-run-new-experiment"
            value={props.newExperiment}
            onChange={e => onEdit({ newExperiment: e.target.value })}
          />
        )}
      </div>
    </>
  );
}
