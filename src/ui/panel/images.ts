/**
 * Which image the steps run in, as Kale does it: the notebook server's own image when the server can see it
 * (src/server-api/notebook-image.ts), else the settings' default. And, per step, the imported packages that
 * image may lack: not in Python's standard library, not one of the notebook's own modules (which travel with
 * the step). Only said when the image is not the notebook server's own, where the imports already work.
 */
import type { AnalysisResult } from '../../analysis/types';
import { STDLIB_MODULES } from '../../analysis/stdlib';
import { stepModules } from '../../compiler';
import { resolveDeployConfig } from '../../model/notebook-settings';
import type { NotebookInput } from '../../model/notebook';
import type { NotebookImage } from '../../server-api';

/** The steps' default image: the notebook server's own when known, else the settings' default. */
export interface BaseImage {
  image: string;
  /** True when it is this notebook server's image. */
  own: boolean;
}

export function baseImageOf(settingsImage: string, server: NotebookImage): BaseImage {
  return server.image ? { image: server.image, own: true } : { image: settingsImage, own: false };
}

/** Imported top-level modules that are not Python's own: local modules or packages an image must have. */
export function nonStdlib(modules: Iterable<string>): string[] {
  return [...new Set(modules)].filter(name => !STDLIB_MODULES.has(name)).sort();
}

export interface ImportWarning {
  step: string;
  image: string;
  modules: string[];
}

/**
 * One warning per step whose image is not the notebook server's: the packages it imports that are neither
 * in the standard library nor among the notebook's own modules (`local`, bundled with the step).
 */
export function importWarnings(
  notebook: NotebookInput,
  analysis: AnalysisResult,
  local: ReadonlySet<string>,
  base: BaseImage
): ImportWarning[] {
  const imported = stepModules(notebook, analysis);
  const out: ImportWarning[] = [];
  for (const step of analysis.steps) {
    const own = resolveDeployConfig(notebook, step.cellIndices[0] ?? -1).image;
    const image = own ?? base.image;
    if (base.own && image === base.image) {
      continue; // the notebook server's own image: what runs here runs there
    }
    const modules = nonStdlib(imported[step.name] ?? []).filter(name => !local.has(name));
    if (modules.length) {
      out.push({ step: step.name, image, modules });
    }
  }
  return out;
}
