/**
 * @jest-environment jsdom
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import type { StepInfo } from '../../../analysis/types';
import { GraphView, MIN_LABEL_PX, MIN_ZOOM } from '../GraphView';
import { layoutGraph } from '../layout';
import { dagreLibrary } from '../../lazy';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

beforeAll(() => dagreLibrary.load());

const step = (name: string): StepInfo => ({
  name,
  kind: 'step',
  cellIndices: [0],
  depends: [],
  inputs: [],
  inputSources: {},
  outputs: [],
  parameters: []
});

describe('GraphView file edges', () => {
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

  it('draws files dashed and labelled with their names, apart from the variables', () => {
    const layout = layoutGraph({
      steps: [step('clean'), step('train'), step('report')],
      edges: [
        { from: 'clean', to: 'train', passes: ['n'] },
        { from: 'clean', to: 'train', passes: [], kind: 'file', files: ['data/clean.csv'] },
        { from: 'train', to: 'report', passes: [] },
        { from: 'clean', to: 'report', passes: [], kind: 'file', files: ['model.pkl'] }
      ]
    });
    act(() => root.render(<GraphView layout={layout} />));
    const both = host.querySelector('[data-edge="clean->train"]')!;
    expect(both.getAttribute('data-files')).toBe('data/clean.csv');
    const [variable, file] = [...both.querySelectorAll('path')];
    expect(variable.getAttribute('stroke-dasharray')).toBeNull();
    expect(file.getAttribute('stroke-dasharray')).toBe('4 3');
    expect(file.getAttribute('d')).not.toBe(variable.getAttribute('d')); // drawn beside it
    expect(both.querySelector('.jp-cellpipe-edge-label')!.textContent).toBe('n');
    expect(both.querySelector('.jp-cellpipe-file-edge-label')!.textContent).toBe('clean.csv');

    const fileOnly = host.querySelector('[data-edge="clean->report"]')!;
    expect(
      [...fileOnly.querySelectorAll('path')].map(p => p.getAttribute('stroke-dasharray'))
    ).toEqual(['4 3']);
    expect(fileOnly.querySelector('title')!.textContent).toBe(
      'files clean writes and report reads: model.pkl'
    );
    const ordering = host.querySelector('[data-edge="train->report"]')!;
    expect(ordering.querySelector('.jp-cellpipe-file-edge')).toBeNull();
  });
});

describe('GraphView size', () => {
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

  const wide = () =>
    layoutGraph({
      steps: ['load', 'train_forest', 'train_logreg', 'train_boosted', 'evaluate'].map(step),
      edges: ['train_forest', 'train_logreg', 'train_boosted'].flatMap(t => [
        { from: 'load', to: t, passes: ['features', 'labels'] },
        { from: t, to: 'evaluate', passes: ['model'] }
      ])
    });

  it('draws one layout unit per pixel in a box that scrolls, never shrunk to the panel', () => {
    const layout = wide();
    act(() => root.render(<GraphView layout={layout} />));
    const svg = host.querySelector('svg')!;
    expect(svg.getAttribute('width')).toBe(String(layout.width));
    expect(svg.getAttribute('height')).toBe(String(layout.height));
    expect(svg.getAttribute('viewBox')).toBe(`0 0 ${layout.width} ${layout.height}`);
    expect(svg.parentElement!.className).toBe('jp-cellpipe-graph-scroll');
  });

  it('zooms out no further than labels of MIN_LABEL_PX', () => {
    expect(MIN_LABEL_PX).toBe(11);
    act(() => root.render(<GraphView layout={wide()} />));
    const zoom = () => host.querySelector('svg > g')!.getAttribute('transform');
    const button = (title: string) => host.querySelector<HTMLButtonElement>(`[title="${title}"]`)!;
    expect(zoom()).toBe(`translate(0 0) scale(${MIN_ZOOM})`);
    expect(button('Zoom out').disabled).toBe(true);
    const svg = host.querySelector('svg')!;
    act(() => {
      svg.dispatchEvent(new WheelEvent('wheel', { deltaY: 100, cancelable: true }));
    });
    expect(zoom()).toBe(`translate(0 0) scale(${MIN_ZOOM})`);

    act(() => button('Zoom in').click());
    expect(zoom()).toBe('translate(0 0) scale(1.2)');
    expect(button('Zoom out').disabled).toBe(false);
    act(() => button('Zoom out').click());
    act(() => button('Zoom out').click());
    expect(zoom()).toBe(`translate(0 0) scale(${MIN_ZOOM})`);
  });
});
