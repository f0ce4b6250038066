"""The panel's run view reads a notebook's local run store: runs kept, a step's outputs with a preview, its
report (sandboxed, no script) and its log; nothing outside the store, nothing unpickled."""

import asyncio
import json
import os
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from jupyter_server.auth.authorizer import Authorizer
from server_packages import step_package
from tornado.httpclient import HTTPClientError

from cellpipe.local import history

ASKED: list = []  # (action, resource) of every authorization asked


class Recording(Authorizer):
    def is_authorized(self, handler, user, action, resource):
        ASKED.append((action, resource))
        return True


@pytest.fixture
def jp_server_config(jp_server_config):
    return {"ServerApp": {**jp_server_config["ServerApp"], "authorizer_class": Recording}}


RUN = "20261201-101500-abc123"
OLDER = "20261130-090000-def456"
KEY = "a" * 64
METRICS_KEY = "b" * 64
NOTEBOOK = "work/pipeline.ipynb"


def write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))


def artifact(store: Path, key: str, name: str, backend: str, file: str, kind: str, write) -> dict:
    folder = store / "cache" / key / name
    folder.mkdir(parents=True)
    write(folder / file)
    size = (folder / file).stat().st_size
    write_json(
        folder / "cellpipe.json", {"format": 1, "backend": backend, "file": file, "type": kind, "bytes": size}
    )
    return {
        "uri": str(folder),
        "type": "system.Artifact",
        "metadata": {"cellpipe.backend": backend},
        "files": {},
    }


def pickled(path: Path) -> None:
    class Boom:
        def __reduce__(self):  # would run if anything unpickled it
            return (os.system, ("touch unpickled",))

    path.write_bytes(pickle.dumps(Boom()))


@pytest.fixture
def store(jp_root_dir: Path) -> Path:
    """A store as the runner leaves it: two runs of `tiny`, one of another pipeline, a step's outputs."""
    store = jp_root_dir / "work" / ".cellpipe"
    frame = pd.DataFrame({"x": range(8), "name": [f"row{i}" for i in range(8)]})

    def arrow(path: Path) -> None:
        table = pa.Table.from_pandas(frame)
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)

    artifacts = {
        "features": artifact(
            store,
            KEY,
            "features",
            "numpy",
            "data.npy",
            "numpy.ndarray",
            lambda p: np.save(p, np.arange(12, dtype=np.float32).reshape(3, 4) - 2),
        ),
        "frame": artifact(store, KEY, "frame", "pandas-arrow", "data.arrow", "pandas.DataFrame", arrow),
        "model": artifact(store, KEY, "model", "cloudpickle", "data.pkl", "sklearn.Thing", pickled),
        "n": artifact(
            store, KEY, "n", "json", "data.json", "builtins.int", lambda p: p.write_text('{"value": 42}')
        ),
        "report": {"uri": "", "type": "system.HTML", "metadata": {}, "files": {}},
    }
    (store / "cache" / KEY / "report").write_text(
        "<html><body><p>plot</p><script>alert(1)</script><img src='data:image/png;base64,AAAA'></body></html>"
    )
    write_json(store / "cache" / KEY / "entry.json", {"key": KEY, "artifacts": artifacts})
    write_json(
        store / "cache" / METRICS_KEY / "entry.json",
        {
            "key": METRICS_KEY,
            "artifacts": {"metrics": {"type": "system.Metrics", "metadata": {"accuracy": 0.9}}},
        },
    )
    for run, pipeline, n in ((RUN, "tiny", 5), (OLDER, "tiny", 3), ("20261130-080000-000000", "other", 1)):
        write_json(store / "runs" / run / "run.json", {
            "pipeline": pipeline, "parameters": {"n": n}, "tasks": ["produce", "metrics"],
            "state": "succeeded", "started": 1.0, "finished": 2.0,
        })  # fmt: skip
        write_json(store / "runs" / run / "states.json", {
            "produce": {"task": "produce", "step": "produce", "state": "succeeded", "started": 1.0,
                        "finished": 1.5, "error": None, "cacheKey": KEY},
            "metrics": {"task": "metrics", "step": "metrics", "state": "cached", "started": 1.5,
                        "finished": 1.5, "error": None, "cacheKey": METRICS_KEY},
        })  # fmt: skip
    (store / "runs" / RUN / "produce").mkdir()
    (store / "runs" / RUN / "produce" / "log.txt").write_text("producing 5\n")
    return store


def get(jp_fetch, *parts, notebook=NOTEBOOK, **query):
    return jp_fetch("cellpipe", "api", "local", *parts, params={"notebook": notebook, **query})


async def refused(jp_fetch, *parts, notebook=NOTEBOOK, **query) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as err:
        await get(jp_fetch, *parts, notebook=notebook, **query)
    return err.value.code, json.loads(err.value.response.body)["message"]


async def test_history_lists_the_notebooks_pipeline_newest_first_with_steps_in_order_and_metrics(
    jp_fetch, store
):
    runs = json.loads((await get(jp_fetch, "history", pipeline="tiny")).body)["runs"]
    assert [r["id"] for r in runs] == [RUN, OLDER]  # the other pipeline's run is left out
    assert runs[0]["parameters"] == {"n": 5}
    assert [s["task"] for s in runs[0]["steps"]] == ["produce", "metrics"]  # the run's order, not sorted
    assert runs[0]["steps"][1]["state"] == "cached"
    assert runs[0]["metrics"] == {"accuracy": 0.9}


async def test_history_of_a_notebook_never_run_is_empty_and_creates_nothing(jp_fetch, jp_root_dir):
    (jp_root_dir / "fresh").mkdir()
    runs = json.loads((await get(jp_fetch, "history", notebook="fresh/a.ipynb")).body)["runs"]
    assert runs == []
    assert not (jp_root_dir / "fresh" / ".cellpipe").exists()


async def test_outputs_are_previewed_without_unpickling(jp_fetch, store, jp_root_dir):
    body = json.loads((await get(jp_fetch, "runs", RUN, "steps", "produce", "outputs")).body)
    assert body["report"] is True
    by_name = {o["name"]: o for o in body["outputs"]}
    assert "report" not in by_name
    features = by_name["features"]
    assert (features["kind"], features["shape"], features["dtype"]) == ("array", [3, 4], "float32")
    assert (features["min"], features["max"]) == (-2.0, 9.0)
    frame = by_name["frame"]
    assert frame["kind"] == "table" and frame["shape"] == [8, 2] and frame["columns"] == ["x", "name"]
    assert frame["rows"][:2] == [[0, "row0"], [1, "row1"]] and len(frame["rows"]) == 5
    model = by_name["model"]
    assert (model["kind"], model["type"]) == ("other", "sklearn.Thing") and model["bytes"] > 0
    assert by_name["n"]["value"] == 42
    assert not list(jp_root_dir.rglob("unpickled"))


async def test_a_numpy_object_array_is_not_loaded(tmp_path):
    folder = tmp_path / "cache" / KEY / "things"
    folder.mkdir(parents=True)
    np.save(folder / "data.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    write_json(
        folder / "cellpipe.json",
        {"backend": "numpy", "file": "data.npy", "type": "numpy.ndarray", "bytes": 9},
    )
    found = history.preview(str(folder), "things", {"type": "system.Artifact", "metadata": {}})
    assert found["type"] == "numpy.ndarray" and "shape" not in found
    assert "cannot preview" in found["problem"]


async def test_the_report_is_served_sandboxed_with_a_csp_that_runs_no_script(jp_fetch, store):
    response = await get(jp_fetch, "runs", RUN, "steps", "produce", "report")
    assert response.headers["Content-Type"].startswith("text/html")
    csp = response.headers["Content-Security-Policy"]
    for part in ("sandbox", "default-src 'none'", "img-src data:", "style-src 'unsafe-inline'"):
        assert part in csp
    assert "script-src" not in csp and "unsafe-eval" not in csp
    assert b"<script>" in response.body  # served as written: the CSP and the iframe's sandbox keep it inert


async def test_a_step_without_report_or_run_is_not_found(jp_fetch, store):
    assert (await refused(jp_fetch, "runs", RUN, "steps", "metrics", "report"))[0] == 404
    code, message = await refused(jp_fetch, "runs", "20990101-000000-000000", "steps", "produce", "outputs")
    assert code == 404 and "no local run" in message
    code, message = await refused(jp_fetch, "runs", "0123456789ab", "steps", "produce", "outputs")
    assert code == 404


async def test_the_log_of_a_kept_run(jp_fetch, store):
    assert (
        json.loads((await get(jp_fetch, "runs", RUN, "steps", "produce", "log")).body)["log"]
        == "producing 5\n"
    )
    code, message = await refused(jp_fetch, "runs", RUN, "steps", "metrics", "log")
    assert code == 404 and "no log" in message


@pytest.mark.parametrize(
    "notebook", ["../outside/pipeline.ipynb", "/etc/pipeline.ipynb", "work/../../pipeline.ipynb"]
)
async def test_a_hostile_notebook_path_is_refused(jp_fetch, store, notebook):
    code, message = await refused(jp_fetch, "history", notebook=notebook)
    assert code == 400 and "notebook path" in message


@pytest.mark.parametrize("run_id", ["..", "0123456789ab-", "20261201-101500-ABC123", "-" * 14])
async def test_a_hostile_run_id_is_refused(jp_fetch, store, run_id):
    with pytest.raises(HTTPClientError) as err:
        await get(jp_fetch, "runs", run_id, "steps", "produce", "outputs")
    assert err.value.code in (400, 404)  # the route or the reader refuses it; nothing is read


def test_readers_refuse_bad_names_and_links_out_of_the_store(store, tmp_path):
    with pytest.raises(history.HistoryError, match="not a valid run id"):
        history.read_run(str(store), "../../etc")
    with pytest.raises(history.HistoryError, match="not a valid task"):
        history.step_log(str(store), RUN, "../run.json")
    with pytest.raises(history.HistoryError, match="not a valid cache key"):
        history.outputs(str(store), "../" + "a" * 61)
    secret = tmp_path / "secret"
    secret.mkdir()
    write_json(secret / "entry.json", {"artifacts": {}})
    os.symlink(secret, store / "cache" / ("c" * 64))
    with pytest.raises(history.HistoryError, match="link out of the local run store"):
        history.outputs(str(store), "c" * 64)


async def test_a_symlinked_report_out_of_the_store_is_refused(jp_fetch, store, jp_root_dir):
    outside = jp_root_dir / "private.html"
    outside.write_text("secret")
    report = store / "cache" / KEY / "report"
    report.unlink()
    os.symlink(outside, report)
    code, message = await refused(jp_fetch, "runs", RUN, "steps", "produce", "report")
    assert code == 400 and "link out of the local run store" in message


async def test_a_run_from_the_panel_is_found_by_its_id_and_kept_with_its_cache_keys(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir(exist_ok=True)
    request = {"package": step_package(), "notebookPath": NOTEBOOK, "parameters": {"n": 6}}
    response = await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(request))
    run_id = json.loads(response.body)["id"]
    for _ in range(400):
        snapshot = json.loads((await jp_fetch("cellpipe", "api", "local", "runs", run_id)).body)
        if snapshot["done"]:
            break
        await asyncio.sleep(0.05)
    assert snapshot["steps"][0]["cacheKey"]
    live = json.loads((await get(jp_fetch, "runs", run_id, "steps", "produce", "outputs")).body)
    assert [o["name"] for o in live["outputs"]] == ["out"] and live["report"] is False
    runs = json.loads((await get(jp_fetch, "history")).body)["runs"]
    assert runs[0]["parameters"] == {"n": 6}
    assert runs[0]["steps"][0]["cacheKey"] == snapshot["steps"][0]["cacheKey"]
    kept = json.loads((await get(jp_fetch, "runs", runs[0]["id"], "steps", "produce", "log")).body)
    assert "producing 6" in kept["log"]
    # Another notebook folder's request never reaches this run.
    (jp_root_dir / "other").mkdir()
    (jp_root_dir / "other" / ".cellpipe").mkdir()
    code, _ = await refused(jp_fetch, "runs", run_id, "steps", "produce", "outputs", notebook="other/x.ipynb")
    assert code == 404


@pytest.mark.parametrize(
    "parts",
    [
        ("history",),
        ("runs", RUN, "steps", "produce", "outputs"),
        ("runs", RUN, "steps", "produce", "report"),
        ("runs", RUN, "steps", "produce", "log"),
    ],
)
async def test_each_read_asks_for_read_on_kernels(jp_fetch, store, parts):
    """What a viewer may do (an Authorizer that allows only `read`): see runs, never start one."""
    ASKED.clear()
    assert (await get(jp_fetch, *parts)).code == 200
    assert ASKED == [("read", "kernels")]
