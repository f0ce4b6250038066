/**
 * @jest-environment jsdom
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';
import { plainTrans } from '../../run/trans';
import { CellpipeOff } from '../CellpipeOff';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

/** The part of a notebook panel the enablement reads: notebook metadata and cells with tags. */
function notebook(cellTags: string[][]) {
  const metadata: Record<string, unknown> = {};
  const cells = cellTags.map(tags => ({
    getMetadata: (key: string) => (key === 'tags' ? tags : undefined),
    sharedModel: { metadataChanged: new Signal<unknown, unknown>({}) }
  }));
  const model = {
    getMetadata: (key: string) => metadata[key],
    setMetadata(key: string, value: unknown) {
      metadata[key] = value;
      this.metadataChanged.emit(key);
    },
    metadataChanged: new Signal<unknown, unknown>({}),
    cells: Object.assign(cells, { changed: new Signal<unknown, unknown>({}) })
  };
  const panel = {
    model,
    context: { ready: Promise.resolve() },
    isDisposed: false,
    disposed: new Signal<unknown, void>({})
  } as unknown as NotebookPanel;
  return { panel, model };
}

let host: HTMLDivElement;
let root: Root;

beforeEach(() => {
  host = document.createElement('div');
  document.body.appendChild(host);
  root = createRoot(host);
});

afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

async function show(panel: NotebookPanel, turnOn: () => void): Promise<void> {
  await act(async () => {
    root.render(
      <CellpipeOff notebook={panel} turnOn={turnOn} trans={plainTrans}>
        <p className="sections">sections</p>
      </CellpipeOff>
    );
    await Promise.resolve();
  });
}

describe('CellpipeOff', () => {
  it('a notebook without Kale tags: says cellpipe is off, one button turns it on', async () => {
    const { panel, model } = notebook([[], ['my-tag']]);
    const turnOn = jest.fn(() => model.setMetadata('cellpipe', { enabled: true }));
    await show(panel, turnOn);
    expect(host.querySelector('.jp-cellpipe-off')?.textContent).toContain(
      'cellpipe is off for this notebook'
    );
    expect(host.querySelector('.sections')).toBeNull();
    const buttons = host.querySelectorAll('button');
    expect(buttons).toHaveLength(1);
    await act(async () => buttons[0].click());
    expect(turnOn).toHaveBeenCalledTimes(1);
    expect(host.querySelector('.jp-cellpipe-off')).toBeNull();
    expect(host.querySelector('.sections')).not.toBeNull();
  });

  it('a notebook with Kale tags shows the sections until the user turns cellpipe off', async () => {
    const { panel, model } = notebook([['imports'], ['step:a']]);
    await show(panel, () => undefined);
    expect(host.querySelector('.sections')).not.toBeNull();
    await act(async () => model.setMetadata('cellpipe', { enabled: false }));
    expect(host.querySelector('.sections')).toBeNull();
    expect(host.querySelector('.jp-cellpipe-off')).not.toBeNull();
  });
});
