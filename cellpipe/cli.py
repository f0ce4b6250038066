"""`cellpipe` console script: `cellpipe run pipeline.yaml|notebook.ipynb` runs a pipeline on this machine."""

import argparse
import json
import os
import shutil
import signal
import sys
import threading
import time

from . import __version__
from .cli_common import (  # noqa: F401 (cellpipe.cli.* kept)
    COMPILER_JS,
    STATE_MARK,
    CliError,
    compile_notebook,
)


def _parse_params(pairs) -> dict:
    out = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise CliError(f"--param takes NAME=VALUE, got {pair!r}")
        name, text = pair.split("=", 1)
        try:
            out[name] = json.loads(text)
        except json.JSONDecodeError:
            out[name] = text
    return out


def cmd_run(args) -> int:
    from .local.files import working_folder
    from .local.interpreter import InterpreterRefused, chosen_python
    from .local.package import PackageError
    from .local.runner import RunError, RunInterrupted, run_package_file

    source = os.path.abspath(args.pipeline)
    if not os.path.exists(source):
        raise CliError(f"no such file: {args.pipeline}")
    store = args.store or os.path.join(os.path.dirname(source), ".cellpipe")
    try:
        workdir = working_folder(source, args.workdir)
    except ValueError as err:
        raise CliError(str(err)) from None
    python = {}
    if args.python:  # else the runner's default: this Python
        found = args.python if os.sep in args.python else shutil.which(args.python)
        try:
            chosen = chosen_python(os.path.abspath(found or args.python), "command line")
        except InterpreterRefused as err:
            raise CliError(str(err)) from None
        print(chosen.describe(), flush=True)
        python = {"python": chosen.executable}
    package_path = source
    if source.endswith(".ipynb"):
        os.makedirs(store, exist_ok=True)
        package_path = os.path.join(store, os.path.splitext(os.path.basename(source))[0] + ".yaml")
        compile_notebook(source, package_path)
    started = time.time()

    printing = threading.Lock()

    def say(text: str) -> None:
        # Steps run in parallel: their events and log lines come from several threads, and print() writes
        # the text and its newline apart, so two lines could run together ("✔ a: succeeded✔ b: …").
        with printing:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()

    def on_event(state):
        mark = STATE_MARK.get(state.state, "·")
        took = f" ({state.finished - state.started:.1f}s)" if state.finished and state.started else ""
        say(f"{mark} {state.step}: {state.state}{took}")

    def on_log(step, line):
        if not args.quiet:
            say(f"  [{step}] {line}")

    def interrupted(signum, _frame):
        # Raised in the main thread, inside the runner's wait: it ends the steps' process groups and
        # records the run as interrupted before this returns; a second signal must not cut that short.
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        raise RunInterrupted(f"stopped by {signal.Signals(signum).name}")

    previous = {sig: signal.signal(sig, interrupted) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        result = run_package_file(
            package_path,
            store=store,
            parameters=_parse_params(args.param),
            use_cache=not args.no_cache,
            workers=args.workers,
            from_step=args.from_step,
            only=args.only,
            cwd=workdir,
            on_event=on_event,
            on_log=on_log,
            **python,
        )
    except RunInterrupted as err:
        print(f"cellpipe: run interrupted ({err}); its steps were stopped (store {store})", file=sys.stderr)
        return 130
    except (PackageError, RunError) as err:
        raise CliError(str(err)) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    for name, value in sorted(result.metrics.items()):
        print(f"metric {name} = {value:g}")
    counts = {s: len(result.by_state(s)) for s in ("succeeded", "cached", "failed", "skipped")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    print(f"run {result.run_id}: {summary} in {time.time() - started:.1f}s (store {store})")
    for failure in result.failures(args.pipeline):
        print("\n" + failure, file=sys.stderr)
    return 0 if result.succeeded else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="cellpipe", description="Kubeflow Pipelines from annotated notebooks"
    )
    parser.add_argument("--version", action="version", version=f"cellpipe {__version__}")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser(
        "run", help="run a pipeline package (or a notebook) on this machine, with step caching"
    )
    run.add_argument("pipeline", help="pipeline.yaml compiled by cellpipe, or an annotated notebook.ipynb")
    run.add_argument("--param", action="append", metavar="NAME=VALUE", help="pipeline parameter (JSON value)")
    run.add_argument("--no-cache", action="store_true", help="run every step, reusing nothing")
    run.add_argument("--from", dest="from_step", metavar="STEP", help="re-run STEP and everything after it")
    run.add_argument("--only", metavar="STEP", help="run only STEP, its inputs taken from the cache")
    run.add_argument("--store", help="artifact store (default: .cellpipe beside the file)")
    run.add_argument(
        "--workdir",
        metavar="DIR",
        help="folder the steps run in, where they read and write files (default: the notebook's or YAML's folder)",
    )
    run.add_argument(
        "--workers", type=int, default=max(2, min(4, os.cpu_count() or 2)), help="parallel steps"
    )
    run.add_argument(
        "--python",
        metavar="PYTHON",
        help="the Python the steps run with, e.g. a venv's bin/python (default: the one running cellpipe)",
    )
    run.add_argument("-q", "--quiet", action="store_true", help="do not stream step logs")
    from .cli_kfp import add_kfp_commands  # submit, schedule: to Kubeflow Pipelines (cli_kfp.py)

    commands = {"run": cmd_run, **add_kfp_commands(sub)}
    args = parser.parse_args(argv)
    if args.command not in commands:
        parser.print_help()
        return 2
    try:
        return commands[args.command](args)
    except CliError as err:
        print(f"cellpipe: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
