/**
 * Submitting a notebook to KFP and following the run.
 *
 * The deployment panel mounts it all with one component:
 *
 *   <RunSection
 *     client={kfpClient}                       // the plugin's one KfpClient (IServerApi's `kfp`)
 *     compile={() => Promise.resolve(compileNotebook(notebook, analyzer, options))}  // CompileResult
 *     openDialog={showRunDialog}               // the modal
 *     namespace={settings.namespace}           // '' → the server's default
 *     onWatch={model => graph.follow(model)}   // model.changed → colour by model.steps[stepName]
 *     disabledReason={errors ? 'cell 3: …' : undefined}
 *     trans={trans}
 *   />
 *
 * or uses the pieces: `showRunDialog` / `<RunDialog>`, `RunStatusModel` + `<RunStatusView>`,
 * `<RecentRuns>`. `model.steps` is `{ [stepName]: StepState }` (src/server-api/step-state.ts).
 */
export { RunDialog, readPackage } from './RunDialog';
export { showRunDialog, showScheduleDialog } from './modal';
export { ScheduleDialog } from './ScheduleDialog';
export type { ScheduleDialogProps } from './ScheduleDialog';
export { Schedules, whenText } from './Schedules';
export { describeCron } from './cron';
export { RunSection } from './RunSection';
export { KfpConnectionView, useKfpConnection } from './connection';
export { unavailableReason } from './connection-state';
export type { ConnectionState } from './connection-state';
export type { RunSectionProps } from './RunSection';
export type { CompileRequest, CompiledPackage, RunDialogProps, SubmittedRun } from './RunDialog';
export { planDataFiles, unplacedOf, uploadsOf } from './data-files';
export type { DataFilePlace, DataFilesPlan, DataFileWay } from './data-files';
export { RunStatusView, RecentRuns } from './RunStatusView';
export type { RunStatusViewProps, RecentRunsProps } from './RunStatusView';
export { RunStatusModel, DEFAULT_BACKOFF, taskToStepOf } from './status';
export type { RunStatusOptions, Backoff, Scheduler } from './status';
export { stepStates, taskState, runPhase, isFinished } from './state';
export type { StepState, RunPhase } from './state';
export { fieldText, parseField, parseFields, parametersOfSpec } from './fields';
export type { FieldValue } from './fields';
export { plainTrans } from './trans';
export type { Trans } from './trans';
export { STAGE_LABELS, defaultRunName, submitRun } from './submit';
export type {
  ExperimentChoice,
  RunDataFiles,
  SubmitRequest,
  SubmitResult,
  SubmitStage,
  UploadProgress
} from './submit';
