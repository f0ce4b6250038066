/** What the pencil editor changes in one cell: read and written by `write.ts`, checked by `validate.ts`. */
import type { DeployConfig } from './deploy';
import type { CellKind } from './tags';

/** What the editor changes in one cell. */
export interface CellEdit {
  kind: CellKind | null;
  /** For kind 'step'. */
  stepName: string;
  /** Upstream steps (`prev:` tags), in order. */
  prev: string[];
  /** The cell's own deploy settings: Kale-expressible ones (image, limits, GPU, labels,
   * annotations) and the `cellpipe.deploy` ones together. */
  deploy: DeployConfig;
}
