"""Run locally from JupyterLab: the browser posts the compiled package, then polls the run."""

import json

import pytest
from local_run_api import poll
from server_packages import step_package
from tornado.httpclient import HTTPClientError


@pytest.fixture
def package_text():
    """One step in the compiler's command shape (the server runs nothing else locally), parameter n=3."""
    return step_package()


async def test_run_locally_then_cached(jp_fetch, jp_root_dir, package_text):
    (jp_root_dir / "work").mkdir(exist_ok=True)
    request = {"package": package_text, "notebookPath": "work/pipeline.ipynb", "parameters": {"n": 7}}
    response = await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(request))
    assert response.code == 201
    first = await poll(jp_fetch, json.loads(response.body)["id"])
    assert [s["state"] for s in first["steps"]] == ["succeeded"]
    assert "[produce] producing 7" in first["logs"]
    assert first["store"] == str(jp_root_dir / "work" / ".cellpipe")
    response = await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(request))
    again = await poll(jp_fetch, json.loads(response.body)["id"])
    assert [s["state"] for s in again["steps"]] == ["cached"]


async def test_bad_requests_are_clear(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps({}))
    assert err.value.code == 400
    assert "no compiled pipeline package" in json.loads(err.value.response.body)["message"]
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "cellpipe", "api", "local", "runs", method="POST", body=json.dumps({"package": "a: [\n"})
        )
    assert err.value.code == 400 and "not valid YAML" in json.loads(err.value.response.body)["message"]
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("cellpipe", "api", "local", "runs", "0123456789ab")
    assert err.value.code == 404


async def test_paths_outside_the_root_are_refused(jp_fetch, package_text):
    request = {"package": package_text, "notebookPath": "../../etc/pipeline.ipynb"}
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(request))
    assert (
        err.value.code == 400
        and "outside the server's root" in json.loads(err.value.response.body)["message"]
    )


async def test_refused_without_token(jp_fetch, package_text):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "cellpipe",
            "api",
            "local",
            "runs",
            method="POST",
            body=json.dumps({"package": package_text}),
            headers={"Authorization": ""},
        )
    assert err.value.code == 403
