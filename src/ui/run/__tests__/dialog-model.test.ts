import {
  NEW_EXPERIMENT,
  dialogReducer,
  formOf,
  elapsedText,
  initialState,
  readPackage,
  stageDurations,
  unplacedText
} from '../dialog-model';
import { plainTrans } from '../trans';
import { reachableStatus, unreachableStatus } from './kfp-status';

const SPEC = {
  pipelineInfo: { name: 'demo' },
  root: {
    inputDefinitions: { parameters: { rows: { parameterType: 'NUMBER_INTEGER', defaultValue: 3 } } }
  }
};

describe('the Run dialog model', () => {
  it("picks the notebook's experiment, else offers to create it; without one, Default or the first", () => {
    const start = initialState({ experimentName: 'nightly' });
    const list = [
      { experiment_id: 'e1', display_name: 'Default' },
      { experiment_id: 'e2', display_name: 'nightly' }
    ];
    const listed = (wanted: string, experiments = list) =>
      dialogReducer(start, { type: 'experimentsListed', experiments, wanted });
    expect(listed('nightly').experiment).toBe('e2');
    // The notebook names an experiment KFP does not have: it is made, never another one used instead.
    expect(listed('absent').experiment).toBe(NEW_EXPERIMENT);
    expect(listed('absent').newExperiment).toBe('absent');
    expect(listed('').experiment).toBe('e1');
    expect(listed('', [{ experiment_id: 'e3', display_name: 'x' }]).experiment).toBe('e3');
    expect(listed('', []).experiment).toBe(NEW_EXPERIMENT);
    expect(initialState({ experimentName: 'nightly' }).newExperiment).toBe('nightly');
  });

  it('keeps Submit off, saying why, until KFP answers', () => {
    const pkg = readPackage({ yaml: '', pipelineSpec: SPEC, steps: [] });
    let state = dialogReducer(initialState({}), { type: 'compiled', pkg, pipelineName: 'demo' });
    state = dialogReducer(state, { type: 'edit', patch: { experiment: 'e1' } });
    expect(formOf(state, {}, plainTrans).problems).toEqual([
      'Waiting for Kubeflow Pipelines to answer…'
    ]);
    state = dialogReducer(state, {
      type: 'connection',
      state: { kind: 'known', connection: unreachableStatus() }
    });
    const down = formOf(state, {}, plainTrans);
    expect(down.canSubmit).toBe(false);
    expect(down.problems[0]).toMatch(/^Cannot reach Kubeflow Pipelines at http/);
    state = dialogReducer(state, {
      type: 'connection',
      state: { kind: 'known', connection: reachableStatus() }
    });
    expect(formOf(state, {}, plainTrans).canSubmit).toBe(true);
  });

  it('times each stage: until the next began, the end, or now while it goes', () => {
    let state = dialogReducer(initialState({ openedAt: 0 }), {
      type: 'submitting',
      uploading: false,
      at: 1000
    });
    state = dialogReducer(state, { type: 'stage', stage: 'compiling', at: 1000 });
    state = dialogReducer(state, { type: 'stage', stage: 'uploading', at: 1500 });
    expect(stageDurations(state, 4000)).toEqual({ compiling: 500, uploading: 2500 });
    state = dialogReducer(state, { type: 'stage', stage: 'creating', at: 5000 });
    state = dialogReducer(state, { type: 'stage', stage: 'done', at: 5200 });
    state = dialogReducer(state, { type: 'submitted', result: {} as never, at: 5200 });
    expect(stageDurations(state, 9999)).toEqual({ compiling: 500, uploading: 3500, creating: 200 });
    expect([elapsedText(400), elapsedText(12400), elapsedText(125000)]).toEqual([
      '0.4 s',
      '12 s',
      '2 min 05 s'
    ]);
  });

  it('keeps a typed run name when the package arrives, and names the run after the pipeline otherwise', () => {
    const pkg = readPackage({ yaml: '', pipelineSpec: SPEC, steps: [] });
    const typed = dialogReducer(
      dialogReducer(initialState({}), { type: 'edit', patch: { runName: 'mine' } }),
      { type: 'compiled', pkg, pipelineName: 'demo' }
    );
    expect(typed.runName).toBe('mine');
    const named = dialogReducer(initialState({}), { type: 'compiled', pkg, pipelineName: 'demo' });
    expect(named.runName).toMatch(/^demo \d/);
  });

  it('says what stops Submit: a bad parameter, no run name, an unnamed new experiment', () => {
    const pkg = readPackage({ yaml: '', pipelineSpec: SPEC, steps: [] });
    let state = dialogReducer(initialState({}), { type: 'compiled', pkg, pipelineName: 'demo' });
    state = dialogReducer(state, {
      type: 'connection',
      state: { kind: 'known', connection: reachableStatus() }
    });
    state = dialogReducer(state, { type: 'edit', patch: { newExperiment: '  ' } });
    expect(formOf(state, {}, plainTrans).problems).toEqual(['Name the new experiment']);
    state = dialogReducer(state, { type: 'edit', patch: { experiment: 'e1', runName: ' ' } });
    state = dialogReducer(state, { type: 'field', name: 'rows', value: '2.5' });
    const form = formOf(state, {}, plainTrans);
    expect(form.canSubmit).toBe(false);
    expect(form.problems).toHaveLength(2);
    expect(form.problems[1]).toBe('The run needs a name');
    expect(form.edited).toEqual({ rows: '2.5' });
  });

  it('records each stage once, in order, and goes back to editing on a failure', () => {
    let state = dialogReducer(initialState({}), { type: 'submitting', uploading: true, at: 0 });
    expect(state.stages).toEqual(['files']);
    for (const stage of ['compiling', 'compiling', 'uploading'] as const) {
      state = dialogReducer(state, { type: 'stage', stage, at: 1 });
    }
    expect(state.stages).toEqual(['files', 'compiling', 'uploading']);
    state = dialogReducer(state, { type: 'submitFailed', error: 'no', at: 2 });
    expect([state.phase, state.serverError]).toEqual(['editing', 'no']);
  });

  it('names at most five unplaced files', () => {
    const files = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(unplacedText(files, plainTrans)).toBe(
      '7 files will not exist in the pod: a, b, c, d, e and 2 more'
    );
    expect(unplacedText(['a'], plainTrans)).toBe('1 file will not exist in the pod: a');
  });
});
