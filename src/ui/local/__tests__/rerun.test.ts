import * as YAML from 'yaml';
import { rerunFrom } from '../rerun';

const PACKAGE = `pipelineInfo:
  name: demo
root:
  dag:
    tasks:
      evaluate:
        cachingOptions:
          enableCache: true
        dependentTasks:
        - train
        taskInfo:
          name: evaluate
      load:
        cachingOptions:
          enableCache: true
        taskInfo:
          name: load
      train:
        cachingOptions:
          enableCache: true
        dependentTasks:
        - load
        taskInfo:
          name: train
---
platforms:
  kubernetes: {}
`;

function caching(text: string): Record<string, unknown> {
  const [spec] = YAML.parseAllDocuments(text).map(d => d.toJS());
  return Object.fromEntries(
    Object.entries(spec.root.dag.tasks as Record<string, { cachingOptions: unknown }>).map(
      ([name, task]) => [name, task.cachingOptions]
    )
  );
}

describe('rerunFrom', () => {
  it('makes the step and every step after it run again, the ones before come from the cache', async () => {
    const text = await rerunFrom(PACKAGE, 'train', YAML);
    expect(caching(text)).toEqual({
      evaluate: { enableCache: false },
      load: { enableCache: true },
      train: { enableCache: false }
    });
    const documents = YAML.parseAllDocuments(text);
    expect(documents).toHaveLength(2); // the platform document is kept
    expect(documents[1].toJS()).toEqual({ platforms: { kubernetes: {} } });
    expect(text).not.toMatch(/[&*]\w/); // no anchors or aliases: the server refuses them
  });

  it('names a task the package no longer has', async () => {
    await expect(rerunFrom(PACKAGE, 'gone', YAML)).rejects.toThrow(
      'The pipeline has no step task "gone" any more: run it whole'
    );
  });
});
