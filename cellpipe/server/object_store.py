"""The pipeline's object store (KFP's artifact store: MinIO in Kubeflow), for the notebook's data files.

Only the admin configures it (`c.CellpipeObjectStore.*` in the Jupyter server config, else environment
variables, else Kubeflow's defaults); the browser never chooses an endpoint or sees a credential. Uploads
are content-addressed: a file goes to `cellpipe/data/<sha256>/<name>`, and a key that exists already is not
written again. Requests are signed with AWS Signature V4 here (S3, MinIO and their kin accept it), over
tornado's HTTP client: no SDK in the server. The body is streamed from disk, and its sha256 is the signed
payload hash, so the store refuses a file that changed between hashing and uploading.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Awaitable, Callable, Mapping
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

from tornado.httpclient import HTTPRequest, HTTPResponse
from tornado.simple_httpclient import HTTPTimeoutError, SimpleAsyncHTTPClient
from traitlets import Bool, Enum, Float, Int, Unicode, default
from traitlets.config import Configurable

from .config import _env, _RotatingFile

log = logging.getLogger("cellpipe.object_store")

DEFAULT_ENDPOINT = "http://minio-service.kubeflow:9000"
DEFAULT_BUCKET = "mlpipeline"
DEFAULT_REGION = "us-east-1"
KEY_PREFIX = "cellpipe/data"
# One PUT carries at most 5 GiB (S3's limit; MinIO's too); larger needs a multipart upload.
MAX_SINGLE_PUT_BYTES = 5 * 1024**3
CHUNK_BYTES = 1024 * 1024


class ObjectStoreError(Exception):
    """A failure to show to the user: `status` is the HTTP status our handler answers with."""

    def __init__(self, status: int, reason: str, message: str):
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message

    def to_json(self) -> dict[str, str]:
        return {"reason": self.reason, "message": self.message}


class CellpipeObjectStore(Configurable):
    """Where the notebook's data files are uploaded for KFP importers (`c.CellpipeObjectStore.*`).

    In Kubeflow the store is KFP's MinIO; its keys are the `accesskey`/`secretkey` of the
    `mlpipeline-minio-artifact` secret, which the admin mounts into the notebook server (`*_file`) or
    sets in the environment. Without keys, nothing is uploaded: the handler says how to configure them.
    """

    endpoint = Unicode(
        help=f"S3-compatible endpoint URL (env CELLPIPE_OBJECT_STORE_ENDPOINT, default {DEFAULT_ENDPOINT})."
    ).tag(config=True)
    bucket = Unicode(help=f"Bucket (env CELLPIPE_OBJECT_STORE_BUCKET, default {DEFAULT_BUCKET}).").tag(
        config=True
    )
    region = Unicode(help=f"Signing region (env AWS_REGION, default {DEFAULT_REGION}).").tag(config=True)
    access_key = Unicode(help="Access key id (env AWS_ACCESS_KEY_ID).").tag(config=True)
    secret_key = Unicode(help="Secret access key (env AWS_SECRET_ACCESS_KEY).").tag(config=True)
    access_key_file = Unicode(
        help="File holding the access key id, e.g. mlpipeline-minio-artifact's accesskey mounted "
        "(env CELLPIPE_OBJECT_STORE_ACCESS_KEY_FILE)."
    ).tag(config=True)
    secret_key_file = Unicode(
        help="File holding the secret key, e.g. mlpipeline-minio-artifact's secretkey mounted "
        "(env CELLPIPE_OBJECT_STORE_SECRET_KEY_FILE)."
    ).tag(config=True)
    uri_scheme = Enum(
        ("minio", "s3"),
        default_value="minio",
        help="Scheme of the URIs the importers get: minio:// for KFP's own MinIO (the launcher reads it with "
        "the mlpipeline-minio-artifact keys), s3:// for an S3 store the KFP launcher is configured for.",
    ).tag(config=True)
    verify_tls = Bool(True, help="Verify the endpoint's TLS certificate.").tag(config=True)
    ca_bundle = Unicode(help="CA bundle file for TLS (env CELLPIPE_OBJECT_STORE_CA_BUNDLE).").tag(config=True)
    connect_timeout = Float(10.0, help="Seconds to wait for a connection.").tag(config=True)
    request_timeout = Float(3600.0, help="Seconds to wait for one whole request (an upload included).").tag(
        config=True
    )
    max_files = Int(100, help="Most files one upload request may name.").tag(config=True)
    max_total_bytes = Int(
        20 * 1024**3, help="Most bytes one upload request may cover (each file at most 5 GiB)."
    ).tag(config=True)

    @default("endpoint")
    def _endpoint(self) -> str:
        return _env("CELLPIPE_OBJECT_STORE_ENDPOINT", DEFAULT_ENDPOINT)

    @default("bucket")
    def _bucket(self) -> str:
        return _env("CELLPIPE_OBJECT_STORE_BUCKET", DEFAULT_BUCKET)

    @default("region")
    def _region(self) -> str:
        return _env("AWS_REGION") or _env("AWS_DEFAULT_REGION") or DEFAULT_REGION

    @default("access_key")
    def _access_key(self) -> str:
        return _env("AWS_ACCESS_KEY_ID")

    @default("secret_key")
    def _secret_key(self) -> str:
        return _env("AWS_SECRET_ACCESS_KEY")

    @default("access_key_file")
    def _access_key_file(self) -> str:
        return _env("CELLPIPE_OBJECT_STORE_ACCESS_KEY_FILE")

    @default("secret_key_file")
    def _secret_key_file(self) -> str:
        return _env("CELLPIPE_OBJECT_STORE_SECRET_KEY_FILE")

    @default("ca_bundle")
    def _ca_bundle(self) -> str:
        return _env("CELLPIPE_OBJECT_STORE_CA_BUNDLE")

    def settings(self) -> ObjectStoreSettings:
        return ObjectStoreSettings(
            endpoint=self.endpoint.rstrip("/"),
            bucket=self.bucket,
            region=self.region or DEFAULT_REGION,
            credentials=Credentials(
                self.access_key, self.secret_key, self.access_key_file, self.secret_key_file
            ),
            uri_scheme=self.uri_scheme,
            verify_tls=self.verify_tls,
            ca_bundle=self.ca_bundle or None,
            connect_timeout=self.connect_timeout,
            request_timeout=self.request_timeout,
            max_files=self.max_files,
            max_total_bytes=self.max_total_bytes,
        )


class Credentials:
    """The access key pair; files are re-read when they change (a rotated secret). Never printed."""

    def __init__(
        self, access_key: str = "", secret_key: str = "", access_key_file: str = "", secret_key_file: str = ""
    ):
        self._access_key = access_key
        self._secret_key = secret_key
        self._access_key_file = _RotatingFile(access_key_file)
        self._secret_key_file = _RotatingFile(secret_key_file)

    def pair(self) -> tuple[str, str]:
        access = self._access_key or self._access_key_file.read()
        secret = self._secret_key or self._secret_key_file.read()
        if not access or not secret:
            raise ObjectStoreError(
                503,
                "not_configured",
                "The object store has no credentials: the admin sets c.CellpipeObjectStore.access_key and "
                "secret_key (or their *_file, e.g. the mlpipeline-minio-artifact secret mounted), or "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            )
        return access, secret

    def secrets(self) -> list[str]:
        """The secret values, so that messages can be scrubbed of them (the access key id is not secret)."""
        return [v for v in (self._secret_key, self._secret_key_file.read()) if v]

    def __repr__(self) -> str:  # never print a credential
        return "Credentials(***)"


@dataclass
class ObjectStoreSettings:
    endpoint: str = DEFAULT_ENDPOINT
    bucket: str = DEFAULT_BUCKET
    region: str = DEFAULT_REGION
    credentials: Credentials = field(default_factory=Credentials)
    uri_scheme: str = "minio"
    verify_tls: bool = True
    ca_bundle: str | None = None
    connect_timeout: float = 10.0
    request_timeout: float = 3600.0
    max_files: int = 100
    max_total_bytes: int = 20 * 1024**3


@dataclass
class Uploaded:
    """One data file in the store: what the handler answers for it."""

    path: str
    uri: str
    sha256: str
    size: int
    uploaded: bool

    def to_json(self) -> dict[str, str | int | bool]:
        return {
            "path": self.path,
            "uri": self.uri,
            "sha256": self.sha256,
            "size": self.size,
            "uploaded": self.uploaded,
        }


# ---- AWS Signature Version 4 (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html)


def _uri_encode(text: str, slash: bool = False) -> str:
    """SigV4's URI encoding: every byte but A-Z a-z 0-9 - _ . ~ percent-encoded (and '/' kept in paths)."""
    return quote(text, safe="-_.~/" if slash else "-_.~")


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def sign_v4(
    method: str,
    url: str,
    headers: Mapping[str, str],
    payload_sha256: str,
    access_key: str,
    secret_key: str,
    region: str,
    now: datetime,
    service: str = "s3",
) -> dict[str, str]:
    """The request's headers plus Host, X-Amz-Date, X-Amz-Content-Sha256 and Authorization.

    `url`'s path must be encoded already (as sent); its query (none here) is not signed."""
    parts = urlsplit(url)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    out = dict(headers)
    out["Host"] = parts.netloc
    out["X-Amz-Date"] = amz_date
    out["X-Amz-Content-Sha256"] = payload_sha256
    canonical = {k.lower(): " ".join(str(v).split()) for k, v in out.items()}
    names = sorted(canonical)
    canonical_request = "\n".join(
        [
            method,
            parts.path or "/",
            "",  # canonical query string
            "".join(f"{n}:{canonical[n]}\n" for n in names),
            ";".join(names),
            payload_sha256,
        ]
    )
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()]
    )
    key = _hmac(("AWS4" + secret_key).encode("utf-8"), amz_date[:8])
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    out["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return out


EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


# ---- the store ---------------------------------------------------------------------------------------


def file_sha256(path: str) -> tuple[str, int]:
    """(sha256 hex, size) of a file, read in chunks (blocking: run it off the IOLoop)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def object_key(sha256: str, name: str) -> str:
    """`cellpipe/data/<sha256>/<name>`, the name kept to letters, digits, '.', '_' and '-' (URIs stay plain)."""
    base = re.sub(r"[^A-Za-z0-9._-]", "_", PurePosixPath(name).name).lstrip(".") or "data"
    return f"{KEY_PREFIX}/{sha256}/{base}"


def _s3_message(body: bytes) -> str:
    """`Code: Message` of an S3 XML error body, or ""."""
    try:
        # S314: the body is the admin-configured store's error answer; ElementTree resolves no external entities
        # and expat (>= 2.4.1) caps entity expansion, which is what defusedxml would add.
        root = ElementTree.fromstring(body)  # noqa: S314
    except ElementTree.ParseError:
        return ""
    code = root.findtext("Code") or ""
    message = root.findtext("Message") or ""
    return f"{code}: {message}" if code and message else code or message


class ObjectStore:
    """HEAD and PUT of objects in one bucket, signed; each failure an `ObjectStoreError` without secrets."""

    def __init__(self, settings: ObjectStoreSettings, http: SimpleAsyncHTTPClient | None = None):
        self.settings = settings
        self._http = http

    @property
    def http(self) -> SimpleAsyncHTTPClient:
        # The simple client streams a request body from a producer (curl's does not).
        if self._http is None:
            self._http = SimpleAsyncHTTPClient(force_instance=True)
        return self._http

    def uri(self, key: str) -> str:
        return f"{self.settings.uri_scheme}://{self.settings.bucket}/{key}"

    def _url(self, key: str) -> str:
        # Path-style addressing (MinIO's default; S3 still accepts it).
        return f"{self.settings.endpoint}/{_uri_encode(self.settings.bucket)}/{_uri_encode(key, slash=True)}"

    async def exists(self, key: str, size: int) -> bool:
        """Whether the object is there with that size (a content-addressed key holds that content)."""
        what = f"the check for {key}"
        response = await self._send("HEAD", key, EMPTY_SHA256, what=what)
        if response.code == 404:
            return False
        if 200 <= response.code < 300:
            return int(response.headers.get("Content-Length", "-1")) == size
        if response.code != 403:
            raise self._error(response, what)
        # A HEAD answers no body, and S3 answers 403 for a missing key to whoever may not list the bucket:
        # the first byte, asked for, says why (AccessDenied: let the upload try; a bad key or signature: stop).
        probe = await self._send("GET", key, EMPTY_SHA256, what=what, headers={"Range": "bytes=0-0"})
        if probe.code == 404 or (
            probe.code == 403 and _s3_message(probe.body or b"").startswith("AccessDenied")
        ):
            return False
        if 200 <= probe.code < 300:
            total: str = probe.headers.get("Content-Range", "").rpartition("/")[2]
            return total == str(size)
        raise self._error(probe, what)

    async def put_file(self, key: str, local_path: str, size: int, sha256: str) -> None:
        """Streams the file to the key; the store checks it against `sha256` (the signed payload hash)."""
        if size > MAX_SINGLE_PUT_BYTES:
            raise ObjectStoreError(
                413,
                "too_large",
                f"{Path(local_path).name} is {size} bytes, over the 5 GiB a single upload may carry; "
                "put it in the workspace volume or in the object store yourself and give its URI",
            )
        loop = asyncio.get_running_loop()

        async def produce(write: Callable[[bytes], Awaitable[None]]) -> None:
            with open(local_path, "rb") as f:
                while chunk := await loop.run_in_executor(None, f.read, CHUNK_BYTES):
                    await write(chunk)

        headers = {"Content-Length": str(size), "Content-Type": "application/octet-stream"}
        response = await self._send(
            "PUT", key, sha256, what=f"the upload of {key}", headers=headers, producer=produce
        )
        if not 200 <= response.code < 300:
            raise self._error(response, f"the upload of {key}")

    async def upload(self, local_path: str, shown_path: str) -> Uploaded:
        """Hashes the file (off the IOLoop), then uploads it unless its key is there already."""
        loop = asyncio.get_running_loop()
        sha256, size = await loop.run_in_executor(None, file_sha256, local_path)
        key = object_key(sha256, shown_path)
        present = await self.exists(key, size)
        if not present:
            await self.put_file(key, local_path, size, sha256)
        return Uploaded(path=shown_path, uri=self.uri(key), sha256=sha256, size=size, uploaded=not present)

    async def _send(
        self,
        method: str,
        key: str,
        payload_sha256: str,
        what: str,
        headers: Mapping[str, str] | None = None,
        producer: Callable[[Callable[[bytes], Awaitable[None]]], Awaitable[None]] | None = None,
    ) -> HTTPResponse:
        s = self.settings
        access, secret = s.credentials.pair()
        url = self._url(key)
        signed = sign_v4(
            method, url, headers or {}, payload_sha256, access, secret, s.region, datetime.now(timezone.utc)
        )
        request = HTTPRequest(
            url,
            method=method,
            headers=signed,
            # tornado types the producer as returning a Future and `write` as returning None; it awaits both
            # (a coroutine function is what its docs show), so the async producer here is what it runs.
            body_producer=producer,  # type: ignore[arg-type]
            follow_redirects=False,
            validate_cert=s.verify_tls,
            ca_certs=s.ca_bundle,
            connect_timeout=s.connect_timeout,
            request_timeout=s.request_timeout,
            allow_nonstandard_methods=True,
        )
        log.debug("object store %s %s", method, key)
        try:
            response = await self.http.fetch(request, raise_error=False)
        except Exception as cause:  # connection, TLS, timeout: no HTTP answer at all
            raise self._no_answer(cause, what) from None
        if response.code == 599:
            raise self._no_answer(response.error, what)
        return response

    def _error(self, response: HTTPResponse, what: str) -> ObjectStoreError:
        where = f"the object store at {self.settings.endpoint} (bucket {self.settings.bucket})"
        detail = _s3_message(response.body or b"")
        suffix = f": {detail}" if detail else ""
        code = response.code
        if code in (401, 403):
            err = ObjectStoreError(
                403,
                "forbidden",
                f"{where} refused {what} (HTTP {code}){suffix}; check c.CellpipeObjectStore's access key "
                "and secret key (the mlpipeline-minio-artifact secret in Kubeflow)",
            )
        elif code == 404:
            err = ObjectStoreError(502, "no_bucket", f"{where} has no such bucket or path for {what}{suffix}")
        elif code == 400 and "XAmzContentSHA256Mismatch" in detail:
            err = ObjectStoreError(
                409, "changed", f"the file changed while it was uploaded ({what}); try again"
            )
        else:
            err = ObjectStoreError(502, "store_error", f"{where} failed on {what} (HTTP {code}){suffix}")
        err = ObjectStoreError(err.status, err.reason, self.scrub(err.message))
        log.warning("object store request failed: %s", err.message)
        return err

    def _no_answer(self, cause: BaseException | None, what: str) -> ObjectStoreError:
        where = self.settings.endpoint
        if isinstance(cause, ssl.SSLCertVerificationError):
            err = ObjectStoreError(
                502,
                "tls",
                f"The TLS certificate of {where} is not trusted ({cause.verify_message}); "
                "set c.CellpipeObjectStore.ca_bundle",
            )
        elif isinstance(cause, (TimeoutError, HTTPTimeoutError)):
            err = ObjectStoreError(
                504, "timeout", f"The object store at {where} did not finish {what} in time"
            )
        else:
            reason = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
            err = ObjectStoreError(502, "unreachable", f"Cannot reach the object store at {where}: {reason}")
        err = ObjectStoreError(err.status, err.reason, self.scrub(err.message))
        log.warning("object store request failed: %s", err.message)
        return err

    def scrub(self, text: str) -> str:
        """The text with every secret value masked (for anything that leaves the server)."""
        for secret in self.settings.credentials.secrets():
            text = text.replace(secret, "***")
        return text
