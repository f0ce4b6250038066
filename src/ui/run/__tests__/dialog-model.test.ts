import {
  NEW_EXPERIMENT,
  dialogReducer,
  formOf,
  initialState,
  readPackage,
  unplacedText
} from '../dialog-model';
import { plainTrans } from '../trans';

const SPEC = {
  pipelineInfo: { name: 'demo' },
  root: {
    inputDefinitions: { parameters: { rows: { parameterType: 'NUMBER_INTEGER', defaultValue: 3 } } }
  }
};

describe('the Run dialog model', () => {
  it('picks the wanted experiment, else the first, else offers a new one', () => {
    const start = initialState({ experimentName: 'nightly' });
    const list = [
      { experiment_id: 'e1', display_name: 'Default' },
      { experiment_id: 'e2', display_name: 'nightly' }
    ];
    const listed = (wanted: string, experiments = list) =>
      dialogReducer(start, { type: 'experimentsListed', experiments, wanted }).experiment;
    expect(listed('nightly')).toBe('e2');
    expect(listed('absent')).toBe('e1');
    expect(listed('absent', [])).toBe(NEW_EXPERIMENT);
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
    let state = dialogReducer(initialState({}), { type: 'submitting', uploading: true });
    expect(state.stages).toEqual(['files']);
    for (const stage of ['compiling', 'compiling', 'uploading'] as const) {
      state = dialogReducer(state, { type: 'stage', stage });
    }
    expect(state.stages).toEqual(['files', 'compiling', 'uploading']);
    state = dialogReducer(state, { type: 'submitFailed', error: 'no' });
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
