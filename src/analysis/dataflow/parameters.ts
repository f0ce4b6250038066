/** Pipeline parameters: the `name = literal` lines of the pipeline-parameters cells; the last wins. */
import { rangeOf } from '../cell';
import { Diagnostics } from '../diagnostics';
import { readLiteral } from '../literal';
import type { PipelineParameter } from '../types';
import type { CellSource } from './types';

export function readParameters(
  cells: number[],
  cellAt: CellSource,
  diagnostics: Diagnostics
): PipelineParameter[] {
  const byName = new Map<string, PipelineParameter>();
  for (const cellIndex of cells) {
    const cell = cellAt(cellIndex)!;
    for (const statement of cell.facts.statements) {
      const place = { cellIndex, cell, start: statement.start, end: statement.end };
      if (statement.kind !== 'assign' || !statement.name || !statement.value) {
        diagnostics.add(
          'parameter-statement',
          'warning',
          'only "name = value" lines define pipeline parameters; this line is ignored',
          place
        );
        continue;
      }
      const valueText = cell.code.slice(statement.value.start, statement.value.end);
      const parameter: PipelineParameter = { name: statement.name, cellIndex, valueText };
      const literal = readLiteral(statement.value, cell.code);
      if (literal) {
        parameter.value = literal.value;
        if (literal.type) {
          parameter.type = literal.type;
        }
      } else {
        diagnostics.add(
          'parameter-not-literal',
          'error',
          `parameter "${statement.name}" must be a literal (number, string, bool, None, list or dict), not "${valueText.slice(0, 60)}"`,
          place,
          { variable: statement.name }
        );
      }
      if (byName.has(statement.name)) {
        diagnostics.add(
          'duplicate-parameter',
          'warning',
          `parameter "${statement.name}" is set twice; the value here wins`,
          place,
          { variable: statement.name }
        );
        byName.delete(statement.name);
      }
      parameter.range = rangeOf(cell, statement.start, statement.end);
      byName.set(statement.name, parameter);
    }
  }
  return [...byName.values()];
}
