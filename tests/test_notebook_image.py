"""GET /cellpipe/api/notebook-image against a fake Kubernetes API on 127.0.0.1: the server finds its own pod with
the service-account token and answers the notebook container's image, pinned by digest (as Kale does)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from jupyter_server.auth import Authorizer
from tornado.httpclient import HTTPClientError

from cellpipe.server.image_handlers import AUTH_RESOURCE

TOKEN = "sa-token-not-a-secret"
NAMESPACE = "kubeflow-user-alice"
POD = "my-notebook-0"
DIGEST = "registry.example.com/team/nb@sha256:" + "ab" * 32


def notebook_pod(status: bool = True) -> dict:
    pod = {
        "metadata": {"name": POD, "namespace": NAMESPACE},
        "spec": {
            "containers": [
                {"name": "istio-proxy", "image": "istio/proxyv2:1.22"},
                {"name": "my-notebook", "image": "registry.example.com/team/nb:latest"},
            ]
        },
    }
    if status:
        pod["status"] = {
            "containerStatuses": [
                {"name": "istio-proxy", "imageID": "docker-pullable://istio/proxyv2@sha256:" + "00" * 32},
                {"name": "my-notebook", "imageID": "docker-pullable://" + DIGEST},
            ]
        }
    return pod


class FakeKubernetes:
    """The one call the handler makes: GET /api/v1/namespaces/<ns>/pods/<name>, bearer token required."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.pod = notebook_pod()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake.requests.append((self.path, self.headers.get("Authorization")))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    code, body = 401, {"kind": "Status", "code": 401}
                elif fake.status != 200:
                    code, body = fake.status, {"kind": "Status", "code": fake.status}
                elif self.path == f"/api/v1/namespaces/{NAMESPACE}/pods/{POD}":
                    code, body = 200, fake.pod
                else:
                    code, body = 404, {"kind": "Status", "code": 404}
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def kubernetes():
    fake = FakeKubernetes()
    yield fake
    fake.close()


@pytest.fixture
def service_account(tmp_path):
    folder = tmp_path / "serviceaccount"
    folder.mkdir()
    (folder / "token").write_text(TOKEN + "\n")
    (folder / "namespace").write_text(NAMESPACE)
    return folder


@pytest.fixture
def in_pod(monkeypatch):
    """The environment the Kubeflow notebook controller gives the notebook's container."""
    monkeypatch.setenv("HOSTNAME", POD)
    monkeypatch.setenv("NB_PREFIX", f"/notebook/{NAMESPACE}/my-notebook")
    for name in ("JUPYTER_IMAGE_SPEC", "JUPYTER_IMAGE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def jp_server_config(kubernetes, service_account):
    return {
        "ServerApp": {"jpserver_extensions": {"cellpipe": True}},
        "CellpipeNotebookImage": {
            "kubernetes_api": kubernetes.url,
            "service_account_dir": str(service_account),
        },
    }


async def image(jp_fetch) -> dict:
    return json.loads((await jp_fetch("cellpipe", "api", "notebook-image")).body)


async def test_the_notebook_containers_image_pinned_by_digest_and_cached(jp_fetch, kubernetes, in_pod):
    assert await image(jp_fetch) == {
        "image": DIGEST,
        "source": "pod",
        "declared": "registry.example.com/team/nb:latest",
        "detail": None,
    }
    assert kubernetes.requests == [(f"/api/v1/namespaces/{NAMESPACE}/pods/{POD}", f"Bearer {TOKEN}")]
    assert (await image(jp_fetch))["image"] == DIGEST
    assert len(kubernetes.requests) == 1, "a pod's image does not change: asked once per server"


async def test_without_a_digest_the_declared_image(jp_fetch, kubernetes, in_pod):
    kubernetes.pod = notebook_pod(status=False)
    assert (await image(jp_fetch))["image"] == "registry.example.com/team/nb:latest"


async def test_an_api_refusal_says_why_and_is_asked_again(jp_fetch, kubernetes, in_pod):
    kubernetes.status = 403
    first = await image(jp_fetch)
    assert first["image"] is None
    assert first["detail"] == f"the Kubernetes API answered 403 for pod {NAMESPACE}/{POD}"
    kubernetes.status = 200
    assert (await image(jp_fetch))["image"] == DIGEST
    assert len(kubernetes.requests) == 2


async def test_a_pod_with_several_containers_and_no_nb_prefix_is_not_guessed(
    jp_fetch, kubernetes, in_pod, monkeypatch
):
    monkeypatch.delenv("NB_PREFIX")
    kubernetes.pod["spec"]["containers"].append({"name": "exporter", "image": "x:1"})
    answer = await image(jp_fetch)
    assert answer["image"] is None
    assert "istio-proxy, my-notebook, exporter" in answer["detail"]


class TestOffCluster:
    @pytest.fixture
    def jp_server_config(self, tmp_path):
        # The real defaults: no API override, a service-account folder that does not exist here.
        return {
            "ServerApp": {"jpserver_extensions": {"cellpipe": True}},
            "CellpipeNotebookImage": {"service_account_dir": str(tmp_path / "none")},
        }

    async def test_no_image_outside_kubernetes(self, jp_fetch, monkeypatch):
        for name in ("KUBERNETES_SERVICE_HOST", "JUPYTER_IMAGE_SPEC", "JUPYTER_IMAGE"):
            monkeypatch.delenv(name, raising=False)
        assert await image(jp_fetch) == {
            "image": None,
            "source": None,
            "declared": None,
            "detail": "not in a Kubernetes pod",
        }

    async def test_a_jupyterhub_kubespawner_names_the_image(self, jp_fetch, monkeypatch):
        monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
        monkeypatch.setenv("JUPYTER_IMAGE_SPEC", "quay.io/jupyter/scipy-notebook:2024-10-07")
        answer = await image(jp_fetch)
        assert answer["image"] == "quay.io/jupyter/scipy-notebook:2024-10-07"
        assert answer["source"] == "env:JUPYTER_IMAGE_SPEC"


class DenyKFP(Authorizer):
    def is_authorized(self, handler, user, action, resource):
        return resource != AUTH_RESOURCE


class TestAuthorization:
    @pytest.fixture
    def jp_server_config(self, kubernetes, service_account):
        return {
            "ServerApp": {"jpserver_extensions": {"cellpipe": True}, "authorizer_class": DenyKFP},
            "CellpipeNotebookImage": {
                "kubernetes_api": kubernetes.url,
                "service_account_dir": str(service_account),
            },
        }

    async def test_refused_without_the_kfp_resource(self, jp_fetch, kubernetes, in_pod):
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch("cellpipe", "api", "notebook-image")
        assert err.value.code == 403
        assert kubernetes.requests == []
