/** Katib tuning: a compiled package + a search → an Experiment (docs/tuning.md). */
export {
  KATIB_API_VERSION,
  KATIB_STDOUT_FILTER,
  TRIAL_CONTAINER,
  Experiment,
  ExperimentOptions,
  buildExperiment,
  trialScript,
  MAX_SCRIPT_BYTES,
  trialReference
} from './experiment';
export { largestResources, quantity } from './resources';
export { RUNNER_SOURCE, TrialPlan } from './runner';
