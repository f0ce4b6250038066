import * as React from 'react';
import { cellLabel } from '../../analysis/labels';
import type { AnalysisResult, StepInfo } from '../../analysis/types';
import type { FileStat, IFileClient } from '../../server-api';
import {
  ALL_DATA_FILES,
  DataFileChoice,
  DataFileSource,
  MetadataNotebook,
  uriProblem,
  writeDataFileChoice
} from '../../model/data-files';
import { DataFilePlace, DataFilesPlan, DataFileWay, planDataFiles } from '../run/data-files';
import type { Trans } from '../run/trans';
import type { NotebookInput } from '../../model/notebook';
import { errorText } from '../errors';

/** How long after the latest analysis the open section asks the server about its files. */
export const FILES_DELAY_MS = 300;
/** The server answers for at most this many paths per request. */
const MAX_PATHS = 500;

/** The notebook whose `cellpipe.dataFiles` the section reads and writes (JupyterLab's `INotebookModel`). */
export interface DataFilesNotebook extends MetadataNotebook {
  readonly metadataChanged: {
    connect(slot: () => void): unknown;
    disconnect(slot: () => void): unknown;
  };
}

/**
 * Per step, the files it reads and writes (as the analyzer found them), with whether each exists
 * beside the notebook and its size (the server looks, only while the section is open, a moment
 * after the analysis; Refresh looks again after a run), the step a read file comes from, and the
 * paths not known before running. For each data file (read, written by no step): how it gets to
 * a KFP step's pod, chosen by the user per file or for all, kept in `cellpipe.dataFiles`.
 */
export const FilesSection = React.memo(function FilesSection(props: {
  analysis: Pick<AnalysisResult, 'steps' | 'edges'> | null;
  notebookPath: string;
  trans: Trans;
  /** The plugin's one client (IServerApi's `files`). */
  client: IFileClient;
  /** Where the data file choices are read and written; without it they are not shown. */
  notebook?: DataFilesNotebook | null;
}): JSX.Element {
  const { analysis, notebookPath, trans, notebook } = props;
  const { client } = props;
  const steps = React.useMemo(
    () => (analysis?.steps ?? []).filter(s => Private.fileCount(s) > 0),
    [analysis?.steps]
  );
  // The same list while the paths are (an analysis per keystroke makes new steps, mostly same paths).
  const key = JSON.stringify(Private.pathsOf(steps));
  const paths = React.useMemo(() => JSON.parse(key) as string[], [key]);
  const [open, setOpen] = React.useState(false);
  const [refresh, setRefresh] = React.useState(0);
  const [stats, setStats] = React.useState<ReadonlyMap<string, FileStat>>(() => new Map());
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
            setStats(new Map(found.map(f => [f.path, f])));
            setError('');
          }
        },
        reason => live && setError(errorText(reason))
      );
    }, FILES_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [open, key, paths, notebookPath, client, refresh]);
  const sources = React.useMemo(() => Private.sources(analysis?.edges ?? []), [analysis?.edges]);
  // The choices are the notebook's metadata: read again whenever it changes (an edit, an undo).
  const [metadata, setMetadata] = React.useState(() => Private.metadataOf(notebook));
  React.useEffect(() => {
    setMetadata(Private.metadataOf(notebook));
    if (!notebook) {
      return;
    }
    const changed = () => setMetadata(Private.metadataOf(notebook));
    notebook.metadataChanged.connect(changed);
    return () => void notebook.metadataChanged.disconnect(changed);
  }, [notebook]);
  const plan = React.useMemo(
    () => (metadata ? planDataFiles({ metadata }, { steps }) : null),
    [metadata, steps]
  );
  const [writeError, setWriteError] = React.useState('');
  const choose = React.useCallback(
    (path: string, choice: DataFileChoice | undefined) => {
      try {
        writeDataFileChoice(notebook!, path, choice);
        setWriteError('');
      } catch (reason) {
        setWriteError(errorText(reason));
      }
    },
    [notebook]
  );
  const dataFile = (path: string) => plan?.files.find(f => f.path === path);
  const count = steps.reduce((n, s) => n + Private.fileCount(s), 0);
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
          {plan && plan.files.length > 0 && (
            <DataFiles plan={plan} choose={choose} error={writeError} trans={trans} />
          )}
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
                    stat={stats.get(r.path)}
                    dataFile={dataFile(r.path)}
                    trans={trans}
                  />
                ))}
                {step.files!.writes.map(w => (
                  <FileRow
                    key={`w:${w.path}`}
                    access="write"
                    path={w.path}
                    stat={stats.get(w.path)}
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
  /** A data file's way to the pods (the section was given the notebook). */
  dataFile?: DataFilePlace;
  trans: Trans;
}): JSX.Element {
  const { access, path, from, stat, dataFile, trans } = props;
  return (
    <li
      className={`jp-cellpipe-file jp-cellpipe-file-${access}`}
      data-file={path}
      data-access={access}
      data-exists={stat ? String(stat.exists) : ''}
      data-from={from ?? ''}
      data-way={dataFile ? (dataFile.way ?? 'none') : undefined}
    >
      {access === 'read' ? trans.__('reads') : trans.__('writes')} <code>{path}</code>{' '}
      <span className="jp-cellpipe-file-state">{Private.describe(stat, access, from, trans)}</span>
      {dataFile && !dataFile.way && <NotThere trans={trans} />}
    </li>
  );
}

/** The mark of a data file with no way to the pods. */
function NotThere(props: { trans: Trans }): JSX.Element {
  return (
    <span className="jp-cellpipe-file-not-there" role="img" aria-label={props.trans.__('warning')}>
      {' '}
      <span className="jp-cellpipe-file-warning-icon" aria-hidden="true">
        !
      </span>{' '}
      {props.trans.__("will not exist in the step's pod")}
    </span>
  );
}

/** "How it gets to the cluster": the notebook-wide default and each data file's own choice. */
function DataFiles(props: {
  plan: DataFilesPlan;
  choose: (path: string, choice: DataFileChoice | undefined) => void;
  error: string;
  trans: Trans;
}): JSX.Element {
  const { plan, choose, error, trans } = props;
  const labels = Private.wayLabels(trans);
  return (
    <div className="jp-cellpipe-datafiles" data-mounted={String(plan.mounted)}>
      <h4>{trans.__('Data files: how each gets to the cluster')}</h4>
      {plan.mounted ? (
        <p className="jp-cellpipe-datafiles-note">
          {trans.__(
            "The notebook's workspace volume is mounted into the steps (Kale volumes / abs_working_dir): its files are there."
          )}
        </p>
      ) : (
        <label className="jp-cellpipe-datafiles-default">
          {trans.__('Default for every data file:')}{' '}
          <select
            className="jp-mod-styled"
            data-default=""
            value={plan.all?.source ?? ''}
            onChange={e =>
              choose(
                ALL_DATA_FILES,
                e.target.value ? { source: e.target.value as DataFileSource } : undefined
              )
            }
          >
            <option value="">{trans.__('none')}</option>
            {(['volume', 'upload', 'image'] as const).map(way => (
              <option key={way} value={way}>
                {labels[way]}
              </option>
            ))}
          </select>
        </label>
      )}
      {error && <p className="jp-cellpipe-error">{error}</p>}
      {plan.problems.map(p => (
        <p key={p.path} className="jp-cellpipe-error">
          {p.message}
        </p>
      ))}
      <ul>
        {plan.files.map(file => (
          <DataFileRow
            key={file.path}
            file={file}
            all={plan.all}
            mounted={plan.mounted}
            choose={choose}
            trans={trans}
          />
        ))}
      </ul>
    </div>
  );
}

function DataFileRow(props: {
  file: DataFilePlace;
  all?: DataFileChoice;
  mounted: boolean;
  choose: (path: string, choice: DataFileChoice | undefined) => void;
  trans: Trans;
}): JSX.Element {
  const { file, all, mounted, choose, trans } = props;
  const labels = Private.wayLabels(trans);
  // A URI being typed: written once it is one an importer reads (Enter or leaving the field).
  const [draft, setDraft] = React.useState<string | null>(null);
  const shown = mounted ? 'mounted' : draft !== null ? 'uri' : (file.own?.source ?? '');
  const uri = draft ?? (file.own?.source === 'uri' ? (file.own.uri ?? '') : null);
  const problem = draft !== null ? uriProblem(draft) : undefined;
  const commit = () => {
    if (draft !== null && !problem) {
      choose(file.path, { source: 'uri', uri: draft.trim() });
      setDraft(null);
    }
  };
  const ways: DataFileSource[] = file.importable
    ? ['volume', 'upload', 'uri', 'image']
    : ['volume', 'image']; // an importer brings one file inside the notebook's folder
  const inherited = all && (file.importable || all.source === 'volume' || all.source === 'image');
  return (
    <li className="jp-cellpipe-datafile" data-datafile={file.path} data-way={file.way ?? 'none'}>
      <code>{file.path}</code>{' '}
      <span className="jp-cellpipe-file-where">({file.steps.join(', ')})</span>{' '}
      <label>
        {trans.__('How it gets to the cluster:')}{' '}
        <select
          className="jp-mod-styled"
          value={shown}
          disabled={mounted || !file.choosable}
          aria-label={trans.__('How %1 gets to the cluster', file.path)}
          onChange={e => {
            const way = e.target.value;
            if (way === 'uri') {
              setDraft(file.own?.source === 'uri' ? (file.own.uri ?? '') : '');
              return;
            }
            setDraft(null);
            choose(file.path, way ? { source: way as DataFileSource } : undefined);
          }}
        >
          {mounted && <option value="mounted">{labels.mounted}</option>}
          <option value="">
            {inherited ? trans.__('the default: %1', labels[all.source]) : trans.__('not chosen')}
          </option>
          {ways.map(way => (
            <option key={way} value={way}>
              {labels[way]}
            </option>
          ))}
        </select>
      </label>
      {!mounted && uri !== null && (
        <input
          className="jp-mod-styled jp-cellpipe-datafile-uri"
          aria-label={trans.__('URI of %1', file.path)}
          placeholder="s3://bucket/key"
          value={uri}
          onChange={e => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              commit();
            } else if (e.key === 'Escape') {
              setDraft(null);
            }
          }}
        />
      )}
      {problem && (
        <span className="jp-cellpipe-datafile-error jp-cellpipe-error" role="alert">
          {' '}
          {problem}
        </span>
      )}
      {!file.choosable && (
        <span className="jp-cellpipe-file-where">
          {' '}
          {trans.__('outside the notebook folder: only the image or a mounted volume has it')}
        </span>
      )}
      {!file.way && <NotThere trans={trans} />}
    </li>
  );
}

namespace Private {
  /** The metadata the data file plan reads, as it is now (a new object: the plan is made again). */
  export function metadataOf(
    notebook: DataFilesNotebook | null | undefined
  ): NotebookInput['metadata'] | null {
    return notebook
      ? {
          kubeflow_notebook: notebook.getMetadata('kubeflow_notebook'),
          cellpipe: notebook.getMetadata('cellpipe')
        }
      : null;
  }

  export function wayLabels(trans: Trans): Record<DataFileWay, string> {
    return {
      mounted: trans.__('workspace volume (mounted)'),
      volume: trans.__('workspace volume'),
      upload: trans.__('upload to the object store'),
      uri: trans.__('a URI (s3://, gs://, minio://)'),
      image: trans.__('already in the image')
    };
  }

  /** The files a step reads and writes, paths not known before running included. */
  export function fileCount(step: StepInfo): number {
    const f = step.files;
    return f ? f.reads.length + f.writes.length + f.unresolved.length : 0;
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
