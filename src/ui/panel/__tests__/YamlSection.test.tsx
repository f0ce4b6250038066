/**
 * @jest-environment jsdom
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import { plainTrans } from '../../run/trans';
import { YAML_DELAY_MS, YamlSection } from '../YamlSection';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

describe('YamlSection', () => {
  let host: HTMLDivElement;
  let root: Root;
  /** What the notebook compiles to now (its code changes while its analysis may not). */
  let current = '';
  let compiles = 0;
  const compile = () => {
    compiles++;
    if (current.startsWith('error:')) {
      throw new Error(current.slice('error:'.length));
    }
    return current;
  };

  beforeEach(() => {
    jest.useFakeTimers();
    host = document.createElement('div');
    document.body.appendChild(host);
    root = createRoot(host);
    current = '';
    compiles = 0;
  });

  afterEach(() => {
    act(() => root.unmount());
    host.remove();
    jest.useRealTimers();
  });

  const render = (revision: number, baseImage = 'python:3.11') =>
    act(() =>
      root.render(
        <YamlSection
          compile={compile}
          revision={revision}
          baseImage={baseImage}
          trans={plainTrans}
        />
      )
    );
  const settle = () => act(() => jest.advanceTimersByTime(YAML_DELAY_MS));
  const shown = () => host.querySelector('pre')!.textContent;

  it('compiles while open, again for each analysis and default image, not on a plain redraw', () => {
    current = 'yaml: 1';
    render(1);
    settle();
    expect(compiles).toBe(0); // closed: nothing compiled

    const details = host.querySelector('details')!;
    act(() => {
      details.open = true;
      details.dispatchEvent(new Event('toggle'));
    });
    settle();
    expect(compiles).toBe(1);
    expect(shown()).toBe('yaml: 1');

    render(1); // the panel drawn again for something else (e.g. run states)
    settle();
    expect(compiles).toBe(1);

    // A code edit the analysis reads the same (`print("a")` → `print("b")`): a new revision.
    current = 'yaml: 2';
    render(2);
    settle();
    expect(compiles).toBe(2);
    expect(shown()).toBe('yaml: 2');

    current = 'yaml: 2, other image';
    render(2, 'python:3.12');
    settle();
    expect(compiles).toBe(3);
    expect(shown()).toBe('yaml: 2, other image');

    current = 'error:cell 2: step "b" reads x before any step writes it';
    render(3, 'python:3.12');
    settle();
    expect(host.querySelector('.jp-cellpipe-compile-error')!.textContent).toBe(
      'cell 2: step "b" reads x before any step writes it'
    );
  });
});
