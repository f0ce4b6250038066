import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createAnalyzer } from '../../../analysis';
import type { Analyzer } from '../../../analysis/types';
import type { NotebookInput } from '../../../model/notebook';
import { plainTrans } from '../../run/trans';
import { ImageNotes } from '../ImageNotes';
import { baseImageOf, importWarnings, nonStdlib } from '../images';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});

function notebook(cells: Array<[string[], string]>): NotebookInput {
  return {
    path: 'work/nb.ipynb',
    cells: cells.map(([tags, source], i) => ({
      id: `c${i}`,
      cellType: 'code',
      source,
      tags,
      metadata: {}
    })),
    metadata: {}
  };
}

const NB = notebook([
  [['imports'], 'import json\nimport numpy as np'],
  [['step:load'], 'import helpers\nfrom pandas import DataFrame\ndata = helpers.load()'],
  [
    ['step:train', 'prev:load', 'image:registry.example.com/train:1'],
    'import sklearn.linear_model\nmodel = data'
  ],
  [['step:report', 'prev:train'], 'import os\nprint(model, os.sep)']
]);

describe('the base image', () => {
  it("is the notebook server's own when the server sees it, else the settings' default", () => {
    expect(baseImageOf('python:3.11', { image: 'nb@sha256:1', source: 'pod' })).toEqual({
      image: 'nb@sha256:1',
      own: true
    });
    expect(baseImageOf('python:3.11', { image: null, source: null })).toEqual({
      image: 'python:3.11',
      own: false
    });
  });
});

describe('importWarnings', () => {
  it('names, once per step, the packages neither standard library nor local, with the step image', () => {
    expect(nonStdlib(['os', 'json', 'numpy', 'numpy', 'helpers'])).toEqual(['helpers', 'numpy']);
    const analysis = analyzer.analyze(NB);
    const local = new Set(['helpers']);
    expect(importWarnings(NB, analysis, local, { image: 'python:3.11', own: false })).toEqual([
      { step: 'load', image: 'python:3.11', modules: ['numpy', 'pandas'] },
      { step: 'train', image: 'registry.example.com/train:1', modules: ['numpy', 'sklearn'] },
      { step: 'report', image: 'python:3.11', modules: ['numpy'] }
    ]);
  });

  it("says nothing for steps in the notebook server's own image: what runs here runs there", () => {
    const analysis = analyzer.analyze(NB);
    const own = { image: 'nb@sha256:1', own: true };
    expect(importWarnings(NB, analysis, new Set(['helpers']), own)).toEqual([
      { step: 'train', image: 'registry.example.com/train:1', modules: ['numpy', 'sklearn'] }
    ]);
  });
});

describe('ImageNotes', () => {
  const render = (props: Partial<React.ComponentProps<typeof ImageNotes>>) =>
    renderToStaticMarkup(
      <ImageNotes
        base={{ image: 'nb@sha256:1', own: true }}
        notebookImage=""
        warnings={[]}
        trans={plainTrans}
        {...props}
      />
    );

  it("shows the notebook server's image, or the settings' default, unless the notebook names one", () => {
    expect(render({})).toContain('Base image: nb@sha256:1 (this notebook server&#x27;s)');
    expect(render({ base: { image: 'python:3.11', own: false } })).toContain(
      'Base image: python:3.11 (the settings&#x27; default)'
    );
    expect(render({ notebookImage: 'mine:1' })).not.toContain('Base image:');
  });

  it('lists one warning per step', () => {
    const html = render({
      warnings: [{ step: 'train', image: 'python:3.11', modules: ['numpy', 'sklearn'] }]
    });
    expect(html).toContain(
      'Step &quot;train&quot; imports numpy, sklearn, which are neither in Python&#x27;s standard library nor beside the notebook: image python:3.11 must have them.'
    );
  });
});
