import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import YAML from 'yaml';
import { exampleAnalysis, ROOT } from '../../compiler/__tests__/fixtures';
import { EXIT_FAILED, EXIT_USAGE } from '../main';
import { runCli } from './capture';

const EXAMPLE = path.join(ROOT, 'examples/pipeline.ipynb');
const cli = (argv: string[]) => runCli(argv, { analyze: () => exampleAnalysis() });

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellpipe-tune-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('cellpipe tune', () => {
  it('writes an Experiment from --space, --objective and the counts', async () => {
    const output = path.join(dir, 'experiment.yaml');
    const result = await cli([
      'tune',
      EXAMPLE,
      '-o',
      output,
      '--space',
      'n_estimators=10:50:10',
      '--space=test_size=0.2,0.3',
      '--objective',
      'best_accuracy',
      '--minimize',
      '--max-trials',
      '4',
      '--parallel-trials=2',
      '--algorithm',
      'grid'
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('n_estimators, test_size searched, minimize best_accuracy');
    const experiment = YAML.parse(fs.readFileSync(output, 'utf8'));
    expect(experiment.spec).toMatchObject({
      algorithm: { algorithmName: 'grid' },
      maxTrialCount: 4,
      parallelTrialCount: 2,
      objective: { type: 'minimize', objectiveMetricName: 'best_accuracy' },
      parameters: [
        {
          name: 'n_estimators',
          parameterType: 'int',
          feasibleSpace: { min: '10', max: '50', step: '10' }
        },
        { name: 'test_size', parameterType: 'discrete', feasibleSpace: { list: ['0.2', '0.3'] } }
      ]
    });
  });

  it('names the parameter, the metric, the option that is wrong', async () => {
    const bad = await cli(['tune', EXAMPLE, '-o', '-', '--space', 'lr=0:1']);
    expect(bad.code).toBe(EXIT_FAILED);
    expect(bad.stderr).toContain(
      '--space lr: not a pipeline parameter (n_samples, test_size, seed, n_estimators)'
    );
    const metric = await cli([
      'tune',
      EXAMPLE,
      '-o',
      '-',
      '--space',
      'seed=1:9',
      '--objective',
      'f1'
    ]);
    expect(metric.stderr).toContain('objective metric "f1" is not a pipeline metric');
    const which = await cli(['tune', EXAMPLE, '-o', '-', '--space', 'seed=1:9']);
    expect(which.stderr).toContain(
      'name the objective with --objective: one of best_accuracy, forest_accuracy, logreg_accuracy'
    );
    const usage = await cli(['tune', EXAMPLE, '--max-trials', 'many']);
    expect(usage.code).toBe(EXIT_USAGE);
    expect((await cli(['tune', '--help'])).stdout).toMatch(/^usage: cellpipe tune/);
  });
});
