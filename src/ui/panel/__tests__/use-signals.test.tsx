/**
 * @jest-environment jsdom
 */
import { Signal } from '@lumino/signaling';
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import type { PanelModel } from '../model';
import { PanelSignal, usePanelSignals } from '../use-signals';

const actEnvironment = (on: boolean) => ((globalThis as any).IS_REACT_ACT_ENVIRONMENT = on);

/** The emitting task's microtasks, where the parts render (outside act, as in the browser). */
async function microtasks(): Promise<void> {
  actEnvironment(false);
  await Promise.resolve();
  actEnvironment(true);
}

/** The model's signals only (what the hook connects to). */
function fakeModel(): Record<PanelSignal, Signal<unknown, void>> {
  const sender = {};
  return {
    notebookChanged: new Signal(sender),
    analysisChanged: new Signal(sender),
    notebookSettingsChanged: new Signal(sender),
    settingsChanged: new Signal(sender),
    imagesChanged: new Signal(sender),
    stepStatesChanged: new Signal(sender)
  };
}

describe('usePanelSignals', () => {
  let host: HTMLDivElement;
  let root: Root;

  beforeEach(() => {
    actEnvironment(true);
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
  });

  afterEach(() => {
    act(() => root.unmount());
    host.remove();
  });

  it('a part renders again on its own signals only, once per task, before the task ends', async () => {
    const model = fakeModel();
    const renders = { graph: 0, settings: 0 };
    function Graph(): JSX.Element {
      usePanelSignals(model as unknown as PanelModel, 'analysisChanged', 'stepStatesChanged');
      renders.graph++;
      return <span />;
    }
    function Settings(): JSX.Element {
      usePanelSignals(model as unknown as PanelModel, 'notebookSettingsChanged');
      renders.settings++;
      return <span />;
    }
    act(() =>
      root.render(
        <>
          <Graph />
          <Settings />
        </>
      )
    );
    expect(renders).toEqual({ graph: 1, settings: 1 });

    // Three keystrokes' results and a run state in one task: the graph draws once, the settings not.
    model.analysisChanged.emit();
    model.analysisChanged.emit();
    model.stepStatesChanged.emit();
    model.analysisChanged.emit();
    expect(renders).toEqual({ graph: 1, settings: 1 });
    await microtasks();
    expect(renders).toEqual({ graph: 2, settings: 1 });

    model.notebookSettingsChanged.emit();
    model.imagesChanged.emit(); // nobody here follows it
    await microtasks();
    expect(renders).toEqual({ graph: 2, settings: 2 });

    act(() => root.unmount());
    root = createRoot(host);
    model.analysisChanged.emit(); // disconnected: no render of an unmounted part
    await microtasks();
    expect(renders).toEqual({ graph: 2, settings: 2 });
  });
});
