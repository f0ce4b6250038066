/**
 * The browser side of the worker: the only module with `import.meta` and `.wasm` imports, loaded
 * lazily by client.ts so the client itself imports anywhere (jest included). webpack bundles the
 * worker from `new Worker(new URL(...))` and emits the two .wasm files as assets.
 */
import treeSitterWasm from 'web-tree-sitter/tree-sitter.wasm';
import pythonWasm from 'tree-sitter-python/tree-sitter-python.wasm';
import type { AnalyzerWorker, FromWorker, Port, ToWorker } from './protocol';

export function spawnAnalyzerWorker(): AnalyzerWorker {
  const worker = new Worker(new URL('./worker.js', import.meta.url));
  return {
    port: worker as unknown as Port<FromWorker, ToWorker>,
    // Absolute URLs: the worker would resolve relative ones against its own location.
    init: {
      treeSitterWasm: new URL(treeSitterWasm, location.href).href,
      pythonWasm: new URL(pythonWasm, location.href).href
    },
    terminate: () => worker.terminate()
  };
}
