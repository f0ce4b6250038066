"""Where cellpipe's handlers live on the Jupyter server: every URL is `<base_url>/cellpipe/api/<parts>`.

Each handler module builds its routes with `api_route` and exposes `routes(base_url)`; `handlers.py`
collects them. This module imports no handler, so no handler module imports back up into the collector.
"""

from __future__ import annotations

from jupyter_server.utils import url_path_join
from tornado.web import RequestHandler

API_PREFIX = ("cellpipe", "api")

Route = tuple[str, type[RequestHandler]]
"""(URL pattern, handler class), as tornado's `add_handlers` takes them."""


def api_route(base_url: str, *parts: str) -> str:
    return url_path_join(base_url, *API_PREFIX, *parts)
