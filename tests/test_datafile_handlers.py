"""POST /cellpipe/api/datafiles/upload: the notebook's data files into the object store the admin configured
(a moto S3 server on 127.0.0.1, see test_object_store.py), never a file outside the notebook's folder."""

import json
import os

import pytest
from jupyter_server.auth.authorizer import Authorizer
from test_object_store import BUCKET, moto_s3  # noqa: F401  (the server fixture)
from tornado.httpclient import HTTPClientError

from cellpipe.server.datafile_handlers import AUTH_RESOURCE

pytest.importorskip("moto.server", reason="moto[server] is in the test extra")


@pytest.fixture
def jp_server_config(moto_s3):  # noqa: F811
    return {
        "ServerApp": {"jpserver_extensions": {"cellpipe": True}},
        "CellpipeObjectStore": {
            "endpoint": moto_s3.endpoint,
            "bucket": BUCKET,
            "access_key": moto_s3.access_key,
            "secret_key": moto_s3.secret_key,
            "max_files": 3,
            "max_total_bytes": 1000,
        },
    }


@pytest.fixture
def notebook_folder(jp_root_dir):
    folder = jp_root_dir / "work"
    (folder / "data").mkdir(parents=True)
    (folder / "pipeline.ipynb").write_text("{}")
    (folder / "data" / "train.csv").write_text("a,b\n1,2\n")
    (folder / "labels.txt").write_text("cat\ndog\n")
    return folder


async def upload(jp_fetch, body) -> dict:
    response = await jp_fetch("cellpipe", "api", "datafiles", "upload", method="POST", body=json.dumps(body))
    return json.loads(response.body)


async def refused(jp_fetch, body) -> tuple:
    with pytest.raises(HTTPClientError) as info:
        await upload(jp_fetch, body)
    return info.value.code, json.loads(info.value.response.body)["message"]


async def test_upload_answers_uris_then_skips_unchanged(jp_fetch, notebook_folder, moto_s3):  # noqa: F811
    body = {"notebookPath": "work/pipeline.ipynb", "paths": ["data/train.csv", "labels.txt"]}

    first = (await upload(jp_fetch, body))["files"]

    assert [f["path"] for f in first] == ["data/train.csv", "labels.txt"]
    assert [f["uploaded"] for f in first] == [True, True]
    train = first[0]
    assert train["size"] == 8
    assert train["uri"] == f"minio://{BUCKET}/cellpipe/data/{train['sha256']}/train.csv"
    key = train["uri"].split(f"{BUCKET}/", 1)[1]
    assert moto_s3.get(key) == b"a,b\n1,2\n"

    again = (await upload(jp_fetch, body))["files"]
    assert [f["uploaded"] for f in again] == [False, False]
    assert [f["uri"] for f in again] == [f["uri"] for f in first]
    assert moto_s3.requests("PUT", key) == 1
    assert moto_s3.secret_key not in json.dumps(again)


async def test_symlink_leaving_the_folder_is_refused_by_name(
    jp_fetch, notebook_folder, jp_root_dir, tmp_path
):
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("private")
    os.symlink(secret, notebook_folder / "data" / "link.csv")
    (jp_root_dir / "sibling.csv").write_text("x")
    body = {"notebookPath": "work/pipeline.ipynb", "paths": ["data/link.csv"]}
    code, message = await refused(jp_fetch, body)
    assert code == 403 and "data/link.csv" in message and "outside the notebook's folder" in message

    code, message = await refused(
        jp_fetch, {"notebookPath": "work/pipeline.ipynb", "paths": ["../sibling.csv"]}
    )
    assert code == 403 and "../sibling.csv" in message
    code, message = await refused(jp_fetch, {"notebookPath": "work/pipeline.ipynb", "paths": ["/etc/passwd"]})
    assert code == 403 and "/etc/passwd" in message
    code, message = await refused(jp_fetch, {"notebookPath": "../pipeline.ipynb", "paths": ["labels.txt"]})
    assert code == 403


async def test_bad_bodies_name_the_field(jp_fetch, notebook_folder):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("cellpipe", "api", "datafiles", "upload", method="POST", body="[1]")
    assert info.value.code == 400 and "JSON object" in json.loads(info.value.response.body)["message"]
    code, message = await refused(jp_fetch, {"paths": ["labels.txt"]})
    assert code == 400 and '"notebookPath"' in message
    code, message = await refused(jp_fetch, {"notebookPath": "work/pipeline.ipynb", "paths": "labels.txt"})
    assert code == 400 and '"paths"' in message
    code, message = await refused(jp_fetch, {"notebookPath": "work/pipeline.ipynb", "paths": []})
    assert code == 400 and '"paths"' in message
    code, message = await refused(jp_fetch, {"notebookPath": "work/pipeline.ipynb", "paths": ["missing.csv"]})
    assert code == 404 and "missing.csv" in message


async def test_count_and_size_caps(jp_fetch, notebook_folder):
    for name in "abcd":
        (notebook_folder / f"{name}.txt").write_text(name)
    code, message = await refused(
        jp_fetch, {"notebookPath": "work/pipeline.ipynb", "paths": ["a.txt", "b.txt", "c.txt", "d.txt"]}
    )
    assert code == 400 and "at most 3" in message
    (notebook_folder / "big.bin").write_bytes(b"0" * 1001)
    code, message = await refused(jp_fetch, {"notebookPath": "work/pipeline.ipynb", "paths": ["big.bin"]})
    assert code == 413 and "1001 bytes" in message


async def test_a_file_over_5_gib_is_refused_before_reading(jp_fetch, notebook_folder):
    with open(notebook_folder / "huge.bin", "wb") as f:
        f.truncate(5 * 1024**3 + 1)  # sparse: nothing written
    code, message = await refused(jp_fetch, {"notebookPath": "work/pipeline.ipynb", "paths": ["huge.bin"]})
    assert code == 413 and "'huge.bin'" in message and "5 GiB" in message


async def test_needs_authentication(jp_fetch, notebook_folder):
    body = json.dumps({"notebookPath": "work/pipeline.ipynb", "paths": ["labels.txt"]})
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(
            "cellpipe", "api", "datafiles", "upload", method="POST", body=body, headers={"Authorization": ""}
        )
    assert info.value.code in (401, 403)


class DenyKFP(Authorizer):
    """An authorizer (e.g. a deployment's RBAC) that denies cellpipe's KFP resource and allows the rest."""

    def is_authorized(self, handler, user, action, resource):
        return resource != AUTH_RESOURCE


class TestAuthorization:
    @pytest.fixture
    def jp_server_config(self, moto_s3):  # noqa: F811
        return {
            "ServerApp": {"jpserver_extensions": {"cellpipe": True}, "authorizer_class": DenyKFP},
            "CellpipeObjectStore": {
                "endpoint": moto_s3.endpoint,
                "access_key": moto_s3.access_key,
                "secret_key": moto_s3.secret_key,
            },
        }

    async def test_upload_needs_the_kfp_permission(self, jp_fetch, notebook_folder):
        code, _ = await refused(jp_fetch, {"notebookPath": "work/pipeline.ipynb", "paths": ["labels.txt"]})
        assert code == 403
