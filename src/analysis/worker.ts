/** The Web Worker entry: the analyzer off the page's thread. Messages: see protocol.ts. */
import { createAnalyzer } from './index';
import { FromWorker, Port, ToWorker, serveAnalyzer } from './protocol';

serveAnalyzer(self as unknown as Port<ToWorker, FromWorker>, createAnalyzer);
