/**
 * The analyzer worker without a Worker: both ends of the protocol in this thread, messages
 * delivered asynchronously and structured-cloned as a Worker would. For node and jest.
 */
import { createAnalyzer } from './index';
import { AnalyzerWorker, FromWorker, Port, serveAnalyzer, ToWorker } from './protocol';
import type { Analyzer, AnalyzerInit } from './types';

/** Two ports wired to each other, and a function that stops delivery. */
export function channel(): [Port<FromWorker, ToWorker>, Port<ToWorker, FromWorker>, () => void] {
  let open = true;
  const deliver = <T>(to: { onmessage: ((event: { data: T }) => void) | null }, message: T) =>
    setTimeout(() => open && to.onmessage?.({ data: structuredClone(message) }));
  const page: Port<FromWorker, ToWorker> = {
    onmessage: null,
    postMessage: message => deliver(worker, message)
  };
  const worker: Port<ToWorker, FromWorker> = {
    onmessage: null,
    postMessage: message => deliver(page, message)
  };
  return [page, worker, () => (open = false)];
}

/** A `SpawnAnalyzer` for AnalyzerClient that runs the real analyzer in this thread. */
export function spawnInProcess(
  create: (init: AnalyzerInit) => Promise<Analyzer> = createAnalyzer
): AnalyzerWorker {
  const [page, worker, close] = channel();
  serveAnalyzer(worker, create);
  return { port: page, init: {}, terminate: close };
}
