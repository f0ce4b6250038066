/**
 * Stable React keys for the rows of an editable list (env, tolerations, volumes…), so that removing a
 * row keeps the rows after it as they are — their inputs, what was typed in them and the focus — instead
 * of handing each one the row before it, as keys by index do.
 */
import * as React from 'react';

export interface RowIds {
  /** One key per row, in order. */
  ids: readonly string[];
  /** `rows` without row `index`, whose key goes with it. */
  remove<T>(rows: readonly T[], index: number): T[];
}

/** Keys for a list of `count` rows: rows added at the end get new keys, a removed row's key goes. */
export function useRowIds(count: number): RowIds {
  const ref = React.useRef<{ next: number; ids: string[] } | null>(null);
  ref.current ??= { next: 0, ids: [] };
  const state = ref.current;
  // Padding and truncating are idempotent, so a render done twice (StrictMode) gives the same keys.
  while (state.ids.length < count) {
    state.ids.push(`row-${state.next++}`);
  }
  state.ids.length = count;
  const remove = React.useCallback(
    <T>(rows: readonly T[], index: number): T[] => {
      state.ids.splice(index, 1);
      return rows.filter((_, k) => k !== index);
    },
    [state]
  );
  return { ids: state.ids.slice(), remove };
}
