"""HTTP handlers under /cellpipe/api/. Each handler parses, calls one method, maps errors.

Feature modules (`kfp_handlers`, `local_handlers`, `bundle_handlers`, ...) each expose `routes(base_url)`;
this module only collects them. Every handler is authenticated and authorized (jupyter_server's
`@authorized` on its `auth_resource`); each module's docstring says which resource and action it needs.
"""

import json

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from .. import __version__

API_PREFIX = ("cellpipe", "api")


def api_route(base_url: str, *parts: str) -> str:
    return url_path_join(base_url, *API_PREFIX, *parts)


class HealthHandler(APIHandler):
    """Liveness of the extension itself (not of KFP): answers the installed version.

    Needs `read` on `api`, like jupyter_server's own /api/status.
    """

    auth_resource = "api"

    @tornado.web.authenticated
    @authorized
    def get(self):
        self.finish(json.dumps({"status": "ok", "version": __version__}))


def setup_handlers(web_app) -> None:
    from . import (
        bundle_handlers,
        datafile_handlers,
        file_handlers,
        image_handlers,
        kfp_handlers,
        local_handlers,
    )

    base_url = web_app.settings["base_url"]
    handlers = [(api_route(base_url, "health"), HealthHandler)]
    handlers += kfp_handlers.routes(base_url)
    handlers += local_handlers.routes(base_url)
    handlers += bundle_handlers.routes(base_url)
    handlers += datafile_handlers.routes(base_url)
    handlers += file_handlers.routes(base_url)
    handlers += image_handlers.routes(base_url)
    web_app.add_handlers(".*$", handlers)
