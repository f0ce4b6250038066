"""GET /cellpipe/api/notebook-image: the image this notebook server runs in, the steps' default image (as in Kale).

Inside a Kubeflow notebook server the server reads its own pod from the Kubernetes API with the pod's
service-account token (`GET /api/v1/namespaces/<ns>/pods/<HOSTNAME>`) and answers the image of the notebook's
container: the one named like the notebook (the last part of `NB_PREFIX`, which the Kubeflow notebook controller
sets to `/notebook/<namespace>/<name>` — it sets no variable with the image), else the only container, else
`main`. As Kale does, the image is pinned by digest when the pod's status has one (`imageID`), so a tag pushed
again later does not change what the steps run; the declared reference is answered beside it.

Outside Kubernetes, a JupyterHub KubeSpawner's `JUPYTER_IMAGE_SPEC`/`JUPYTER_IMAGE` still names the image; with
neither, the answer is `{"image": null}` and the panel keeps its settings' default. The answer is cached for the
server's life (a pod's image does not change); a failed lookup is not cached and says why in `detail`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Mapping

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from traitlets import Float, Unicode
from traitlets.config import Configurable

from .packages import JSONObject
from .routes import Route, api_route

# Reading the server's own pod serves KFP runs: the same authorization resource as the KFP handlers.
AUTH_RESOURCE = "cellpipe_kfp"
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
_CACHE_KEY = "cellpipe_notebook_image"
_SIDECARS = ("istio-proxy", "proxy", "sidecar", "wait")


class CellpipeNotebookImage(Configurable):
    """Where the notebook server finds its own pod (`c.CellpipeNotebookImage.*`); the defaults are in-cluster."""

    kubernetes_api = Unicode(
        "",
        help="Kubernetes API base URL; default https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT",
    ).tag(config=True)
    service_account_dir = Unicode(
        SERVICE_ACCOUNT_DIR, help="Folder with the pod's service-account token, namespace and ca.crt"
    ).tag(config=True)
    timeout = Float(5.0, help="Seconds to wait for the Kubernetes API").tag(config=True)


class ImageLookupError(Exception):
    pass


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def api_base(config: CellpipeNotebookImage, environ: Mapping[str, str]) -> str | None:
    if config.kubernetes_api:
        return config.kubernetes_api.rstrip("/")
    host = environ.get("KUBERNETES_SERVICE_HOST")
    if not host:
        return None
    port = environ.get("KUBERNETES_SERVICE_PORT", "443")
    return f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"


def container_of(pod: JSONObject, environ: Mapping[str, str]) -> JSONObject:
    """The notebook's container in the pod: named as in NB_PREFIX, else the only one, else `main`."""
    containers = [c for c in (pod.get("spec") or {}).get("containers") or [] if isinstance(c, dict)]
    if not containers:
        raise ImageLookupError("the pod has no containers")
    prefix = (environ.get("NB_PREFIX") or "").rstrip("/")
    wanted = prefix.rsplit("/", 1)[-1] if prefix else ""
    by_name = {c.get("name"): c for c in containers}
    if wanted in by_name:
        return by_name[wanted]
    if len(containers) == 1:
        return containers[0]
    if "main" in by_name:
        return by_name["main"]
    candidates = [c for c in containers if not any(s in str(c.get("name")) for s in _SIDECARS)]
    if len(candidates) == 1:
        return candidates[0]
    names = ", ".join(str(c.get("name")) for c in containers)
    raise ImageLookupError(f"cannot tell the notebook's container among {names} (NB_PREFIX={prefix!r})")


def pinned_image(pod: JSONObject, name: str) -> str | None:
    """`repo@sha256:…` from the container's status, when the runtime reports a pullable digest."""
    for status in (pod.get("status") or {}).get("containerStatuses") or []:
        if isinstance(status, dict) and status.get("name") == name:
            image_id = str(status.get("imageID") or "")
            image_id = image_id.removeprefix("docker-pullable://")
            # A bare `sha256:…` (an image built on the node) names nothing a registry serves.
            if "@sha256:" in image_id and "://" not in image_id:
                return image_id
    return None


async def find_notebook_image(
    config: CellpipeNotebookImage, environ: Mapping[str, str] = os.environ
) -> JSONObject:
    """`{"image", "source", "declared", "detail"}`; `image` is None when this server is not in a known pod."""
    base = api_base(config, environ)
    sa = Path(config.service_account_dir)
    token = _read(sa / "token") if base else None
    if not base or not token:
        for variable in ("JUPYTER_IMAGE_SPEC", "JUPYTER_IMAGE"):
            if environ.get(variable):
                image = environ[variable]
                return {"image": image, "source": f"env:{variable}", "declared": image, "detail": None}
        why = "not in a Kubernetes pod" if not base else f"no service-account token in {sa}"
        return {"image": None, "source": None, "declared": None, "detail": why}
    namespace = _read(sa / "namespace")
    pod_name = environ.get("HOSTNAME")
    if not namespace or not pod_name:
        missing = "the namespace file" if not namespace else "HOSTNAME"
        raise ImageLookupError(f"cannot name this server's pod: {missing} is missing")
    ca = sa / "ca.crt"
    request = HTTPRequest(
        f"{base}/api/v1/namespaces/{namespace}/pods/{pod_name}",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        ca_certs=str(ca) if base.startswith("https:") and ca.is_file() else None,
        request_timeout=config.timeout,
        connect_timeout=config.timeout,
    )
    try:
        response = await AsyncHTTPClient().fetch(request)
    except HTTPClientError as err:
        raise ImageLookupError(
            f"the Kubernetes API answered {err.code} for pod {namespace}/{pod_name}"
        ) from None
    except OSError as err:
        raise ImageLookupError(f"cannot reach the Kubernetes API: {err.strerror or err}") from None
    try:
        pod = json.loads(response.body)
    except ValueError:
        raise ImageLookupError("the Kubernetes API answered something that is not JSON") from None
    if not isinstance(pod, dict):
        raise ImageLookupError("the Kubernetes API answered something that is not a pod")
    container = container_of(pod, environ)
    declared = container.get("image")
    if not isinstance(declared, str) or not declared:
        raise ImageLookupError(f"container {container.get('name')!r} of pod {pod_name} has no image")
    image = pinned_image(pod, str(container.get("name"))) or declared
    return {"image": image, "source": "pod", "declared": declared, "detail": None}


class NotebookImageHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        cached = self.settings.get(_CACHE_KEY)
        if cached is None:
            try:
                cached = await find_notebook_image(CellpipeNotebookImage(config=self.config))
            except ImageLookupError as err:
                # Not cached: the API may answer next time (RBAC fixed, pod status filled in).
                self.finish(json.dumps({"image": None, "source": None, "declared": None, "detail": str(err)}))
                return
            self.settings[_CACHE_KEY] = cached
        self.finish(json.dumps(cached))


def routes(base_url: str) -> list[Route]:
    return [(api_route(base_url, "notebook-image"), NotebookImageHandler)]
