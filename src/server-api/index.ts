/**
 * Everything the browser asks OUR server extension (never KFP or the disk directly): one request
 * helper and one error type (`request.ts`), and a client per route family. The plugin makes one of
 * each (`createServerApi`) and hands them out through the `IServerApi` token (src/ui/tokens.ts).
 */
import { ServerConnection } from '@jupyterlab/services';
import { BundleClient, IBundleClient } from './bundles';
import { FileClient, IFileClient } from './files';
import { IKatibClient, KatibClient } from './katib';
import { IKfpClient, KfpClient } from './kfp';
import { ILocalRunClient, LocalRunClient } from './local-runs';
import { INotebookImageClient, NotebookImageClient } from './notebook-image';

export * from './bundles';
export * from './files';
export * from './katib';
export * from './kfp';
export * from './kfp-types';
export * from './local-runs';
export * from './notebook-image';
export * from './request';
export type { StepState } from './step-state';

/** One client of each kind, sharing the server connection's settings. */
export interface ServerApi {
  readonly kfp: IKfpClient;
  readonly katib: IKatibClient;
  readonly bundles: IBundleClient;
  readonly files: IFileClient;
  readonly localRuns: ILocalRunClient;
  readonly notebookImage: INotebookImageClient;
}

export function createServerApi(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): ServerApi {
  return {
    kfp: new KfpClient(settings),
    katib: new KatibClient(settings),
    bundles: new BundleClient(settings),
    files: new FileClient(settings),
    localRuns: new LocalRunClient(settings),
    notebookImage: new NotebookImageClient(settings)
  };
}
