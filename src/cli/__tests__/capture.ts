/** The CLI run in-process with a given analyzer, capturing its exit code and what it prints. */
import type { Analyzer } from '../../analysis/types';
import { run } from '../main';

export async function runCli(argv: string[], analyzer: Analyzer) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, {
    createAnalyzer: async () => analyzer,
    stdout: text => out.push(text),
    stderr: text => err.push(text)
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
