import {
  dataFileChoice,
  isNotebookRelative,
  normalizeDataPath,
  readDataFiles,
  uriProblem
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
