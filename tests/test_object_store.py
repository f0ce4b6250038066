"""The object-store client against an S3-compatible server started here (moto's server mode, on 127.0.0.1),
which checks every request's SigV4 signature with botocore as AWS does."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from kfp_mock.prism import free_port

from cellpipe.server.object_store import (
    MAX_SINGLE_PUT_BYTES,
    CellpipeObjectStore,
    Credentials,
    ObjectStore,
    ObjectStoreError,
    ObjectStoreSettings,
    file_sha256,
    object_key,
    sign_v4,
)

boto3 = pytest.importorskip("boto3", reason="moto[server] (the test extra) brings boto3")
pytest.importorskip("moto.server", reason="moto[server] is in the test extra")

BUCKET = "mlpipeline"


@dataclass
class MotoS3:
    endpoint: str
    access_key: str
    secret_key: str
    log: Path
    put_only: tuple  # (access key, secret key) of a user who may PUT objects and nothing else

    def settings(self, **changes) -> ObjectStoreSettings:
        values = {
            "endpoint": self.endpoint,
            "bucket": BUCKET,
            "credentials": Credentials(self.access_key, self.secret_key),
            "request_timeout": 30.0,
        }
        values.update(changes)
        return ObjectStoreSettings(**values)

    def requests(self, method: str, key: str) -> int:
        """How many `method` requests of the key the server has logged (all those answered before this call:
        a marker request is logged after them, and waited for)."""
        marker = uuid.uuid4().hex
        urllib.request.urlopen(f"{self.endpoint}/moto-api/?mark={marker}", timeout=10).read()
        for _ in range(100):
            text = self.log.read_text()
            if marker in text:
                break
            time.sleep(0.05)
        # A line whose status is not 2xx is coloured: the method follows an escape sequence, not the quote.
        pattern = re.compile(rf'(?:"|\x1b\[[0-9;]*m){method} /{BUCKET}/{re.escape(key)} HTTP')
        return len(pattern.findall(text))

    def get(self, key: str) -> bytes:
        return self.client().get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
        )


@pytest.fixture(scope="module")
def moto_s3(tmp_path_factory):
    """A moto S3 server with one IAM user allowed s3:* and the bucket; then every request must be signed."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    endpoint = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None:
                    raise AssertionError(f"moto server exited: {log.read_text()}") from None
                time.sleep(0.1)
        anonymous = {
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "aws_access_key_id": "setup",
            "aws_secret_access_key": "setup",
        }
        iam = boto3.client("iam", **anonymous)
        keys = {}
        for user, actions in (("cellpipe", "s3:*"), ("putter", "s3:PutObject")):
            iam.create_user(UserName=user)
            statement = {"Effect": "Allow", "Action": actions, "Resource": "*"}
            iam.put_user_policy(
                UserName=user,
                PolicyName="s3",
                PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
            )
            key = iam.create_access_key(UserName=user)["AccessKey"]
            keys[user] = (key["AccessKeyId"], key["SecretAccessKey"])
        boto3.client("s3", **anonymous).create_bucket(Bucket=BUCKET)
        # From here on moto authenticates every request: signature and access key.
        reset = urllib.request.Request(
            f"{endpoint}/moto-api/reset-auth",
            data=b"0",
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        urllib.request.urlopen(reset, timeout=10).read()
        yield MotoS3(endpoint, *keys["cellpipe"], log, keys["putter"])
    finally:
        server.terminate()
        server.wait(timeout=10)


async def test_upload_then_content_addressed_skip(moto_s3, tmp_path):
    data = tmp_path / "train.csv"
    data.write_bytes(b"a,b\n1,2\n" * 1000)
    store = ObjectStore(moto_s3.settings())

    first = await store.upload(str(data), "data/train.csv")

    sha, size = file_sha256(str(data))
    key = f"cellpipe/data/{sha}/train.csv"
    assert first.to_json() == {
        "path": "data/train.csv",
        "uri": f"minio://{BUCKET}/{key}",
        "sha256": sha,
        "size": size,
        "uploaded": True,
    }
    assert moto_s3.get(key) == data.read_bytes()
    assert moto_s3.requests("PUT", key) == 1

    again = await ObjectStore(moto_s3.settings()).upload(str(data), "data/train.csv")

    assert again.uploaded is False
    assert again.uri == first.uri
    assert moto_s3.requests("HEAD", key) == 2
    assert moto_s3.requests("PUT", key) == 1, "an unchanged file is not uploaded again"


async def test_a_key_that_may_only_put_still_uploads(moto_s3, tmp_path):
    # S3 answers HEAD of a missing key with 403 to whoever may not read it: the upload goes ahead.
    data = tmp_path / "p.csv"
    data.write_bytes(b"put only")
    store = ObjectStore(moto_s3.settings(credentials=Credentials(*moto_s3.put_only)))
    uploaded = await store.upload(str(data), "p.csv")
    key = object_key(uploaded.sha256, "p.csv")
    assert uploaded.uploaded and moto_s3.get(key) == b"put only"
    assert moto_s3.requests("HEAD", key) == 1 and moto_s3.requests("PUT", key) == 1


async def test_changed_file_gets_a_new_key(moto_s3, tmp_path):
    data = tmp_path / "features.npy"
    data.write_bytes(b"one")
    store = ObjectStore(moto_s3.settings(uri_scheme="s3"))
    first = await store.upload(str(data), "features.npy")
    data.write_bytes(b"two")
    second = await store.upload(str(data), "features.npy")
    assert second.uploaded and first.uri != second.uri
    assert second.uri.startswith(f"s3://{BUCKET}/cellpipe/data/")
    assert moto_s3.get(second.uri.split(f"{BUCKET}/", 1)[1]) == b"two"


async def test_streams_a_file_larger_than_one_chunk(moto_s3, tmp_path):
    data = tmp_path / "big.bin"
    data.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    uploaded = await ObjectStore(moto_s3.settings()).upload(str(data), "big.bin")
    assert uploaded.uploaded and uploaded.size == data.stat().st_size
    assert moto_s3.get(object_key(uploaded.sha256, "big.bin")) == data.read_bytes()


async def test_over_5_gib_is_refused_before_any_request(tmp_path):
    data = tmp_path / "x.bin"
    data.write_bytes(b"x")
    store = ObjectStore(ObjectStoreSettings(endpoint="http://127.0.0.1:9", credentials=Credentials("a", "b")))
    with pytest.raises(ObjectStoreError) as info:
        await store.put_file("k", str(data), MAX_SINGLE_PUT_BYTES + 1, "0" * 64)
    assert info.value.status == 413 and "5 GiB" in info.value.message


async def test_wrong_secret_is_a_clear_error_without_the_secret(moto_s3, tmp_path):
    data = tmp_path / "x.txt"
    data.write_bytes(b"x")
    wrong = "WrongSecret/abc123+XYZ"
    store = ObjectStore(moto_s3.settings(credentials=Credentials(moto_s3.access_key, wrong)))
    with pytest.raises(ObjectStoreError) as info:
        await store.upload(str(data), "x.txt")
    err = info.value
    assert err.status == 403 and err.reason == "forbidden"
    assert "access key" in err.message and "secret key" in err.message
    assert moto_s3.endpoint in err.message
    assert wrong not in err.message and moto_s3.secret_key not in err.message
    assert wrong not in json.dumps(err.to_json())


async def test_unknown_access_key_is_refused(moto_s3, tmp_path):
    data = tmp_path / "x.txt"
    data.write_bytes(b"x")
    store = ObjectStore(moto_s3.settings(credentials=Credentials("AKIANOSUCHKEY0000000", moto_s3.secret_key)))
    with pytest.raises(ObjectStoreError) as info:
        await store.upload(str(data), "x.txt")
    assert info.value.status == 403
    assert "InvalidAccessKeyId" in info.value.message and "access key" in info.value.message
    assert moto_s3.secret_key not in info.value.message


async def test_missing_bucket_is_named(moto_s3, tmp_path):
    data = tmp_path / "x.txt"
    data.write_bytes(b"x")
    store = ObjectStore(moto_s3.settings(bucket="no-such-bucket"))
    with pytest.raises(ObjectStoreError) as info:
        await store.upload(str(data), "x.txt")
    assert "no-such-bucket" in info.value.message and "NoSuchBucket" in info.value.message


async def test_unreachable_store_is_named(tmp_path):
    data = tmp_path / "x.txt"
    data.write_bytes(b"x")
    endpoint = f"http://127.0.0.1:{free_port()}"
    settings = ObjectStoreSettings(endpoint=endpoint, credentials=Credentials("a", "s3cr3t-value"))
    with pytest.raises(ObjectStoreError) as info:
        await ObjectStore(settings).upload(str(data), "x.txt")
    assert info.value.reason == "unreachable" and endpoint in info.value.message


async def test_no_credentials_says_how_to_configure(tmp_path):
    data = tmp_path / "x.txt"
    data.write_bytes(b"x")
    with pytest.raises(ObjectStoreError) as info:
        await ObjectStore(ObjectStoreSettings(endpoint="http://127.0.0.1:9")).upload(str(data), "x.txt")
    assert info.value.reason == "not_configured"
    assert "c.CellpipeObjectStore.access_key" in info.value.message


def test_signature_matches_botocore():
    """The same request signed here and by botocore (what S3 and MinIO verify) has the same Authorization."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials as BotoCredentials

    now = datetime(2026, 5, 4, 3, 2, 1, tzinfo=timezone.utc)
    url = "http://minio-service.kubeflow:9000/mlpipeline/cellpipe/data/ab12/my%20file%2Bv2.csv"
    payload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    headers = {"Content-Length": "0", "Content-Type": "application/octet-stream"}
    ours = sign_v4("PUT", url, headers, payload, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "us-east-1", now)

    signed = {k: v for k, v in ours.items() if k != "Authorization"}
    request = AWSRequest(method="PUT", url=url, headers=signed)
    request.context["timestamp"] = now.strftime("%Y%m%dT%H%M%SZ")
    auth = S3SigV4Auth(BotoCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG"), "s3", "us-east-1")
    canonical = auth.canonical_request(request)
    signature = auth.signature(auth.string_to_sign(request, canonical), request)
    assert ours["Authorization"].endswith(f"Signature={signature}")


def test_object_key_is_content_addressed_and_plain():
    assert object_key("ab" * 32, "data/train.csv") == f"cellpipe/data/{'ab' * 32}/train.csv"
    assert object_key("cd", "my file (1).csv") == "cellpipe/data/cd/my_file__1_.csv"
    assert object_key("cd", ".hidden") == "cellpipe/data/cd/hidden"


def test_settings_from_config_files_and_environment(tmp_path, monkeypatch):
    from traitlets.config import Config

    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.setenv("CELLPIPE_OBJECT_STORE_BUCKET", "from-env")
    (tmp_path / "accesskey").write_text("minio\n")
    (tmp_path / "secretkey").write_text("minio123\n")
    config = Config()
    config.CellpipeObjectStore.access_key_file = str(tmp_path / "accesskey")
    config.CellpipeObjectStore.secret_key_file = str(tmp_path / "secretkey")
    settings = CellpipeObjectStore(config=config).settings()
    assert settings.endpoint == "http://minio-service.kubeflow:9000"
    assert settings.bucket == "from-env"
    assert settings.credentials.pair() == ("minio", "minio123")
    assert "minio123" not in repr(settings)
    (tmp_path / "secretkey").write_text("rotated-secret\n")
    assert settings.credentials.pair()[1] == "rotated-secret"
