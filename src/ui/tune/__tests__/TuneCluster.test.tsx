/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import type { IKatibClient, KatibExperiment, KatibStatus, KatibTrial } from '../../../server-api';
import { until } from '../../run/__tests__/dom';
import { TuneCluster } from '../TuneCluster';

const EXPERIMENT = { kind: 'Experiment', metadata: { name: 'tune-pipeline' } };

class FakeKatib implements IKatibClient {
  created: Record<string, unknown>[] = [];
  polls = 0;
  constructor(readonly state: KatibStatus) {}
  async status(): Promise<KatibStatus> {
    return this.state;
  }
  async createExperiment(experiment: Record<string, unknown>): Promise<string> {
    this.created.push(experiment);
    return 'tune-pipeline';
  }
  async experiment(name: string): Promise<KatibExperiment> {
    this.polls++;
    const done = this.polls > 1;
    return {
      name,
      state: done ? 'Succeeded' : 'Running',
      objective: 'best_accuracy',
      best: done ? { trial: 't2', parameters: { n_estimators: '30' }, metric: '0.93' } : null
    };
  }
  async trials(): Promise<KatibTrial[]> {
    const t1 = {
      name: 't1',
      parameters: { n_estimators: '10' },
      metric: '0.81',
      state: 'Succeeded'
    };
    const t2 = { name: 't2', parameters: { n_estimators: '30' }, metric: null, state: 'Running' };
    return this.polls > 1 ? [t1, { ...t2, metric: '0.93', state: 'Succeeded' }] : [t1, t2];
  }
}

describe('the Tune dialog cluster part', () => {
  let host: HTMLDivElement;
  let root: Root;
  beforeEach(() => {
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
  });
  afterEach(async () => {
    await act(async () => root.unmount());
    host.remove();
  });
  const q = (selector: string) => host.querySelector<HTMLElement>(selector);

  it('says why it cannot create when the server has no credential, and offers no button', async () => {
    const katib = new FakeKatib({
      available: false,
      reason: 'no_credentials',
      message: 'No service-account token at /t',
      namespace: ''
    });
    act(() =>
      root.render(
        <TuneCluster
          katib={katib}
          experiment={EXPERIMENT}
          objective="best_accuracy"
          applyParameters={() => ''}
        />
      )
    );
    await until(() => !!q('.jp-cellpipe-tune-unavailable'), 'the reason');
    expect(q('.jp-cellpipe-tune-unavailable')!.textContent).toContain(
      'No service-account token at /t'
    );
    expect(q('.jp-cellpipe-tune-create')).toBeNull();
  });

  it('creates the Experiment, polls the trials table and copies the best parameters on click only', async () => {
    const katib = new FakeKatib({ available: true, reason: '', message: '', namespace: 'team-a' });
    const applied: Record<string, string>[] = [];
    act(() =>
      root.render(
        <TuneCluster
          katib={katib}
          experiment={EXPERIMENT}
          objective="best_accuracy"
          pollMs={5}
          applyParameters={values => {
            applied.push(values);
            return 'n_estimators set in the parameters cell';
          }}
        />
      )
    );
    await until(() => !!q('.jp-cellpipe-tune-create'), 'the create button');
    expect(q('.jp-cellpipe-tune-create')!.textContent).toContain('team-a');
    await act(async () => q('.jp-cellpipe-tune-create')!.click());
    expect(katib.created).toEqual([EXPERIMENT]);
    await until(() => !!q('.jp-cellpipe-tune-apply'), 'the best trial');
    const rows = [...host.querySelectorAll('.jp-cellpipe-tune-trials-table tbody tr')].map(tr =>
      [...tr.querySelectorAll('td')].map(td => td.textContent)
    );
    expect(rows).toEqual([
      ['t1', '10', '0.81', 'Succeeded'],
      ['t2', '30', '0.93', 'Succeeded']
    ]);
    expect(q('.jp-cellpipe-tune-experiment')!.textContent).toBe(
      'Experiment tune-pipeline: Succeeded'
    );
    expect(applied).toEqual([]);
    await act(async () => q('.jp-cellpipe-tune-apply')!.click());
    expect(applied).toEqual([{ n_estimators: '30' }]);
    expect(q('.jp-cellpipe-tune-applied')!.textContent).toBe(
      'n_estimators set in the parameters cell'
    );
  });
});
