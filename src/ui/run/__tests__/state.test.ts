import { KfpRun } from '../../../server-api';
import { isFinished, runPhase, stepDetails, stepDuration, stepStates, taskState } from '../state';

const TASKS = { 'load-data': 'load_data', 'train-model': 'train_model', report: 'report' };

function run(state: string, tasks: object[]): KfpRun {
  return { run_id: 'r', state, run_details: { task_details: tasks } } as KfpRun;
}

describe('taskState', () => {
  it.each([
    [{ state: 'PENDING' }, 'pending'],
    [{ state: 'RUNTIME_STATE_UNSPECIFIED' }, 'pending'],
    [{ state: 'PAUSED' }, 'pending'],
    [{ state: 'RUNNING' }, 'running'],
    [{ state: 'CANCELING' }, 'running'],
    [{ state: 'SUCCEEDED', pod_name: 'train-abc' }, 'succeeded'],
    [{ state: 'SUCCEEDED', executor_detail: { main_job: 'train-abc' } }, 'succeeded'],
    [{ state: 'SUCCEEDED', executor_detail: {} }, 'cached'],
    [{ state: 'SKIPPED' }, 'skipped'],
    [{ state: 'SKIPPED', executor_detail: { pre_caching_check_job: 'x' } }, 'cached'],
    [{ state: 'CACHED' }, 'cached'],
    [{ state: 'FAILED' }, 'failed'],
    [{ state: 'CANCELED' }, 'failed']
  ])('%j is %s', (task, expected) => {
    expect(taskState(task)).toBe(expected);
  });
});

describe('stepStates', () => {
  it('keys states by step name and leaves unreported steps pending while the run goes on', () => {
    const states = stepStates(
      run('RUNNING', [
        { display_name: 'load-data', state: 'SUCCEEDED', pod_name: 'p1' },
        { display_name: 'train-model', state: 'RUNNING' },
        { display_name: 'root', state: 'RUNNING' }
      ]),
      TASKS
    );
    expect(states).toEqual({ load_data: 'succeeded', train_model: 'running', report: 'pending' });
  });

  it('lets the most telling entry of a task win (a failed retry over a success)', () => {
    const states = stepStates(
      run('RUNNING', [
        { display_name: 'train-model', state: 'SUCCEEDED', pod_name: 'driver' },
        { display_name: 'train-model', state: 'FAILED' },
        { display_name: 'load-data', state: 'SUCCEEDED', pod_name: 'a' },
        { display_name: 'load-data', state: 'RUNNING' }
      ]),
      TASKS
    );
    expect(states.train_model).toBe('failed');
    expect(states.load_data).toBe('running');
  });

  it('knows a step by its task key or by its display name (the step name)', () => {
    const both = { 'train-model': 'train_model', train_model: 'train_model' };
    const states = stepStates(
      run('RUNNING', [
        { display_name: 'train_model', state: 'RUNNING' },
        { display_name: 'train-model', state: 'SUCCEEDED', pod_name: 'driver' }
      ]),
      both
    );
    expect(states).toEqual({ train_model: 'running' });
  });

  it('settles steps a finished run never ran', () => {
    const ok = stepStates(
      run('SUCCEEDED', [{ display_name: 'load-data', state: 'SUCCEEDED', pod_name: 'a' }]),
      TASKS
    );
    expect(ok).toEqual({ load_data: 'succeeded', train_model: 'skipped', report: 'skipped' });
    const failed = stepStates(
      run('FAILED', [
        { display_name: 'load-data', state: 'FAILED' },
        { display_name: 'train-model', state: 'RUNNING' }
      ]),
      TASKS
    );
    expect(failed).toEqual({ load_data: 'failed', train_model: 'failed', report: 'skipped' });
  });

  it('names run phases and knows when polling can stop', () => {
    expect(runPhase({ state: 'PENDING' })).toBe('pending');
    expect(runPhase({ state: 'RUNNING' })).toBe('running');
    expect(runPhase({ state: 'SUCCEEDED' })).toBe('succeeded');
    expect(runPhase({ state: 'FAILED' })).toBe('failed');
    expect(runPhase({ state: 'CANCELED' })).toBe('canceled');
    expect(runPhase({})).toBe('pending');
    expect(isFinished({ state: 'RUNNING' })).toBe(false);
    expect(isFinished({ state: 'CANCELED' })).toBe(true);
  });
});

describe('stepDetails', () => {
  it("takes a step's earliest start, latest end, and the links of the entry that ran its pod", () => {
    const details = stepDetails(
      run('RUNNING', [
        {
          display_name: 'train-model',
          start_time: '2026-01-01T00:00:05Z',
          end_time: '1970-01-01T00:00:00Z',
          logs_url: 'ui/#/runs/details/r?task=driver'
        },
        {
          display_name: 'train-model',
          pod_name: 'train-pod',
          start_time: '2026-01-01T00:00:07Z',
          end_time: '2026-01-01T00:00:17Z',
          logs_url: 'ui/#/runs/details/r?task=exec',
          visualization_url: 'ui/#/artifacts/9'
        },
        { display_name: 'load-data', start_time: '2026-01-01T00:00:00Z' },
        { display_name: 'not-ours', start_time: '2026-01-01T00:00:00Z' }
      ]),
      TASKS
    );
    expect(details.train_model).toEqual({
      start: Date.parse('2026-01-01T00:00:05Z'),
      end: Date.parse('2026-01-01T00:00:17Z'),
      logsUrl: 'ui/#/runs/details/r?task=exec',
      visualizationUrl: 'ui/#/artifacts/9'
    });
    expect(Object.keys(details).sort()).toEqual(['load_data', 'train_model']);
    // A running step's duration runs to now; one that has not started has none.
    const start = Date.parse('2026-01-01T00:00:00Z');
    expect(stepDuration(details.load_data, 'running', start + 3000)).toBe(3000);
    expect(stepDuration(details.load_data, 'pending', start + 3000)).toBeUndefined();
    expect(stepDuration(details.train_model, 'succeeded', 0)).toBe(12000);
    expect(stepDuration(undefined, 'running', 0)).toBeUndefined();
  });
});
