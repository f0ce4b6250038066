/** Hand-built analyses of real notebooks, so compiler tests do not depend on the analyzer. */
import * as fs from 'fs';
import * as path from 'path';
import { AnalysisResult, StepInfo } from '../../analysis/types';
import { NotebookInput, fromNbformat } from '../../model/notebook';
import { compile, CompileError } from '../index';

export const ROOT = path.resolve(__dirname, '../../..');

/** The package's PipelineSpec, to read freely. */
export const spec = (r: ReturnType<typeof compile>) => r.pipelineSpec as any;

/** The messages of the CompileError `run` throws (it must throw one). */
export function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(CompileError);
    return (e as CompileError).problems.map(p => p.message);
  }
  throw new Error('expected a CompileError');
}

export function loadNotebook(relative: string): NotebookInput {
  const file = path.join(ROOT, relative);
  return fromNbformat(JSON.parse(fs.readFileSync(file, 'utf8')), relative);
}

export function step(
  name: string,
  cellIndices: number[],
  fields: Partial<StepInfo> = {}
): StepInfo {
  return {
    name,
    kind: 'step',
    cellIndices,
    depends: [],
    inputs: [],
    inputSources: {},
    outputs: [],
    parameters: [],
    ...fields
  };
}

/** What the analyzer decides for examples/pipeline.ipynb. */
export function exampleAnalysis(): AnalysisResult {
  const fromPre = { X_train: 'preprocess', y_train: 'preprocess' };
  return {
    importsCells: [1],
    functionsCells: [2],
    parameters: [
      { name: 'n_samples', cellIndex: 3, valueText: '600', value: 600, type: 'int' },
      { name: 'test_size', cellIndex: 3, valueText: '0.25', value: 0.25, type: 'float' },
      { name: 'seed', cellIndex: 3, valueText: '7', value: 7, type: 'int' },
      { name: 'n_estimators', cellIndex: 3, valueText: '25', value: 25, type: 'int' }
    ],
    steps: [
      step('load_data', [4], { outputs: ['raw'], parameters: ['n_samples', 'seed'] }),
      step('preprocess', [5, 6], {
        depends: ['load_data'],
        inputs: ['raw'],
        inputSources: { raw: 'load_data' },
        outputs: ['X_test', 'X_train', 'y_test', 'y_train'],
        parameters: ['seed', 'test_size']
      }),
      step('train_forest', [7], {
        depends: ['preprocess'],
        inputs: ['X_train', 'y_train'],
        inputSources: fromPre,
        outputs: ['forest'],
        parameters: ['n_estimators', 'seed']
      }),
      step('train_logreg', [8], {
        depends: ['preprocess'],
        inputs: ['X_train', 'y_train'],
        inputSources: fromPre,
        outputs: ['logreg']
      }),
      step('evaluate', [9], {
        depends: ['train_forest', 'train_logreg'],
        inputs: ['X_test', 'forest', 'logreg', 'y_test'],
        inputSources: {
          X_test: 'preprocess',
          forest: 'train_forest',
          logreg: 'train_logreg',
          y_test: 'preprocess'
        },
        outputs: ['best_accuracy', 'forest_accuracy', 'logreg_accuracy']
      }),
      {
        ...step('pipeline_metrics', [10], {
          inputs: ['best_accuracy', 'forest_accuracy', 'logreg_accuracy'],
          inputSources: {
            best_accuracy: 'evaluate',
            forest_accuracy: 'evaluate',
            logreg_accuracy: 'evaluate'
          }
        }),
        kind: 'metrics'
      }
    ],
    edges: [
      { from: 'load_data', to: 'preprocess', passes: ['raw'] },
      { from: 'preprocess', to: 'train_forest', passes: ['X_train', 'y_train'] },
      { from: 'preprocess', to: 'train_logreg', passes: ['X_train', 'y_train'] },
      { from: 'preprocess', to: 'evaluate', passes: ['X_test', 'y_test'] },
      { from: 'train_forest', to: 'evaluate', passes: ['forest'] },
      { from: 'train_logreg', to: 'evaluate', passes: ['logreg'] },
      {
        from: 'evaluate',
        to: 'pipeline_metrics',
        passes: ['best_accuracy', 'forest_accuracy', 'logreg_accuracy']
      }
    ],
    diagnostics: []
  };
}

/** What the analyzer decides for tests/fixtures/compile_deploy.ipynb. */
export function deployAnalysis(): AnalysisResult {
  return {
    importsCells: [1],
    functionsCells: [],
    parameters: [
      { name: 'greeting_name', cellIndex: 2, valueText: '"world"', value: 'world', type: 'str' },
      { name: 'flag', cellIndex: 2, valueText: 'True', value: true, type: 'bool' },
      { name: 'weights', cellIndex: 2, valueText: '[1, 2.5, 3]', value: [1, 2.5, 3], type: 'list' },
      {
        name: 'config',
        cellIndex: 2,
        valueText: '{"depth": 3, "tags": ["a", "b"]}',
        value: { depth: 3, tags: ['a', 'b'] },
        type: 'dict'
      },
      { name: 'rate', cellIndex: 2, valueText: '0.5', value: 0.5, type: 'float' }
    ],
    steps: [
      step('make_data', [3], {
        outputs: ['greeting', 'numbers'],
        parameters: ['greeting_name', 'rate', 'weights']
      }),
      step('train', [4, 5], {
        depends: ['make_data'],
        inputs: ['greeting', 'numbers'],
        inputSources: { greeting: 'make_data', numbers: 'make_data' },
        outputs: ['total'],
        parameters: ['config', 'flag']
      }),
      {
        ...step('pipeline_metrics', [6], { inputs: ['total'], inputSources: { total: 'train' } }),
        kind: 'metrics'
      }
    ],
    edges: [
      { from: 'make_data', to: 'train', passes: ['greeting', 'numbers'] },
      { from: 'train', to: 'pipeline_metrics', passes: ['total'] }
    ],
    diagnostics: []
  };
}
