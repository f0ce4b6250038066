/**
 * Running the pipeline on this machine from the panel, and the runs kept beside the notebook. Mount:
 *
 *   const model = new LocalRunModel(api.localRuns);   // api: the IServerApi token (src/ui/tokens.ts)
 *   <LocalRunView model={model} compile={async () => (await compileNotebook(...)).yaml}
 *                 notebookPath={panel.context.path} layout={...} parameters={...} reveal={...} />
 *   The view shows its notebook (`model.show(path)`): runs are kept per notebook, never mixed.
 *   model.changed → colour the graph by model.steps[stepName] (same states as remote runs).
 */
export { LocalRunModel } from './model';
export { LocalRunView } from './LocalRunView';
export type { LocalRunViewProps } from './LocalRunView';
