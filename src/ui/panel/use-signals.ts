/**
 * A panel part renders again after the `PanelModel` signals it names, at once: in a microtask of the
 * emitting task (the analysis result's), not in a later task that the browser may run after a frame
 * of its own. The parts whose signals fired in one task render together, once, in one `flushSync`.
 */
import * as React from 'react';
import { flushSync } from 'react-dom';
import type { PanelModel } from './model';

export type PanelSignal =
  | 'notebookChanged'
  | 'analysisChanged'
  | 'notebookSettingsChanged'
  | 'settingsChanged'
  | 'imagesChanged'
  | 'stepStatesChanged'
  | 'pathChanged';

const pending = new Set<() => void>();

function flush(): void {
  const renders = [...pending];
  pending.clear();
  // A microtask: never inside a React render or effect, where flushSync cannot run.
  flushSync(() => renders.forEach(render => render()));
}

/** Renders the calling component again after any of the model's `signals`. */
export function usePanelSignals(model: PanelModel, ...signals: PanelSignal[]): void {
  const [, bump] = React.useReducer((n: number) => n + 1, 0);
  const names = signals.join(' ');
  React.useEffect(() => {
    let live = true;
    const render = () => live && bump();
    const slot = () => {
      if (!pending.size) {
        queueMicrotask(flush);
      }
      pending.add(render);
    };
    const connected = names.split(' ').map(name => model[name as PanelSignal]);
    connected.forEach(signal => signal.connect(slot));
    return () => {
      live = false;
      pending.delete(render);
      connected.forEach(signal => signal.disconnect(slot));
    };
  }, [model, names]);
}
