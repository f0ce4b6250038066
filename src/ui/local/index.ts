/**
 * Running the pipeline on this machine from the panel. Mount:
 *
 *   const model = new LocalRunModel(new LocalRunClient());
 *   <LocalRunView model={model} compile={async () => (await compileNotebook(...)).yaml}
 *                 notebookPath={panel.context.path} />
 *   model.changed → colour the graph by model.steps[stepName] (same states as remote runs).
 */
export { LocalRunClient } from './client';
export type {
  ILocalRunClient,
  LocalRunSnapshot,
  LocalStep,
  LocalStepState,
  StartLocalRun
} from './client';
export { LocalRunModel } from './model';
export { LocalRunView } from './LocalRunView';
export type { LocalRunViewProps } from './LocalRunView';
