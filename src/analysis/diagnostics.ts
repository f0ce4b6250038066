/**
 * Every diagnostic code the analyzer reports, and the collector each check adds to where it finds
 * the problem. Codes are stable (the UI and the compiler may key on them); messages name the cell,
 * step or variable.
 */
import { CellAnalysis, rangeOf } from './cell';
import type { CellRange, Diagnostic, QuickFix, Severity, StepInfo } from './types';

export type DiagnosticCode =
  | 'syntax-error'
  | 'magic-masked'
  | 'untagged-cell'
  | 'one-step-notebook'
  | 'undefined-name'
  | 'not-upstream'
  | 'import-not-shared'
  | 'parallel-producers'
  | 'file-not-upstream'
  | 'parallel-file-writers'
  | 'star-import'
  | 'alias'
  | 'unserializable'
  | 'global-mutation'
  | 'unknown-dependency'
  | 'self-dependency'
  | 'dependency-cycle'
  | 'invalid-step-name'
  | 'duplicate-step-name'
  | 'step-merged'
  | 'multiple-metrics'
  | 'metrics-not-last'
  | 'metric-not-produced'
  | 'parameter-not-literal'
  | 'parameter-statement'
  | 'duplicate-parameter';

export interface Place {
  cellIndex: number;
  cell?: CellAnalysis | null;
  start?: number;
  end?: number;
}

export class Diagnostics {
  readonly list: Diagnostic[] = [];

  add(
    code: DiagnosticCode,
    severity: Severity,
    message: string,
    place: Place,
    extra: { step?: string; variable?: string; file?: string; fix?: QuickFix } = {}
  ): void {
    const diagnostic: Diagnostic = { code, severity, message, cellIndex: place.cellIndex };
    const range = rangeIn(place);
    if (range) {
      diagnostic.range = range;
    }
    if (extra.step !== undefined) {
      diagnostic.step = extra.step;
    }
    if (extra.variable !== undefined) {
      diagnostic.variable = extra.variable;
    }
    if (extra.file !== undefined) {
      diagnostic.file = extra.file;
    }
    if (extra.fix) {
      diagnostic.fix = extra.fix;
    }
    this.list.push(diagnostic);
  }

  /** Errors first, then by cell and position: the order the panel lists them in. */
  sorted(): Diagnostic[] {
    const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
    return this.list
      .map((d, i) => ({ d, i }))
      .sort(
        (a, b) =>
          rank[a.d.severity] - rank[b.d.severity] ||
          a.d.cellIndex - b.d.cellIndex ||
          (a.d.range?.startLine ?? -1) - (b.d.range?.startLine ?? -1) ||
          (a.d.range?.startColumn ?? -1) - (b.d.range?.startColumn ?? -1) ||
          a.i - b.i
      )
      .map(({ d }) => d);
  }
}

/**
 * The quick fix for a value or file `step` takes from a step not upstream of it: write
 * `prev:<producer>` on it. None for the metrics step, which no tag places.
 */
export function addDependencyFix(
  step: Pick<StepInfo, 'name' | 'kind'>,
  producer: string
): QuickFix | undefined {
  return step.kind === 'step'
    ? {
        title: `Make "${step.name}" depend on "${producer}"`,
        kind: 'add-dependency',
        step: step.name,
        dependsOn: producer
      }
    : undefined;
}

function rangeIn(place: Place): CellRange | undefined {
  if (!place.cell || place.start === undefined) {
    return undefined;
  }
  return rangeOf(place.cell, place.start, place.end ?? place.start);
}
