import {
  dataFileChoice,
  isNotebookRelative,
  normalizeDataPath,
  readDataFiles,
  uriProblem,
  withDataFileChoice,
  writeDataFileChoice
} from '../data-files';
import { NotebookInput } from '../notebook';

const notebook = (dataFiles: unknown): NotebookInput => ({
  cells: [],
  metadata: { cellpipe: { dataFiles } }
});

describe('cellpipe.dataFiles', () => {
  it('reads each file choice and the notebook-wide one', () => {
    const files = readDataFiles(
      notebook({
        '*': { source: 'volume' },
        './data//train.csv': { source: 'uri', uri: 's3://bucket/train.csv' },
        'labels.json': { source: 'upload', uri: 'minio://mlpipeline/cellpipe/data/ab/labels.json' },
        'weights.pt': { source: 'image' }
      })
    );
    expect(files.problems).toEqual([]);
    expect(dataFileChoice(files, 'data/train.csv')).toEqual({
      source: 'uri',
      uri: 's3://bucket/train.csv'
    });
    expect(dataFileChoice(files, './labels.json')?.uri).toBe(
      'minio://mlpipeline/cellpipe/data/ab/labels.json'
    );
    expect(dataFileChoice(files, 'weights.pt')).toEqual({ source: 'image' });
    expect(dataFileChoice(files, 'other.csv')).toEqual({ source: 'volume' });
  });

  it('has no choices when the metadata has none', () => {
    const files = readDataFiles({ cells: [], metadata: {} });
    expect(files.problems).toEqual([]);
    expect(dataFileChoice(files, 'x.csv')).toBeUndefined();
  });

  it('names the file of each bad entry', () => {
    const { choices, problems } = readDataFiles(
      notebook({
        '/etc/passwd': { source: 'upload' },
        'a.csv': 'upload',
        'b.csv': { source: 'uri', uri: 'https://host/b.csv' },
        'c.csv': { source: 'image', uri: 's3://b/c.csv' },
        '*': { source: 'uri', uri: 's3://b/all' },
        'd.csv': { source: 'volume' },
        './d.csv': { source: 'image' }
      })
    );
    expect(problems.map(p => [p.path, p.message])).toEqual([
      [
        '/etc/passwd',
        'data file "/etc/passwd" (cellpipe.dataFiles) must be a path relative to the notebook\'s folder, without ".."'
      ],
      [
        'a.csv',
        'data file "a.csv" in cellpipe.dataFiles is not an object like {"source": "upload"}'
      ],
      [
        'b.csv',
        'data file "b.csv" in cellpipe.dataFiles uri "https://host/b.csv" has scheme "https"; a KFP importer reads s3://, gs://, minio://'
      ],
      [
        'c.csv',
        'data file "c.csv" in cellpipe.dataFiles has a "uri", which only the sources "uri" and "upload" take'
      ],
      [
        '*',
        'the choice for every data file ("*") in cellpipe.dataFiles cannot be "uri" for every file: give each file its own URI'
      ],
      ['d.csv', 'data file "d.csv" is listed twice in cellpipe.dataFiles']
    ]);
    expect([...choices.keys()]).toEqual(['d.csv']);
    expect(readDataFiles(notebook(['a.csv'])).problems[0].message).toMatch(
      /cellpipe.dataFiles is not an object/
    );
  });

  it('normalizes paths and checks URIs', () => {
    expect(normalizeDataPath('./data//x.csv/')).toBe('data/x.csv');
    expect(normalizeDataPath('data\\x.csv')).toBe('data/x.csv');
    expect(isNotebookRelative('data/x.csv')).toBe(true);
    expect(isNotebookRelative('../x.csv')).toBe(false);
    expect(isNotebookRelative('C:\\x.csv')).toBe(false);
    expect(isNotebookRelative('./')).toBe(false);
    expect(uriProblem('gs://bucket/a/b.csv')).toBeUndefined();
    expect(uriProblem('s3://bucket')).toMatch(/not scheme:\/\/bucket\/key/);
    expect(uriProblem(undefined)).toBe('needs a "uri"');
  });
});

describe('writeDataFileChoice', () => {
  /** A notebook model over plain metadata, as JupyterLab's keeps it (JSON values). */
  class Notebook {
    writes = 0;
    constructor(public metadata: Record<string, unknown>) {}
    getMetadata(key: string): unknown {
      return this.metadata[key] === undefined
        ? undefined
        : JSON.parse(JSON.stringify(this.metadata[key]));
    }
    setMetadata(key: string, value: unknown): void {
      this.writes++;
      this.metadata = { ...this.metadata, [key]: JSON.parse(JSON.stringify(value)) };
    }
    deleteMetadata(key: string): void {
      this.writes++;
      const { [key]: _, ...rest } = this.metadata;
      this.metadata = rest;
    }
  }
  const METADATA = {
    kubeflow_notebook: { pipeline_name: 'demo', volumes: [], docker_image: 'python:3.11' },
    kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
    cellpipe: {
      enabled: true,
      defaults: { requests: { cpu: '1', memory: '2Gi' } },
      dataFiles: {
        'labels.json': { source: 'uri', uri: 'gs://bucket/labels.json' },
        'broken.csv': { source: 'ftp' },
        '*': { source: 'image' }
      },
      zz: 'after'
    }
  };
  /** Everything but cellpipe.dataFiles, as saved. */
  const others = (metadata: Record<string, any>) =>
    JSON.stringify({ ...metadata, cellpipe: { ...metadata.cellpipe, dataFiles: undefined } });

  it('sets, replaces and removes one file’s choice; every other key and entry byte-identical, in place', () => {
    const nb = new Notebook(JSON.parse(JSON.stringify(METADATA)));
    writeDataFileChoice(nb, './data//train.csv', { source: 'upload' });
    const after = nb.metadata as any;
    expect(others(after)).toBe(others(METADATA));
    expect(Object.keys(after.cellpipe)).toEqual(['enabled', 'defaults', 'dataFiles', 'zz']);
    expect(after.cellpipe.dataFiles).toEqual({
      ...METADATA.cellpipe.dataFiles,
      'data/train.csv': { source: 'upload' }
    });
    expect(readDataFiles({ cells: [], metadata: after }).choices.get('data/train.csv')).toEqual({
      source: 'upload'
    });

    // Replaced where it stands.
    writeDataFileChoice(nb, 'labels.json', { source: 'volume' });
    expect(Object.entries((nb.metadata as any).cellpipe.dataFiles)).toEqual([
      ['labels.json', { source: 'volume' }],
      ['broken.csv', { source: 'ftp' }],
      ['*', { source: 'image' }],
      ['data/train.csv', { source: 'upload' }]
    ]);
    writeDataFileChoice(nb, 'labels.json', { source: 'uri', uri: 'gs://bucket/labels.json' });
    writeDataFileChoice(nb, 'data/train.csv', undefined);
    expect(JSON.stringify(nb.metadata)).toBe(JSON.stringify(METADATA));
  });

  it('writes nothing when nothing changes (the notebook stays clean)', () => {
    const nb = new Notebook(JSON.parse(JSON.stringify(METADATA)));
    writeDataFileChoice(nb, '*', { source: 'image' });
    writeDataFileChoice(nb, 'absent.csv', undefined);
    expect(nb.writes).toBe(0);
  });

  it('creates cellpipe.dataFiles, and removes what it created when the last choice goes', () => {
    const nb = new Notebook({ kernelspec: { name: 'python3' } });
    writeDataFileChoice(nb, '*', { source: 'volume' });
    expect(nb.metadata).toEqual({
      kernelspec: { name: 'python3' },
      cellpipe: { dataFiles: { '*': { source: 'volume' } } }
    });
    writeDataFileChoice(nb, '*', undefined);
    expect(nb.metadata).toEqual({ kernelspec: { name: 'python3' } });
    const kept = new Notebook({
      cellpipe: { enabled: false, dataFiles: { 'a.csv': { source: 'image' } } }
    });
    writeDataFileChoice(kept, 'a.csv', undefined);
    expect(kept.metadata).toEqual({ cellpipe: { enabled: false } });
  });

  it('refuses, naming the file, what reading would refuse; changes nothing', () => {
    const nb = new Notebook(JSON.parse(JSON.stringify(METADATA)));
    expect(() =>
      writeDataFileChoice(nb, 'a.csv', { source: 'uri', uri: 'http://x/a.csv' })
    ).toThrow('data file "a.csv" uri "http://x/a.csv" has scheme "http"');
    expect(() => writeDataFileChoice(nb, 'a.csv', { source: 'uri' })).toThrow(
      'data file "a.csv" needs a "uri"'
    );
    expect(() => writeDataFileChoice(nb, '*', { source: 'uri', uri: 's3://b/k' })).toThrow(
      'the choice for every data file cannot be "uri" for every file'
    );
    expect(() => writeDataFileChoice(nb, '../up.csv', { source: 'image' })).toThrow(
      'data file "../up.csv": only a path relative to the notebook\'s folder'
    );
    expect(() => withDataFileChoice('text', 'a.csv', { source: 'image' })).toThrow(
      'the notebook metadata "cellpipe" is not an object'
    );
    expect(() => withDataFileChoice({ dataFiles: [] }, 'a.csv', { source: 'image' })).toThrow(
      'cellpipe.dataFiles is not an object'
    );
    expect(nb.writes).toBe(0);
  });
});
