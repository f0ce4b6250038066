"""Local runs started from JupyterLab: each runs in a background thread; its state is polled.

A plain class (no Tornado), so it is tested directly; `cellpipe/server/local_handlers.py` is the thin
HTTP face. The browser sends the package it compiled (users need no node on the server).
"""

import atexit
import os
import threading
import time
import uuid
from collections import deque
from typing import Any, Deque, Dict, Optional

from .interpreter import StepPython, notebook_kernel_name
from .package import load_package
from .runner import LocalRunner, RunError, TaskState

MAX_LOG_LINES = 400


class LocalRun:
    def __init__(self, run_id: str, store: str, steps: Dict[str, str], python: Optional[StepPython] = None):
        self.id = run_id
        self.store = store
        self.python = python
        self.started = time.time()
        self.finished: Optional[float] = None
        self.states: Dict[str, Dict[str, Any]] = {
            task: {"task": task, "step": step, "state": "pending"} for task, step in steps.items()
        }
        self.logs: Deque[str] = deque(maxlen=MAX_LOG_LINES)
        self.metrics: Dict[str, float] = {}
        self.error: Optional[str] = None
        self.lock = threading.Lock()

    def on_event(self, state: TaskState) -> None:
        with self.lock:
            self.states[state.name] = state.as_dict()

    def on_log(self, step: str, line: str) -> None:
        with self.lock:
            self.logs.append(f"[{step}] {line}")

    def snapshot(self) -> Dict[str, Any]:
        with self.lock:
            return {
                "id": self.id,
                "done": self.finished is not None,
                "started": self.started,
                "finished": self.finished,
                "steps": list(self.states.values()),
                "logs": list(self.logs),
                "metrics": dict(self.metrics),
                "error": self.error,
                "store": self.store,
                # which interpreter runs the steps, and why that one (the notebook's kernel, the setting, ...)
                "python": self.python.executable if self.python else None,
                "pythonVersion": self.python.version if self.python else None,
                "pythonFrom": self.python.origin() if self.python else None,
            }


def _without_drive(path: str) -> str:
    """The path without jupyter-collaboration's drive prefix ("RTC:") on the panel's notebook path."""
    return path[len("RTC:") :] if path.startswith("RTC:") else path


def _inside(path: str, root: str) -> bool:
    return os.path.commonpath([path, root]) == root


class LocalRunService:
    """Starts and tracks local runs; one store per notebook directory (`.cellpipe/`)."""

    def __init__(self, root_dir: str, python: Optional[str] = None, workers: int = 2):
        self.root_dir = os.path.abspath(root_dir)
        self.python = python
        self.workers = workers
        self.runs: Dict[str, LocalRun] = {}
        self._runners: Dict[str, LocalRunner] = {}  # the unfinished runs'
        atexit.register(self.stop_all)  # the server exits: no step process outlives it

    def stop_all(self) -> None:
        """End every unfinished run's step processes; each run records itself as interrupted."""
        for runner in list(self._runners.values()):
            runner.stop()

    def notebook_kernel(self, notebook_path: str) -> Optional[str]:
        """The kernelspec name in the saved notebook's metadata; None when it names none or is not a notebook
        under the server's root."""
        path = os.path.abspath(os.path.join(self.root_dir, _without_drive(notebook_path or "")))
        if not path.endswith(".ipynb") or not _inside(
            os.path.realpath(path), os.path.realpath(self.root_dir)
        ):
            return None
        return notebook_kernel_name(path)

    def store_for(self, notebook_path: str) -> str:
        """`.cellpipe/` beside the notebook, created if missing; refused unless the notebook's folder
        already exists and the store's real path (through any symlink) stays inside the server's root."""
        path = _without_drive(notebook_path or "")
        root = os.path.realpath(self.root_dir)
        folder = os.path.abspath(os.path.join(self.root_dir, os.path.dirname(path)))
        if not _inside(os.path.realpath(folder), root):
            raise RunError(f"notebook path {notebook_path!r} is outside the server's root directory")
        if not os.path.isdir(folder):  # a posted path never creates folders
            raise RunError(f"notebook path {notebook_path!r}: its folder does not exist")
        store = os.path.join(folder, ".cellpipe")
        try:
            os.mkdir(store, 0o755)
        except FileExistsError:
            pass
        except OSError as err:  # a read-only folder or file system: say where, never a 500
            raise RunError(
                f"cannot create the local run store {os.path.relpath(store, self.root_dir)!r} beside the notebook "
                f"({err.strerror}): local runs keep their results there, so the notebook's folder must be writable"
            ) from None
        for part in (store, os.path.join(store, "cache"), os.path.join(store, "runs")):
            if os.path.lexists(part) and not _inside(os.path.realpath(part), root):
                raise RunError(
                    f"the local store {os.path.relpath(part, self.root_dir)!r} is a link to "
                    f"{os.path.realpath(part)!r}, outside the server's root directory: refusing to use it"
                )
        if not os.path.isdir(store):
            raise RunError(
                f"{os.path.relpath(store, self.root_dir)!r} beside the notebook is not a folder: "
                "local runs keep their results there; rename or remove it"
            )
        return store

    def start(
        self,
        package_text: str,
        notebook_path: str = "",
        parameters: Optional[Dict[str, Any]] = None,
        use_cache: bool = True,
        python: Optional[StepPython] = None,
        from_step: Optional[str] = None,
    ) -> LocalRun:
        """Start a run; `python` (checked by the caller, `interpreter.py`) runs its steps, else the service's.
        `from_step`, a task of the package: it and its descendants run again, the steps before it come from the
        cache (run when they have no entry), as `cellpipe run --from`."""
        package = load_package(package_text)
        if from_step is not None and from_step not in package.tasks:
            raise RunError(
                f"cannot re-run from step task {from_step[:80]!r}: the pipeline has no such task "
                f"(its tasks: {', '.join(package.tasks)}); run the whole pipeline"
            )
        store = self.store_for(notebook_path)
        executable = python.executable if python else self.python
        kwargs = {"python": executable} if executable else {}
        steps = {n: t.display_name for n, t in package.tasks.items()}
        run = LocalRun(uuid.uuid4().hex[:12], store, steps, python)
        runner = LocalRunner(
            package,
            store,
            parameters=parameters,
            use_cache=use_cache,
            workers=self.workers,
            on_event=run.on_event,
            on_log=run.on_log,
            cwd=os.path.dirname(store),
            **kwargs,
        )
        self.runs[run.id] = run
        self._runners[run.id] = runner

        def work() -> None:
            try:
                result = runner.run(from_step=from_step)
                run.metrics = result.metrics
                failures = result.failures("pipeline.yaml")
                if failures:
                    run.error = failures[0]
            except Exception as err:  # reported to the panel, never raised into Tornado
                run.error = f"{type(err).__name__}: {err}"
            finally:
                self._runners.pop(run.id, None)
                run.finished = time.time()

        threading.Thread(target=work, name=f"cellpipe-local-{run.id}", daemon=True).start()
        return run

    def get(self, run_id: str) -> Optional[LocalRun]:
        return self.runs.get(run_id)
