"""Handlers under /cellpipe/api/katib/: the server creates and watches Katib Experiments for the Tune dialog.

Authorization is on `cellpipe_kfp` (the same credential-spending resource as KFP): `read` for the status,
an Experiment and its Trials, `write` to create an Experiment. The Kubernetes API and its credential are the
server's in-cluster ones (`katib_client.CellpipeKatib`); the namespace is the KFP settings' one. The browser
sends the Experiment body only.
"""

from __future__ import annotations

import json
from typing import Awaitable, Callable

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from .config import CellpipeKFP
from .katib_client import CellpipeKatib, KatibClient, KatibError
from .packages import JSONObject, RequestRefused, check_size, json_object, limits, off_loop
from .routes import Route, api_route

AUTH_RESOURCE = "cellpipe_kfp"
_CONFIG_KEY = "cellpipe_katib_config"


class KatibHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def katib(self) -> KatibClient:
        found = self.settings.get(_CONFIG_KEY)
        if not isinstance(found, tuple):
            found = self.settings[_CONFIG_KEY] = (
                CellpipeKatib(config=self.config),
                CellpipeKFP(config=self.config),
            )
        katib, kfp = found
        return KatibClient(katib, kfp.namespace)

    async def run(self, call: Callable[[], Awaitable[JSONObject]], created: bool = False) -> None:
        client = self.katib
        try:
            result = await call()
        except KatibError as e:
            self.set_status(e.status)
            self.finish(json.dumps(e.to_json()))
            return
        if created:
            self.set_status(201)
        self.finish(client.scrub(json.dumps(result)))


class KatibStatusHandler(KatibHandler):
    """Whether the server can create Experiments; when not, why. Always 200."""

    @tornado.web.authenticated
    @authorized
    def get(self) -> None:
        client = self.katib
        self.finish(json.dumps(client.availability().to_json(client.namespace)))


class ExperimentsHandler(KatibHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        async def call() -> JSONObject:
            try:
                check_size(self.request.body, limits(self.settings, self.config).max_request_bytes)
                body = await off_loop(json_object, self.request.body)
            except RequestRefused as e:
                raise KatibError(e.status, e.reason, e.message) from None
            return await self.katib.create_experiment(body)

        await self.run(call, created=True)


class ExperimentHandler(KatibHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        await self.run(lambda: self.katib.get_experiment(name))


class TrialsHandler(KatibHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        await self.run(lambda: self.katib.list_trials(name))


def routes(base_url: str) -> list[Route]:
    def route(*parts: str) -> str:
        return api_route(base_url, "katib", *parts)

    ident = r"([^/]+)"
    return [
        (route("status"), KatibStatusHandler),
        (route("experiments"), ExperimentsHandler),
        (route("experiments", ident), ExperimentHandler),
        (route("experiments", ident, "trials"), TrialsHandler),
    ]
