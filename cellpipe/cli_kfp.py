"""`cellpipe submit` and `cellpipe schedule`: a notebook or package to Kubeflow Pipelines from a shell.

The connection is the server extension's own: `c.CellpipeKFP.*` from the Jupyter server config files
(`jupyter --paths`, plus `--config FILE`), then the KF_PIPELINES_* environment variables, then the in-cluster
defaults, with the same auth modes (cellpipe/server/config.py). Requests go through the same `KFPClient`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from .cli_common import STATE_MARK, CliError, compile_notebook
from .server.config import CellpipeKFP, EndpointRefused, KFPSettings
from .server.kfp_client import KFPClient, KFPError, Schedule, split_pipeline_package

# A run in these states does not change any more.
FINISHED = {"SUCCEEDED", "FAILED", "CANCELED", "SKIPPED"}
# KFP's task states in the words `cellpipe run` prints.
TASK_WORDS = {
    "PENDING": "pending",
    "RUNNING": "running",
    "SUCCEEDED": "succeeded",
    "SKIPPED": "skipped",
    "FAILED": "failed",
    "CANCELING": "running",
    "CANCELED": "failed",
    "CACHED": "cached",
}


def load_server_config(extra: str | None = None) -> Any:
    """The Jupyter server config a server started here would read (its .json and .py files), then `extra`."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config.loader import Config, JSONFileConfigLoader, PyFileConfigLoader

    config = Config()
    files = [
        (loader, folder, name)
        for folder in reversed(jupyter_config_path())  # lowest priority first
        for loader, name in (
            (JSONFileConfigLoader, "jupyter_server_config.json"),
            (PyFileConfigLoader, "jupyter_server_config.py"),
        )
    ]
    if extra:
        path = Path(extra).absolute()
        if not path.is_file():
            raise CliError(f"no such config file: {extra}")
        loader = JSONFileConfigLoader if path.suffix == ".json" else PyFileConfigLoader
        files.append((loader, str(path.parent), path.name))
    for loader, folder, name in files:
        if Path(folder, name).is_file():
            try:
                config.merge(loader(name, path=folder).load_config())
            except Exception as err:  # a broken config file is named, not a traceback
                raise CliError(f"cannot read {Path(folder, name)}: {err}") from None
    return config


def kfp_settings(config_file: str | None = None) -> KFPSettings:
    try:
        return CellpipeKFP(config=load_server_config(config_file)).settings()
    except EndpointRefused as err:
        raise CliError(str(err)) from None


def typed_parameters(spec: dict, pairs: list[str] | None) -> dict[str, Any]:
    """`NAME=VALUE` pairs as the values the package's parameters declare; errors name the parameter."""
    defs = _object(_object(_object(spec, "root"), "inputDefinitions"), "parameters")
    out: dict[str, Any] = {}
    for pair in pairs or []:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise CliError(f"--param takes NAME=VALUE, got {pair!r}")
        if name not in defs:
            raise CliError(
                f"--param {name}: not a pipeline parameter (known: {', '.join(sorted(defs)) or 'none'})"
            )
        kind = str(_object(defs, name).get("parameterType", "STRING"))
        out[name] = _typed(name, kind, text)
    return out


def _object(parent: dict, key: str) -> dict:
    """parent[key] when it is a mapping, else {} (a package's optional parts)."""
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def _typed(name: str, kind: str, text: str) -> Any:
    def fail(what: str) -> CliError:
        return CliError(f"--param {name}: must be {what} ({kind}), got {text!r}")

    if kind == "STRING":
        return text
    if kind == "NUMBER_INTEGER":
        try:
            return int(text)
        except ValueError:
            raise fail("a whole number") from None
    if kind == "NUMBER_DOUBLE":
        try:
            return float(text)
        except ValueError:
            raise fail("a number") from None
    if kind == "BOOLEAN":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise fail("true or false")
    try:
        value = json.loads(text)
    except ValueError:
        raise fail("JSON") from None
    if kind == "LIST" and not isinstance(value, list) or kind == "STRUCT" and not isinstance(value, dict):
        raise fail("a JSON list" if kind == "LIST" else "a JSON object")
    return value


def notebook_experiment(path: str) -> str:
    """The experiment a (Kale) notebook names in `kubeflow_notebook`, or ""."""
    try:
        with open(path, encoding="utf-8") as f:
            kale = json.load(f).get("metadata", {}).get("kubeflow_notebook", {})
    except (OSError, ValueError, AttributeError):
        return ""
    if not isinstance(kale, dict):
        return ""
    experiment = kale.get("experiment")
    named = experiment.get("name") if isinstance(experiment, dict) else None
    return str(kale.get("experiment_name") or named or "")


class Package:
    """The package to send: the YAML (compiled from the notebook when given one), its spec, its name."""

    def __init__(self, source: str):
        if not Path(source).is_file():
            raise CliError(f"no such file: {source}")
        self.source = source
        if source.endswith(".ipynb"):
            with tempfile.TemporaryDirectory(prefix="cellpipe-submit-") as folder:
                out = str(Path(folder, "pipeline.yaml"))
                compile_notebook(source, out, data_imports=True)
                with open(out, encoding="utf-8") as f:
                    self.yaml = f.read()
        else:
            with open(source, encoding="utf-8") as f:
                self.yaml = f.read()
        try:
            self.spec, _ = split_pipeline_package(self.yaml)
        except KFPError as err:
            raise CliError(f"{source}: {err.message}") from None
        self.name = str(_object(self.spec, "pipelineInfo").get("name") or Path(source).stem)
        self.tasks = list(_object(_object(_object(self.spec, "root"), "dag"), "tasks"))

    def experiment(self) -> str:
        return notebook_experiment(self.source) if self.source.endswith(".ipynb") else ""


async def ensure_experiment(client: KFPClient, name: str, namespace: str | None) -> str:
    """The id of the experiment of that name, made when it does not exist."""
    listed = await client.list_experiments(namespace)
    for experiment in listed.get("experiments") or []:
        if experiment.get("display_name") == name:
            return str(experiment.get("experiment_id", ""))
    made = await client.create_experiment(name, namespace)
    return str(made.get("experiment_id", ""))


async def publish(client: KFPClient, package: Package, args: argparse.Namespace) -> tuple[dict, str]:
    """Uploads the package (a new pipeline, or a new version of it) and ensures the experiment."""
    namespace = args.namespace or None
    published = await client.publish(package.yaml, args.pipeline_name or package.name, namespace=namespace)
    experiment = args.experiment or package.experiment() or "Default"
    return published, await ensure_experiment(client, experiment, namespace)


def _version_or_package(published: dict, package: Package) -> dict[str, str]:
    # A fresh upload may not list its version yet; the package itself then makes the run.
    if published.get("pipeline_version_id"):
        return {
            "pipeline_id": str(published.get("pipeline_id", "")),
            "pipeline_version_id": str(published["pipeline_version_id"]),
        }
    return {"package": package.yaml}


async def submit(client: KFPClient, args: argparse.Namespace, out: Callable[[str], None]) -> int:
    package = Package(args.source)
    parameters = typed_parameters(package.spec, args.param)
    published, experiment_id = await publish(client, package, args)
    run_name = args.run_name or f"{package.name} {datetime.now().strftime('%Y-%m-%d %H:%M:%S')}"
    run = await client.create_run(
        display_name=run_name,
        experiment_id=experiment_id,
        parameters=parameters,
        namespace=args.namespace or None,
        **_version_or_package(published, package),
    )
    out(f"run {run.get('run_id')} ({run_name}): {run.get('ui_url', '')}")
    if not args.wait:
        return 0
    return await watch(client, str(run.get("run_id", "")), package.tasks, args.interval, out)


async def watch(
    client: KFPClient,
    run_id: str,
    tasks: list[str],
    interval: float,
    out: Callable[[str], None],
    sleep: Callable[[float], Any] = asyncio.sleep,
) -> int:
    """Prints each step's state as it changes until the run ends; 0 when it succeeded, else 1."""
    seen: dict[str, str] = {}
    run_state = ""
    errors = 0
    while True:
        try:
            run = await client.get_run(run_id)
            errors = 0
        except KFPError as err:
            errors += 1
            if err.status == 404 or errors >= 5:
                raise
            out(f"  (asking again: {err.message})")
            await sleep(interval)
            continue
        for step, (state, took) in step_states(run, tasks).items():
            if seen.get(step) != state:
                seen[step] = state
                mark = STATE_MARK.get(state, "·")
                out(f"{mark} {step}: {state}" + (f" ({took:.1f}s)" if took is not None else ""))
        state = str(run.get("state") or "")
        if state != run_state:
            run_state = state
            out(f"run {run_id}: {state.lower() or 'pending'}")
        if state in FINISHED:
            message = (run.get("error") or {}).get("message") if isinstance(run.get("error"), dict) else ""
            if state != "SUCCEEDED" and message:
                out(f"  {message}")
            return 0 if state == "SUCCEEDED" else 1
        await sleep(interval)


# `cellpipe schedule ACTION [ID]`: the words that manage schedules instead of naming a notebook.
SCHEDULE_ACTIONS = ("list", "enable", "disable", "delete")


def schedule_line(item: dict) -> str:
    """One schedule of `cellpipe schedule list`: id, state, when it runs, name, link."""
    trigger = item.get("trigger") or {}
    cron = (trigger.get("cron_schedule") or {}).get("cron")
    periodic = trigger.get("periodic_schedule") or {}
    window = (trigger.get("cron_schedule") if cron else periodic) or {}
    when = f"cron '{cron}'" if cron else f"every {periodic.get('interval_second', '?')}s"
    if window.get("start_time"):
        when += f" from {window['start_time']}"
    if window.get("end_time"):
        when += f" until {window['end_time']}"
    state = {"ENABLED": "enabled", "DISABLED": "disabled"}.get(str(item.get("status")), "unknown")
    name = item.get("display_name") or ""
    return "  ".join(
        str(part) for part in (item.get("recurring_run_id"), state, when, name, item.get("ui_url")) if part
    )


async def manage_schedules(client: KFPClient, args: argparse.Namespace, out: Callable[[str], None]) -> int:
    """`schedule list` (of a namespace, or of --pipeline-name), `schedule enable|disable|delete ID`."""
    action = args.source
    if args.cron or args.every is not None:
        raise CliError(f"cellpipe schedule {action} takes no --cron or --every: they make a new schedule")
    if action == "list":
        if args.target:
            raise CliError(
                f'cellpipe schedule list takes no ID (got "{args.target}"); filter with --pipeline-name'
            )
        namespace = args.namespace or None
        pipeline_id = ""
        if args.pipeline_name:
            found = await client.find_pipeline(args.pipeline_name, namespace)
            if not found:
                out(f'no pipeline "{args.pipeline_name}" on KFP, so no schedules of it')
                return 0
            pipeline_id = str(found.get("pipeline_id") or "")
        listed = await client.list_recurring_runs(namespace=namespace, pipeline_id=pipeline_id)
        schedules = listed["recurring_runs"]
        for item in schedules:
            out(schedule_line(item))
        if not schedules:
            out("no schedules")
        return 0
    if not args.target:
        raise CliError(
            f"cellpipe schedule {action} needs the schedule's ID (cellpipe schedule list shows them)"
        )
    if action == "delete":
        await client.delete_recurring_run(args.target)
        out(f"schedule {args.target} deleted")
    else:
        await client.set_recurring_run_enabled(args.target, action == "enable")
        out(f"schedule {args.target} {action}d")
    return 0


async def schedule(client: KFPClient, args: argparse.Namespace, out: Callable[[str], None]) -> int:
    """Uploads the package and makes a recurring run of it (cron or interval); or manages schedules."""
    if args.source in SCHEDULE_ACTIONS:
        return await manage_schedules(client, args, out)
    if args.target:
        raise CliError(f'unexpected "{args.target}" after {args.source}: give one notebook or package')
    if not args.cron and args.every is None:
        raise CliError("cellpipe schedule NOTEBOOK|PACKAGE needs --cron 'M H DOM MON DOW' or --every SECONDS")
    try:
        when = Schedule(
            cron=args.cron or "",
            interval_seconds=args.every or 0,
            start_time=args.start or "",
            end_time=args.end or "",
            max_concurrency=args.max_concurrency,
            catchup=not args.no_catchup,
            enabled=not args.disabled,
        )
        when.check()
    except KFPError as err:
        raise CliError(err.message) from None
    package = Package(args.source)
    parameters = typed_parameters(package.spec, args.param)
    published, experiment_id = await publish(client, package, args)
    name = args.name or f"{package.name} ({args.cron or f'every {args.every}s'})"
    made = await client.create_recurring_run(
        display_name=name,
        schedule=when,
        experiment_id=experiment_id,
        parameters=parameters,
        namespace=args.namespace or None,
        **_version_or_package(published, package),
    )
    state = "enabled" if when.enabled else "disabled"
    out(f"schedule {made.get('recurring_run_id')} ({name}, {state}): {made.get('ui_url', '')}")
    return 0


def step_states(run: dict, tasks: list[str]) -> dict[str, tuple[str, float | None]]:
    """Each of the package's tasks that KFP reported, in pipeline order: its state and, once ended, seconds."""
    reported: dict[str, tuple[str, float | None]] = {}
    details = (run.get("run_details") or {}).get("task_details") or []
    for task in details:
        if not isinstance(task, dict) or task.get("display_name") not in tasks:
            continue
        word = TASK_WORDS.get(str(task.get("state") or ""), "pending")
        executor = task.get("executor_detail")
        if (
            word == "succeeded"
            and isinstance(executor, dict)
            and not executor.get("main_job")
            and not task.get("pod_name")
        ):
            word = "cached"  # its executor never ran: the outputs came from KFP's cache
        previous = reported.get(task["display_name"])
        if previous is None or _weight(word) > _weight(previous[0]):
            reported[task["display_name"]] = (word, _seconds(task))
    return {name: reported[name] for name in tasks if name in reported}


def _weight(word: str) -> int:
    return ["skipped", "cached", "succeeded", "pending", "running", "failed"].index(word)


def _seconds(task: dict) -> float | None:
    try:
        start = datetime.fromisoformat(str(task["start_time"]).replace("Z", "+00:00"))
        end = datetime.fromisoformat(str(task["end_time"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    if end.year < 2000 or start.year < 2000:  # KFP's "not yet" is the epoch
        return None
    return max(0.0, (end - start).total_seconds())


def run_command(command: Callable[..., Any], args: argparse.Namespace) -> int:
    settings = kfp_settings(args.config)

    async def go() -> int:
        client = KFPClient(settings)
        try:
            return int(await command(client, args, lambda line: print(line, flush=True)))
        except KFPError as err:
            raise CliError(err.message) from None

    started = time.monotonic()
    try:
        return asyncio.run(go())
    except KeyboardInterrupt:
        print(
            f"cellpipe: stopped watching after {time.monotonic() - started:.0f}s; the run goes on",
            file=sys.stderr,
        )
        return 130


def add_kfp_commands(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Adds `submit` (and `schedule`) to the `cellpipe` parser; answers command name → handler."""
    submit_parser = sub.add_parser(
        "submit", help="submit a notebook or package to Kubeflow Pipelines as a run"
    )
    _common(submit_parser)
    submit_parser.add_argument("--run-name", metavar="NAME", help="default: the pipeline's name and the time")
    submit_parser.add_argument(
        "--wait", action="store_true", help="print each step's state as it changes; exit 1 when the run fails"
    )
    submit_parser.add_argument(
        "--interval", type=float, default=5.0, help="seconds between polls with --wait"
    )
    schedule_parser = sub.add_parser(
        "schedule",
        help="make a recurring run of a notebook or package on KFP; list, enable, disable, delete them",
        usage=(
            "cellpipe schedule NOTEBOOK|PACKAGE (--cron 'M H DOM MON DOW' | --every SECONDS) [options]\n"
            "       cellpipe schedule list [--pipeline-name NAME] [--namespace NS]\n"
            "       cellpipe schedule enable|disable|delete ID"
        ),
    )
    _common(schedule_parser)
    schedule_parser.add_argument(
        "target", nargs="?", metavar="ID", help="the schedule, after enable, disable or delete"
    )
    when = schedule_parser.add_mutually_exclusive_group()
    when.add_argument("--cron", metavar="'M H DOM MON DOW'", help="e.g. '0 6 * * 1': Mondays at 06:00 (UTC)")
    when.add_argument("--every", type=int, metavar="SECONDS", help="a run every SECONDS (at least 60)")
    schedule_parser.add_argument("--start", metavar="TIME", help="first time, e.g. 2026-01-05T06:00:00Z")
    schedule_parser.add_argument("--end", metavar="TIME", help="last time, e.g. 2026-06-30T00:00:00Z")
    schedule_parser.add_argument(
        "--max-concurrency", type=int, default=1, help="runs at once (1-10, default 1)"
    )
    schedule_parser.add_argument(
        "--no-catchup", action="store_true", help="after a pause, start only the latest missed run"
    )
    schedule_parser.add_argument(
        "--disabled", action="store_true", help="make it disabled (enable it in KFP)"
    )
    schedule_parser.add_argument(
        "--name", metavar="NAME", help="default: the pipeline's name and the schedule"
    )
    return {
        "submit": lambda args: run_command(submit, args),
        "schedule": lambda args: run_command(schedule, args),
    }


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help="an annotated notebook.ipynb, or a pipeline.yaml compiled by cellpipe")
    parser.add_argument("--param", action="append", metavar="NAME=VALUE", help="pipeline parameter (repeat)")
    parser.add_argument(
        "--experiment", metavar="NAME", help="default: the notebook's (kubeflow_notebook), else Default"
    )
    parser.add_argument("--namespace", metavar="NS", help="default: the server's (KF_PIPELINES_NAMESPACE)")
    parser.add_argument("--pipeline-name", metavar="NAME", help="default: the package's pipelineInfo.name")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="a Jupyter server config file with c.CellpipeKFP.* (read after those Jupyter finds)",
    )
