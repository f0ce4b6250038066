/** The user settings of cellpipe (`schema/plugin.json`), read into a typed object. */

export interface CellpipeSettings {
  kfpEndpoint: string;
  namespace: string;
  baseImage: string;
  /** The Python local runs use; '' = the notebook kernel's (the server finds and checks it). */
  localPython: string;
}

export const DEFAULT_SETTINGS: CellpipeSettings = {
  kfpEndpoint: '',
  namespace: '',
  baseImage: 'python:3.11',
  localPython: ''
};

/**
 * Read the composite settings, falling back to defaults for missing or mistyped values
 * and trimming whitespace (a pasted endpoint often carries a trailing newline or slash).
 */
export function readSettings(
  composite: Record<string, unknown> | null | undefined
): CellpipeSettings {
  const text = (key: keyof CellpipeSettings): string => {
    const value = composite?.[key];
    return typeof value === 'string' ? value.trim() : DEFAULT_SETTINGS[key];
  };
  const baseImage = text('baseImage');
  return {
    kfpEndpoint: text('kfpEndpoint').replace(/\/+$/, ''),
    namespace: text('namespace'),
    baseImage: baseImage || DEFAULT_SETTINGS.baseImage,
    localPython: text('localPython')
  };
}
