import * as React from 'react';
import type { Trans } from '../run/trans';
import { errorText } from '../errors';

/** How long after the latest analysis the open YAML section compiles. */
export const YAML_DELAY_MS = 150;

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
  trans: Trans;
}): JSX.Element {
  const { compile, revision, baseImage } = props;
  const [open, setOpen] = React.useState(false);
  const [compiled, setCompiled] = React.useState({ yaml: '', error: '' });
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
      <summary>{props.trans.__('Compiled YAML')}</summary>
      {compiled.error ? (
        <pre className="jp-cellpipe-compile-error">{compiled.error}</pre>
      ) : (
        <pre className="jp-cellpipe-yaml-text">{compiled.yaml}</pre>
      )}
    </details>
  );
});
