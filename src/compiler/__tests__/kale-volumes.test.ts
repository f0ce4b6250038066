import { compile } from '../index';
import { readKaleNotebook } from '../../model/kale-volumes';
import type { MetadataIssue } from '../../model/metadata';
import { exampleAnalysis, loadNotebook } from './fixtures';

/** The example notebook with Kale's `kubeflow_notebook.volumes` set as Kale writes it. */
function exampleWithVolumes(volumes: unknown[]) {
  const nb = loadNotebook('examples/pipeline.ipynb');
  const kale = { ...((nb.metadata.kubeflow_notebook as object) ?? {}), volumes };
  return { ...nb, metadata: { ...nb.metadata, kubeflow_notebook: kale } };
}

const kaleVolume = (over: Record<string, unknown>) => ({
  annotations: [],
  mount_point: '/home/jovyan/data',
  name: 'data-pvc',
  size: 5,
  size_type: 'Gi',
  snapshot: false,
  snapshot_name: '',
  type: 'pvc',
  ...over
});

describe('Kale notebook volumes', () => {
  it('mounts an existing claim (type pvc) on every step, as Kale does', () => {
    const result = compile(exampleWithVolumes([kaleVolume({})]), exampleAnalysis());
    const executors = (result.platformSpec as any).platforms.kubernetes.deploymentSpec.executors;
    const steps = Object.keys((result.pipelineSpec as any).deploymentSpec.executors).sort();
    expect(Object.keys(executors).sort()).toEqual(steps);
    for (const label of steps) {
      expect(executors[label].pvcMount).toEqual([
        {
          constant: 'data-pvc',
          mountPath: '/home/jovyan/data',
          pvcNameParameter: { runtimeValue: { constant: 'data-pvc' } }
        }
      ]);
    }
  });

  it('adds the notebook volume to a step volume from the Pipeline panel', () => {
    const nb = exampleWithVolumes([kaleVolume({})]);
    const withPanel = {
      ...nb,
      metadata: {
        ...nb.metadata,
        cellpipe: { defaults: { volumes: [{ pvcName: 'models', mountPath: '/models' }] } }
      }
    };
    const executors = (compile(withPanel, exampleAnalysis()).platformSpec as any).platforms
      .kubernetes.deploymentSpec.executors;
    expect(executors['exec-evaluate'].pvcMount.map((m: any) => m.mountPath)).toEqual([
      '/home/jovyan/data',
      '/models'
    ]);
  });

  it('mounts a cloned workspace by name, warning that the run sees the live volume', () => {
    const nb = exampleWithVolumes([kaleVolume({ type: 'clone', name: 'workspace-nb' })]);
    (nb.metadata.kubeflow_notebook as any).volume_access_mode = 'rwo';
    const result = compile(nb, exampleAnalysis());
    const executors = (result.platformSpec as any).platforms.kubernetes.deploymentSpec.executors;
    expect(executors['exec-train-forest'].pvcMount[0].constant).toBe('workspace-nb');
    const warning = result.warnings.find(w => w.message.includes('"clone"'))!;
    expect(warning.message).toContain('kubeflow_notebook.volumes[0] ("workspace-nb")');
    expect(warning.message).toContain('live volume, not a copy');
    expect(warning.message).toContain('another node');
  });

  it('creates a new_pvc claim before the steps and deletes it after all of them', () => {
    const nb = exampleWithVolumes([
      kaleVolume({
        type: 'new_pvc',
        name: 'scratch',
        size: 2,
        annotations: [{ key: 'backup', value: 'no' }]
      })
    ]);
    Object.assign(nb.metadata.kubeflow_notebook as any, {
      volume_access_mode: 'rwm',
      storage_class_name: 'fast'
    });
    const result = compile(nb, exampleAnalysis());
    const spec = result.pipelineSpec as any;
    const tasks = spec.root.dag.tasks;
    expect(tasks['create-pvc-scratch'].inputs.parameters).toEqual({
      access_modes: { runtimeValue: { constant: ['ReadWriteMany'] } },
      annotations: { runtimeValue: { constant: { backup: 'no' } } },
      pvc_name_suffix: { runtimeValue: { constant: '-scratch' } },
      size: { runtimeValue: { constant: '2Gi' } },
      storage_class_name: { runtimeValue: { constant: 'fast' } }
    });
    expect(spec.deploymentSpec.executors['exec-create-pvc-scratch']).toEqual({
      container: { image: 'argostub/createpvc' }
    });
    const steps = Object.keys(tasks).filter(t => !t.includes('pvc'));
    expect(tasks['delete-pvc-scratch'].dependentTasks).toEqual(
      ['create-pvc-scratch', ...steps].sort()
    );
    for (const step of steps) {
      expect(tasks[step].dependentTasks).toContain('create-pvc-scratch');
    }
    const mount = (result.platformSpec as any).platforms.kubernetes.deploymentSpec.executors[
      'exec-load-data'
    ].pvcMount[0];
    const output = { outputParameterKey: 'name', producerTask: 'create-pvc-scratch' };
    expect(mount).toEqual({
      mountPath: '/home/jovyan/data',
      pvcNameParameter: { taskOutputParameter: output },
      taskOutputParameter: output
    });
  });

  it('reports malformed entries by field and keeps the good ones', () => {
    const sink = { cellIndex: -1, issues: [] as MetadataIssue[] };
    const kale = readKaleNotebook(
      {
        volumes: [
          kaleVolume({ name: '' }),
          kaleVolume({ mount_point: 'relative/dir', name: 'x' }),
          kaleVolume({ type: undefined, name: 'legacy', mount_point: '/legacy' }),
          kaleVolume({ type: 'rok', name: 'y' }),
          null
        ]
      },
      sink
    );
    expect(kale.stepDefaults.volumes).toEqual([{ pvcName: 'legacy', mountPath: '/legacy' }]);
    expect(sink.issues.map(i => i.message)).toEqual([
      'kubeflow_notebook.volumes[0].name: expected the claim\'s name (a string), got the string ""',
      'kubeflow_notebook.volumes[1].mount_point: expected an absolute path (starting with /), got the string "relative/dir"',
      'kubeflow_notebook.volumes[3].type: expected one of "pv", "pvc", "new_pvc", "clone", "snapshot", got the string "rok"',
      'kubeflow_notebook.volumes[4]: expected a volume object, got null'
    ]);
    const bad = { cellIndex: -1, issues: [] as MetadataIssue[] };
    readKaleNotebook({ volumes: 'nope' }, bad);
    expect(bad.issues[0].message).toMatch(/volumes: expected a list of volumes, got the string/);
  });
});
