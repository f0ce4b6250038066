/**
 * @jest-environment jsdom
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';
import type { StepInfo } from '../../../analysis/types';
import { GraphView } from '../GraphView';
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
