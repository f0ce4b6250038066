/**
 * "Re-run from here": the compiled package with the step's task and every task after it marked not to
 * reuse a cached result (`cachingOptions.enableCache: false`, as KFP reads it), so the local runner runs
 * them again and takes the steps before them from the cache. The cache key does not include that option:
 * the next ordinary run reuses what this one made.
 */
import { yamlLibrary } from '../lazy';
import { downstreamOf } from './run-view';

type Yaml = typeof import('yaml');

/** The package text with `task` and what follows it set to run again; an error names a missing task. */
export async function rerunFrom(packageText: string, task: string, yaml?: Yaml): Promise<string> {
  const YAML = yaml ?? (await yamlLibrary.load());
  const documents = YAML.parseAllDocuments(packageText);
  const spec = documents[0];
  if (!spec || 'empty' in spec) {
    throw new Error('The compiled package is empty');
  }
  const tasks = spec.getIn(['root', 'dag', 'tasks']);
  const names = YAML.isMap(tasks)
    ? tasks.items.map(item => String(YAML.isScalar(item.key) ? item.key.value : item.key))
    : [];
  if (!names.includes(task)) {
    throw new Error(`The pipeline has no step task "${task}" any more: run it whole`);
  }
  const dependsOn: Record<string, string[]> = {};
  for (const name of names) {
    const deps = spec.getIn(['root', 'dag', 'tasks', name, 'dependentTasks']);
    dependsOn[name] = YAML.isSeq(deps)
      ? deps.items.map(d => String(YAML.isScalar(d) ? d.value : d))
      : [];
  }
  for (const name of downstreamOf(dependsOn, task)) {
    spec.setIn(
      ['root', 'dag', 'tasks', name, 'cachingOptions'],
      spec.createNode({ enableCache: false })
    );
  }
  // A document after the first keeps the `---` it was read with; one without gets it.
  return documents
    .map((doc, i) => {
      const text = doc.toString();
      return i === 0 || text.startsWith('---') ? text : `---\n${text}`;
    })
    .join('');
}
