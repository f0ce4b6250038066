/** While submitting: the stages reached with their times; once done: the created run, with its link. */
import * as React from 'react';
import { STAGES, elapsedText, stageLabel } from '../dialog-model';
import type { SubmitResult, SubmitStage, UploadProgress } from '../submit';
import type { Trans } from '../trans';

export function SubmitProgress(props: {
  stages: readonly SubmitStage[];
  /** The last stage reached is still under way. */
  active: boolean;
  upload: UploadProgress | null;
  /** How long each stage took or has taken so far (ms), from `stageDurations`. */
  durations?: Partial<Record<SubmitStage, number>>;
  trans: Trans;
}): JSX.Element {
  const shown = STAGES.filter(s => props.stages.includes(s));
  const durations = props.durations ?? {};
  const total = Object.values(durations).reduce((sum, ms) => sum + (ms ?? 0), 0);
  const current = props.active ? shown[shown.length - 1] : undefined;
  return (
    <div className="jp-cellpipe-run-progress-box">
      {current && (
        <div className="jp-cellpipe-run-phase-line" role="status">
          {props.trans.__(
            '%1 — %2 elapsed',
            stageLabel(current, props.upload, props.trans),
            elapsedText(total)
          )}
        </div>
      )}
      <ol className="jp-cellpipe-run-progress">
        {shown.map(s => {
          const active = s === current;
          const ms = durations[s];
          return (
            <li key={s} data-stage={s} data-state={active ? 'active' : 'done'}>
              {active ? '… ' : '✓ '}
              <span className="jp-cellpipe-run-stage-label">
                {stageLabel(s, props.upload, props.trans)}
              </span>
              {ms !== undefined && (
                <span className="jp-cellpipe-muted jp-cellpipe-run-stage-time">
                  {' '}
                  {elapsedText(ms)}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </div>
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
