/**
 * @jest-environment jsdom
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import type { NotebookSettings } from '../../../model/notebook-settings';
import { plainTrans } from '../../run/trans';
import { SettingsSection } from '../SettingsSection';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const SETTINGS: NotebookSettings = {
  enabled: true,
  pipelineName: 'demo',
  description: '',
  experiment: '',
  dockerImage: '',
  cpu: '',
  memory: '',
  volumes: [
    { pvcName: 'data', mountPath: '/data' },
    { pvcName: 'models', mountPath: '/models' }
  ]
};

describe('SettingsSection', () => {
  let host: HTMLDivElement;
  let root: Root;
  let settings: NotebookSettings;
  const patches: Partial<NotebookSettings>[] = [];

  /** As the panel does: the patch is written to the notebook, which is read back and drawn. */
  const draw = () =>
    act(() =>
      root.render(
        <SettingsSection
          settings={settings}
          baseImage="python:3.11"
          update={patch => {
            patches.push(patch);
            settings = { ...settings, ...patch };
            draw();
          }}
          trans={plainTrans}
        />
      )
    );

  beforeEach(() => {
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
    settings = SETTINGS;
    patches.length = 0;
  });

  afterEach(() => {
    act(() => root.unmount());
    host.remove();
  });

  it('removing the first of two volumes keeps the second row, what is being typed in it and its focus', () => {
    draw();
    const second = host.querySelector<HTMLInputElement>('input[name="pvc-1"]')!;
    act(() => {
      second.focus();
      // As React sees typing: the prototype's value setter. Typed, not yet written (on blur or Enter).
      Reflect.set(HTMLInputElement.prototype, 'value', 'models-v2', second);
      second.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const trash = host.querySelectorAll<HTMLButtonElement>(
      '.jp-cellpipe-volumes .jp-cellpipe-remove'
    );
    act(() => trash[0].click());
    expect(patches).toEqual([{ volumes: [{ pvcName: 'models', mountPath: '/models' }] }]);
    const rows = host.querySelectorAll('.jp-cellpipe-volumes .jp-cellpipe-row');
    expect(rows).toHaveLength(1);
    expect(second.isConnected).toBe(true);
    expect(host.querySelector('input[name="pvc-0"]')).toBe(second);
    expect(second.value).toBe('models-v2');
    expect(document.activeElement).toBe(second);
  });
});
