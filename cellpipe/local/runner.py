"""Run a compiled pipeline package on this machine, as the KFP launcher would, with step caching.

Each task's container command runs as a subprocess (never docker) with `python3` resolved to this
Python; its executor input is built as `kfp.local` builds it; artifacts live in a local store
(`.cellpipe/` beside the notebook by default). A task's cache key hashes its command and args,
image, parameter values and the content hashes of its input artifacts: an unchanged step is
reused instantly, and editing the last step re-runs only it.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from ..runtime.bootstrap import _cellpipe_private_dir
from .package import Package, PackageError, load_package, resolve_placeholders

PENDING, RUNNING, SUCCEEDED, FAILED, SKIPPED, CACHED = (
    "pending",
    "running",
    "succeeded",
    "failed",
    "skipped",
    "cached",
)
FINAL = {SUCCEEDED, FAILED, SKIPPED, CACHED}
CACHE_FORMAT = 1


@dataclass
class TaskState:
    name: str
    step: str
    state: str = PENDING
    started: Optional[float] = None
    finished: Optional[float] = None
    cache_key: Optional[str] = None
    error: Optional[str] = None
    log_path: Optional[str] = None

    def as_dict(self) -> dict:
        return {
            "task": self.name,
            "step": self.step,
            "state": self.state,
            "started": self.started,
            "finished": self.finished,
            "error": self.error,
        }


@dataclass
class RunResult:
    run_id: str
    states: Dict[str, TaskState]
    outputs: Dict[str, dict] = field(default_factory=dict)  # task -> executor output
    artifacts: Dict[str, Dict[str, str]] = field(default_factory=dict)  # task -> output name -> path
    metrics: Dict[str, float] = field(default_factory=dict)

    def artifact(self, task: str, name: str) -> str:
        return self.artifacts[task][name]

    @property
    def succeeded(self) -> bool:
        return all(s.state in (SUCCEEDED, CACHED) for s in self.states.values())

    def by_state(self, state: str) -> List[str]:
        return sorted(s.step for s in self.states.values() if s.state == state)


class RunError(Exception):
    pass


def _hash_tree(path: str) -> str:
    """Content hash of a file or directory (names and bytes, sorted): what a downstream cache key sees."""
    digest = hashlib.sha256()
    if os.path.isfile(path):
        paths = [path]
        base = os.path.dirname(path)
    else:
        base = path
        paths = []
        for root, dirs, files in os.walk(path):
            dirs.sort()
            paths.extend(os.path.join(root, f) for f in sorted(files))
    for file in paths:
        digest.update(os.path.relpath(file, base).encode() + b"\0")
        with open(file, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _python_shim(python: str) -> str:
    """A directory whose `python3`/`python` are this Python, put first on PATH for the steps.

    Shared between runs under a name derived from the Python's path, used only once verified private and
    holding exactly these scripts (`_cellpipe_private_dir`): another local user may have made that name first.
    """
    # A script, not a symlink: a venv's python finds its pyvenv.cfg only under its own path.
    script = f'#!/bin/sh\nexec "{python}" "$@"\n'.encode()
    name = "cellpipe-python-v2-" + hashlib.sha256(python.encode()).hexdigest()[:12]
    return _cellpipe_private_dir(name, {"python3": script, "python": script}, mode=0o700)


class LocalRunner:
    def __init__(
        self,
        package: Package,
        store: str,
        parameters: Optional[dict] = None,
        use_cache: bool = True,
        workers: int = 2,
        python: str = sys.executable,
        on_event: Optional[Callable[[TaskState], None]] = None,
        on_log: Optional[Callable[[str, str], None]] = None,
        cwd: Optional[str] = None,
    ):
        unknown = set(parameters or {}) - set(package.parameters)
        if unknown:
            raise RunError(f"unknown pipeline parameter(s): {', '.join(sorted(unknown))}")
        self.package = package
        self.store = os.path.abspath(store)
        self.parameters = {**package.parameters, **(parameters or {})}
        missing = [k for k, v in self.parameters.items() if v is None]
        if missing:
            raise RunError(f"pipeline parameter(s) without a value: {', '.join(missing)}")
        self.use_cache = use_cache
        self.workers = max(1, workers)
        self.python = python
        self.on_event = on_event or (lambda state: None)
        self.on_log = on_log or (lambda step, line: None)
        self.cwd = cwd
        self._lock = threading.Lock()

    # --- public -------------------------------------------------------------------------------
    def run(self, from_step: Optional[str] = None, only: Optional[str] = None) -> RunResult:
        """Run the pipeline. `from_step`: re-run it and its descendants, the rest from cache.
        `only`: run that one step, its upstream taken from cache."""
        run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        run_dir = os.path.join(self.store, "runs", run_id)
        os.makedirs(run_dir, exist_ok=True)
        pkg = self.package
        forced: set = set()
        selected = list(pkg.order())
        if from_step:
            start = pkg.find(from_step)
            forced = {start, *pkg.descendants(start)}
        if only:
            target = pkg.find(only)
            selected = [*pkg.ancestors(target), target]
            forced = {target}
        states = {n: TaskState(n, pkg.tasks[n].display_name) for n in selected}
        result = RunResult(run_id, states)
        produced: Dict[
            str, dict
        ] = {}  # task -> {"artifacts": {name: {...uri, metadata, hash}}, "parameters": {}}
        with open(os.path.join(run_dir, "run.json"), "w") as f:
            json.dump({"pipeline": pkg.name, "parameters": self.parameters, "tasks": selected}, f)

        def ready(name):
            return all(states[d].state in (SUCCEEDED, CACHED) for d in pkg.tasks[name].dependencies)

        def blocked(name):
            return any(states[d].state in (FAILED, SKIPPED) for d in pkg.tasks[name].dependencies)

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            running = {}
            while True:
                for name in selected:
                    state = states[name]
                    if state.state != PENDING:
                        continue
                    if blocked(name):
                        state.state = SKIPPED
                        self.on_event(state)
                    elif ready(name) and len(running) < self.workers:
                        must_cache = bool(only) and name != forced_only(forced)
                        future = pool.submit(
                            self._run_task, name, run_dir, produced, name in forced, must_cache, state
                        )
                        running[future] = name
                if not running:
                    break
                finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in finished:
                    name = running.pop(future)
                    outcome = future.result()
                    if outcome is not None:
                        produced[name] = outcome
                        result.outputs[name] = outcome.get("executor_output", {})
                        result.artifacts[name] = {k: v["uri"] for k, v in outcome["artifacts"].items()}
            # anything still pending could not start (its upstream failed before it was seen)
            for state in states.values():
                if state.state == PENDING:
                    state.state = SKIPPED
                    self.on_event(state)
        for output in result.outputs.values():
            for artifacts in (output.get("artifacts") or {}).values():
                for art in artifacts.get("artifacts", []):
                    if art.get("name") == "metrics" or "metrics" in art.get("uri", "").rsplit("/", 1)[-1]:
                        result.metrics.update(
                            {
                                k: v
                                for k, v in (art.get("metadata") or {}).items()
                                if isinstance(v, (int, float))
                            }
                        )
        with open(os.path.join(run_dir, "states.json"), "w") as f:
            json.dump({n: s.as_dict() for n, s in states.items()}, f, indent=1)
        return result

    # --- one task -----------------------------------------------------------------------------
    def _arguments(self, name: str, produced: Dict[str, dict]):
        task = self.package.tasks[name]
        params, artifacts = {}, {}
        for key, spec in (task.inputs.get("parameters") or {}).items():
            if "componentInputParameter" in spec:
                params[key] = self.parameters[spec["componentInputParameter"]]
            elif "runtimeValue" in spec:
                params[key] = (spec["runtimeValue"] or {}).get("constant")
            elif "taskOutputParameter" in spec:
                ref = spec["taskOutputParameter"]
                params[key] = produced[ref["producerTask"]]["parameters"].get(ref["outputParameterKey"])
            else:
                raise PackageError(
                    f"task {name!r}: input parameter {key!r} has a source the local runner lacks"
                )
        # Protobuf numbers are doubles: an integer parameter is passed as an integer, as the launcher does.
        types = ((task.component.get("inputDefinitions") or {}).get("parameters")) or {}
        for key, value in params.items():
            kind = (types.get(key) or {}).get("parameterType")
            if kind == "NUMBER_INTEGER" and isinstance(value, float) and value.is_integer():
                params[key] = int(value)
        for key, spec in (task.inputs.get("artifacts") or {}).items():
            ref = spec.get("taskOutputArtifact")
            if not ref:
                raise PackageError(f"task {name!r}: input artifact {key!r} is not an upstream output")
            artifacts[key] = produced[ref["producerTask"]]["artifacts"][ref["outputArtifactKey"]]
        return params, artifacts

    def _cache_key(self, name: str, params: dict, artifacts: dict) -> str:
        task = self.package.tasks[name]
        material = {
            "format": CACHE_FORMAT,
            "image": task.container.get("image"),
            "command": task.container.get("command"),
            "args": task.container.get("args"),
            "env": task.container.get("env"),
            "parameters": params,
            "inputs": {k: v["hash"] for k, v in sorted(artifacts.items())},
            "outputs": sorted(task.output_artifacts.items()),
        }
        return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()

    def _executor_input(self, name: str, params: dict, artifacts: dict, task_root: str) -> dict:
        task = self.package.tasks[name]
        input_artifacts = {
            key: {
                "artifacts": [
                    {
                        "name": key,
                        "type": {"schemaTitle": art["type"], "schemaVersion": "0.0.1"},
                        "uri": art["uri"],
                        "metadata": art.get("metadata") or {},
                    }
                ]
            }
            for key, art in artifacts.items()
        }
        outputs = {
            "artifacts": {
                key: {
                    "artifacts": [
                        {
                            "name": key,
                            "type": {"schemaTitle": kind, "schemaVersion": "0.0.1"},
                            "uri": os.path.join(task_root, key),
                            "metadata": {},
                        }
                    ]
                }
                for key, kind in task.output_artifacts.items()
            },
            "outputFile": os.path.join(task_root, "executor_output.json"),
        }
        if task.output_parameters:
            outputs["parameters"] = {
                k: {"outputFile": os.path.join(task_root, k)} for k in task.output_parameters
            }
        return {"inputs": {"parameterValues": params, "artifacts": input_artifacts}, "outputs": outputs}

    def _run_task(self, name, run_dir, produced, forced, must_cache, state: TaskState) -> Optional[dict]:
        task = self.package.tasks[name]
        try:
            params, artifacts = self._arguments(name, produced)
            key = self._cache_key(name, params, artifacts)
            state.cache_key = key
            cache_dir = os.path.join(self.store, "cache", key)
            entry_path = os.path.join(cache_dir, "entry.json")
            may_reuse = self.use_cache and task.cache_enabled and not forced
            if (may_reuse or must_cache) and os.path.exists(entry_path):
                with open(entry_path) as f:
                    entry = json.load(f)
                state.state, state.started, state.finished = CACHED, time.time(), time.time()
                self.on_event(state)
                return entry
            if must_cache:
                raise RunError(
                    f'step "{task.display_name}" has no cached result for its current inputs: '
                    "run the whole pipeline once first"
                )
            return self._execute(name, params, artifacts, key, cache_dir, run_dir, state)
        except Exception as err:  # a task failure must never stop the other branches
            state.state = FAILED
            state.finished = time.time()
            state.error = state.error or f"{type(err).__name__}: {err}"
            self.on_event(state)
            return None

    def _execute(self, name, params, artifacts, key, cache_dir, run_dir, state: TaskState) -> Optional[dict]:
        task = self.package.tasks[name]
        # Outputs are written straight into a fresh cache slot; it becomes an entry only on success.
        staging = cache_dir + ".partial-" + uuid.uuid4().hex[:6]
        os.makedirs(staging)
        executor_input = self._executor_input(name, params, artifacts, staging)
        text = json.dumps(executor_input)
        command = [resolve_placeholders(c, executor_input, text) for c in task.container.get("command") or []]
        args = [resolve_placeholders(a, executor_input, text) for a in task.container.get("args") or []]
        env = dict(os.environ)
        for var in task.container.get("env") or []:
            env[var["name"]] = str(var.get("value", ""))
        env["PATH"] = _python_shim(self.python) + os.pathsep + env.get("PATH", "")
        env.setdefault("PYTHONUNBUFFERED", "1")
        log_dir = os.path.join(run_dir, name)
        os.makedirs(log_dir, exist_ok=True)
        state.log_path = os.path.join(log_dir, "log.txt")
        with open(os.path.join(log_dir, "executor_input.json"), "w") as f:
            f.write(text)
        state.state, state.started = RUNNING, time.time()
        self.on_event(state)
        tail: List[str] = []
        with open(state.log_path, "w") as log:
            proc = subprocess.Popen(
                [*command, *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env=env,
                cwd=self.cwd or log_dir,
                bufsize=1,
            )
            for line in proc.stdout:
                log.write(line)
                tail.append(line)
                del tail[:-60]
                self.on_log(task.display_name, line.rstrip("\n"))
            code = proc.wait()
        state.finished = time.time()
        if code != 0:
            shutil.rmtree(staging, ignore_errors=True)
            state.state = FAILED
            state.error = (
                f'step "{task.display_name}" failed (exit code {code}).\n'
                + "".join(tail[-40:])
                + f"Re-run from this step: cellpipe run <package> --from {task.display_name}"
            )
            self.on_event(state)
            return None
        output_file = executor_input["outputs"]["outputFile"]
        executor_output = {}
        if os.path.exists(output_file):
            with open(output_file) as f:
                executor_output = json.load(f)
        reported = executor_output.get("artifacts") or {}
        outputs = {}
        for key_name, kind in task.output_artifacts.items():
            path = os.path.join(staging, key_name)
            if not os.path.exists(path):
                shutil.rmtree(staging, ignore_errors=True)
                state.state = FAILED
                state.error = f'step "{task.display_name}" finished but did not write its output {key_name!r}'
                self.on_event(state)
                return None
            meta = ((reported.get(key_name) or {}).get("artifacts") or [{}])[0].get("metadata") or {}
            outputs[key_name] = {"uri": os.path.join(cache_dir, key_name), "type": kind, "metadata": meta}
        out_params = {}
        for pname in task.output_parameters:
            pfile = os.path.join(staging, pname)
            if os.path.exists(pfile):
                with open(pfile) as f:
                    out_params[pname] = f.read()
        out_params.update(executor_output.get("parameterValues") or {})
        for key_name in outputs:
            outputs[key_name]["hash"] = _hash_tree(os.path.join(staging, key_name))
        # Rewrite reported URIs to the final cache location.
        for key_name, entry in reported.items():
            for art in entry.get("artifacts", []):
                art["uri"] = os.path.join(cache_dir, key_name)
        entry = {
            "artifacts": outputs,
            "parameters": out_params,
            "executor_output": executor_output,
            "task": name,
        }
        with open(os.path.join(staging, "entry.json"), "w") as f:
            json.dump(entry, f)
        with self._lock:
            if os.path.exists(cache_dir):  # a concurrent or forced re-run: the new result wins
                shutil.rmtree(cache_dir, ignore_errors=True)
            os.replace(staging, cache_dir)
        state.state = SUCCEEDED
        self.on_event(state)
        return entry


def forced_only(forced: set) -> Optional[str]:
    return next(iter(forced)) if len(forced) == 1 else None


def run_package_file(path: str, **kwargs) -> RunResult:
    with open(path, encoding="utf-8") as f:
        package = load_package(f.read())
    store = kwargs.pop("store", None) or os.path.join(os.path.dirname(os.path.abspath(path)), ".cellpipe")
    from_step = kwargs.pop("from_step", None)
    only = kwargs.pop("only", None)
    return LocalRunner(package, store, **kwargs).run(from_step=from_step, only=only)
