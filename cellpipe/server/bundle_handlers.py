"""POST /cellpipe/api/bundles: the notebook's own modules, bundled beside it, for the panel's compiler.

The browser compiles; only the server can read the `.py` files next to the notebook. Request
`{"path": "<notebook path under the server root>", "modules": ["helpers", "numpy", ...]}` (every module
some step imports); answer the compiler's `LocalModules`: `{"local": [...], "bundles": {name: [sha256,
base64]}, "requires": {name: [...]}, "maxBytes": N}` (cellpipe/runtime/bundle.py's `local_modules`).

It only reads files, so it needs `read` on `contents` (jupyter_server's Authorizer). A module file whose
real path leaves the notebook's folder (a symlink out) is refused, naming it. The walk and the zipping run
off the IOLoop; the number of module names is capped (c.CellpipeLimits.max_bundle_modules).
"""

import json
import os

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from ..runtime.bundle import BundleError, local_modules
from .notebook_path import PathError, notebook_dir
from .packages import JSONObject, RequestRefused, check_size, json_object, limits, off_loop, refuse, type_name
from .routes import Route, api_route

AUTH_RESOURCE = "contents"


def _names(body: JSONObject, field: str, required: bool) -> list[str]:
    value = body.get(field)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(m, str) for m in value):
        got = type_name(value) if not isinstance(value, list) else "a list with a non-string item"
        raise RequestRefused(400, f'Field "{field}" must be a list of module names, not {got}')
    return value


class BundlesHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @tornado.web.authenticated
    @authorized(action="read")
    async def post(self) -> None:
        bounds = limits(self.settings, self.config)
        try:
            check_size(self.request.body, bounds.max_request_bytes)
            body = await off_loop(json_object, self.request.body)
            path = body.get("path")
            if not isinstance(path, str):
                raise RequestRefused(
                    400,
                    f"the request has no notebook path ('path'): a string is needed, not {type_name(path)}",
                )
            modules = _names(body, "modules", required=True)
            exclude = _names(body, "exclude", required=False)
            if len(modules) > bounds.max_bundle_modules:
                raise RequestRefused(
                    400,
                    f'Field "modules" names {len(modules)} modules, over the limit of '
                    f"{bounds.max_bundle_modules} (c.CellpipeLimits.max_bundle_modules)",
                )
            root = self.settings.get("server_root_dir") or os.getcwd()
            folder = notebook_dir(root, path)
            found = await off_loop(local_modules, folder, modules, exclude)
        except RequestRefused as err:
            refuse(self, "bundles", err.status, err.message, err.reason)
            return
        except PathError as err:
            refuse(self, "bundles", 403, str(err), "forbidden")
            return
        except BundleError as err:
            refuse(self, "bundles", 400, str(err))
            return
        self.finish(json.dumps({"local": sorted(found["bundles"]), **found}))


def routes(base_url: str) -> list[Route]:
    return [(api_route(base_url, "bundles"), BundlesHandler)]
