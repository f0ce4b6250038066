"""Handlers under /cellpipe/api/local/: run a compiled package on the Jupyter server's machine.

Authorization (jupyter_server's Authorizer): starting a local run runs code, so it needs what running code
in a kernel needs, `execute` on `kernels`; reading a run's state needs `read` on `kernels`.
A request's `fromStep` (a task of the package) re-runs that step and everything after it, the steps before it
taken from the cache (`cellpipe run --from`). Through the server, only cellpipe step programs run
(`cellpipe/local/command_shape.py`); the package is parsed, checked and started off the IOLoop.

The steps run with the Python of the notebook's kernel (the request's `kernelName`, else the saved notebook's
kernelspec), or the Python the request names (the user's setting): either is checked to be an installed
Python 3 before it runs (`cellpipe/local/interpreter.py`); a notebook naming no kernel runs with the server's.
"""

import inspect
import json
import sys
from typing import Any, TypeVar, overload

import tornado
from jupyter_client.kernelspec import NoSuchKernel
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from ..local.command_shape import check_package_shape
from ..local.interpreter import (
    KERNEL_NAME,
    InterpreterRefused,
    StepPython,
    chosen_python,
    python_of_kernel,
    server_python,
    unlisted_kernelspec,
)
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


async def _kernel_spec(handler: APIHandler, name: str) -> dict[str, Any]:
    """Kernelspec `name` as a dict with its resource_dir (a gateway's manager answers asynchronously).

    jupyter_client lists no kernel whose provisioner is not installed here; its kernel.json is still read, so
    the refusal names the provisioner rather than saying the kernel is missing."""
    manager = handler.kernel_spec_manager
    try:
        spec = manager.get_kernel_spec(name)
        spec = await spec if inspect.isawaitable(spec) else spec
        return {**spec.to_dict(), "resource_dir": spec.resource_dir}
    except NoSuchKernel:
        found = unlisted_kernelspec(list(getattr(manager, "kernel_dirs", [])), name)
        if found is not None:
            return found
        raise InterpreterRefused(
            f"the notebook's kernel {name!r} is not installed on this server (see `jupyter kernelspec list`): "
            "choose a Python in Settings → cellpipe → Local run Python"
        ) from None


def _step_python(python: str, kernel: str | None, spec: dict[str, Any] | None) -> StepPython:
    """The setting's Python when set, else the kernel's, else (no kernel named) the server's; each checked."""
    if python:
        return chosen_python(python, "setting")
    if kernel is None or spec is None:
        return server_python()
    argv, metadata, env = spec.get("argv"), spec.get("metadata"), spec.get("env")
    return python_of_kernel(
        kernel,
        [str(a) for a in argv] if isinstance(argv, list) else [],
        str(spec.get("language") or ""),
        metadata if isinstance(metadata, dict) else None,
        str(spec.get("resource_dir") or ""),
        {str(k): str(v) for k, v in env.items()} if isinstance(env, dict) else None,
    )


def _start(
    service: LocalRunService,
    package: str,
    notebook_path: str,
    parameters: JSONObject | None,
    use_cache: bool,
    python: StepPython | None = None,
    from_step: str | None = None,
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
        return service.start(
            package,
            notebook_path=notebook_path,
            parameters=parameters,
            use_cache=use_cache,
            python=python,
            from_step=from_step,
        )
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
            from_step = (
                _field(body, "fromStep", str, "the task of the step to re-run from", "").strip() or None
            )
            python = _field(body, "python", str, "the path of a Python interpreter", "").strip()
            kernel = _field(body, "kernelName", str, "the name of the notebook's kernel", "").strip() or None
            if kernel is not None and not KERNEL_NAME.fullmatch(kernel):
                raise RequestRefused(
                    400, f"kernelName {kernel[:80]!r} is not a kernel name (letters, digits, ._-)"
                )
            service = _service(self)
            if not python and kernel is None:
                kernel = service.notebook_kernel(notebook_path)
            spec = await _kernel_spec(self, kernel) if kernel and not python else None
            step_python = await off_loop(_step_python, python, kernel, spec)
            run = await off_loop(
                _start, service, package, notebook_path, parameters, use_cache, step_python, from_step
            )
        except RequestRefused as err:
            refuse(self, "local run", err.status, err.message, err.reason)
            return
        except (PackageError, RunError, InterpreterRefused) as err:
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
