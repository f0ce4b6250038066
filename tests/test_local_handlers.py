"""Run locally from JupyterLab: the browser posts the compiled package, then polls the run."""

import json

import pytest
from local_run_api import poll
from server_packages import chain_package, step_package
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


async def start(jp_fetch, request: dict) -> dict:
    response = await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(request))
    assert response.code == 201
    done = await poll(jp_fetch, json.loads(response.body)["id"])
    return {s["task"]: s["state"] for s in done["steps"]}


async def test_rerun_from_a_step_runs_it_and_what_follows_the_rest_from_the_cache(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir(exist_ok=True)
    request = {"package": chain_package(), "notebookPath": "work/chain.ipynb"}
    assert await start(jp_fetch, request) == {"produce": "succeeded", "add": "succeeded"}
    assert await start(jp_fetch, request) == {"produce": "cached", "add": "cached"}
    assert await start(jp_fetch, {**request, "fromStep": "add"}) == {"produce": "cached", "add": "succeeded"}
    assert await start(jp_fetch, {**request, "fromStep": "produce"}) == {
        "produce": "succeeded",
        "add": "succeeded",
    }
    # A re-run's results are the cache's from now on: the next ordinary run reuses them.
    assert await start(jp_fetch, request) == {"produce": "cached", "add": "cached"}


async def test_rerun_from_a_task_the_package_lacks_is_refused_naming_it(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir(exist_ok=True)
    request = {"package": chain_package(), "notebookPath": "work/chain.ipynb", "fromStep": "train"}
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(request))
    message = json.loads(err.value.response.body)["message"]
    assert err.value.code == 400 and "'train'" in message and "its tasks: add, produce" in message
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "cellpipe", "api", "local", "runs", method="POST", body=json.dumps({**request, "fromStep": 3})
        )
    assert (
        err.value.code == 400 and 'Field "fromStep" must be' in json.loads(err.value.response.body)["message"]
    )


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
