"""POST /cellpipe/api/files/stat: the panel's file list asks whether a step's files exist and how large they are."""

import json
import os

import pytest
from tornado.httpclient import HTTPClientError

from cellpipe.server.file_handlers import MAX_PATHS


@pytest.fixture
def jp_server_config(jp_server_config):
    return {**jp_server_config, "CellpipeLimits": {"max_request_bytes": 20_000}}


@pytest.fixture
def notebook_folder(jp_root_dir):
    folder = jp_root_dir / "work"
    (folder / "data").mkdir(parents=True)
    (folder / "pipeline.ipynb").write_text("{}")
    (folder / "data" / "train.csv").write_text("a,b\n1,2\n")
    (folder / "data" / "test.csv").write_text("a,b\n3,4\n5,6\n")
    return folder


async def stat(jp_fetch, body) -> list:
    response = await jp_fetch("cellpipe", "api", "files", "stat", method="POST", body=json.dumps(body))
    return json.loads(response.body)["files"]


async def refused(jp_fetch, body) -> tuple:
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(
            "cellpipe",
            "api",
            "files",
            "stat",
            method="POST",
            body=body if isinstance(body, str) else json.dumps(body),
        )
    return info.value.code, json.loads(info.value.response.body)["message"]


async def test_existing_and_missing_files_with_sizes(jp_fetch, notebook_folder):
    files = await stat(
        jp_fetch,
        {"notebookPath": "work/pipeline.ipynb", "paths": ["data/train.csv", "clean.csv", "data/*.csv"]},
    )

    train, clean, pattern = files
    assert train["path"] == "data/train.csv" and train["exists"] is True
    assert train["size"] == len("a,b\n1,2\n")
    assert train["mtime"] == pytest.approx(os.stat(notebook_folder / "data" / "train.csv").st_mtime)
    assert clean == {"path": "clean.csv", "exists": False}
    # A glob pattern: the files it matches, their total size.
    assert pattern == {"path": "data/*.csv", "exists": True, "matches": 2, "size": 8 + 12}


async def test_paths_outside_the_notebook_folder_are_not_looked_at(
    jp_fetch, notebook_folder, jp_root_dir, tmp_path
):
    (jp_root_dir / "sibling.csv").write_text("secret")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.csv").write_text("secret!")
    os.symlink(outside / "x.csv", notebook_folder / "link.csv")
    os.symlink(outside, notebook_folder / "linkdir")

    files = await stat(
        jp_fetch,
        {
            "notebookPath": "work/pipeline.ipynb",
            "paths": ["../sibling.csv", "/etc/passwd", "link.csv", "linkdir/*.csv", "data/../../sibling.csv"],
        },
    )

    assert [f["path"] for f in files] == [
        "../sibling.csv",
        "/etc/passwd",
        "link.csv",
        "linkdir/*.csv",
        "data/../../sibling.csv",
    ]
    for entry in files[:3] + files[4:]:
        assert entry["exists"] is False and "size" not in entry and entry["refused"], entry
    assert "symlink" in files[2]["refused"]
    # A pattern only counts what stays inside: the symlinked folder's file is not counted.
    assert files[3] == {"path": "linkdir/*.csv", "exists": False, "matches": 0, "size": 0}


async def test_a_notebook_outside_the_root_is_refused(jp_fetch, notebook_folder):
    code, message = await refused(jp_fetch, {"notebookPath": "../../etc/pipeline.ipynb", "paths": ["passwd"]})
    assert code == 403 and "relative to the server's root" in message


async def test_too_many_paths(jp_fetch, notebook_folder):
    paths = [f"f{i}.csv" for i in range(MAX_PATHS + 1)]
    code, message = await refused(jp_fetch, {"notebookPath": "work/pipeline.ipynb", "paths": paths})
    assert code == 400 and f"at most {MAX_PATHS}" in message
    # The limit itself is fine.
    assert (
        len(await stat(jp_fetch, {"notebookPath": "work/pipeline.ipynb", "paths": paths[:MAX_PATHS]}))
        == MAX_PATHS
    )


async def test_a_body_over_the_request_limit_is_refused_before_reading_it(jp_fetch, notebook_folder):
    body = {"notebookPath": "work/pipeline.ipynb", "paths": ["x" * 300] * 100}
    code, message = await refused(jp_fetch, body)
    assert code == 413 and "c.CellpipeLimits.max_request_bytes" in message


@pytest.mark.parametrize(
    "body, field",
    [
        ("not json", "not JSON"),
        ([1, 2], "JSON object"),
        ({"paths": ["a.csv"]}, "notebookPath"),
        ({"notebookPath": "work/pipeline.ipynb"}, "paths"),
        ({"notebookPath": "work/pipeline.ipynb", "paths": "a.csv"}, "paths"),
        ({"notebookPath": "work/pipeline.ipynb", "paths": ["a.csv", 3]}, "paths"),
    ],
)
async def test_bad_bodies_name_the_field(jp_fetch, notebook_folder, body, field):
    code, message = await refused(jp_fetch, body)
    assert code == 400 and field in message
