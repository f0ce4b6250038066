/**
 * What the compiler says beyond the analyzer (Kale metadata it approximates, a package too large for
 * KFP, a setting it refuses), under the analyzer's problems: a moment after the latest analysis, so
 * typing never waits for the compiler, and again when the default image changes.
 */
import * as React from 'react';
import { located } from '../../analysis/labels';
import type { AnalysisResult } from '../../analysis/types';
import {
  CompileError,
  CompileOptions,
  CompileProblem,
  CompileResult,
  compile
} from '../../compiler';
import type { NotebookInput } from '../../model/notebook';
import type { Trans } from '../run/trans';
import { errorText } from '../errors';

/** How long after the latest analysis the compiler's problems are looked at. */
export const COMPILE_PROBLEMS_DELAY_MS = 300;

export interface PanelCompileProblem {
  severity: 'error' | 'warning';
  message: string;
  cellIndex: number;
  step?: string;
}

/**
 * The compiler's warnings for the notebook as analysed, or its errors when it refuses what the analyzer
 * accepted (e.g. a notebook setting); nothing while the analysis has errors (the list above has them).
 * `compileWith`: the panel's compile, which keeps its last result for the YAML section.
 */
export function compileProblemsOf(
  notebook: NotebookInput,
  analysis: AnalysisResult,
  options: CompileOptions,
  compileWith: (n: NotebookInput, a: AnalysisResult, o: CompileOptions) => CompileResult = compile
): PanelCompileProblem[] {
  if (analysis.diagnostics.some(d => d.severity === 'error')) {
    return [];
  }
  const of = (severity: PanelCompileProblem['severity'], p: CompileProblem) => ({
    severity,
    message: p.message,
    cellIndex: p.cellIndex,
    ...(p.step === undefined ? {} : { step: p.step })
  });
  try {
    return compileWith(notebook, analysis, options).warnings.map(w => of('warning', w));
  } catch (error) {
    if (error instanceof CompileError) {
      return error.problems.map(p => of('error', p));
    }
    return [{ severity: 'error', message: errorText(error), cellIndex: -1 }];
  }
}

export const CompileProblems = React.memo(function CompileProblems(props: {
  /** The compiler's warnings, or its errors when it refuses; [] when the analysis has errors. */
  problems: () => PanelCompileProblem[];
  revision: number;
  baseImage: string;
  onSelect: (cellIndex: number) => void;
  trans: Trans;
  /** Tests: look at once. */
  delayMs?: number;
}): JSX.Element | null {
  const { problems, revision, baseImage, onSelect, trans } = props;
  const delay = props.delayMs ?? COMPILE_PROBLEMS_DELAY_MS;
  const [shown, setShown] = React.useState<PanelCompileProblem[]>([]);
  React.useEffect(() => {
    const timer = setTimeout(() => setShown(problems()), delay);
    return () => clearTimeout(timer);
  }, [problems, revision, baseImage, delay]);
  if (!shown.length) {
    return null;
  }
  return (
    <ul className="jp-cellpipe-diagnostics jp-cellpipe-compile-problems">
      {shown.map((p, i) => (
        <li
          key={`${p.cellIndex}:${i}`}
          className={`jp-cellpipe-diagnostic jp-cellpipe-severity-${p.severity}`}
          data-cell={p.cellIndex}
        >
          <button className="jp-cellpipe-diagnostic-go" onClick={() => onSelect(p.cellIndex)}>
            {trans.__('compiler')}: {located(p, p.message)}
          </button>
        </li>
      ))}
    </ul>
  );
});
