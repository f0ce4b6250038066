"""HTTP handlers under /cellpipe/api/. Each handler parses, calls one method, maps errors.

Feature modules (`kfp_handlers`, `local_handlers`, `bundle_handlers`, ...) each expose `routes(base_url)`,
built with `routes.api_route`; this module only collects them (nothing imports it but the extension's entry
point). Every handler is authenticated and authorized (jupyter_server's `@authorized` on its `auth_resource`);
each module's docstring says which resource and action it needs.
"""

from __future__ import annotations

import json

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado.web import Application

from .. import __version__
from . import (
    bundle_handlers,
    datafile_handlers,
    file_handlers,
    image_handlers,
    katib_handlers,
    kfp_handlers,
    local_handlers,
    local_result_handlers,
)
from .routes import Route, api_route


class ExtensionHealthHandler(APIHandler):
    """Liveness of the extension itself (not of KFP, which is `kfp_handlers.KFPHealthHandler`): answers the
    installed version.

    Needs `read` on `api`, like jupyter_server's own /api/status.
    """

    auth_resource = "api"

    @tornado.web.authenticated
    @authorized
    def get(self) -> None:
        self.finish(json.dumps({"status": "ok", "version": __version__}))


def setup_handlers(web_app: Application) -> None:
    base_url = web_app.settings["base_url"]
    handlers: list[Route] = [(api_route(base_url, "health"), ExtensionHealthHandler)]
    for module in (
        kfp_handlers,
        local_handlers,
        local_result_handlers,
        bundle_handlers,
        datafile_handlers,
        file_handlers,
        image_handlers,
        katib_handlers,
    ):
        handlers += module.routes(base_url)
    web_app.add_handlers(".*$", handlers)
