"""Where KFP is and how to authenticate to it: Jupyter server config traits over environment variables.

Every setting can be given as `c.CellpipeKFP.<trait>` in a Jupyter server config file; when it is not,
the environment variable named beside it is read, and then a default that works inside a Kubeflow
notebook server. The browser never chooses any of these: no request names a URL, and the user's
JupyterLab "KFP endpoint" setting is ignored unless the admin sets `allow_user_endpoint`, and even then
only an `https` URL whose host the admin listed in `allowed_endpoints` is used (the credential follows the
endpoint; anything else is refused before a byte is sent).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence
from urllib.parse import urlsplit

from traitlets import Bool, Enum, Float, List, Unicode, default
from traitlets.config import Configurable

IN_CLUSTER_ENDPOINT = "http://ml-pipeline.kubeflow.svc.cluster.local:8888"
KUBEFLOW_UI_PATH = "/pipeline"
DEFAULT_SA_TOKEN_PATH = "/var/run/secrets/kubeflow/pipelines/token"  # noqa: S105 (where the token is, not one)
# The namespace a Kubeflow notebook pod runs in is the user's profile namespace.
POD_NAMESPACE_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"
DEFAULT_USER_ID_HEADER = "kubeflow-userid"

AUTH_MODES = ("auto", "none", "sa_token", "bearer", "cookie", "user_id")


def _env(name: str, fallback: str = "") -> str:
    return os.environ.get(name, fallback)


class CellpipeKFP(Configurable):
    """Settings of the connection to Kubeflow Pipelines (`c.CellpipeKFP.*`).

    The endpoint is, in order: the user's JupyterLab setting (cellpipe → KFP endpoint, read from the
    settings file on the server, never from a request), `c.CellpipeKFP.endpoint`, KF_PIPELINES_ENDPOINT,
    and the in-cluster service.
    """

    _lab_settings = None

    endpoint = Unicode(help="KFP API base URL (env KF_PIPELINES_ENDPOINT).").tag(config=True)
    ui_endpoint = Unicode(
        help=(
            "KFP UI base URL for run links (env KF_PIPELINES_UI_ENDPOINT; default: the API endpoint, "
            "or /pipeline on the Kubeflow dashboard for the in-cluster service)."
        )
    ).tag(config=True)
    namespace = Unicode(
        help="Default namespace (env KF_PIPELINES_NAMESPACE; default: the notebook pod's namespace)."
    ).tag(config=True)
    auth_mode = Enum(
        AUTH_MODES,
        default_value="auto",
        help=(
            "auto: the first of bearer token, token file, service-account token, cookie, user-id header "
            "that is configured; or one of them by name, or none."
        ),
    ).tag(config=True)
    sa_token_path = Unicode(
        help=f"Projected service-account token (env KF_PIPELINES_SA_TOKEN_PATH, default {DEFAULT_SA_TOKEN_PATH})."
    ).tag(config=True)
    token = Unicode(help="Bearer token (env KF_PIPELINES_TOKEN).").tag(config=True)
    token_file = Unicode(help="File holding a bearer token (env KF_PIPELINES_TOKEN_FILE).").tag(config=True)
    cookie = Unicode(
        help="Session cookie for Dex/oauth2-proxy gateways, e.g. 'authservice_session=...' (env KF_PIPELINES_COOKIE)."
    ).tag(config=True)
    user_id = Unicode(help="User id sent in the user-id header (env KF_PIPELINES_USER_ID).").tag(config=True)
    user_id_header = Unicode(
        help=f"Header carrying the user id (env KF_PIPELINES_USER_ID_HEADER, default {DEFAULT_USER_ID_HEADER})."
    ).tag(config=True)
    verify_tls = Bool(True, help="Verify the endpoint's TLS certificate.").tag(config=True)
    ca_bundle = Unicode(help="CA bundle file for TLS (env KF_PIPELINES_CA_BUNDLE).").tag(config=True)
    allow_user_endpoint = Bool(
        False,
        help=(
            "Honour the 'KFP endpoint' of the user's JupyterLab settings (cellpipe), which then wins over "
            "endpoint; only https URLs whose host is in allowed_endpoints are accepted, since the "
            "credential is sent there. Off: the setting is ignored."
        ),
    ).tag(config=True)
    allowed_endpoints = List(
        Unicode(),
        help=(
            "Hosts that the user's JupyterLab 'KFP endpoint' may name when allow_user_endpoint is on "
            "(https only): 'kfp.example.org' (any port), 'kfp.example.org:8443' (that port only), or an "
            "https URL (read as its host and port)."
        ),
    ).tag(config=True)
    user_settings_dir = Unicode(
        help="JupyterLab user-settings directory (default: LabApp.user_settings_dir, JUPYTERLAB_SETTINGS_DIR)."
    ).tag(config=True)
    connect_timeout = Float(10.0, help="Seconds to wait for a connection.").tag(config=True)
    request_timeout = Float(60.0, help="Seconds to wait for a whole request (uploads included).").tag(
        config=True
    )

    @default("endpoint")
    def _endpoint(self) -> str:
        return _env("KF_PIPELINES_ENDPOINT", IN_CLUSTER_ENDPOINT)

    @default("ui_endpoint")
    def _ui_endpoint(self) -> str:
        return _env("KF_PIPELINES_UI_ENDPOINT")

    @default("namespace")
    def _namespace(self) -> str:
        return _env("KF_PIPELINES_NAMESPACE") or _read_text(POD_NAMESPACE_PATH) or ""

    @default("sa_token_path")
    def _sa_token_path(self) -> str:
        return _env("KF_PIPELINES_SA_TOKEN_PATH", DEFAULT_SA_TOKEN_PATH)

    @default("token")
    def _token(self) -> str:
        return _env("KF_PIPELINES_TOKEN")

    @default("token_file")
    def _token_file(self) -> str:
        return _env("KF_PIPELINES_TOKEN_FILE")

    @default("cookie")
    def _cookie(self) -> str:
        return _env("KF_PIPELINES_COOKIE")

    @default("user_id")
    def _user_id(self) -> str:
        return _env("KF_PIPELINES_USER_ID")

    @default("user_id_header")
    def _user_id_header(self) -> str:
        return _env("KF_PIPELINES_USER_ID_HEADER", DEFAULT_USER_ID_HEADER)

    @default("user_settings_dir")
    def _user_settings_dir(self) -> str:
        lab = self.config.get("LabApp", {})
        if "user_settings_dir" in lab:
            return str(lab["user_settings_dir"])
        if _env("JUPYTERLAB_SETTINGS_DIR"):
            return _env("JUPYTERLAB_SETTINGS_DIR")
        from jupyter_core.paths import jupyter_config_dir

        return str(Path(jupyter_config_dir(), "lab", "user-settings"))

    @default("ca_bundle")
    def _ca_bundle(self) -> str:
        return _env("KF_PIPELINES_CA_BUNDLE")

    def user_endpoint(self) -> str:
        """The endpoint the user chose in JupyterLab's settings, or "" (re-read when the file changes).

        "" when the admin does not allow choosing; `EndpointRefused` when the choice is not an https URL
        on `allowed_endpoints`.
        """
        if not self.allow_user_endpoint:
            return ""
        if self._lab_settings is None:
            self._lab_settings = _LabSettings(
                str(Path(self.user_settings_dir, "cellpipe", "plugin.jupyterlab-settings"))
            )
        value = self._lab_settings.get("kfpEndpoint")
        value = value.strip() if isinstance(value, str) else ""
        if value:
            check_user_endpoint(value, self.allowed_endpoints)
        return value

    def endpoint_source(self) -> str:
        """Where the endpoint in use comes from, in the words of the setting that changes it."""
        if self.allow_user_endpoint:
            try:
                if self.user_endpoint():
                    return "the JupyterLab setting 'KFP endpoint' (cellpipe)"
            except EndpointRefused:
                return "the JupyterLab setting 'KFP endpoint' (cellpipe)"
        if "endpoint" in (self.config.get("CellpipeKFP") or {}):
            return "c.CellpipeKFP.endpoint"
        if _env("KF_PIPELINES_ENDPOINT"):
            return "KF_PIPELINES_ENDPOINT"
        return "the in-cluster default"

    def settings(self) -> KFPSettings:
        endpoint = self.user_endpoint() or self.endpoint
        return KFPSettings(
            endpoint=endpoint.rstrip("/"),
            ui_endpoint=(self.ui_endpoint or _ui_for(endpoint)).rstrip("/"),
            namespace=self.namespace or None,
            auth=Auth(
                mode=self.auth_mode,
                token=self.token,
                token_file=self.token_file,
                sa_token_path=self.sa_token_path,
                cookie=self.cookie,
                user_id=self.user_id,
                user_id_header=self.user_id_header,
            ),
            verify_tls=self.verify_tls,
            ca_bundle=self.ca_bundle or None,
            connect_timeout=self.connect_timeout,
            request_timeout=self.request_timeout,
        )


# What an admin sets to fix each failure reason of KFPError: (the Jupyter server setting, its env var or "").
_ENDPOINT_FIX = [("c.CellpipeKFP.endpoint", "KF_PIPELINES_ENDPOINT")]
_AUTH_FIX = [
    ("c.CellpipeKFP.auth_mode", ""),
    ("c.CellpipeKFP.token", "KF_PIPELINES_TOKEN"),
    ("c.CellpipeKFP.token_file", "KF_PIPELINES_TOKEN_FILE"),
    ("c.CellpipeKFP.sa_token_path", "KF_PIPELINES_SA_TOKEN_PATH"),
    ("c.CellpipeKFP.cookie", "KF_PIPELINES_COOKIE"),
    ("c.CellpipeKFP.user_id", "KF_PIPELINES_USER_ID"),
]
FIXES: dict[str, list[tuple[str, str]]] = {
    "unreachable": _ENDPOINT_FIX,
    "timeout": [*_ENDPOINT_FIX, ("c.CellpipeKFP.connect_timeout", "")],
    "bad_response": _ENDPOINT_FIX,
    "kfp_error": _ENDPOINT_FIX,
    "not_found": _ENDPOINT_FIX,
    "rejected": _ENDPOINT_FIX,
    "unauthenticated": _AUTH_FIX,
    "forbidden": [("c.CellpipeKFP.namespace", "KF_PIPELINES_NAMESPACE"), *_AUTH_FIX],
    "tls": [("c.CellpipeKFP.ca_bundle", "KF_PIPELINES_CA_BUNDLE"), ("c.CellpipeKFP.verify_tls", "")],
    "endpoint_refused": [("c.CellpipeKFP.allowed_endpoints", ""), ("c.CellpipeKFP.allow_user_endpoint", "")],
}


def fixes_for(reason: str) -> list[dict[str, str]]:
    """The settings that fix a failure of this reason, for the panel to name (`[]` when none is known)."""
    return [{"setting": setting, "env": env} for setting, env in FIXES.get(reason, _ENDPOINT_FIX)]


class EndpointRefused(ValueError):
    """The user's JupyterLab 'KFP endpoint' is not one the admin allows; nothing was sent to it."""


def check_user_endpoint(url: str, allowed_hosts: Sequence[str]) -> None:
    """Refuses (EndpointRefused) a user-chosen endpoint that is not https on a host the admin listed."""
    what = f"The KFP endpoint {_redacted(url)!r} of your JupyterLab settings (cellpipe)"
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        raise EndpointRefused(f"{what} is not a URL") from None
    if parts.scheme != "https" or not host:
        raise EndpointRefused(f"{what} is refused: only https endpoints are accepted")
    for entry in allowed_hosts:
        allowed_host, allowed_port = _host_and_port(entry)
        if allowed_host == host and (not allowed_port or allowed_port == str(port or 443)):
            return
    listed = ", ".join(allowed_hosts) or "none"
    raise EndpointRefused(
        f"{what} is refused: its host is not one the server's admin allows "
        f"(c.CellpipeKFP.allowed_endpoints: {listed}); clear the setting to use the server's endpoint"
    )


def _host_and_port(entry: str) -> tuple[str, str]:
    """An allowlist entry ('host', 'host:port', or a whole 'https://host[:port]/...' URL) as (host, port or "")."""
    entry = entry.strip().lower()
    if "//" in entry:
        try:
            parts = urlsplit(entry)
            return parts.hostname or "", str(parts.port or "")
        except ValueError:
            return "", ""
    host, _, port = entry.partition(":")
    return host, port


def _redacted(url: str) -> str:
    """The URL without a user:password part, for messages."""
    try:
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:
            return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    except ValueError:
        return "<not a URL>"
    return url


def _ui_for(endpoint: str) -> str:
    """Where the KFP UI is: beside the API, except for the in-cluster service, which the browser cannot
    reach; there the Kubeflow dashboard serves the UI at /pipeline on the page's own origin."""
    return KUBEFLOW_UI_PATH if endpoint.rstrip("/") == IN_CLUSTER_ENDPOINT else endpoint


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


class _RotatingFile:
    """A secret file re-read whenever it changes on disk (Kubernetes rotates projected tokens)."""

    def __init__(self, path: str):
        self.path = path
        self._stamp: tuple[int, int, int] | None = None
        self._text = ""
        self._lock = threading.Lock()

    def exists(self) -> bool:
        return bool(self.path) and Path(self.path).is_file()

    def read(self) -> str:
        if not self.path:  # not configured (Path("") would be the working folder)
            return ""
        try:
            st = Path(self.path).stat()
        except OSError:
            return ""
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        with self._lock:
            if stamp != self._stamp:
                self._text = _read_text(self.path)
                self._stamp = stamp
            return self._text


class _LabSettings:
    """cellpipe's JupyterLab user-settings file (JSON5), parsed again whenever it changes."""

    def __init__(self, path: str):
        self._file = _RotatingFile(path)
        self._text: str | None = None
        self._data: dict[str, object] = {}

    def get(self, key: str) -> object:
        text = self._file.read()
        if text != self._text:
            self._text = text
            self._data = _parse_settings(text)
        return self._data.get(key)


def _parse_settings(text: str) -> dict[str, object]:
    if not text:
        return {}
    try:
        import json5

        data = json5.loads(text)
    except ImportError:  # json5 comes with jupyterlab_server; plain JSON otherwise
        import json

        try:
            data = json.loads(text)
        except ValueError:
            return {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class Auth:
    """Produces the credential headers of one request; never exposes them anywhere else."""

    def __init__(
        self,
        mode: str = "auto",
        token: str = "",
        token_file: str = "",
        sa_token_path: str = DEFAULT_SA_TOKEN_PATH,
        cookie: str = "",
        user_id: str = "",
        user_id_header: str = DEFAULT_USER_ID_HEADER,
    ):
        if mode not in AUTH_MODES:
            raise ValueError(f"unknown KFP auth mode {mode!r}; expected one of {', '.join(AUTH_MODES)}")
        self.mode = mode
        self._token = token
        self._token_file = _RotatingFile(token_file)
        self._sa_token = _RotatingFile(sa_token_path)
        self._cookie = cookie
        self._user_id = user_id
        self.user_id_header = user_id_header or DEFAULT_USER_ID_HEADER

    def effective_mode(self) -> str:
        """The mode in use: for `auto`, the first credential that is configured."""
        if self.mode != "auto":
            return self.mode
        if self._token or self._token_file.exists():
            return "bearer"
        if self._sa_token.exists():
            return "sa_token"
        if self._cookie:
            return "cookie"
        if self._user_id:
            return "user_id"
        return "none"

    def headers(self) -> dict[str, str]:
        mode = self.effective_mode()
        if mode == "bearer":
            token = self._token or self._token_file.read()
            if not token:
                raise AuthMissing(
                    "bearer auth is selected but neither KF_PIPELINES_TOKEN nor a token file is set"
                )
            return {"Authorization": f"Bearer {token}"}
        if mode == "sa_token":
            token = self._sa_token.read()
            if not token:
                raise AuthMissing(f"the service-account token file {self._sa_token.path} is missing or empty")
            return {"Authorization": f"Bearer {token}"}
        if mode == "cookie":
            if not self._cookie:
                raise AuthMissing("cookie auth is selected but KF_PIPELINES_COOKIE is not set")
            return {"Cookie": self._cookie}
        if mode == "user_id":
            if not self._user_id:
                raise AuthMissing("user-id auth is selected but KF_PIPELINES_USER_ID is not set")
            return {self.user_id_header: self._user_id}
        return {}

    def secrets(self) -> list[str]:
        """Every credential value, so that messages can be scrubbed of them."""
        values = [self._token, self._cookie, self._token_file.read(), self._sa_token.read()]
        return [v for v in values if v]

    def __repr__(self) -> str:  # never print a credential
        return f"Auth(mode={self.mode!r})"


class AuthMissing(Exception):
    """The selected auth mode has no credential to send."""


@dataclass
class KFPSettings:
    endpoint: str = IN_CLUSTER_ENDPOINT
    ui_endpoint: str = IN_CLUSTER_ENDPOINT
    namespace: str | None = None
    auth: Auth = None  # type: ignore[assignment]
    verify_tls: bool = True
    ca_bundle: str | None = None
    connect_timeout: float = 10.0
    request_timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.auth is None:
            self.auth = Auth()
