/**
 * @jest-environment jsdom
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import type { PipelineParameter } from '../../../analysis/types';
import type {
  ILocalRunClient,
  KeptRun,
  LocalRunSnapshot,
  LocalStep,
  StartLocalRun,
  StepOutputs,
  StepRef
} from '../../../server-api';
import type { GraphLayout } from '../../graph/layout';
import { LocalRunView } from '../LocalRunView';
import { LocalRunModel } from '../model';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const FAILURE = [
  'step "train" failed (exit code 1).',
  'Traceback (most recent call last):',
  '  pipeline.ipynb, cell 7, line 2, in the cell',
  'ValueError: bad shape',
  'Re-run from this step: cellpipe run <package> --from train'
].join('\n');

function node(name: string, firstCell: number) {
  return {
    name,
    kind: 'step' as const,
    x: 50,
    y: 20,
    width: 80,
    height: 36,
    inputs: [],
    outputs: [],
    parameters: [],
    firstCell
  };
}

const LAYOUT: GraphLayout = {
  nodes: [node('load_data', 3), node('train', 6), node('evaluate', 8)],
  edges: [],
  width: 100,
  height: 200
};

const PARAMETERS: PipelineParameter[] = [
  { name: 'n_estimators', cellIndex: 2, valueText: '25', value: 25, type: 'int' },
  { name: 'test_size', cellIndex: 2, valueText: '0.25', value: 0.25, type: 'float' }
];

function snapshot(steps: LocalStep[], done = true): LocalRunSnapshot {
  return {
    id: '0123456789ab',
    done,
    steps,
    logs: ['[train] fitting', '[load_data] loaded'],
    metrics: {},
    error: done ? FAILURE : null,
    store: '/w/.cellpipe'
  };
}

class Client implements ILocalRunClient {
  started: StartLocalRun[] = [];
  replies: LocalRunSnapshot[] = [];
  kept: KeptRun[] = [];
  outputsAsked: StepRef[] = [];
  report = true;
  async start(request: StartLocalRun) {
    this.started.push(request);
    return this.replies.shift()!;
  }
  async get() {
    return this.replies.shift()!;
  }
  async history() {
    return this.kept;
  }
  async outputs(step: StepRef): Promise<StepOutputs> {
    this.outputsAsked.push(step);
    return {
      report: this.report,
      outputs: [
        {
          name: 'raw',
          kind: 'table',
          type: 'pandas.DataFrame',
          bytes: 2048,
          shape: [600, 2],
          columns: ['a', 'label'],
          rows: [[0.5, 1]]
        },
        { name: 'model', kind: 'other', type: 'sklearn.ensemble.RandomForestClassifier', bytes: 10 }
      ]
    };
  }
  async log() {
    return 'kept log';
  }
  reportUrl(step: StepRef) {
    return `/cellpipe/api/local/runs/${step.runId}/steps/${step.task}/report?notebook=${step.notebookPath}`;
  }
}

const STEPS: LocalStep[] = [
  { task: 'evaluate', step: 'evaluate', state: 'skipped' },
  {
    task: 'load-data',
    step: 'load_data',
    state: 'cached',
    started: 1,
    finished: 1,
    cacheKey: 'k1'
  },
  { task: 'train', step: 'train', state: 'failed', started: 1, finished: 3.5, error: FAILURE }
];

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await act(async () => undefined);
  }
}

describe('LocalRunView', () => {
  let host: HTMLDivElement;
  let root: Root;
  let client: Client;
  let model: LocalRunModel;
  let revealed: number[];
  beforeEach(() => {
    host = document.createElement('div');
    root = createRoot(host);
    client = new Client();
    model = new LocalRunModel(client, async () => undefined);
    revealed = [];
    kernel = undefined;
  });
  afterEach(() => act(() => root.unmount()));

  let kernel: string | undefined;
  function render(path = 'work/pipeline.ipynb', compile = async () => 'package: yaml'): void {
    act(() =>
      root.render(
        <LocalRunView
          model={model}
          compile={compile}
          notebookPath={path}
          layout={LAYOUT}
          parameters={PARAMETERS}
          pipelineName="pipeline"
          reveal={i => revealed.push(i)}
          kernelName={() => kernel}
        />
      )
    );
  }

  // Async: what the click starts (a request, its answer) settles inside act.
  const click = (el: Element | null) =>
    act(async () => {
      (el as HTMLElement).click();
    });
  const text = () => host.textContent ?? '';

  it('lists steps in pipeline order, cached apart from succeeded, the failure once without shell advice', async () => {
    client.replies = [
      {
        ...snapshot(STEPS),
        python: '/venv/bin/python',
        pythonVersion: '3.12.1',
        pythonFrom: "the notebook's kernel 'ml'"
      }
    ];
    render();
    await click(host.querySelector('.jp-cellpipe-local-run'));
    await flush();
    const rows = [...host.querySelectorAll('.jp-cellpipe-local-steps li')];
    expect(rows.map(r => r.getAttribute('data-step'))).toEqual(['load_data', 'train', 'evaluate']);
    expect(rows.map(r => r.getAttribute('data-state'))).toEqual(['cached', 'failed', 'skipped']);
    expect(rows[1].textContent).toContain('2.5 s');
    expect(host.querySelector('.jp-cellpipe-rv-python')!.textContent).toBe(
      "Python: /venv/bin/python (3.12.1), from the notebook's kernel 'ml'"
    );
    expect(host.querySelector('[data-step="load_data"][data-state="cached"] rect')).not.toBeNull(); // the graph
    expect(text().split('ValueError: bad shape')).toHaveLength(2); // once
    expect(text()).not.toContain('cellpipe run');
    await click(host.querySelector('.jp-cellpipe-rv-place'));
    expect(revealed).toEqual([6]); // cell 7 (1-based) is index 6
    await click(host.querySelector('.jp-cellpipe-rv-jump'));
    expect(revealed).toEqual([6, 6]); // the failed step's first cell
  });

  it("opens a step's report in a sandboxed frame and previews its outputs", async () => {
    client.replies = [
      snapshot(STEPS.map(s => (s.step === 'train' ? { ...s, state: 'succeeded', error: null } : s)))
    ];
    render();
    await click(host.querySelector('.jp-cellpipe-local-run'));
    await flush();
    await click(host.querySelector('[data-step="train"] button'));
    await flush();
    const frame = host.querySelector('iframe')!;
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('src')).toBe(
      '/cellpipe/api/local/runs/0123456789ab/steps/train/report?notebook=work/pipeline.ipynb'
    );
    expect(text()).toContain('shape (600, 2)');
    expect(host.querySelector('.jp-cellpipe-rv-head td')!.textContent).toBe('0.5');
    expect(text()).toContain('sklearn.ensemble.RandomForestClassifier');
    client.report = false;
    await click(host.querySelector('[data-step="load_data"] button'));
    await flush();
    expect(host.querySelector('iframe')).toBeNull();
    expect(host.querySelector('.jp-cellpipe-rv-no-report')!.textContent).toBe('No report');
  });

  it('re-runs from a step by naming its task, with the same package and the kernel running now', async () => {
    const done = STEPS.map(s => (s.step === 'train' ? { ...s, state: 'succeeded' as const } : s));
    client.replies = [snapshot(done), snapshot(done)];
    kernel = 'python3';
    render();
    await click(host.querySelector('.jp-cellpipe-local-run'));
    await flush();
    kernel = 'ml-env'; // switched in the notebook, not saved
    await click(host.querySelector('[data-step="train"] .jp-cellpipe-rv-step-button'));
    await click(host.querySelector('.jp-cellpipe-rv-rerun'));
    await flush();
    expect(client.started).toEqual([
      { package: 'package: yaml', notebookPath: 'work/pipeline.ipynb', kernelName: 'python3' },
      {
        package: 'package: yaml',
        notebookPath: 'work/pipeline.ipynb',
        kernelName: 'ml-env',
        fromStep: 'train'
      }
    ]);
  });

  it('runs with the parameters edited, and names a bad one without starting', async () => {
    client.replies = [snapshot([], true)];
    render();
    const field = host.querySelector<HTMLInputElement>('[data-parameter="n_estimators"]')!;
    expect(field.value).toBe('25');
    const type = async (input: HTMLInputElement, value: string) =>
      act(() => {
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        setter.call(input, value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
    await type(field, 'many');
    await click(host.querySelector('.jp-cellpipe-local-run'));
    await flush();
    expect(client.started).toEqual([]);
    expect(text()).toContain('parameter n_estimators: "many" is not a whole number');
    await type(field, '50');
    await click(host.querySelector('.jp-cellpipe-local-run'));
    await flush();
    expect(client.started).toEqual([
      {
        package: 'package: yaml',
        notebookPath: 'work/pipeline.ipynb',
        parameters: { n_estimators: 50 }
      }
    ]);
  });

  it("compares this notebook's kept runs, the best metric marked, and charts one", async () => {
    const kept = (id: string, n: number, acc: number): KeptRun => ({
      id,
      pipeline: 'pipeline',
      parameters: { n_estimators: n },
      state: 'succeeded',
      started: 1,
      finished: 2,
      steps: STEPS,
      metrics: { accuracy: acc }
    });
    client.kept = [
      kept('20261201-101500-abc123', 50, 0.91),
      kept('20261201-100000-def456', 25, 0.93)
    ];
    render();
    await flush();
    const runs = [...host.querySelectorAll('.jp-cellpipe-rv-runs thead th[data-run]')];
    expect(runs.map(th => th.textContent)).toEqual(['10:15:00', '10:00:00']);
    const row = (name: string) =>
      [...host.querySelector(`.jp-cellpipe-rv-runs tr[${name}]`)!.children].map(c => c.textContent);
    expect(row('data-parameter="n_estimators"')).toEqual(['n_estimators', '50', '25']);
    expect(row('data-metric="accuracy"')).toEqual(['accuracy', '0.91', '0.93']);
    const best = host.querySelector('tr[data-metric="accuracy"] .jp-cellpipe-rv-best')!;
    expect([...best.parentElement!.children].indexOf(best)).toBe(2); // the second run's column
    expect(host.querySelectorAll('.jp-cellpipe-rv-chart-svg circle')).toHaveLength(2);
    // The newest kept run is shown until a run starts here; a row shows another.
    expect(text()).toContain('Run 12-01 10:15:00');
    await click(runs[1].querySelector('button'));
    expect(text()).toContain('Run 12-01 10:00:00');
  });

  it("shows a refused start's reason, also over the kept runs", async () => {
    client.kept = [
      {
        id: '20261201-101500-abc123',
        pipeline: 'pipeline',
        parameters: {},
        state: 'failed',
        started: 1,
        finished: 2,
        steps: STEPS,
        metrics: {}
      }
    ];
    client.start = () => Promise.reject(new Error('notebook path is outside the server root'));
    render();
    await flush();
    await click(host.querySelector('.jp-cellpipe-local-run'));
    await flush();
    expect(host.querySelector('.jp-cellpipe-local-error')!.textContent).toBe(
      'notebook path is outside the server root'
    );
  });

  it("never shows another notebook's run after switching", async () => {
    client.replies = [snapshot(STEPS)];
    render('a/one.ipynb');
    await click(host.querySelector('.jp-cellpipe-local-run'));
    await flush();
    expect(host.querySelectorAll('.jp-cellpipe-local-steps li')).toHaveLength(3);
    render('b/two.ipynb');
    await flush();
    expect(host.querySelectorAll('.jp-cellpipe-local-steps li')).toHaveLength(0);
    expect(text()).not.toContain('bad shape');
    render('a/one.ipynb');
    await flush();
    expect(host.querySelectorAll('.jp-cellpipe-local-steps li')).toHaveLength(3);
  });
});
