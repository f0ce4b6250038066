"""Handlers under /cellpipe/api/kfp/: parse the request, call one KFPClient method, map errors to HTTP.

Every handler needs Jupyter authentication; POSTs also need the XSRF token (APIHandler checks it).
Authorization (jupyter_server's Authorizer) is on our own resource `cellpipe_kfp`: `read` for the GETs
(health, status, experiments, pipelines, runs, schedules), `write` for the POSTs and the DELETE (create an
experiment, upload a pipeline or a version, start, terminate or retry a run; create, enable, disable or delete
a schedule). An admin who must keep a user from spending the server's KFP
credential denies that user `cellpipe_kfp`.
No URL or credential ever comes from the browser: the endpoint is the server's configuration (a user's
JupyterLab setting only when the admin allows it, and then only an https host on the admin's list).
Request bodies are capped (c.CellpipeLimits.max_request_bytes, 413) and parsed off the IOLoop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Awaitable, Callable

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from .config import CellpipeKFP, EndpointRefused
from .kfp_client import KFPClient, KFPError, Schedule, unreachable_status
from .packages import JSONObject, RequestRefused, check_size, json_object, limits, off_loop
from .routes import Route, api_route

AUTH_RESOURCE = "cellpipe_kfp"

_CLIENT_KEY = "cellpipe_kfp_client"


@dataclass
class _Connection:
    """The server's KFP configuration and the client made for its current endpoint (kept in the settings)."""

    config: CellpipeKFP
    client: KFPClient | None = None


class KFPHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def connection(self) -> _Connection:
        connection = self.settings.get(_CLIENT_KEY)
        if not isinstance(connection, _Connection):
            connection = self.settings[_CLIENT_KEY] = _Connection(CellpipeKFP(config=self.config))
        return connection

    @property
    def kfp(self) -> KFPClient:
        """One client per endpoint; a new one when the user's JupyterLab setting changes it.

        A user endpoint the admin does not allow is a KFPError: no request is made, no credential sent.
        """
        connection = self.connection
        config, client = connection.config, connection.client
        try:
            endpoint = (config.user_endpoint() or config.endpoint).rstrip("/")
        except EndpointRefused as e:
            raise KFPError(400, "endpoint_refused", str(e)) from None
        if client is None or client.settings.endpoint != endpoint:
            client = connection.client = KFPClient(config.settings())
        return client

    async def body(self) -> JSONObject:
        """The request's JSON object: size-capped, parsed off the IOLoop."""
        try:
            check_size(self.request.body, limits(self.settings, self.config).max_request_bytes)
            return await off_loop(json_object, self.request.body)
        except RequestRefused as e:
            raise KFPError(e.status, e.reason, e.message) from None

    def parameters(self, data: JSONObject) -> JSONObject:
        """The body's `parameters`: an object of name → value (absent: none)."""
        parameters = data.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise KFPError(400, "bad_request", 'Field "parameters" must be an object of name → value')
        return parameters

    def text(self, data: JSONObject, field: str, required: bool = False) -> str:
        value = data.get(field, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise KFPError(400, "bad_request", f'Field "{field}" must be a string')
        if required and not value:
            raise KFPError(400, "bad_request", f'Field "{field}" is required')
        return value

    def namespace(self, data: JSONObject | None = None) -> str | None:
        if data is not None:
            return self.text(data, "namespace") or None
        return self.get_query_argument("namespace", None) or None

    async def run(self, call: Callable[[], Awaitable[object]]) -> None:
        """Awaits `call()` (an async function that parses and calls KFP); every KFPError, from parsing the
        request or from KFP, is answered as JSON with its status."""
        try:
            result = await call()
        except KFPError as e:
            self.set_status(e.status)
            self.finish(json.dumps(e.to_json()))
            return
        # Defence in depth: even a KFP answer that echoes a credential never reaches the browser.
        self.finish(self.kfp.scrub(json.dumps(result)))


class KFPHealthHandler(KFPHandler):
    """Whether the configured KFP answers (GET /apis/v2beta1/healthz), with the connection it used, no secrets."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        await self.run(lambda: self.kfp.health())


class KFPStatusHandler(KFPHandler):
    """What the panel shows about the connection: endpoint, where it is set, auth mode, namespace, and whether
    KFP answers — when not, why and the settings that fix it. Always 200: an unreachable KFP is a state here,
    not a failure of this request. Never the credential."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        config = self.connection.config
        source = config.endpoint_source()
        try:
            client = self.kfp
        except KFPError as e:  # the user's endpoint is refused: nothing is sent anywhere
            where = {"endpoint": "", "ui_endpoint": "", "namespace": config.namespace or None}
            answer = unreachable_status({**where, "auth_mode": config.auth_mode}, e)
            self.finish(json.dumps({**answer, "endpoint_source": source}))
            return
        answer = await client.status()
        self.finish(client.scrub(json.dumps({**answer, "endpoint_source": source})))


class ExperimentsHandler(KFPHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        await self.run(lambda: self.kfp.list_experiments(self.namespace()))

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        async def call() -> object:
            data = await self.body()
            return await self.kfp.create_experiment(
                self.text(data, "name", required=True), self.namespace(data), self.text(data, "description")
            )

        await self.run(call)


class PipelinesHandler(KFPHandler):
    """GET ?name=: the pipeline of that name (or null). POST: upload a package as a pipeline, or as a
    new version of the pipeline of that name."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        async def call() -> object:
            name = self.get_query_argument("name", "")
            if not name:
                raise KFPError(400, "bad_request", 'Query argument "name" is required')
            return await _wrap("pipeline", self.kfp.find_pipeline(name, self.namespace()))

        await self.run(call)

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        async def call() -> object:
            data = await self.body()
            return await self.kfp.publish(
                self.text(data, "package", required=True),
                self.text(data, "name", required=True),
                self.text(data, "description"),
                self.namespace(data),
                self.text(data, "version_name"),
            )

        await self.run(call)


class PipelineVersionsHandler(KFPHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self, pipeline_id: str) -> None:
        async def call() -> object:
            data = await self.body()
            return await self.kfp.upload_pipeline_version(
                self.text(data, "package", required=True),
                pipeline_id,
                self.text(data, "version_name"),
                self.text(data, "description"),
            )

        await self.run(call)


class RunsHandler(KFPHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        async def call() -> object:
            size = self.get_query_argument("page_size", "20")
            if not size.isdigit() or not 0 < int(size) <= 200:
                raise KFPError(400, "bad_request", "page_size must be a whole number from 1 to 200")
            return await self.kfp.list_runs(
                self.namespace(),
                self.get_query_argument("experiment_id", ""),
                self.get_query_argument("pipeline_id", ""),
                int(size),
            )

        await self.run(call)

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        async def call() -> object:
            data = await self.body()
            return await self.kfp.create_run(
                display_name=self.text(data, "name", required=True),
                experiment_id=self.text(data, "experiment_id"),
                pipeline_id=self.text(data, "pipeline_id"),
                pipeline_version_id=self.text(data, "pipeline_version_id"),
                package=self.text(data, "package"),
                parameters=self.parameters(data),
                pipeline_root=self.text(data, "pipeline_root"),
                namespace=self.namespace(data),
            )

        await self.run(call)


class RunHandler(KFPHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        await self.run(lambda: self.kfp.get_run(run_id))


class RunActionHandler(KFPHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self, run_id: str, action: str) -> None:
        if action == "terminate":
            await self.run(lambda: self.kfp.terminate_run(run_id))
        else:
            await self.run(lambda: self.kfp.retry_run(run_id))


class RecurringRunsHandler(KFPHandler):
    """GET: the schedules of a namespace, experiment or pipeline. POST: a new schedule (cron or interval)."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        await self.run(
            lambda: self.kfp.list_recurring_runs(
                self.namespace(),
                self.get_query_argument("experiment_id", ""),
                self.get_query_argument("pipeline_id", ""),
            )
        )

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        async def call() -> object:
            data = await self.body()
            return await self.kfp.create_recurring_run(
                display_name=self.text(data, "name", required=True),
                schedule=Schedule.parse(data),
                experiment_id=self.text(data, "experiment_id"),
                pipeline_id=self.text(data, "pipeline_id"),
                pipeline_version_id=self.text(data, "pipeline_version_id"),
                package=self.text(data, "package"),
                parameters=self.parameters(data),
                description=self.text(data, "description"),
                namespace=self.namespace(data),
            )

        await self.run(call)


class RecurringRunHandler(KFPHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, recurring_run_id: str) -> None:
        await self.run(lambda: self.kfp.get_recurring_run(recurring_run_id))

    @tornado.web.authenticated
    @authorized
    async def delete(self, recurring_run_id: str) -> None:
        await self.run(lambda: self.kfp.delete_recurring_run(recurring_run_id))


class RecurringRunRunsHandler(KFPHandler):
    """GET: the newest runs one schedule started (`page_size`, 1 to 50, default 5)."""

    @tornado.web.authenticated
    @authorized
    async def get(self, recurring_run_id: str) -> None:
        async def call() -> object:
            size = self.get_query_argument("page_size", "5")
            if not size.isdigit() or not 0 < int(size) <= 50:
                raise KFPError(400, "bad_request", "page_size must be a whole number from 1 to 50")
            return await self.kfp.list_recurring_run_runs(recurring_run_id, self.namespace(), int(size))

        await self.run(call)


class RecurringRunActionHandler(KFPHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self, recurring_run_id: str, action: str) -> None:
        await self.run(lambda: self.kfp.set_recurring_run_enabled(recurring_run_id, action == "enable"))


async def _wrap(key: str, call: Awaitable[object]) -> JSONObject:
    """`{key: result}`, so that a missing thing is `{key: null}` rather than a bare `null`."""
    return {key: await call}


def routes(base_url: str) -> list[Route]:
    def route(*parts: str) -> str:
        return api_route(base_url, "kfp", *parts)

    ident = r"([^/]+)"
    return [
        (route("health"), KFPHealthHandler),
        (route("status"), KFPStatusHandler),
        (route("experiments"), ExperimentsHandler),
        (route("pipelines"), PipelinesHandler),
        (route("pipelines", ident, "versions"), PipelineVersionsHandler),
        (route("runs"), RunsHandler),
        (route("runs", ident), RunHandler),
        (route("runs", ident, "(terminate|retry)"), RunActionHandler),
        (route("recurringruns"), RecurringRunsHandler),
        (route("recurringruns", ident), RecurringRunHandler),
        (route("recurringruns", ident, "(enable|disable)"), RecurringRunActionHandler),
        (route("recurringruns", ident, "runs"), RecurringRunRunsHandler),
    ]
