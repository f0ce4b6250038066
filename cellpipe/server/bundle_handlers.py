"""POST /cellpipe/api/bundles: the notebook's own modules, bundled beside it, for the panel's compiler.

The browser compiles; only the server can read the `.py` files next to the notebook. Request
`{"path": "<notebook path under the server root>", "modules": ["helpers", "numpy", ...]}` (every module
some step imports); answer the compiler's `LocalModules`: `{"local": [...], "bundles": {name: [sha256,
base64]}, "requires": {name: [...]}, "maxBytes": N}` (cellpipe/runtime/bundle.py's `local_modules`).
"""

import json
import os

import tornado
from jupyter_server.base.handlers import APIHandler

from ..runtime.bundle import BundleError, local_modules
from .handlers import api_route


class PathError(ValueError):
    pass


def notebook_dir(root_dir: str, path: str) -> str:
    """The directory of the notebook at `path`, which must stay under root_dir (symlinks resolved)."""
    if path.startswith("RTC:"):  # jupyter-collaboration's drive prefix on the panel's notebook path
        path = path[len("RTC:") :]
    parts = path.replace("\\", "/").split("/")
    if not path or os.path.isabs(path) or path.startswith("/") or ".." in parts:
        raise PathError(f"notebook path {path!r} must be relative to the server's root, without '..'")
    root = os.path.realpath(root_dir)
    folder = os.path.realpath(os.path.join(root, os.path.dirname(path)))
    if os.path.commonpath([folder, root]) != root:
        raise PathError(f"notebook path {path!r} is outside the server's root directory")
    if not os.path.isdir(folder):
        raise PathError(f"no folder for notebook path {path!r}")
    return folder


class BundlesHandler(APIHandler):
    @tornado.web.authenticated
    def post(self):
        body = self.get_json_body() or {}
        path, modules = body.get("path"), body.get("modules")
        exclude = body.get("exclude") or []
        if not isinstance(path, str):
            raise tornado.web.HTTPError(400, "the request has no notebook path ('path')")
        if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
            raise tornado.web.HTTPError(400, "'modules' must be a list of module names")
        if not isinstance(exclude, list) or not all(isinstance(m, str) for m in exclude):
            raise tornado.web.HTTPError(400, "'exclude' must be a list of module names")
        root = self.settings.get("server_root_dir") or os.getcwd()
        try:
            found = local_modules(notebook_dir(root, path), modules, exclude)
        except PathError as err:
            raise tornado.web.HTTPError(403, str(err)) from None
        except BundleError as err:
            raise tornado.web.HTTPError(400, str(err)) from None
        self.finish(json.dumps({"local": sorted(found["bundles"]), **found}))


def routes(base_url: str) -> list:
    return [(api_route(base_url, "bundles"), BundlesHandler)]
