import { DEFAULT_SETTINGS, readSettings } from '../settings';

describe('readSettings', () => {
  it('gives the defaults when nothing is set', () => {
    expect(readSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(readSettings({})).toEqual(DEFAULT_SETTINGS);
  });

  it('trims values and drops trailing slashes of the endpoint', () => {
    const s = readSettings({
      kfpEndpoint: ' https://kfp.example.org/pipeline// \n',
      namespace: ' team-a ',
      baseImage: ' python:3.12-slim ',
      localPython: ' /opt/venvs/ml/bin/python \n'
    });
    expect(s).toEqual({
      kfpEndpoint: 'https://kfp.example.org/pipeline',
      namespace: 'team-a',
      baseImage: 'python:3.12-slim',
      localPython: '/opt/venvs/ml/bin/python'
    });
  });

  it('ignores mistyped values and an empty base image', () => {
    const s = readSettings({ kfpEndpoint: 42, namespace: null, baseImage: '   ' });
    expect(s).toEqual(DEFAULT_SETTINGS);
  });
});
