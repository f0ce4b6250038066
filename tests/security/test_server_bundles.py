"""Issue 13, items 4 and 14: bundles never follow a symlink out of the notebook's folder; the bundles
request is bounded and its walk/zip run off the IOLoop (a concurrent request is answered meanwhile)."""

import asyncio
import base64
import io
import json
import threading
import zipfile

import pytest
from tornado.httpclient import HTTPClientError

from cellpipe.runtime import bundle
from cellpipe.server import bundle_handlers

SECRET = 'KEY = "s3cr3t-do-not-ship"\n'


@pytest.fixture
def layout(tmp_path):
    """`nb/` is the notebook's folder; `secret/` beside it is outside."""
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "keys.py").write_text(SECRET)
    (tmp_path / "nb").mkdir()
    return tmp_path


def zip_names(b64: str) -> list:
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(b64))) as zf:
        return sorted(zf.namelist())


def test_a_package_file_symlinked_out_is_refused_naming_it(layout):
    nb = layout / "nb"
    (nb / "pkg").mkdir()
    (nb / "pkg" / "__init__.py").write_text("X = 1\n")
    (nb / "pkg" / "keys.py").symlink_to(layout / "secret" / "keys.py")
    with pytest.raises(bundle.BundleError, match=r"local module 'pkg': pkg/keys\.py leads outside"):
        bundle.local_modules(str(nb), ["pkg"])
    with pytest.raises(bundle.BundleError, match=r"pkg/keys\.py"):
        bundle.make_bundle(str(nb), ["pkg"])


def test_a_module_file_or_package_folder_symlinked_out_is_refused(layout):
    nb = layout / "nb"
    (nb / "keys.py").symlink_to(layout / "secret" / "keys.py")
    with pytest.raises(bundle.BundleError, match=r"keys\.py leads outside the notebook's folder"):
        bundle.local_modules(str(nb), ["keys"])
    (nb / "secretpkg").symlink_to(layout / "secret")
    with pytest.raises(bundle.BundleError, match=r"secretpkg/keys\.py leads outside"):
        bundle.local_modules(str(nb), ["secretpkg"])


def test_a_symlink_that_stays_inside_is_bundled(layout):
    nb = layout / "nb"
    (nb / "pkg").mkdir()
    (nb / "pkg" / "__init__.py").write_text("X = 1\n")
    (nb / "shared").mkdir()
    (nb / "shared" / "util.py").write_text("U = 1\n")
    (nb / "pkg" / "util.py").symlink_to(nb / "shared" / "util.py")
    found = bundle.local_modules(str(nb), ["pkg"])
    assert zip_names(found["bundles"]["pkg"][1]) == ["pkg/__init__.py", "pkg/util.py"]


# --- through the server


@pytest.fixture
def project(jp_root_dir):
    nb = jp_root_dir / "work"
    (nb / "pkg").mkdir(parents=True)
    (nb / "pkg" / "__init__.py").write_text("from . import keys\n")
    return nb


async def post_bundles(jp_fetch, body):
    return await jp_fetch("cellpipe", "api", "bundles", method="POST", body=json.dumps(body))


async def test_the_handler_refuses_a_symlink_out_of_the_server_root(jp_fetch, project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "keys.py"
    outside.write_text(SECRET)
    (project / "pkg" / "keys.py").symlink_to(outside)
    with pytest.raises(HTTPClientError) as err:
        await post_bundles(jp_fetch, {"path": "work/pipeline.ipynb", "modules": ["pkg"]})
    assert err.value.code == 400
    body = err.value.response.body.decode()
    assert "pkg/keys.py leads outside the notebook's folder" in json.loads(body)["message"]
    assert base64.b64encode(SECRET.encode()).decode()[:16] not in body


async def test_the_handler_caps_the_number_of_modules(jp_fetch, project, jp_serverapp):
    jp_serverapp.web_app.settings.pop("cellpipe_limits", None)
    jp_serverapp.config.CellpipeLimits.max_bundle_modules = 5
    try:
        with pytest.raises(HTTPClientError) as err:
            await post_bundles(
                jp_fetch, {"path": "work/pipeline.ipynb", "modules": [f"m{i}" for i in range(6)]}
            )
        assert err.value.code == 400
        assert (
            'Field "modules" names 6 modules, over the limit of 5'
            in json.loads(err.value.response.body)["message"]
        )
        ok = await post_bundles(
            jp_fetch, {"path": "work/pipeline.ipynb", "modules": [f"m{i}" for i in range(5)]}
        )
        assert json.loads(ok.body)["local"] == []
    finally:
        jp_serverapp.web_app.settings.pop("cellpipe_limits", None)


async def test_bundling_does_not_block_other_requests(jp_fetch, project, monkeypatch):
    """The walk and zip run on a worker thread: while one is held, /cellpipe/api/health is answered.

    Were it on the IOLoop, the held bundling would block the loop, health could not be answered until
    the hold times out, and the bundle would finish first."""
    (project / "pkg" / "keys.py").write_text("K = 1\n")
    entered, release = threading.Event(), threading.Event()
    seen = {}
    real = bundle_handlers.local_modules

    def held(*args):
        entered.set()
        seen["released"] = release.wait(timeout=5)
        return real(*args)

    monkeypatch.setattr(bundle_handlers, "local_modules", held)
    order = []

    async def bundles():
        response = await post_bundles(jp_fetch, {"path": "work/pipeline.ipynb", "modules": ["pkg"]})
        order.append("bundles")
        return json.loads(response.body)

    async def health():
        while not entered.is_set():
            await asyncio.sleep(0.01)
        await jp_fetch("cellpipe", "api", "health")
        order.append("health")
        release.set()

    answer, _ = await asyncio.gather(bundles(), health())
    assert order == ["health", "bundles"]
    assert seen["released"] is True
    assert answer["local"] == ["pkg"]
