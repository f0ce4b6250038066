import { compile, CompileError } from '../index';
import { kaleVolumes } from '../../model/kale-volumes';
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

  it('refuses volumes Kale would create or clone, naming the volume and what to do', () => {
    let error: unknown;
    try {
      compile(
        exampleWithVolumes([kaleVolume({ type: 'clone', name: 'workspace-nb' })]),
        exampleAnalysis()
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompileError);
    const messages = (error as CompileError).problems.map(p => p.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('Kale volume "workspace-nb" has type "clone"');
    expect(messages[0]).toContain('"pvc"');
  });

  it('reports malformed entries by position and keeps the good ones', () => {
    const { mounts, problems } = kaleVolumes([
      kaleVolume({ name: '' }),
      kaleVolume({ mount_point: 'relative/dir', name: 'x' }),
      kaleVolume({ type: undefined, name: 'legacy', mount_point: '/legacy' })
    ]);
    expect(mounts).toEqual([{ pvcName: 'legacy', mountPath: '/legacy' }]);
    expect(problems.map(p => p.message)).toEqual([
      'Kale volume #1 needs a claim name and a mount_point',
      'Kale volume "x": mount_point "relative/dir" is not an absolute path'
    ]);
    expect(kaleVolumes('nope').problems[0].message).toMatch(/not a list/);
    expect(kaleVolumes(undefined)).toEqual({ mounts: [], problems: [] });
  });
});
