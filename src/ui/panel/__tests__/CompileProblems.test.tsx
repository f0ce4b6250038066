/**
 * @jest-environment jsdom
 */
import * as React from 'react';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { plainTrans } from '../../run/trans';
import { CompileProblems, PanelCompileProblem } from '../CompileProblems';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

describe('CompileProblems', () => {
  it('lists them after a moment, with the one cell numbering', () => {
    jest.useFakeTimers();
    const host = document.createElement('div');
    const root = createRoot(host);
    const problems = (): PanelCompileProblem[] => [
      { severity: 'error', message: 'retries -1 is not a whole number', cellIndex: 1, step: 'one' }
    ];
    const selected: number[] = [];
    act(() =>
      root.render(
        <CompileProblems
          problems={problems}
          revision={1}
          baseImage="python:3.11"
          onSelect={i => selected.push(i)}
          trans={plainTrans}
          delayMs={10}
        />
      )
    );
    expect(host.textContent).toBe('');
    act(() => jest.advanceTimersByTime(10));
    expect(host.textContent).toBe(
      'compiler: cell 2 (step "one"): retries -1 is not a whole number'
    );
    act(() => host.querySelector('button')!.click());
    expect(selected).toEqual([1]);
    act(() => root.unmount());
    jest.useRealTimers();
  });
});
