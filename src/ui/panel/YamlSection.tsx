import * as React from 'react';
import type { Trans } from '../run/trans';
import { errorText } from '../errors';

/** How long after the latest analysis the open YAML section compiles. */
export const YAML_DELAY_MS = 150;

/** The YAML file a notebook downloads as: its name with `.yaml` for `.ipynb`. */
export function yamlFileName(notebookPath: string): string {
  const name = notebookPath.slice(notebookPath.lastIndexOf('/') + 1).replace(/\.ipynb$/i, '');
  return `${name || 'pipeline'}.yaml`;
}

/** Save `text` as the file `name` through the browser's download. */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click(); // a link out of the page downloads as well (no element left behind)
  // Freed once the browser surely read it (it starts the download after this task).
  setTimeout(() => URL.revokeObjectURL(url), 40_000);
}

/**
 * The compiled YAML, compiled only while the section is open, and after the graph: a moment
 * after the latest analysis (typing never waits for the compiler). It compiles again for each
 * analysis (`revision`: the notebook as read for it, whose code is in the YAML even when the
 * analysis result is the same as before) and when the default image changes.
 */
export const YamlSection = React.memo(function YamlSection(props: {
  compile: () => string;
  revision: number;
  baseImage: string;
  /** The file the YAML downloads as (`yamlFileName` of the notebook). */
  fileName: string;
  trans: Trans;
}): JSX.Element {
  const { compile, revision, baseImage, fileName, trans } = props;
  const [open, setOpen] = React.useState(false);
  const [compiled, setCompiled] = React.useState({ yaml: '', error: '' });
  // What the last copy did, said beside the buttons until the YAML changes.
  const [copied, setCopied] = React.useState('');
  React.useEffect(() => setCopied(''), [compiled]);
  const copy = () => {
    const done = () => setCopied(trans.__('Copied'));
    const failed = (reason: unknown) =>
      setCopied(trans.__('Could not copy: %1', errorText(reason)));
    try {
      navigator.clipboard.writeText(compiled.yaml).then(done, failed);
    } catch (reason) {
      failed(reason); // no clipboard here (an insecure page)
    }
  };
  React.useEffect(() => {
    if (!open) {
      return;
    }
    const timer = setTimeout(() => {
      try {
        setCompiled({ yaml: compile(), error: '' });
      } catch (reason) {
        setCompiled({ yaml: '', error: errorText(reason) });
      }
    }, YAML_DELAY_MS);
    return () => clearTimeout(timer);
  }, [open, compile, revision, baseImage]);
  return (
    <details
      className="jp-cellpipe-section jp-cellpipe-yaml"
      onToggle={e => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary>{trans.__('Compiled YAML')}</summary>
      {compiled.error ? (
        <pre className="jp-cellpipe-compile-error">{compiled.error}</pre>
      ) : (
        <>
          {compiled.yaml && (
            <div className="jp-cellpipe-yaml-tools">
              <button className="jp-mod-styled jp-cellpipe-yaml-copy" onClick={copy}>
                {trans.__('Copy')}
              </button>
              <button
                className="jp-mod-styled jp-cellpipe-yaml-download"
                title={trans.__('Download %1', fileName)}
                onClick={() => download(fileName, compiled.yaml)}
              >
                {trans.__('Download')}
              </button>
              <span className="jp-cellpipe-yaml-copied" role="status">
                {copied}
              </span>
            </div>
          )}
          <pre className="jp-cellpipe-yaml-text" tabIndex={0}>
            {compiled.yaml}
          </pre>
        </>
      )}
    </details>
  );
});
