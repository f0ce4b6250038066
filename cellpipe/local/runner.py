"""Run a compiled pipeline package on this machine, as the KFP launcher would, with step caching.

Each task's container command runs as a subprocess (never docker) with `python3` resolved to this
Python; its executor input is built as `kfp.local` builds it; artifacts live in a local store
(`.cellpipe/` beside the notebook by default). A task's cache key hashes its command and args,
image, parameter values, the content hashes of its input artifacts, the step's Python (path, prefix,
version) and the versions of the installed packages the step imports: an unchanged step is reused
instantly, and editing the last step re-runs only it.

The store is shared by concurrent runs (CLI and server alike): an entry is published by one rename,
under a per-entry file lock, and verified (size and hash of every file) before it is served.
"""

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Dict, List, Optional, Set, Tuple

from ..runtime.files import WORKDIR_ENV
from ..runtime.private_dir import _cellpipe_private_dir
from . import cache
from .environment import InterpreterError, describe_interpreter, imported_modules, step_environment
from .files import FileHashes, reads_key
from .package import Package, PackageError, Task, claim_action, load_package, resolve_placeholders

PENDING, RUNNING, SUCCEEDED, FAILED, SKIPPED, CACHED, INTERRUPTED = (
    "pending",
    "running",
    "succeeded",
    "failed",
    "skipped",
    "cached",
    "interrupted",
)
FINAL = {SUCCEEDED, FAILED, SKIPPED, CACHED, INTERRUPTED}
CACHE_FORMAT = 2  # 2: interpreter and package versions in the key; a file manifest in each entry

STOP_GRACE_SECONDS = 3.0  # SIGTERM, then SIGKILL, for a step's process group when the run is stopped


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

    def as_dict(self) -> Dict[str, Any]:
        return {
            "task": self.name,
            "step": self.step,
            "state": self.state,
            "started": self.started,
            "finished": self.finished,
            "error": self.error,
            "cacheKey": self.cache_key,  # where its outputs are: <store>/cache/<key> (the panel's run view reads it)
        }


@dataclass
class RunResult:
    run_id: str
    states: Dict[str, TaskState]
    outputs: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # task -> executor output
    artifacts: Dict[str, Dict[str, str]] = field(default_factory=dict)  # task -> output name -> path
    metrics: Dict[str, float] = field(default_factory=dict)

    def artifact(self, task: str, name: str) -> str:
        return self.artifacts[task][name]

    @property
    def succeeded(self) -> bool:
        return all(s.state in (SUCCEEDED, CACHED) for s in self.states.values())

    def by_state(self, state: str) -> List[str]:
        return sorted(s.step for s in self.states.values() if s.state == state)

    def failures(self, package: str) -> List[str]:
        """What each failed step says, its re-run hint naming the package as the reader knows it."""
        return [
            s.error.replace("<package>", package)
            for s in self.states.values()
            if s.state == FAILED and s.error
        ]


class RunError(Exception):
    pass


class RunInterrupted(RunError):
    """The run was stopped (SIGTERM/SIGINT or `LocalRunner.stop`); its steps' processes are ended."""


class StepFailed(Exception):
    """A step's failure, already worded for the user."""


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
        parameters: Optional[Dict[str, Any]] = None,
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
        resolved = python if os.sep in python else shutil.which(python)
        if not resolved:
            raise RunError(f"the step interpreter {python!r} is not on PATH")
        self.python = os.path.abspath(resolved)
        self.on_event = on_event or (lambda state: None)
        self.on_log = on_log or (lambda step, line: None)
        self.cwd = cwd
        self._file_hashes = FileHashes(self.store)  # the files steps read, hashed once per change
        self._interpreter: Optional[Dict[str, Any]] = None
        self._modules: Dict[str, List[str]] = {}  # task -> the modules its program imports
        self._processes: Dict[int, subprocess.Popen[str]] = {}  # pid -> a running step (its group's leader)
        self._processes_lock = threading.Condition()  # held while a step is started or reaped
        self._stopping = False

    # --- public -------------------------------------------------------------------------------
    def run(self, from_step: Optional[str] = None, only: Optional[str] = None) -> RunResult:
        """Run the pipeline. `from_step`: re-run it and its descendants, the rest from cache.
        `only`: run that one step, its upstream taken from cache.

        Raises RunInterrupted (or lets KeyboardInterrupt through) when stopped: the steps' processes are
        ended first, and the run's `run.json`/`states.json` say "interrupted"."""
        run_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        run_dir = os.path.join(self.store, "runs", run_id)
        try:
            os.makedirs(run_dir, exist_ok=True)
            cache.clean_stale_partials(os.path.join(self.store, "cache"))
        except OSError as err:
            raise RunError(f"cannot use the store {self.store}: {err}") from None
        pkg = self.package
        forced: Set[str] = set()
        selected = list(pkg.order())
        if from_step:
            start = pkg.find(from_step)
            forced = {start, *pkg.descendants(start)}
        if only:
            target = pkg.find(only)
            selected = [*pkg.ancestors(target), target]
            forced = {target}
        states = {n: TaskState(n, pkg.tasks[n].display_name) for n in selected}
        self._modules = {n: imported_modules(_command_line(pkg.tasks[n])) for n in selected}
        try:
            modules = sorted({m for names in self._modules.values() for m in names})
            self._interpreter = describe_interpreter(self.python, modules, self.cwd)
        except InterpreterError as err:
            raise RunError(str(err)) from None
        result = RunResult(run_id, states)
        record = {
            "pipeline": pkg.name,
            "parameters": self.parameters,
            "tasks": selected,
            "python": self.python,  # which interpreter ran the steps (the run list shows it)
            "state": RUNNING,
            "pid": os.getpid(),
            "started": time.time(),
        }
        cache.write_json(os.path.join(run_dir, "run.json"), record)
        try:
            self._schedule(selected, forced, bool(only), run_dir, states, result)
        except BaseException as err:
            for state in states.values():
                if state.state not in FINAL:
                    state.state, state.finished = INTERRUPTED, time.time()
                    self.on_event(state)
            stopped = self._stopping or isinstance(err, (RunInterrupted, KeyboardInterrupt))
            self._finish_record(run_dir, record, states, INTERRUPTED if stopped else FAILED)
            if isinstance(err, Exception) and not isinstance(err, RunError):
                raise RunError(f"the run stopped: {type(err).__name__}: {err}") from err
            raise
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
        self._finish_record(run_dir, record, states, SUCCEEDED if result.succeeded else FAILED)
        return result

    def stop(self) -> None:
        """End every running step's process group (SIGTERM, then SIGKILL) and start no more steps."""
        with self._processes_lock:  # a registered step is not reaped yet: its group id is still its own
            self._stopping = True
            for proc in self._processes.values():
                _signal_group(proc.pid, signal.SIGTERM)
            self._processes_lock.wait_for(lambda: not self._processes, timeout=STOP_GRACE_SECONDS)
            for proc in self._processes.values():
                _signal_group(proc.pid, signal.SIGKILL)

    # --- scheduling ---------------------------------------------------------------------------
    def _schedule(
        self,
        selected: List[str],
        forced: Set[str],
        only: bool,
        run_dir: str,
        states: Dict[str, TaskState],
        result: RunResult,
    ) -> None:
        """Submit each task once, when the outcomes of all its dependencies are in hand.

        Readiness is decided from what this thread recorded (`produced`, `failed`), never from states the
        workers set: a dependency's state turns "succeeded" before its outcome is recorded here."""
        pkg = self.package
        produced: Dict[
            str, Dict[str, Any]
        ] = {}  # task -> {"artifacts": {name: {uri, type, metadata, hash}}, ...}
        failed: Set[str] = set()
        submitted: Set[str] = set()
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            running: Dict[Future[Optional[Dict[str, Any]]], str] = {}
            try:
                while True:
                    if self._stopping:
                        raise RunInterrupted("the run was stopped")
                    for name in selected:
                        if name in submitted:
                            continue
                        deps = pkg.tasks[name].dependencies
                        if any(d in failed for d in deps):
                            submitted.add(name)
                            failed.add(name)
                            states[name].state = SKIPPED
                            self.on_event(states[name])
                        elif all(d in produced for d in deps) and len(running) < self.workers:
                            submitted.add(name)  # before submitting: the worker marks it running later
                            must_cache = only and name not in forced
                            future = pool.submit(
                                self._run_task,
                                name,
                                run_dir,
                                produced,
                                name in forced,
                                must_cache,
                                states[name],
                            )
                            running[future] = name
                    if not running:
                        break
                    finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
                    for future in finished:
                        name = running.pop(future)
                        outcome = future.result()
                        if outcome is None:
                            failed.add(name)
                            continue
                        produced[name] = outcome
                        result.outputs[name] = outcome.get("executor_output", {})
                        result.artifacts[name] = {k: v["uri"] for k, v in outcome["artifacts"].items()}
            except BaseException:
                self.stop()  # before the pool's exit waits for the workers: their steps must end first
                raise
        # anything still pending could not start (its upstream failed before it was seen)
        for state in states.values():
            if state.state == PENDING:
                state.state = SKIPPED
                self.on_event(state)

    def _finish_record(
        self, run_dir: str, record: Dict[str, Any], states: Dict[str, TaskState], outcome: str
    ) -> None:
        self._file_hashes.save()
        cache.write_json(os.path.join(run_dir, "states.json"), {n: s.as_dict() for n, s in states.items()})
        cache.write_json(
            os.path.join(run_dir, "run.json"), {**record, "state": outcome, "finished": time.time()}
        )

    # --- one task -----------------------------------------------------------------------------
    def _arguments(
        self, name: str, produced: Dict[str, Dict[str, Any]]
    ) -> Tuple[Dict[str, Any], Dict[str, Dict[str, Any]]]:
        task = self.package.tasks[name]
        params: Dict[str, Any] = {}
        artifacts: Dict[str, Dict[str, Any]] = {}
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

    def _cache_key(self, name: str, params: Dict[str, Any], artifacts: Dict[str, Dict[str, Any]]) -> str:
        task = self.package.tasks[name]
        interpreter = self._interpreter or {}
        material = {
            "format": CACHE_FORMAT,
            "image": task.container.get("image"),
            "command": task.container.get("command"),
            "args": task.container.get("args"),
            "env": task.container.get("env"),
            "parameters": params,
            "inputs": {k: v["hash"] for k, v in sorted(artifacts.items())},
            "outputs": sorted(task.output_artifacts.items()),
            "python": {k: interpreter.get(k) for k in ("executable", "prefix", "version")},
            "packages": self._package_versions(self._modules[name]),  # scanned once, in run()
        }
        files = reads_key(_command_line(task), self.cwd or os.getcwd(), self._file_hashes)
        if files:  # the content of the files the step reads (docs/step-program.md, "Files")
            material["files"] = files
        return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()

    def _package_versions(self, modules: List[str]) -> Dict[str, str]:
        """The installed versions of the distributions providing `modules` (the run probed them all)."""
        known = (self._interpreter or {}).get("packages") or {}
        return {dist: version for m in modules for dist, version in sorted((known.get(m) or {}).items())}

    def _executor_input(
        self, name: str, params: Dict[str, Any], artifacts: Dict[str, Dict[str, Any]], task_root: str
    ) -> Dict[str, Any]:
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
        outputs: Dict[str, Any] = {
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

    def _say(self, state: TaskState, line: str) -> None:
        """A line in the step's log stream (the CLI prints it, the panel shows it)."""
        self.on_log(state.step, line)

    def _run_task(
        self,
        name: str,
        run_dir: str,
        produced: Dict[str, Dict[str, Any]],
        forced: bool,
        must_cache: bool,
        state: TaskState,
    ) -> Optional[Dict[str, Any]]:
        task = self.package.tasks[name]
        try:
            if self._stopping:
                raise RunInterrupted("the run was stopped")
            params, artifacts = self._arguments(name, produced)
            if claim_action(task.container):
                return self._claim_task(name, params, state)
            key = self._cache_key(name, params, artifacts)
            state.cache_key = key
            cache_dir = os.path.join(self.store, "cache", key)
            may_reuse = self.use_cache and task.cache_enabled and not forced
            problem = None
            if may_reuse or must_cache:
                with cache.entry_lock(os.path.dirname(cache_dir), key, exclusive=False):
                    entry, problem = cache.read_entry(cache_dir, key, task.output_artifacts)
                if entry is not None:
                    state.state, state.started, state.finished = CACHED, time.time(), time.time()
                    self.on_event(state)
                    return entry
                if problem:
                    self._say(state, f"cache entry {key[:12]} is damaged ({problem}): not using it")
            if must_cache:
                raise StepFailed(
                    f'step "{task.display_name}" has no '
                    + ("usable" if problem else "cached")
                    + " result for its current inputs: run the whole pipeline once first"
                )
            # Outputs are written into a private staging folder; it becomes the entry only on success.
            with cache.staging(cache_dir) as staging:
                return self._execute(
                    name, params, artifacts, key, cache_dir, staging, run_dir, state, forced or bool(problem)
                )
        except Exception as err:  # a task failure must never stop the other branches
            state.finished = time.time()
            if self._stopping:
                state.state, state.error = INTERRUPTED, f'step "{task.display_name}" was interrupted'
            else:
                state.state = FAILED
                state.error = (
                    str(err)
                    if isinstance(err, StepFailed)
                    else (f'step "{task.display_name}": {type(err).__name__}: {err}')
                )
            self.on_event(state)
            return None

    def _claim_task(self, name: str, params: Dict[str, Any], state: TaskState) -> Dict[str, Any]:
        """A CreatePVC/DeletePVC task: nothing to do here (no cluster); said in the step's log."""
        task = self.package.tasks[name]
        state.state, state.started = RUNNING, time.time()
        self.on_event(state)
        if claim_action(task.container) == "create":
            claim = params.get("pvc_name") or f"<run>{params.get('pvc_name_suffix') or ''}"
            self._say(
                state,
                f"cellpipe: the claim {claim} ({params.get('size')}) is created only on a cluster; "
                "on this machine steps see no volume where it would be mounted",
            )
        else:
            claim = params.get("pvc_name")
            self._say(state, f"cellpipe: no claim {claim} to delete on this machine")
        state.state, state.finished = SUCCEEDED, time.time()
        self.on_event(state)
        return {
            "key": None,
            "artifacts": {},
            "parameters": {"name": claim},
            "executor_output": {},
            "task": name,
        }

    def _pump(
        self,
        proc: subprocess.Popen[str],
        log: IO[str],
        tail: List[str],
        step: str,
        problems: List[BaseException],
    ) -> None:
        """The step's output, line by line, to its log file and the run's log stream."""
        output = proc.stdout
        if output is None:  # started without stdout=PIPE: nothing to pump
            return
        try:
            for line in output:
                log.write(line)
                tail.append(line)
                del tail[:-60]
                self.on_log(step, line.rstrip("\n"))
        except BaseException as err:  # reported by the step's thread
            problems.append(err)
            for _ in output:  # keep draining: a full pipe would block the step
                pass

    def _execute(
        self,
        name: str,
        params: Dict[str, Any],
        artifacts: Dict[str, Dict[str, Any]],
        key: str,
        cache_dir: str,
        staging: str,
        run_dir: str,
        state: TaskState,
        replace: bool,
    ) -> Dict[str, Any]:
        task = self.package.tasks[name]
        executor_input = self._executor_input(name, params, artifacts, staging)
        text = json.dumps(executor_input)
        command = [resolve_placeholders(c, executor_input, text) for c in task.container.get("command") or []]
        args = [resolve_placeholders(a, executor_input, text) for a in task.container.get("args") or []]
        env = step_environment({v["name"]: str(v.get("value", "")) for v in task.container.get("env") or []})
        env["PATH"] = _python_shim(self.python) + os.pathsep + env.get("PATH", os.defpath)
        if self.cwd:  # the runtime starts there, not in a folder the package names for KFP
            env[WORKDIR_ENV] = os.path.abspath(self.cwd)
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
            with self._processes_lock:
                if self._stopping:
                    raise RunInterrupted("the run was stopped")
                # Its own session and process group: a stop ends the step and whatever it started.
                proc = subprocess.Popen(
                    [*command, *args],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    env=env,
                    cwd=self.cwd or log_dir,
                    bufsize=1,
                    start_new_session=True,
                )
                self._processes[proc.pid] = proc
            problems: List[BaseException] = []
            pump = threading.Thread(
                target=self._pump, args=(proc, log, tail, task.display_name, problems), daemon=True
            )
            try:
                pump.start()
                # Exited but not yet reaped, so its pid (its group's id) cannot be reused meanwhile: what
                # the step left running in its group ends with it, as everything in its container would.
                os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
                _signal_group(proc.pid, signal.SIGKILL)
            finally:
                with self._processes_lock:
                    if proc.poll() is None:  # this thread failed while the step runs
                        _signal_group(proc.pid, signal.SIGKILL)
                    code = proc.wait()
                    self._processes.pop(proc.pid, None)
                    self._processes_lock.notify_all()
            pump.join()
            if problems:
                raise problems[0]
        state.finished = time.time()
        if code != 0:
            _keep_report(task, staging, log_dir)
            raise StepFailed(
                f'step "{task.display_name}" failed (exit code {code}).\n'
                + "".join(tail[-40:])
                + f"Re-run from this step: cellpipe run <package> --from {task.display_name}"
            )
        output_file = executor_input["outputs"]["outputFile"]
        executor_output = {}
        if os.path.exists(output_file):
            try:
                with open(output_file) as f:
                    executor_output = json.load(f)
            except ValueError as err:
                raise StepFailed(
                    f'step "{task.display_name}" wrote an unreadable executor output: {err}'
                ) from None
        reported = executor_output.get("artifacts") or {}
        outputs = {}
        for key_name, kind in task.output_artifacts.items():
            path = os.path.join(staging, key_name)
            if not os.path.exists(path):
                raise StepFailed(
                    f'step "{task.display_name}" finished but did not write its output {key_name!r}'
                )
            meta = ((reported.get(key_name) or {}).get("artifacts") or [{}])[0].get("metadata") or {}
            files = cache.manifest(path)
            outputs[key_name] = {
                "uri": os.path.join(cache_dir, key_name),
                "type": kind,
                "metadata": meta,
                "files": files,
                "hash": cache.tree_hash(files),
            }
        out_params = {}
        for pname in task.output_parameters:
            pfile = os.path.join(staging, pname)
            if os.path.exists(pfile):
                with open(pfile) as f:
                    out_params[pname] = f.read()
        out_params.update(executor_output.get("parameterValues") or {})
        # Rewrite reported URIs to the final cache location.
        for key_name, entry in reported.items():
            for art in entry.get("artifacts", []):
                art["uri"] = os.path.join(cache_dir, key_name)
        entry = {
            "key": key,
            "artifacts": outputs,
            "parameters": out_params,
            "executor_output": executor_output,
            "task": name,
        }
        with open(os.path.join(staging, "entry.json"), "w") as f:
            json.dump(entry, f)
        winner = cache.publish(cache_dir, key, staging, task.output_artifacts, replace)
        state.state = SUCCEEDED
        self.on_event(state)
        return winner or entry


def _keep_report(task: Task, staging: str, log_dir: str) -> None:
    """A failed step's report (what it showed, then its traceback) kept beside its log: its outputs are discarded."""
    for name, kind in task.output_artifacts.items():
        written = os.path.join(staging, name)
        if kind == "system.HTML" and os.path.isfile(written):
            shutil.copyfile(written, os.path.join(log_dir, "report.html"))


def _command_line(task: Task) -> List[str]:
    return [*(task.container.get("command") or []), *(task.container.get("args") or [])]


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def run_package_file(path: str, **kwargs: Any) -> RunResult:
    with open(path, encoding="utf-8") as f:
        package = load_package(f.read())
    store = kwargs.pop("store", None) or os.path.join(os.path.dirname(os.path.abspath(path)), ".cellpipe")
    from_step = kwargs.pop("from_step", None)
    kwargs.setdefault("cwd", os.path.dirname(os.path.abspath(path)))  # the YAML's folder, as the notebook's
    only = kwargs.pop("only", None)
    return LocalRunner(package, store, **kwargs).run(from_step=from_step, only=only)
