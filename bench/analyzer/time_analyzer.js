/**
 * Times the analyzer bundle on a notebook: cold full analysis (a fresh analyzer, empty caches;
 * median over RUNS, and the very first run), tree-sitter's parse of the same cells alone (the
 * floor of a cold analysis), and re-analysis after one-character edits (median over EDITS).
 * Usage: node time_analyzer.js ANALYZER.cjs NOTEBOOK.ipynb RUNS EDITS. Prints one JSON object.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const [bundle, notebookPath, runs, edits] = process.argv.slice(2);
  const { createAnalyzer, fromNbformat, loadGrammar, parseCode, maskMagics } = require(
    path.resolve(bundle)
  );
  const raw = JSON.parse(fs.readFileSync(notebookPath, 'utf8'));
  const notebook = fromNbformat(raw, notebookPath);

  let start = performance.now();
  let analyzer = await createAnalyzer();
  const loadMs = performance.now() - start;

  const cold = [];
  let result;
  for (let r = 0; r < Number(runs); r++) {
    // The previous analyzer's trees are freed first (untimed): each run starts from the same heap.
    analyzer.dispose();
    analyzer = await createAnalyzer();
    start = performance.now();
    result = analyzer.analyze(notebook);
    cold.push(performance.now() - start);
  }

  // tree-sitter alone on the same (masked) cells, trees freed after each run (untimed).
  const grammar = await loadGrammar();
  const codes = notebook.cells
    .filter(c => c.cellType === 'code')
    .map(c => maskMagics(c.source).code);
  const parse = [];
  for (let r = 0; r < Number(runs); r++) {
    const trees = [];
    start = performance.now();
    for (const code of codes) {
      trees.push(parseCode(grammar, code));
    }
    parse.push(performance.now() - start);
    trees.forEach(tree => tree.delete());
  }

  // One-character edits, each on the notebook as the previous edit left it: insert a letter at a
  // pseudo-random place of a step cell, in turn in different cells.
  const stepCells = notebook.cells
    .map((cell, index) => ({ cell, index }))
    .filter(
      ({ cell }) =>
        cell.cellType === 'code' &&
        cell.tags.every(t => !/^(skip|imports|functions|pipeline-)/.test(t))
    );
  let cells = notebook.cells.slice();
  const editTimes = [];
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) >>> 0);
  for (let k = 0; k < Number(edits); k++) {
    const { index } = stepCells[next() % stepCells.length];
    const source = cells[index].source;
    const at = next() % (source.length + 1);
    const letter = 'abcdefghij'[next() % 10];
    cells = cells.slice();
    cells[index] = { ...cells[index], source: source.slice(0, at) + letter + source.slice(at) };
    const edited = { ...notebook, cells };
    start = performance.now();
    analyzer.analyze(edited);
    editTimes.push(performance.now() - start);
  }
  const lines = notebook.cells.reduce(
    (n, c) => n + (c.cellType === 'code' ? c.source.split('\n').length : 0),
    0
  );
  console.log(
    JSON.stringify({
      load_ms: loadMs,
      cold_first_ms: cold[0],
      cold_median_ms: median(cold),
      parse_median_ms: median(parse),
      edit_median_ms: median(editTimes),
      edit_max_ms: Math.max(...editTimes),
      runs: Number(runs),
      cells: notebook.cells.length,
      lines,
      steps: result.steps.length,
      edges: result.edges.length,
      diagnostics: result.diagnostics.length
    })
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
