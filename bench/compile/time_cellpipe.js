/**
 * Compile a notebook with cellpipe's bundled compiler in-process (analysis + compile + write), after a
 * warm-up, and print the median time in ms as JSON. The analyzer is created (wasm loaded) before timing.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');

const ROOT = path.resolve(__dirname, '..', '..');
const cellpipe = require(
  path.resolve(
    process.env.CELLPIPE_BUNDLE || path.join(ROOT, 'cellpipe', 'compiler_js', 'cellpipe.cjs')
  )
);

async function main(notebookPath, outPath, runs) {
  const analyzer = await cellpipe.createAnalyzer(cellpipe.bundledAnalyzerInit());
  const json = JSON.parse(fs.readFileSync(notebookPath, 'utf8'));
  const once = () => {
    const notebook = cellpipe.fromNbformat(json, path.basename(notebookPath));
    fs.writeFileSync(outPath, cellpipe.compileNotebook(notebook, analyzer).yaml);
  };
  once();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    once();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median =
    times.length % 2
      ? times[(times.length - 1) / 2]
      : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
  console.log(JSON.stringify({ median_ms: median, bytes: fs.statSync(outPath).size }));
}

const [notebookPath, outPath = path.join(os.tmpdir(), 'cellpipe-bench.yaml'), runs = '5'] =
  process.argv.slice(2);
main(notebookPath, outPath, Number(runs)).catch(error => {
  console.error(error);
  process.exit(1);
});
