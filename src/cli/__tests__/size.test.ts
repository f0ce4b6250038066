import { createAnalyzer } from '../../analysis';
import { Analyzer } from '../../analysis/types';
import { fromNbformat } from '../../model/notebook';
import { compileNotebook, PACKAGE_SIZE_WARNING_BYTES } from '../../compiler';
import { run } from '../main';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A chain of `steps` steps, each passing a number on: every step carries the runtime. */
function chain(steps: number) {
  const cells = [{ cell_type: 'code', metadata: { tags: ['imports'] }, source: 'import math\n' }];
  for (let i = 0; i < steps; i++) {
    const tags = [`step:s${i}`, ...(i ? [`prev:s${i - 1}`] : [])];
    const source = i ? `v${i} = math.sqrt(v${i - 1}) + ${i}\n` : 'v0 = 1\n';
    cells.push({ cell_type: 'code', metadata: { tags }, source });
  }
  return fromNbformat({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }, 'chain.ipynb');
}

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});

describe('package size (KFP copies every step into an Argo Workflow)', () => {
  it('a small pipeline compiles without warnings', () => {
    expect(compileNotebook(chain(3), analyzer).warnings).toEqual([]);
  });

  it('a package over the limit compiles, with a warning that says why and what to do', () => {
    const result = compileNotebook(chain(80), analyzer);
    expect(Buffer.byteLength(result.yaml)).toBeGreaterThan(PACKAGE_SIZE_WARNING_BYTES);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0].cellIndex).toBe(-1);
    expect(result.warnings[0].message).toMatch(
      /^the package is \d+\.\d MiB: Kubeflow Pipelines copies every step's program into the Argo Workflow/
    );
    expect(result.warnings[0].message).toContain('Local runs are not affected');
  });

  it('the CLI writes the package and prints the warning', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellpipe-size-'));
    try {
      const notebook = path.join(dir, 'chain.ipynb');
      fs.writeFileSync(
        notebook,
        JSON.stringify({
          cells: chain(80).cells.map(c => ({
            cell_type: 'code',
            metadata: { tags: c.tags },
            source: c.source,
            outputs: [],
            execution_count: null
          })),
          metadata: {},
          nbformat: 4,
          nbformat_minor: 5
        })
      );
      const err: string[] = [];
      const code = await run(['compile', notebook, '-o', path.join(dir, 'out.yaml')], {
        createAnalyzer: async () => analyzer,
        stdout: () => undefined,
        stderr: text => err.push(text)
      });
      expect(code).toBe(0);
      expect(fs.existsSync(path.join(dir, 'out.yaml'))).toBe(true);
      expect(err.join('')).toMatch(/\ncellpipe: warning: notebook: the package is \d+\.\d MiB/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
