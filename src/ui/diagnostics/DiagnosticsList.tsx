/** The analyzer's diagnostics as a list: click → the cell; "Add dependency" applies the quick fix. */
import * as React from 'react';
import { cellLabel } from '../../analysis/labels';
import type { Diagnostic, QuickFix } from '../../analysis/types';

export interface DiagnosticsListProps {
  diagnostics: Diagnostic[];
  onSelect: (d: Diagnostic) => void;
  onFix: (fix: QuickFix) => void;
}

/** What a screen reader says before each problem (the list draws its severity as a shape). */
const SEVERITY: Record<Diagnostic['severity'], string> = {
  error: 'Error: ',
  warning: 'Warning: ',
  info: 'Note: '
};

/** Drawn again only when the diagnostics changed (the analysis service keeps equal ones as is). */
export const DiagnosticsList = React.memo(function DiagnosticsList(
  props: DiagnosticsListProps
): JSX.Element {
  const { diagnostics, onSelect, onFix } = props;
  if (!diagnostics.length) {
    return <p className="jp-cellpipe-empty jp-cellpipe-no-diagnostics">No problems found.</p>;
  }
  return (
    <ul className="jp-cellpipe-diagnostics">
      {diagnostics.map((d, i) => (
        <li
          key={`${d.code}:${d.cellIndex}:${i}`}
          className={`jp-cellpipe-diagnostic jp-cellpipe-severity-${d.severity}`}
          data-code={d.code}
          data-cell={d.cellIndex}
        >
          <button className="jp-cellpipe-diagnostic-go" onClick={() => onSelect(d)}>
            {/* The severity in words and by shape too, not by colour alone. */}
            <span className="jp-cellpipe-diagnostic-severity">{SEVERITY[d.severity]}</span>
            <span className="jp-cellpipe-diagnostic-where">
              {cellLabel(d.cellIndex, d.step)}:
            </span>{' '}
            {d.message}
          </button>
          {d.fix && d.fix.kind === 'add-dependency' && (
            <button
              className="jp-cellpipe-quickfix"
              data-fix={`${d.fix.step}<-${d.fix.dependsOn}`}
              onClick={() => onFix(d.fix!)}
            >
              Add dependency
            </button>
          )}
        </li>
      ))}
    </ul>
  );
});
