/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import { compile } from '../../../compiler';
import { exampleAnalysis, loadNotebook } from '../../../compiler/__tests__/fixtures';
import { until } from '../../run/__tests__/dom';
import { TuneDialog } from '../TuneDialog';
import { TextEncoder } from 'util';

// jsdom has no TextEncoder; the compiler measures the package with it.
Object.assign(globalThis, { TextEncoder });

const result = (() =>
  compile(loadNotebook('examples/pipeline.ipynb'), exampleAnalysis(), {
    importDataFiles: false
  }))();

const STORED = {
  kubeflow_notebook: {
    pipeline_name: 'cellpipe-demo',
    katib_metadata: {
      parameters: [
        { name: 'n_estimators', parameterType: 'int', feasibleSpace: { min: '10', max: '40' } }
      ],
      objective: { type: 'maximize', objectiveMetricName: 'best_accuracy' },
      algorithm: { algorithmName: 'tpe' },
      maxTrialCount: 8,
      parallelTrialCount: 2,
      maxFailedTrialCount: 1,
      resumePolicy: 'Never'
    }
  }
};

function change(element: HTMLInputElement | HTMLSelectElement, value: string): void {
  const proto = element instanceof HTMLSelectElement ? HTMLSelectElement : HTMLInputElement;
  Object.getOwnPropertyDescriptor(proto.prototype, 'value')!.set!.call(element, value);
  element.dispatchEvent(
    new Event(element instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true })
  );
}

describe('the Tune dialog', () => {
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
  const q = <T extends Element>(selector: string) => host.querySelector<T>(selector)!;

  it('is prefilled from katib_metadata, shows the Experiment and saves only on Save', async () => {
    const save = jest.fn();
    await act(async () =>
      root.render(
        <TuneDialog
          compile={async () => result}
          metadata={STORED}
          save={save}
          onClose={() => undefined}
        />
      )
    );
    await until(() => !!host.querySelector('.jp-cellpipe-tune-yaml'), 'the YAML');
    const row = (name: string) => q(`tr[data-parameter="${name}"]`);
    expect(row('n_estimators').querySelector<HTMLSelectElement>('select')!.value).toBe('range');
    expect(
      row('n_estimators').querySelector<HTMLInputElement>('.jp-cellpipe-tune-min')!.value
    ).toBe('10');
    expect(row('seed').querySelector<HTMLSelectElement>('select')!.value).toBe('fixed');
    expect(q<HTMLTextAreaElement>('.jp-cellpipe-tune-yaml').value).toContain('algorithmName: tpe');

    await act(async () => change(row('seed').querySelector('select')!, 'list'));
    await act(async () => change(row('seed').querySelector('.jp-cellpipe-tune-list')!, '1, 2, 3'));
    expect(q<HTMLTextAreaElement>('.jp-cellpipe-tune-yaml').value).toContain(
      "'seed=${trialParameters.seed}'"
    );
    expect(save).not.toHaveBeenCalled();

    await act(async () => q<HTMLButtonElement>('.jp-cellpipe-tune-save').click());
    expect(save).toHaveBeenCalledTimes(1);
    const katib = save.mock.calls[0][0].kubeflow_notebook.katib_metadata;
    expect(katib.resumePolicy).toBe('Never');
    expect(katib.parameters).toEqual([
      { name: 'seed', parameterType: 'discrete', feasibleSpace: { list: ['1', '2', '3'] } },
      { name: 'n_estimators', parameterType: 'int', feasibleSpace: { min: '10', max: '40' } }
    ]);
    expect(save.mock.calls[0][0].kubeflow_notebook.pipeline_name).toBe('cellpipe-demo');
  });

  it('names the parameter whose space is wrong and offers no YAML', async () => {
    await act(async () =>
      root.render(
        <TuneDialog
          compile={async () => result}
          metadata={STORED}
          save={jest.fn()}
          onClose={() => undefined}
        />
      )
    );
    await until(() => !!host.querySelector('.jp-cellpipe-tune-yaml'), 'the YAML');
    const max = q<HTMLInputElement>('tr[data-parameter="n_estimators"] .jp-cellpipe-tune-max');
    await act(async () => change(max, '5'));
    expect(q('.jp-cellpipe-tune-problems').textContent).toContain(
      'parameter "n_estimators": min 10 is not below max 5'
    );
    expect(host.querySelector('.jp-cellpipe-tune-yaml')).toBeNull();
    expect(q<HTMLButtonElement>('.jp-cellpipe-tune-save').disabled).toBe(true);
    expect(q<HTMLButtonElement>('.jp-cellpipe-tune-download').disabled).toBe(true);
  });

  it('offers Create in cluster beside the YAML when the server has a Katib client, or says why not', async () => {
    const katib = {
      status: async () => ({
        available: false,
        reason: 'no_api_server',
        message: 'The server does not run in a Kubernetes pod',
        namespace: ''
      }),
      createExperiment: jest.fn(),
      experiment: jest.fn(),
      trials: jest.fn()
    };
    await act(async () =>
      root.render(
        <TuneDialog
          compile={async () => result}
          metadata={STORED}
          save={() => undefined}
          onClose={() => undefined}
          katib={katib}
        />
      )
    );
    await until(() => !!host.querySelector('.jp-cellpipe-tune-unavailable'), 'the reason');
    expect(q('.jp-cellpipe-tune-unavailable').textContent).toContain(
      'The server does not run in a Kubernetes pod'
    );
    expect(q<HTMLTextAreaElement>('.jp-cellpipe-tune-yaml').value).toContain('kind: Experiment');
    expect(host.querySelector('.jp-cellpipe-tune-create')).toBeNull();
    expect(katib.createExperiment).not.toHaveBeenCalled();
  });
});
