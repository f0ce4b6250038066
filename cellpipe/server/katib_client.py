"""A small Kubernetes API client for Katib Experiments, using ONLY the server's in-cluster credentials.

The API server is `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT` (or `c.CellpipeKatib.api_server`),
the credential the pod's service-account token, the CA the pod's service-account CA. Nothing of this comes
from a request: the browser sends an Experiment body or a name, never a URL, a token or a namespace
(the namespace is the KFP settings' one, `c.CellpipeKFP.namespace`). See docs/security.md.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from traitlets import Float, Unicode, default
from traitlets.config import Configurable

from .packages import JSONObject

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
GROUP = "/apis/kubeflow.org/v1beta1"
EXPERIMENT_LABEL = "katib.kubeflow.org/experiment"
# Kubernetes object names (RFC 1123 subdomain, as Katib's Experiment names are).
NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")


class CellpipeKatib(Configurable):
    """Where the server finds the Kubernetes API and its in-cluster credential (`c.CellpipeKatib.*`)."""

    api_server = Unicode(
        help="Kubernetes API URL (default https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT)."
    ).tag(config=True)
    token_path = Unicode(f"{SA_DIR}/token", help="The pod's service-account token file.").tag(config=True)
    ca_path = Unicode(f"{SA_DIR}/ca.crt", help="The CA bundle of the Kubernetes API (service account).").tag(
        config=True
    )
    request_timeout = Float(30.0, help="Seconds to wait for the Kubernetes API.").tag(config=True)

    @default("api_server")
    def _api_server(self) -> str:
        host = os.environ.get("KUBERNETES_SERVICE_HOST", "")
        port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
        if not host:
            return ""
        if ":" in host:  # IPv6
            host = f"[{host}]"
        return f"https://{host}:{port}"


class KatibError(Exception):
    def __init__(self, status: int, reason: str, message: str):
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message

    def to_json(self) -> JSONObject:
        return {"reason": self.reason, "message": self.message}


@dataclass
class Availability:
    available: bool
    reason: str = ""
    message: str = ""

    def to_json(self, namespace: str) -> JSONObject:
        return {
            "available": self.available,
            "reason": self.reason,
            "message": self.message,
            "namespace": namespace,
        }


class KatibClient:
    def __init__(self, config: CellpipeKatib, namespace: str, http: AsyncHTTPClient | None = None):
        self.config = config
        self.namespace = namespace
        self._http = http

    @property
    def http(self) -> AsyncHTTPClient:
        if self._http is None:
            self._http = AsyncHTTPClient()
        return self._http

    def availability(self) -> Availability:
        """Whether the server can create Experiments, and if not, why and which setting fixes it."""
        c = self.config
        if not c.api_server:
            return Availability(
                False,
                "no_api_server",
                "The server does not run in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set; "
                "c.CellpipeKatib.api_server): copy or download the Experiment and apply it with kubectl",
            )
        if not c.token_path or not Path(c.token_path).is_file():
            return Availability(
                False,
                "no_credentials",
                f"No service-account token at {c.token_path} (c.CellpipeKatib.token_path): copy or download "
                "the Experiment and apply it with kubectl",
            )
        if not self.namespace:
            return Availability(
                False,
                "no_namespace",
                "No namespace for the Experiment (c.CellpipeKFP.namespace or KF_PIPELINES_NAMESPACE)",
            )
        return Availability(True)

    def _token(self) -> str:
        try:
            return Path(self.config.token_path).read_text(encoding="utf-8").strip()
        except OSError as e:
            raise KatibError(409, "no_credentials", f"Cannot read the service-account token: {e}") from None

    def scrub(self, text: str) -> str:
        """Defence in depth: the token never reaches the browser, even echoed by the API."""
        try:
            token = self._token()
        except KatibError:
            return text
        return text.replace(token, "***") if token else text

    def _path(self, *parts: str) -> str:
        return f"{GROUP}/namespaces/{quote(self.namespace, safe='')}/" + "/".join(
            quote(p, safe="") for p in parts
        )

    async def _call(self, method: str, path: str, body: JSONObject | None = None) -> JSONObject:
        state = self.availability()
        if not state.available:
            raise KatibError(409, state.reason, state.message)
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        ca = self.config.ca_path if self.config.ca_path and Path(self.config.ca_path).is_file() else None
        request = HTTPRequest(
            self.config.api_server.rstrip("/") + path,
            method=method,
            headers=headers,
            body=payload,
            follow_redirects=False,
            ca_certs=ca,
            request_timeout=self.config.request_timeout,
        )
        try:
            response = await self.http.fetch(request, raise_error=False)
        except Exception as cause:  # connection, TLS, timeout
            raise KatibError(
                502, "unreachable", f"The Kubernetes API ({self.config.api_server}) did not answer: {cause}"
            ) from None
        try:
            answer = json.loads(response.body or b"{}")
        except ValueError:
            answer = {}
        if 200 <= response.code < 300:
            if not isinstance(answer, dict):
                raise KatibError(502, "bad_response", "The Kubernetes API answered with a non-object")
            return answer
        message = answer.get("message") if isinstance(answer, dict) else None
        status = response.code if response.code in (400, 401, 403, 404, 409, 422) else 502
        raise KatibError(
            status,
            "kubernetes_error",
            f"The Kubernetes API answered {response.code}: {message or response.reason}",
        )

    async def create_experiment(self, experiment: JSONObject) -> JSONObject:
        check_experiment(experiment, self.namespace)
        body = dict(experiment)
        body["metadata"] = {**experiment["metadata"], "namespace": self.namespace}
        return await self._call("POST", self._path("experiments"), body)

    async def get_experiment(self, name: str) -> JSONObject:
        check_name(name)
        return await self._call("GET", self._path("experiments", name))

    async def list_trials(self, name: str) -> JSONObject:
        check_name(name)
        query = urlencode({"labelSelector": f"{EXPERIMENT_LABEL}={name}"})
        return await self._call("GET", self._path("trials") + "?" + query)


def check_name(name: str) -> None:
    if not NAME.match(name or ""):
        raise KatibError(
            400, "bad_request", f'"{name}" is not a Kubernetes object name (lowercase, digits, "-")'
        )


def check_experiment(experiment: JSONObject, namespace: str) -> None:
    """The body must be one Katib v1beta1 Experiment in the server's namespace; the API does the rest."""
    if experiment.get("apiVersion") != "kubeflow.org/v1beta1" or experiment.get("kind") != "Experiment":
        raise KatibError(
            400, "bad_request", 'The body must be a Katib Experiment (apiVersion "kubeflow.org/v1beta1")'
        )
    metadata = experiment.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str):
        raise KatibError(400, "bad_request", "The Experiment has no metadata.name")
    check_name(metadata["name"])
    asked = metadata.get("namespace")
    if asked not in (None, "", namespace):
        raise KatibError(
            400,
            "bad_request",
            f'The Experiment names namespace "{asked}"; the server creates it in "{namespace}" only',
        )
    if not isinstance(experiment.get("spec"), dict):
        raise KatibError(400, "bad_request", "The Experiment has no spec")
    check_trial_pod(experiment["spec"].get("trialTemplate"))


# What a trial pod may not ask for: the Experiment is created with the Jupyter server's service account, so
# a body from the browser must not reach the node or another identity through it. cellpipe's own trial Job
# sets none of these.
_POD_REFUSED = {
    "hostPath": "a hostPath volume",
    "hostNetwork": "the node's network (hostNetwork)",
    "hostPID": "the node's process namespace (hostPID)",
    "hostIPC": "the node's IPC namespace (hostIPC)",
    "serviceAccountName": "another service account (serviceAccountName)",
    "serviceAccount": "another service account (serviceAccount)",
    "privileged": "a privileged container",
    "allowPrivilegeEscalation": "privilege escalation (allowPrivilegeEscalation)",
    "capabilities": "added Linux capabilities",
    "nodeName": "a given node (nodeName)",
}


def check_trial_pod(template: object, where: str = "spec.trialTemplate") -> None:
    """Refuse a trial template that asks for the node or another identity (named in the 400)."""
    if isinstance(template, dict):
        for key, value in template.items():
            path = f"{where}.{key}"
            if key in _POD_REFUSED and value not in (None, False, "", {}, []):
                if key == "capabilities" and isinstance(value, dict) and not value.get("add"):
                    continue
                raise KatibError(
                    400,
                    "bad_request",
                    f"The trial pod asks for {_POD_REFUSED[key]} at {path}; the server does not create "
                    "Experiments that do (download the YAML and apply it with your own credentials)",
                )
            check_trial_pod(value, path)
    elif isinstance(template, list):
        for i, item in enumerate(template):
            check_trial_pod(item, f"{where}[{i}]")
