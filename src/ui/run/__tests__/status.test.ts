import { KfpClient } from '../../../server-api';
import { FakeServerExtension } from '../../../server-api/__tests__/fake-server';
import { RunStatusModel, taskToStepOf } from '../status';

/** Collects what the model asks to schedule; `next()` runs the pending poll. */
class ManualScheduler {
  delays: number[] = [];
  pending: (() => void) | null = null;
  schedule = (poll: () => void, ms: number) => {
    this.delays.push(ms);
    this.pending = poll;
    return () => {
      if (this.pending === poll) {
        this.pending = null;
      }
    };
  };
  async next(model: RunStatusModel): Promise<void> {
    const poll = this.pending;
    expect(poll).not.toBeNull();
    this.pending = null;
    poll!();
    // The poll is in flight until it either schedules the next one or finds the run finished.
    while (model.polling && this.pending === null) {
      await new Promise(r => setTimeout(r, 5));
    }
  }
}

const STEPS = [
  { step: 'load_data', task: 'load-data' },
  { step: 'train', task: 'train' }
];

describe('RunStatusModel', () => {
  let server: FakeServerExtension;
  let answers: object[];

  beforeEach(async () => {
    server = await new FakeServerExtension().start();
    answers = [];
    server.routes['GET /cellpipe/api/kfp/runs/r1'] = () => {
      const next = answers.length > 1 ? answers.shift()! : answers[0];
      return 'status' in next ? (next as any) : { body: next };
    };
  });
  afterEach(() => server.stop());

  it('polls with backoff, emits step states by step name, and stops when the run ends', async () => {
    const pending = { run_id: 'r1', state: 'PENDING' };
    const running = {
      run_id: 'r1',
      state: 'RUNNING',
      run_details: { task_details: [{ display_name: 'load-data', state: 'RUNNING' }] }
    };
    const done = {
      run_id: 'r1',
      state: 'SUCCEEDED',
      ui_url: 'http://kfp/#/runs/details/r1',
      run_details: {
        task_details: [
          { display_name: 'load-data', state: 'SUCCEEDED', pod_name: 'a' },
          { display_name: 'train', state: 'SUCCEEDED', executor_detail: {} }
        ]
      }
    };
    answers = [pending, pending, pending, running, done];
    const scheduler = new ManualScheduler();
    const model = new RunStatusModel({
      client: new KfpClient(server.settings()),
      runId: 'r1',
      taskToStep: taskToStepOf(STEPS),
      backoff: { initial: 100, factor: 2, max: 300 },
      scheduler: scheduler.schedule
    });
    const seen: string[] = [];
    model.changed.connect(() => seen.push(JSON.stringify(model.steps)));
    expect(model.steps).toEqual({ load_data: 'pending', train: 'pending' });

    await model.start();
    expect(model.phase).toBe('pending');
    await scheduler.next(model); // pending again: slower
    await scheduler.next(model); // and slower, up to the cap
    await scheduler.next(model); // running: back to the first delay
    await scheduler.next(model); // succeeded: no more polls
    expect(scheduler.delays).toEqual([100, 200, 300, 100]);
    expect(scheduler.pending).toBeNull();
    expect(model.polling).toBe(false);
    expect(model.phase).toBe('succeeded');
    expect(model.steps).toEqual({ load_data: 'succeeded', train: 'cached' });
    expect(model.run?.ui_url).toBe('http://kfp/#/runs/details/r1');
    expect(seen).toEqual([
      JSON.stringify({ load_data: 'pending', train: 'pending' }),
      JSON.stringify({ load_data: 'running', train: 'pending' }),
      JSON.stringify({ load_data: 'succeeded', train: 'cached' })
    ]);
    expect(server.requests).toHaveLength(5);
    model.dispose();
  });

  it('keeps polling through errors, backing off, and clears the error once KFP answers', async () => {
    answers = [
      {
        status: 502,
        body: { reason: 'unreachable', message: 'Cannot reach Kubeflow Pipelines at http://kfp' }
      },
      { run_id: 'r1', state: 'FAILED', error: { message: 'step train failed' } }
    ];
    const scheduler = new ManualScheduler();
    const model = new RunStatusModel({
      client: new KfpClient(server.settings()),
      runId: 'r1',
      taskToStep: taskToStepOf(STEPS),
      backoff: { initial: 50, factor: 3, max: 1000 },
      scheduler: scheduler.schedule
    });
    await model.start();
    expect(model.error).toBe('Cannot reach Kubeflow Pipelines at http://kfp');
    expect(scheduler.delays).toEqual([150]);
    await scheduler.next(model);
    expect(model.error).toBeNull();
    expect(model.phase).toBe('failed');
    expect(model.steps).toEqual({ load_data: 'skipped', train: 'skipped' });
    expect(scheduler.pending).toBeNull();
  });

  it('stops polling a run that does not exist', async () => {
    answers = [{ status: 404, body: { reason: 'not_found', message: 'Not found: run r1' } }];
    const scheduler = new ManualScheduler();
    const model = new RunStatusModel({
      client: new KfpClient(server.settings()),
      runId: 'r1',
      taskToStep: {},
      scheduler: scheduler.schedule
    });
    await model.start();
    expect(model.error).toBe('Not found: run r1');
    expect(scheduler.pending).toBeNull();
    expect(model.polling).toBe(false);
  });

  it('stops polling when stopped or disposed', async () => {
    answers = [{ run_id: 'r1', state: 'RUNNING' }];
    const scheduler = new ManualScheduler();
    const model = new RunStatusModel({
      client: new KfpClient(server.settings()),
      runId: 'r1',
      taskToStep: {},
      scheduler: scheduler.schedule
    });
    await model.start();
    expect(scheduler.pending).not.toBeNull();
    model.stop();
    expect(scheduler.pending).toBeNull();
    await model.start();
    model.dispose();
    expect(scheduler.pending).toBeNull();
    expect(model.isDisposed).toBe(true);
  });
});
