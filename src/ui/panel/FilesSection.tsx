import * as React from 'react';
import { cellLabel } from '../../analysis/labels';
import type { AnalysisResult, StepInfo } from '../../analysis/types';
import { FileClient, FileStat, IFileClient } from '../../kfp/files';
import type { Trans } from '../run/trans';

/** How long after the latest analysis the open section asks the server about its files. */
export const FILES_DELAY_MS = 300;
/** The server answers for at most this many paths per request. */
const MAX_PATHS = 500;

let defaultClient: IFileClient | null = null;

/**
 * Per step, the files it reads and writes (as the analyzer found them), with whether each exists
 * beside the notebook and its size (the server looks, only while the section is open, a moment
 * after the analysis; Refresh looks again after a run), the step a read file comes from, and the
 * paths not known before running.
 */
export const FilesSection = React.memo(function FilesSection(props: {
  analysis: Pick<AnalysisResult, 'steps' | 'edges'> | null;
  notebookPath: string;
  trans: Trans;
  client?: IFileClient;
}): JSX.Element {
  const { analysis, notebookPath, trans } = props;
  const client = props.client ?? (defaultClient ??= new FileClient());
  const steps = React.useMemo(
    () => (analysis?.steps ?? []).filter(s => Private.hasFiles(s)),
    [analysis?.steps]
  );
  const paths = React.useMemo(() => Private.pathsOf(steps), [steps]);
  const key = paths.join('\n');
  const [open, setOpen] = React.useState(false);
  const [refresh, setRefresh] = React.useState(0);
  const [stats, setStats] = React.useState<{ key: string; byPath: Map<string, FileStat> }>({
    key: '',
    byPath: new Map()
  });
  const [error, setError] = React.useState('');
  React.useEffect(() => {
    if (!open || !paths.length) {
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      client.stat(notebookPath, paths.slice(0, MAX_PATHS)).then(
        found => {
          if (live) {
            setStats({ key, byPath: new Map(found.map(f => [f.path, f])) });
            setError('');
          }
        },
        reason => live && setError(String((reason as Error).message ?? reason))
      );
    }, FILES_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [open, key, notebookPath, client, refresh]);
  const sources = React.useMemo(() => Private.sources(analysis?.edges ?? []), [analysis?.edges]);
  const count = steps.reduce(
    (n, s) => n + s.files!.reads.length + s.files!.writes.length + s.files!.unresolved.length,
    0
  );
  return (
    <details
      className="jp-cellpipe-section jp-cellpipe-files"
      onToggle={e => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary>
        {trans.__('Files')} ({count})
      </summary>
      {open && (
        <div className="jp-cellpipe-files-body">
          {!steps.length && (
            <p className="jp-cellpipe-empty">{trans.__('No step reads or writes a file.')}</p>
          )}
          {error && <p className="jp-cellpipe-error">{error}</p>}
          {steps.map(step => (
            <div className="jp-cellpipe-files-step" data-step={step.name} key={step.name}>
              <strong>{step.name}</strong>
              <ul>
                {step.files!.reads.map(r => (
                  <FileRow
                    key={`r:${r.path}`}
                    access="read"
                    path={r.path}
                    from={sources.get(`${step.name}\n${r.path}`)}
                    stat={stats.byPath.get(r.path)}
                    trans={trans}
                  />
                ))}
                {step.files!.writes.map(w => (
                  <FileRow
                    key={`w:${w.path}`}
                    access="write"
                    path={w.path}
                    stat={stats.byPath.get(w.path)}
                    trans={trans}
                  />
                ))}
                {step.files!.unresolved.map((u, i) => (
                  <li
                    key={`u:${i}`}
                    className="jp-cellpipe-file jp-cellpipe-file-unresolved"
                    data-access={u.access}
                  >
                    {u.access === 'read' ? trans.__('reads') : trans.__('writes')}{' '}
                    {trans.__('a path not known before running:')} <code>{u.expression}</code>{' '}
                    <span className="jp-cellpipe-file-where">({cellLabel(u.cellIndex)})</span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
          {steps.length > 0 && (
            <button className="jp-cellpipe-files-refresh" onClick={() => setRefresh(n => n + 1)}>
              {trans.__('Refresh')}
            </button>
          )}
        </div>
      )}
    </details>
  );
});

function FileRow(props: {
  access: 'read' | 'write';
  path: string;
  from?: string;
  stat?: FileStat;
  trans: Trans;
}): JSX.Element {
  const { access, path, from, stat, trans } = props;
  return (
    <li
      className={`jp-cellpipe-file jp-cellpipe-file-${access}`}
      data-file={path}
      data-access={access}
      data-exists={stat ? String(stat.exists) : ''}
      data-from={from ?? ''}
    >
      {access === 'read' ? trans.__('reads') : trans.__('writes')} <code>{path}</code>{' '}
      <span className="jp-cellpipe-file-state">{Private.describe(stat, access, from, trans)}</span>
    </li>
  );
}

namespace Private {
  export function hasFiles(step: StepInfo): boolean {
    const f = step.files;
    return !!f && f.reads.length + f.writes.length + f.unresolved.length > 0;
  }

  /** Every known path, once, sorted (what the server is asked about). */
  export function pathsOf(steps: StepInfo[]): string[] {
    const all = new Set<string>();
    for (const step of steps) {
      step.files!.reads.forEach(r => all.add(r.path));
      step.files!.writes.forEach(w => all.add(w.path));
    }
    return [...all].sort();
  }

  /** `reader\npath` → the step whose file it reads (file edges). */
  export function sources(edges: AnalysisResult['edges']): Map<string, string> {
    const map = new Map<string, string>();
    for (const edge of edges) {
      for (const path of edge.kind === 'file' ? (edge.files ?? []) : []) {
        map.set(`${edge.to}\n${path}`, edge.from);
      }
    }
    return map;
  }

  export function size(bytes: number): string {
    if (bytes < 1024) {
      return `${bytes} B`;
    }
    const units = ['KB', 'MB', 'GB', 'TB'];
    let value = bytes / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
  }

  export function describe(
    stat: FileStat | undefined,
    access: 'read' | 'write',
    from: string | undefined,
    trans: Trans
  ): string {
    const origin = from ? trans.__('from step "%1"', from) : '';
    if (!stat) {
      return origin ? `— ${origin}` : '';
    }
    let state: string;
    if (stat.refused) {
      state = trans.__('outside the notebook folder: %1', stat.refused);
    } else if (stat.matches !== undefined) {
      state = stat.matches
        ? trans.__('%1 files, %2', stat.matches, size(stat.size ?? 0))
        : trans.__('no file matches');
    } else if (stat.exists) {
      state = size(stat.size ?? 0);
    } else {
      state = access === 'write' || from ? trans.__('not written yet') : trans.__('missing');
    }
    return `— ${[state, origin].filter(Boolean).join(', ')}`;
  }
}
