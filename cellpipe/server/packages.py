"""What every posted request must pass before the server does real work on it: a size cap, a JSON object,
and for a pipeline package, YAML without anchors or aliases.

An alias makes a few hundred bytes of YAML expand to hundreds of MB once anything walks or serializes it
(KFP's run body, the local runner's cache key); neither cellpipe's compiler nor the KFP SDK writes one, so
a package that has one is refused rather than expanded. Parsing runs off the IOLoop (`off_loop`); a
handler answers a refusal with `refuse`.
"""

from __future__ import annotations

import json
from typing import Any, Callable, TypeVar

import yaml
from jupyter_server.base.handlers import APIHandler
from tornado.ioloop import IOLoop
from traitlets import Int
from traitlets.config import Configurable

# Re-exported: the handlers word a value's kind as the local runner's package check does.
from ..local.command_shape import type_name as type_name

T = TypeVar("T")

JSONObject = dict[str, Any]
"""A JSON object as `json.loads` (or a YAML mapping as the safe loader) makes it: its values are any JSON."""

# libyaml's C parser when PyYAML has it: packages embed the runtime as long block scalars.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CellpipeLimits(Configurable):
    """Bounds on what one request may make the server do (`c.CellpipeLimits.*`)."""

    max_request_bytes = Int(
        8 * 1024 * 1024,
        help="Largest request body (a compiled pipeline package and its fields) the cellpipe API accepts (413).",
    ).tag(config=True)
    max_bundle_modules = Int(
        1000, help="Most module names one /cellpipe/api/bundles request may ask about (400)."
    ).tag(config=True)


class RequestRefused(Exception):
    """A request the server will not act on: `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, reason: str = "bad_request"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason


def refuse(handler: APIHandler, what: str, status: int, message: str, reason: str = "bad_request") -> None:
    """Answers the JSON error APIHandler writes, without tornado's %-formatting of the message, and logs it."""
    handler.log.warning("cellpipe %s refused (%d): %s", what, status, message)
    handler.set_status(status)
    handler.finish(json.dumps({"message": message, "reason": reason}))


def limits(settings: dict[str, Any], config: dict[str, Any] | None) -> CellpipeLimits:
    """One `CellpipeLimits` per server (the web app's settings hold it; `config` is the server's traitlets Config)."""
    found = settings.get("cellpipe_limits")
    if not isinstance(found, CellpipeLimits):
        found = settings["cellpipe_limits"] = CellpipeLimits(config=config)
    return found


def check_size(body: bytes, max_bytes: int) -> None:
    if len(body) > max_bytes:
        raise RequestRefused(
            413,
            f"The request is {len(body)} bytes, over the {max_bytes}-byte limit of the cellpipe API "
            "(c.CellpipeLimits.max_request_bytes)",
            "too_large",
        )


def json_object(body: bytes) -> JSONObject:
    """The body as a JSON object; anything else is a 400 that says what was expected."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise RequestRefused(400, "The request body is not JSON") from None
    if not isinstance(data, dict):
        raise RequestRefused(400, f"The request body must be a JSON object, not {type_name(data)}")
    return data


def refuse_yaml_aliases(text: str) -> None:
    """Raises RequestRefused(400) at the first anchor or alias of the YAML (named with its line)."""
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor:
                kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
                line = f" (line {event.start_mark.line + 1})" if event.start_mark else ""
                raise RequestRefused(
                    400,
                    f"The pipeline package uses a YAML {kind}{anchor}{line}; "
                    "packages must not use anchors or aliases (cellpipe and the KFP SDK never write them)",
                )
    except yaml.YAMLError as err:
        raise RequestRefused(400, f"The pipeline package is not valid YAML: {err}") from None


def load_package_documents(text: str) -> tuple[JSONObject, JSONObject]:
    """(PipelineSpec, platform spec) of a package without aliases; RequestRefused(400) naming what is wrong."""
    refuse_yaml_aliases(text)
    try:
        docs = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.YAMLError as err:
        raise RequestRefused(400, f"The pipeline package is not valid YAML: {err}") from None
    if not docs or not isinstance(docs[0], dict) or "root" not in docs[0]:
        raise RequestRefused(
            400, "The pipeline package has no PipelineSpec (no `root` in its first document)"
        )
    if not isinstance(docs[0]["root"], dict):
        raise RequestRefused(
            400,
            f'Field "root" of the pipeline package must be a mapping (the root DAG), not {type_name(docs[0]["root"])}',
        )
    platform: JSONObject = {}
    for doc in docs[1:]:
        if not isinstance(doc, dict):
            raise RequestRefused(400, "A platform spec document of the pipeline package is not a mapping")
        platform.update(doc)
    return docs[0], platform


async def off_loop(fn: Callable[..., T], *args: object) -> T:
    """`fn(*args)` on the IOLoop's thread pool: the loop keeps serving other requests meanwhile."""
    return await IOLoop.current().run_in_executor(None, fn, *args)
