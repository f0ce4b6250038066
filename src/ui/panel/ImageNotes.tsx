/** Which image the steps run in, and per step the imports that image may lack (the user decides). */
import * as React from 'react';
import type { Trans } from '../run/trans';
import type { BaseImage, ImportWarning } from './images';

export const ImageNotes = React.memo(function ImageNotes(props: {
  base: BaseImage;
  /** The notebook's own image setting (Kale's base_image or docker_image); when set, it is the base image. */
  notebookImage: string;
  warnings: ImportWarning[];
  trans: Trans;
}): JSX.Element {
  const { base, notebookImage, warnings, trans } = props;
  return (
    <div className="jp-cellpipe-image-notes">
      {!notebookImage && (
        <p className="jp-cellpipe-base-image" data-own={base.own}>
          {base.own
            ? trans.__(
                "Base image: %1 (this notebook server's): what the notebook imports here, its steps import there.",
                base.image
              )
            : trans.__("Base image: %1 (the settings' default)", base.image)}
        </p>
      )}
      {warnings.length > 0 && (
        <ul className="jp-cellpipe-import-warnings">
          {warnings.map(w => (
            <li key={w.step} className="jp-cellpipe-severity-warning" data-step={w.step}>
              {trans.__(
                'Step "%1" imports %2, which are neither in Python\'s standard library nor beside the notebook: image %3 must have them.',
                w.step,
                w.modules.join(', '),
                w.image
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});
