"""Handlers under /cellpipe/api/local/: run a compiled package on the Jupyter server's machine.

Authorization (jupyter_server's Authorizer): starting a local run runs code, so it needs what running code
in a kernel needs, `execute` on `kernels`; reading a run's state needs `read` on `kernels`.
Through the server, only cellpipe step programs run (`cellpipe/local/command_shape.py`); the package is
parsed, checked and started off the IOLoop.
"""

import json
import sys
from typing import TypeVar, overload

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from ..local.command_shape import check_package_shape
from ..local.package import PackageError
from ..local.runner import RunError
from ..local.service import LocalRun, LocalRunService
from .kfp_client import KFPError, check_parameters
from .packages import (
    JSONObject,
    RequestRefused,
    check_size,
    json_object,
    limits,
    load_package_documents,
    off_loop,
    refuse,
    type_name,
)
from .routes import Route, api_route

AUTH_RESOURCE = "kernels"

T = TypeVar("T")


def _service(handler: APIHandler) -> LocalRunService:
    settings = handler.settings
    service = settings.get("cellpipe_local")
    if not isinstance(service, LocalRunService):
        root = settings.get("server_root_dir") or "."
        service = settings["cellpipe_local"] = LocalRunService(root, python=sys.executable)
    return service


@overload
def _field(body: JSONObject, name: str, kind: type[T], expected: str) -> T | None: ...
@overload
def _field(body: JSONObject, name: str, kind: type[T], expected: str, default: T) -> T: ...
def _field(body: JSONObject, name: str, kind: type[T], expected: str, default: T | None = None) -> T | None:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise RequestRefused(400, f'Field "{name}" must be {expected}, not {type_name(value)}')
    return value


def _start(
    service: LocalRunService,
    package: str,
    notebook_path: str,
    parameters: JSONObject | None,
    use_cache: bool,
) -> LocalRun:
    """Check the package (no aliases, fields typed, only step programs, parameters typed), then start it."""
    spec, platform = load_package_documents(package)
    check_package_shape(spec, platform)
    if parameters:
        try:
            check_parameters(spec, parameters)
        except KFPError as err:
            raise RequestRefused(400, err.message) from None
    try:
        return service.start(package, notebook_path=notebook_path, parameters=parameters, use_cache=use_cache)
    except (AttributeError, TypeError, KeyError) as err:
        # A field of a kind check_package_shape does not know yet: still the package's fault, not a 500.
        raise RequestRefused(
            400,
            f"The pipeline package is malformed where the local runner reads it ({type(err).__name__}: {err})",
        ) from None


class LocalRunsHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @tornado.web.authenticated
    @authorized(action="execute")
    async def post(self) -> None:
        try:
            check_size(self.request.body, limits(self.settings, self.config).max_request_bytes)
            body = await off_loop(json_object, self.request.body)
            package = _field(body, "package", str, "the compiled pipeline package (YAML text)")
            if not package or not package.strip():
                raise RequestRefused(400, "the request has no compiled pipeline package ('package')")
            notebook_path = _field(body, "notebookPath", str, "the notebook's path under the server root", "")
            parameters = _field(body, "parameters", dict, "an object of parameter name → value")
            use_cache = _field(body, "useCache", bool, "true or false", True)
            run = await off_loop(_start, _service(self), package, notebook_path, parameters, use_cache)
        except RequestRefused as err:
            refuse(self, "local run", err.status, err.message, err.reason)
            return
        except (PackageError, RunError) as err:
            refuse(self, "local run", 400, str(err))
            return
        self.set_status(201)
        self.finish(json.dumps(run.snapshot()))


class LocalRunHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @tornado.web.authenticated
    @authorized(action="read")
    def get(self, run_id: str) -> None:
        run = _service(self).get(run_id)
        if run is None:
            raise tornado.web.HTTPError(404, f"no local run {run_id}")
        self.finish(json.dumps(run.snapshot()))


def routes(base_url: str) -> list[Route]:
    return [
        (api_route(base_url, "local", "runs"), LocalRunsHandler),
        (api_route(base_url, "local", "runs", r"([0-9a-f]{12})"), LocalRunHandler),
    ]
