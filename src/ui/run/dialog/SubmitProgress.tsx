/** While submitting: the stages reached; once done: the created run, with its link. */
import * as React from 'react';
import { STAGES, stageLabel } from '../dialog-model';
import type { SubmitResult, SubmitStage, UploadProgress } from '../submit';
import type { Trans } from '../trans';

export function SubmitProgress(props: {
  stages: readonly SubmitStage[];
  /** The last stage reached is still under way. */
  active: boolean;
  upload: UploadProgress | null;
  trans: Trans;
}): JSX.Element {
  const shown = STAGES.filter(s => props.stages.includes(s));
  return (
    <ol className="jp-cellpipe-run-progress">
      {shown.map((s, i) => {
        const current = i === shown.length - 1 && props.active;
        return (
          <li key={s} data-stage={s} data-state={current ? 'active' : 'done'}>
            {current ? '… ' : '✓ '}
            {stageLabel(s, props.upload, props.trans)}
          </li>
        );
      })}
    </ol>
  );
}

export function RunCreated(props: {
  result: SubmitResult;
  runName: string;
  trans: Trans;
}): JSX.Element {
  const { run, published } = props.result;
  const { trans } = props;
  return (
    <div className="jp-cellpipe-run-created">
      {trans.__('Run created: ')}
      <strong>{run.display_name ?? props.runName}</strong>{' '}
      {run.ui_url && (
        <a href={run.ui_url} target="_blank" rel="noopener noreferrer" className="jp-cellpipe-link">
          {trans.__('Open in Kubeflow Pipelines')}
        </a>
      )}
      <div className="jp-cellpipe-run-note">
        {published.created_pipeline
          ? trans.__('New pipeline uploaded.')
          : trans.__('Uploaded as version %1.', published.version_name || '')}
      </div>
    </div>
  );
}
