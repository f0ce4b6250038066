"""Handlers under /cellpipe/api/local/ that read what local runs left in a notebook's store: the runs kept,
a step's outputs (previewed without running their code), its report page and its log.

Authorization: reading a run needs `read` on `kernels`, as reading a run's state does (`local_handlers.py`).
Each request names its notebook (`?notebook=PATH`): only that notebook's store (`.cellpipe/` beside it, found
as `LocalRunService.store_for` finds it) is read, and every path stays inside it (`cellpipe/local/history.py`).
A report is served as a sandboxed page whose Content-Security-Policy runs no script and loads nothing but
inline styles and `data:` images.
"""

from __future__ import annotations

import json
import os
import re

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from ..local import history
from ..local.runner import RunError
from .local_handlers import AUTH_RESOURCE, _service
from .notebook_path import PathError, notebook_dir
from .packages import off_loop, refuse
from .routes import Route, api_route

SERVICE_RUN = re.compile(r"[0-9a-f]{12}")  # a run started from JupyterLab, followed while it goes
REPORT_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'"


class _StoreHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    def _store(self) -> str | None:
        """The notebook's store, or None when it has none yet (nothing is created by a read)."""
        path = self.get_query_argument("notebook", "")
        root = self.settings.get("server_root_dir") or "."
        folder = notebook_dir(root, path)
        if not os.path.lexists(f"{folder}{os.sep}.cellpipe"):
            return None
        return _service(self).store_for(path)

    def _step_key(self, run_id: str, task: str) -> tuple[str, str]:
        """The store and the cache key of a step of a run: a run followed now (its live state) or one kept
        in the store."""
        store = self._store()
        if store is None:
            raise history.HistoryError(f"no local run {run_id} beside this notebook", missing=True)
        if not SERVICE_RUN.fullmatch(run_id):
            return store, history.run_task_key(store, run_id, task)
        run = _service(self).get(run_id)
        if run is None or os.path.realpath(run.store) != os.path.realpath(store):
            raise history.HistoryError(f"no local run {run_id} beside this notebook", missing=True)
        for step in run.snapshot()["steps"]:
            if step.get("task") == task:
                key = step.get("cacheKey")
                if not isinstance(key, str):
                    raise history.HistoryError(f'step "{step.get("step")}" has not started', missing=True)
                return store, key
        raise history.HistoryError(f"run {run_id} has no step {task!r}", missing=True)

    def _refused(self, err: Exception) -> None:
        missing = isinstance(err, history.HistoryError) and err.missing
        refuse(
            self, "local result", 404 if missing else 400, str(err), "not_found" if missing else "bad_request"
        )


class LocalHistoryHandler(_StoreHandler):
    """GET ?notebook=PATH[&pipeline=NAME]: the newest runs kept beside the notebook (of its pipeline)."""

    @tornado.web.authenticated
    @authorized(action="read")
    async def get(self) -> None:
        try:
            store = self._store()
            pipeline = self.get_query_argument("pipeline", "") or None
            runs = [] if store is None else await off_loop(history.list_runs, store, pipeline)
        except (PathError, RunError, history.HistoryError) as err:
            self._refused(err)
            return
        self.finish(json.dumps({"runs": runs}))


class StepOutputsHandler(_StoreHandler):
    """GET ?notebook=PATH: each output of the step with a preview, and whether it wrote a report."""

    @tornado.web.authenticated
    @authorized(action="read")
    async def get(self, run_id: str, task: str) -> None:
        try:
            store, key = self._step_key(run_id, task)
            outputs = await off_loop(history.outputs, store, key)
            try:
                history.report_path(store, key)
                report = True
            except history.HistoryError:
                report = False
        except (PathError, RunError, history.HistoryError) as err:
            self._refused(err)
            return
        self.finish(json.dumps({"outputs": outputs, "report": report}))


class StepReportHandler(_StoreHandler):
    """GET ?notebook=PATH: the step's report page (text/html), under a CSP that runs nothing."""

    @property
    def content_security_policy(self) -> str:
        return REPORT_CSP

    @tornado.web.authenticated
    @authorized(action="read")
    async def get(self, run_id: str, task: str) -> None:
        try:
            store, key = self._step_key(run_id, task)
            path = history.report_path(store, key)
            with open(path, "rb") as f:
                page = await off_loop(f.read)
        except (PathError, RunError, history.HistoryError) as err:
            self._refused(err)
            return
        self.set_header("Cache-Control", "no-store")
        self.finish(page, set_content_type="text/html; charset=utf-8")


class StepLogHandler(_StoreHandler):
    """GET ?notebook=PATH: the end of the step's log in a run kept in the store (JSON `{"log": text}`)."""

    @tornado.web.authenticated
    @authorized(action="read")
    async def get(self, run_id: str, task: str) -> None:
        try:
            store = self._store()
            if store is None or SERVICE_RUN.fullmatch(run_id):
                raise history.HistoryError(f"no local run {run_id} kept beside this notebook", missing=True)
            log = await off_loop(history.step_log, store, run_id, task)
        except (PathError, RunError, history.HistoryError) as err:
            self._refused(err)
            return
        self.finish(json.dumps({"log": log}))


def routes(base_url: str) -> list[Route]:
    # One group per name, checked again by cellpipe/local/history.py: a service run id or a store's run id.
    step = ("local", "runs", r"([0-9a-f-]{12,22})", "steps", r"([a-z0-9-]{1,128})")
    return [
        (api_route(base_url, "local", "history"), LocalHistoryHandler),
        (api_route(base_url, *step, "outputs"), StepOutputsHandler),
        (api_route(base_url, *step, "report"), StepReportHandler),
        (api_route(base_url, *step, "log"), StepLogHandler),
    ]
