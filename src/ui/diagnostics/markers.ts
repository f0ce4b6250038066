/**
 * Inline diagnostic markers in a cell's CodeMirror 6 editor: a StateField of Decoration.mark,
 * replaced by an effect each time the analysis changes. Installed once per editor through
 * `CodeMirrorEditor.injectExtension`.
 */
import { StateEffect, StateField, RangeSetBuilder } from '@codemirror/state';
import { Decoration, DecorationSet, EditorView } from '@codemirror/view';
import { located } from '../../analysis/labels';
import type { Diagnostic } from '../../analysis/types';
import { rangeToOffsets } from './ranges';

export const setMarkers = StateEffect.define<Diagnostic[]>();

export const markerField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    let next = value.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(setMarkers)) {
        next = build(tr.state.doc.toString(), effect.value);
      }
    }
    return next;
  },
  provide: field => EditorView.decorations.from(field)
});

function build(source: string, diagnostics: Diagnostic[]): DecorationSet {
  const marks = diagnostics
    .map(d => ({ d, at: d.range ? rangeToOffsets(source, d.range) : null }))
    .filter(x => x.at !== null)
    .sort((a, b) => a.at!.from - b.at!.from || a.at!.to - b.at!.to);
  const builder = new RangeSetBuilder<Decoration>();
  for (const { d, at } of marks) {
    builder.add(
      at!.from,
      at!.to,
      Decoration.mark({
        class: `jp-cellpipe-mark jp-cellpipe-mark-${d.severity}`,
        attributes: { title: located(d, d.message), 'data-code': d.code }
      })
    );
  }
  return builder.finish();
}
