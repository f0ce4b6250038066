/**
 * `cellpipe compile notebook.ipynb -o pipeline.yaml`: the same compiler as the panel, from a shell.
 * Bad input ends with one readable message and a non-zero exit code, never a stack trace.
 */
import * as fs from 'fs';
import * as path from 'path';
import { located } from '../analysis/labels';
import { Analyzer, AnalyzerInit, Diagnostic } from '../analysis/types';
import { fromNbformat } from '../model/notebook';
import {
  CELLPIPE_VERSION,
  CompileError,
  CompileOptions,
  describeProblem,
  compile,
  modulesFromImage,
  notebookModules,
  refuseErrors
} from '../compiler';
import { BundleError, localModules } from './bundles';
import { TUNE_USAGE, tuneCommand } from './tune';

export const USAGE = `usage: cellpipe compile NOTEBOOK.ipynb [-o PIPELINE.yaml] [options]
       cellpipe tune NOTEBOOK.ipynb [-o EXPERIMENT.yaml] [options]   (cellpipe tune --help)

Compile an annotated notebook into a Kubeflow Pipelines package (PipelineSpec YAML).
The notebook's own modules (.py files and packages beside it) that a step imports travel with that
step, up to CELLPIPE_MAX_BUNDLE_BYTES (default 65536) zipped.

options:
  -o, --output FILE           where to write the package (default: the notebook's name with .yaml; - for stdout)
  --default-image IMAGE       image of steps that name none (default: python:3.11)
  --node-selector-key KEY     node label that selects a GPU product (default: cloud.google.com/gke-accelerator)
  --no-data-imports           no importer tasks for data files (a local run reads them from the notebook's folder)
  -h, --help                  show this help
  --version                   show the version

exit codes: 0 compiled (warnings printed), 1 the notebook cannot be compiled (each error printed
with its cell; also a file that cannot be read or written), 2 usage (a bad command line)`;

export const EXIT_USAGE = 2;
export const EXIT_FAILED = 1;

export interface CliEnvironment {
  createAnalyzer(init?: AnalyzerInit): Promise<Analyzer>;
  /** Where the two wasm files are when they ship beside the bundle; omitted in a source checkout. */
  analyzerInit?: AnalyzerInit;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A problem the user can fix, reported as one message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = EXIT_FAILED
  ) {
    super(message);
  }
}

interface CompileArgs {
  notebook: string;
  output: string;
  options: CompileOptions;
}

const OPTION_FLAGS: Record<string, keyof CompileOptions | 'output'> = {
  '-o': 'output',
  '--output': 'output',
  '--default-image': 'defaultImage',
  '--node-selector-key': 'acceleratorNodeSelectorKey'
};

function parseCompileArgs(args: string[]): CompileArgs {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  let importDataFiles: boolean | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--no-data-imports') {
      importDataFiles = false;
      continue;
    }
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const key = OPTION_FLAGS[flag];
    if (key) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') {
        throw new CliError(`${flag} needs a value\n\n${USAGE}`, EXIT_USAGE);
      }
      values[key] = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new CliError(`unknown option ${arg}\n\n${USAGE}`, EXIT_USAGE);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) {
    throw new CliError(
      `compile takes one notebook, got ${positional.length}\n\n${USAGE}`,
      EXIT_USAGE
    );
  }
  const notebook = positional[0];
  const { output, ...options } = values;
  return {
    notebook,
    output: output ?? notebook.replace(/\.ipynb$/i, '') + '.yaml',
    options: {
      ...(options as CompileOptions),
      ...(importDataFiles === false ? { importDataFiles } : {})
    }
  };
}

export function readNotebook(file: string) {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(e);
    throw new CliError(`cannot read ${file}: ${why}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not a notebook: invalid JSON (${(e as Error).message})`);
  }
  try {
    return fromNbformat(json, path.basename(file));
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

async function compileCommand(args: string[], env: CliEnvironment): Promise<number> {
  const { notebook: file, output, options } = parseCompileArgs(args);
  const notebook = readNotebook(file);
  const analyzer = await env.createAnalyzer(env.analyzerInit);
  let result;
  let notes: Diagnostic[] = [];
  try {
    const analysis = analyzer.analyze(notebook);
    refuseErrors(analysis);
    notes = analysis.diagnostics.filter(d => d.severity !== 'error');
    // The notebook's own modules, from its directory (where its kernel imports them from).
    const local = localModules(
      path.dirname(path.resolve(file)),
      notebookModules(notebook, analysis),
      undefined,
      modulesFromImage(notebook)
    );
    result = compile(notebook, analysis, { ...options, localModules: local });
  } catch (e) {
    if (e instanceof CompileError || e instanceof BundleError) {
      throw new CliError(`${file}: ${e.message}`);
    }
    throw e;
  }
  if (output === '-') {
    env.stdout(result.yaml);
  } else {
    try {
      fs.writeFileSync(output, result.yaml);
    } catch (e) {
      throw new CliError(`cannot write ${output}: ${(e as Error).message}`);
    }
    env.stderr(`cellpipe: wrote ${output} (${result.steps.length} steps)\n`);
  }
  // The analyzer's warnings and hints, as the panel lists them, then the compiler's.
  for (const d of notes) {
    env.stderr(
      `cellpipe: ${d.severity === 'warning' ? 'warning' : 'note'}: ${located(d, d.message)}\n`
    );
  }
  for (const warning of result.warnings) {
    env.stderr(`cellpipe: warning: ${describeProblem(warning)}\n`);
  }
  return 0;
}

/** Runs one command line; returns the exit code. */
export async function run(argv: string[], env: CliEnvironment): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      (command === undefined ? env.stderr : env.stdout)(USAGE + '\n');
      return command === undefined ? EXIT_USAGE : 0;
    }
    if (command === '--version') {
      env.stdout(`cellpipe ${CELLPIPE_VERSION}\n`);
      return 0;
    }
    if (command === 'tune') {
      if (rest.includes('-h') || rest.includes('--help')) {
        env.stdout(TUNE_USAGE + '\n');
        return 0;
      }
      return await tuneCommand(rest, env);
    }
    if (command !== 'compile') {
      throw new CliError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`, EXIT_USAGE);
    }
    if (rest.includes('-h') || rest.includes('--help')) {
      env.stdout(USAGE + '\n');
      return 0;
    }
    return await compileCommand(rest, env);
  } catch (e) {
    if (e instanceof CliError) {
      env.stderr(`cellpipe: ${e.message}\n`);
      return e.code;
    }
    const detail = e instanceof Error ? (e.stack ?? String(e)) : String(e);
    env.stderr(`cellpipe: internal error: ${detail}\n`);
    return EXIT_FAILED;
  }
}
