/**
 * The "Compile & Run" dialog: typed parameter fields, experiment (pick or create), run name, namespace,
 * the compiled YAML to look at before submitting, and progress while uploading and creating the run.
 * Data files chosen for upload go to the object store first (the package is then compiled with their
 * URIs); data files with no way to the pods are listed and the user asked before submitting.
 *
 * The state is `dialogReducer`'s (./dialog-model), the requests and submit `useRunDialog`'s
 * (./dialog/use-run-dialog); this component lays out the parts in ./dialog.
 */
import * as React from 'react';
import { plainTrans } from './trans';
import { RunDialogProps, elapsedText, stageDurations } from './dialog-model';
import { useRunDialog } from './dialog/use-run-dialog';
import { RunFields } from './dialog/RunFields';
import { ParameterFields } from './dialog/ParameterFields';
import { DataFilesConfirm, DataFilesNote } from './dialog/DataFilesConfirm';
import { RunCreated, SubmitProgress } from './dialog/SubmitProgress';
import { useNow } from './use-now';

export { readPackage } from './dialog-model';
export type { CompileRequest, CompiledPackage, RunDialogProps, SubmittedRun } from './dialog-model';

export function RunDialog(props: RunDialogProps): JSX.Element {
  const trans = props.trans ?? plainTrans;
  const { state, form, dispatch, submit, recheck } = useRunDialog(props, trans);
  const { pkg, phase } = state;
  const now = useNow(phase === 'submitting' || (pkg === null && !state.compileError));
  const kfpDown =
    state.kfp.kind === 'failed' || (state.kfp.kind === 'known' && !state.kfp.connection.reachable);
  return (
    <div className="jp-cellpipe-run-dialog">
      <h2 className="jp-cellpipe-run-heading">
        {trans.__('Compile & Run: %1', form.pipelineName)}
      </h2>
      <div className="jp-cellpipe-run-scroll">
        <fieldset disabled={!form.editing} className="jp-cellpipe-run-fieldset">
          <RunFields
            runName={state.runName}
            namespace={state.namespace}
            experiments={state.experiments}
            experiment={state.experiment}
            newExperiment={state.newExperiment}
            onEdit={patch => dispatch({ type: 'edit', patch })}
            trans={trans}
          />
          <ParameterFields
            parameters={form.parameters}
            values={form.edited}
            errors={form.errors}
            onChange={(name, value) => dispatch({ type: 'field', name, value })}
            trans={trans}
          />
        </fieldset>
        {!form.editing && (
          <SubmitProgress
            stages={state.stages}
            active={phase === 'submitting'}
            upload={state.upload}
            durations={stageDurations(state, now)}
            trans={trans}
          />
        )}
        {state.result && <RunCreated result={state.result} runName={state.runName} trans={trans} />}
        {state.serverError && <pre className="jp-cellpipe-run-error">{state.serverError}</pre>}
        <div className="jp-cellpipe-run-row">
          <button
            className="jp-mod-styled jp-cellpipe-run-yaml-toggle"
            disabled={pkg === null}
            onClick={() => dispatch({ type: 'toggleYaml' })}
          >
            {state.showYaml ? trans.__('Hide YAML') : trans.__('View YAML')}
          </button>
          {pkg === null && !state.compileError && (
            <span className="jp-cellpipe-run-compiling" role="status">
              {trans.__('Compiling… %1', elapsedText(now - (state.stageStarts.compiling ?? now)))}
            </span>
          )}
        </div>
        {pkg && <DataFilesNote upload={pkg.dataFiles.upload} trans={trans} />}
        {pkg?.warnings.map((w, i) => (
          <div key={i} className="jp-cellpipe-run-warning" role="status">
            {trans.__('Warning: %1', w.message)}
          </div>
        ))}
        {state.showYaml && pkg && <pre className="jp-cellpipe-run-yaml">{pkg.yaml}</pre>}
        {state.compileError && <pre className="jp-cellpipe-run-error">{state.compileError}</pre>}
      </div>
      {phase === 'confirming' && pkg && (
        <DataFilesConfirm
          unplaced={pkg.dataFiles.unplaced}
          onSubmit={() => void submit(true)}
          onCancel={() => dispatch({ type: 'cancelConfirm' })}
          trans={trans}
        />
      )}
      <div className="jp-Dialog-footer jp-cellpipe-run-footer">
        {form.editing && !form.canSubmit && form.problems.length > 0 && (
          <span className="jp-cellpipe-run-submit-reason" role="status">
            {form.problems[0]}
            {kfpDown && (
              <button className="jp-mod-styled jp-cellpipe-kfp-check" onClick={recheck}>
                {trans.__('Check again')}
              </button>
            )}
          </span>
        )}
        <div className="jp-Dialog-footerButtons">
          <button className="jp-Dialog-button jp-mod-reject jp-mod-styled" onClick={props.onClose}>
            <div className="jp-Dialog-buttonLabel">
              {phase === 'submitted' ? trans.__('Close') : trans.__('Cancel')}
            </div>
          </button>
          {phase !== 'submitted' && phase !== 'confirming' && (
            <button
              className="jp-Dialog-button jp-mod-accept jp-mod-styled jp-cellpipe-run-submit"
              disabled={!form.canSubmit}
              title={form.problems.join('\n')}
              onClick={() => void submit()}
            >
              <div className="jp-Dialog-buttonLabel">{trans.__('Submit run')}</div>
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
