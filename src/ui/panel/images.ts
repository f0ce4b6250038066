/**
 * Which image the steps run in, as Kale does it: the notebook server's own image when the server can see it
 * (GET /cellpipe/api/notebook-image), else the settings' default. And, per step, the imported packages that
 * image may lack: not in Python's standard library, not one of the notebook's own modules (which travel with
 * the step). Only said when the image is not the notebook server's own, where the imports already work.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { AnalysisResult } from '../../analysis/types';
import { STDLIB_MODULES } from '../../cli/stdlib';
import { stepModules } from '../../compiler';
import { resolveDeployConfig } from '../../model/notebook-settings';
import type { NotebookInput } from '../../model/notebook';
import { readBody } from '../../kfp/client';

/** The server's answer: `image` null outside a Kubeflow notebook server (or when the lookup failed: `detail`). */
export interface NotebookImage {
  image: string | null;
  source: string | null;
  declared?: string | null;
  detail?: string | null;
}

export const NO_NOTEBOOK_IMAGE: NotebookImage = { image: null, source: null };

/** Ask our server extension; an unreachable server or an old one answers "no image". */
export async function fetchNotebookImage(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<NotebookImage> {
  const url = URLExt.join(settings.baseUrl, 'cellpipe', 'api', 'notebook-image');
  try {
    const response = await ServerConnection.makeRequest(url, { method: 'GET' }, settings);
    const data = await readBody(response);
    if (!response.ok || (data.image !== null && typeof data.image !== 'string')) {
      return {
        ...NO_NOTEBOOK_IMAGE,
        detail: data.message ?? `the server answered ${response.status}`
      };
    }
    return {
      image: data.image ?? null,
      source: data.source ?? null,
      declared: data.declared ?? null,
      detail: data.detail ?? null
    };
  } catch (error) {
    return { ...NO_NOTEBOOK_IMAGE, detail: (error as Error).message };
  }
}

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
