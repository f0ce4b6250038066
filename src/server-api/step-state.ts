/**
 * The state of one notebook step in a run, in the words the graph colours by: a local run's server
 * answers them as they are (cellpipe/local/runner.py), a KFP run's task states are mapped to them
 * (src/ui/run/state.ts). `interrupted`: the local run was stopped while the step had not ended.
 */
export type StepState =
  'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cached' | 'interrupted';
