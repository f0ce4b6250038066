/**
 * The slice of JupyterLab's TranslationBundle the run views use, with a plain fallback, so the views
 * render without a translator (and load in tests without JupyterLab's ES-module packages).
 */
export interface Trans {
  __(msgid: string, ...args: unknown[]): string;
}

/** English as written, with `%1`, `%2`… filled in like TranslationBundle does. */
export const plainTrans: Trans = {
  __: (msgid, ...args) =>
    msgid.replace(/%(\d+)/g, (whole, n) =>
      args[Number(n) - 1] === undefined ? whole : String(args[Number(n) - 1])
    )
};
