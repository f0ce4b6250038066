/**
 * Client of our server extension's /cellpipe/api/notebook-image: the image of the notebook server's own
 * pod, when the server can see it (inside a Kubeflow notebook server).
 */
import { ServerConnection } from '@jupyterlab/services';
import { requestServer } from './request';

/** The server's answer: `image` null outside a Kubeflow notebook server (or when the lookup failed: `detail`). */
export interface NotebookImage {
  image: string | null;
  source: string | null;
  declared?: string | null;
  detail?: string | null;
}

export const NO_NOTEBOOK_IMAGE: NotebookImage = { image: null, source: null };

export interface INotebookImageClient {
  /** Never rejects: an unreachable server or an old one answers "no image", saying why in `detail`. */
  notebookImage(): Promise<NotebookImage>;
}

export class NotebookImageClient implements INotebookImageClient {
  constructor(settings?: ServerConnection.ISettings) {
    this._settings = settings ?? ServerConnection.makeSettings();
  }

  async notebookImage(): Promise<NotebookImage> {
    let data: Awaited<ReturnType<typeof requestServer>>;
    try {
      data = await requestServer(this._settings, ['notebook-image']);
    } catch (error) {
      return { ...NO_NOTEBOOK_IMAGE, detail: (error as Error).message };
    }
    if (data.image !== null && typeof data.image !== 'string') {
      return { ...NO_NOTEBOOK_IMAGE, detail: "the server's answer names no image" };
    }
    return {
      image: data.image,
      source: Private.text(data.source),
      declared: Private.text(data.declared),
      detail: Private.text(data.detail)
    };
  }

  private _settings: ServerConnection.ISettings;
}

namespace Private {
  export function text(value: unknown): string | null {
    return typeof value === 'string' ? value : null;
  }
}
