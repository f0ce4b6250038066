"""Handlers under /cellpipe/api/local/: run a compiled package on the Jupyter server's machine."""

import json
import sys

import tornado
from jupyter_server.base.handlers import APIHandler

from ..local.package import PackageError
from ..local.runner import RunError
from ..local.service import LocalRunService
from .handlers import api_route


def _service(handler: APIHandler) -> LocalRunService:
    settings = handler.settings
    if "cellpipe_local" not in settings:
        root = settings.get("server_root_dir") or "."
        settings["cellpipe_local"] = LocalRunService(root, python=sys.executable)
    return settings["cellpipe_local"]


class LocalRunsHandler(APIHandler):
    @tornado.web.authenticated
    def post(self):
        body = self.get_json_body() or {}
        package = body.get("package")
        if not isinstance(package, str) or not package.strip():
            raise tornado.web.HTTPError(400, "the request has no compiled pipeline package ('package')")
        try:
            run = _service(self).start(
                package,
                notebook_path=str(body.get("notebookPath") or ""),
                parameters=body.get("parameters") or None,
                use_cache=body.get("useCache", True) is not False,
            )
        except (PackageError, RunError) as err:
            raise tornado.web.HTTPError(400, str(err)) from None
        self.set_status(201)
        self.finish(json.dumps(run.snapshot()))


class LocalRunHandler(APIHandler):
    @tornado.web.authenticated
    def get(self, run_id):
        run = _service(self).get(run_id)
        if run is None:
            raise tornado.web.HTTPError(404, f"no local run {run_id}")
        self.finish(json.dumps(run.snapshot()))


def routes(base_url: str) -> list:
    return [
        (api_route(base_url, "local", "runs"), LocalRunsHandler),
        (api_route(base_url, "local", "runs", r"([0-9a-f]{12})"), LocalRunHandler),
    ]
