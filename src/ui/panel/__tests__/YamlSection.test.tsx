/**
 * @jest-environment jsdom
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import { plainTrans } from '../../run/trans';
import { YAML_DELAY_MS, YamlSection, yamlFileName } from '../YamlSection';

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
          fileName="train.yaml"
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

  const open = () =>
    act(() => {
      const details = host.querySelector('details')!;
      details.open = true;
      details.dispatchEvent(new Event('toggle'));
    });
  const button = (name: string) =>
    host.querySelector<HTMLButtonElement>(`.jp-cellpipe-yaml-${name}`);

  it('copies the YAML shown to the clipboard and says so', async () => {
    const writeText = jest.fn((_: string) => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    current = 'pipelineInfo:\n  name: train\n';
    render(1);
    open();
    settle();
    await act(async () => button('copy')!.click());
    expect(writeText).toHaveBeenCalledWith('pipelineInfo:\n  name: train\n');
    expect(host.querySelector('.jp-cellpipe-yaml-copied')!.textContent).toBe('Copied');

    writeText.mockImplementation(() => Promise.reject(new Error('Document is not focused')));
    await act(async () => button('copy')!.click());
    expect(host.querySelector('.jp-cellpipe-yaml-copied')!.textContent).toBe(
      'Could not copy: Document is not focused'
    );
  });

  it('downloads the YAML shown as the notebook’s name with .yaml', async () => {
    const blobs: Blob[] = [];
    URL.createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:yaml';
    });
    URL.revokeObjectURL = jest.fn();
    const clicked: HTMLAnchorElement[] = [];
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement
    ) {
      clicked.push(this);
    });
    current = 'pipelineInfo:\n  name: train\n';
    render(1);
    open();
    settle();
    act(() => button('download')!.click());
    click.mockRestore();
    expect(clicked.map(a => [a.download, a.href])).toEqual([['train.yaml', 'blob:yaml']]);
    // (jsdom's Blob has no text(): read it as a browser reads a file)
    const text = await new Promise<string>(resolve => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.readAsText(blobs[0]);
    });
    expect(text).toBe('pipelineInfo:\n  name: train\n');
    act(() => jest.runOnlyPendingTimers());
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:yaml');
  });

  it('offers neither button while there is no YAML (closed, or the notebook does not compile)', () => {
    current = 'error:the notebook has no steps';
    render(1);
    expect(button('copy')).toBeNull();
    open();
    settle();
    expect(button('copy')).toBeNull();
    expect(button('download')).toBeNull();
  });

  it('names the file after the notebook', () => {
    expect(yamlFileName('work/Train Model.ipynb')).toBe('Train Model.yaml');
    expect(yamlFileName('pipeline.IPYNB')).toBe('pipeline.yaml');
    expect(yamlFileName('')).toBe('pipeline.yaml');
  });
});
