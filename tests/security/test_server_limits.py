"""Issue 13, item 14: no request makes the server do unbounded work on its event loop.

A few hundred bytes of YAML with nested aliases would expand to hundreds of MB: refused with a 400 before
anything walks them. A request body over c.CellpipeLimits.max_request_bytes is a 413. (The bundles walk
off the IOLoop is tested in test_server_bundles.py.)"""

import json
from pathlib import Path

import pytest
from kfp_mock.recorder import Answer, Recorder
from server_packages import alias_bomb
from tornado.httpclient import HTTPClientError

from cellpipe.server.kfp_client import KFPError, split_pipeline_package
from cellpipe.server.packages import RequestRefused, refuse_yaml_aliases

# A package the compiler wrote for examples/pipeline.ipynb (its steps embed the runtime: tens of KiB).
COMPILED = (Path(__file__).resolve().parents[1] / "fixtures" / "golden" / "pipeline.yaml").read_text()


@pytest.fixture
def kfp():
    with Recorder() as server:
        server.answer = Answer(200, {"run_id": "r1", "pipeline_id": "p1"})
        yield server


@pytest.fixture
def jp_server_config(kfp):
    return {
        "ServerApp": {"jpserver_extensions": {"cellpipe": True}},
        "CellpipeKFP": {"endpoint": kfp.url, "auth_mode": "bearer", "token": "tkn-0123456789"},
    }


def test_the_bomb_is_small_and_would_be_huge():
    bomb = alias_bomb()
    assert len(bomb) < 600
    with pytest.raises(RequestRefused, match=r"anchor &a0 \(line 1\)"):
        refuse_yaml_aliases(bomb)
    with pytest.raises(KFPError, match="must not use anchors or aliases"):
        split_pipeline_package(bomb)


def test_a_lone_alias_is_refused_with_its_line():
    with pytest.raises(RequestRefused, match=r"alias \*x \(line 2\)"):
        refuse_yaml_aliases("root: {}\nother: *x\n")


async def post(jp_fetch, *parts, body: dict) -> HTTPClientError:
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("cellpipe", "api", *parts, method="POST", body=json.dumps(body))
    return err.value


@pytest.mark.parametrize(
    "parts, body",
    [
        (("kfp", "runs"), {"name": "r", "package": alias_bomb()}),
        (("kfp", "pipelines"), {"name": "p", "package": alias_bomb()}),
        (("kfp", "pipelines", "p1", "versions"), {"package": alias_bomb()}),
        (("local", "runs"), {"package": alias_bomb(), "notebookPath": "work/pipeline.ipynb"}),
    ],
)
async def test_an_alias_bomb_is_a_400(jp_fetch, jp_root_dir, kfp, parts, body):
    (jp_root_dir / "work").mkdir()
    err = await post(jp_fetch, *parts, body=body)
    assert err.code == 400
    assert "must not use anchors or aliases" in json.loads(err.response.body)["message"]
    assert kfp.requests == []
    assert not (jp_root_dir / "work" / ".cellpipe").exists()


@pytest.fixture
def small_limit(jp_serverapp):
    jp_serverapp.web_app.settings.pop("cellpipe_limits", None)
    jp_serverapp.config.CellpipeLimits.max_request_bytes = 4096
    yield 4096
    jp_serverapp.web_app.settings.pop("cellpipe_limits", None)


@pytest.mark.parametrize(
    "parts, body",
    [
        (("kfp", "runs"), {"name": "r", "package": COMPILED}),
        (("kfp", "pipelines"), {"name": "p", "package": COMPILED}),
        (("kfp", "pipelines", "p1", "versions"), {"package": COMPILED}),
        (("kfp", "experiments"), {"name": "e", "description": "x" * 5000}),
        (("local", "runs"), {"package": COMPILED, "notebookPath": "work/pipeline.ipynb"}),
        (("bundles",), {"path": "work/pipeline.ipynb", "modules": ["m" * 100] * 50}),
    ],
)
async def test_a_body_over_the_limit_is_a_413(jp_fetch, jp_root_dir, kfp, small_limit, parts, body):
    (jp_root_dir / "work").mkdir()
    assert len(json.dumps(body)) > small_limit
    err = await post(jp_fetch, *parts, body=body)
    assert err.code == 413
    message = json.loads(err.response.body)["message"]
    assert "over the 4096-byte limit" in message and "c.CellpipeLimits.max_request_bytes" in message
    assert kfp.requests == []


async def test_the_default_limit_takes_a_compiled_package(jp_fetch, jp_root_dir, kfp):
    (jp_root_dir / "work").mkdir()
    response = await jp_fetch(
        "cellpipe",
        "api",
        "kfp",
        "runs",
        method="POST",
        body=json.dumps({"name": "r", "package": COMPILED}),
    )
    assert json.loads(response.body)["run_id"] == "r1"
