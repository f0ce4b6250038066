"""A plain client of the Kubeflow Pipelines REST API v2beta1, used by the thin handlers in kfp_handlers.

It talks only to the configured endpoint, adds the credential headers itself, and turns every failure
into a `KFPError` whose message a person can act on (and which never carries a credential).
"""

from __future__ import annotations

import json
import logging
import re
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from tornado.httpclient import AsyncHTTPClient, HTTPRequest, HTTPResponse
from tornado.simple_httpclient import HTTPTimeoutError

from .config import AuthMissing, KFPSettings, fixes_for
from .packages import JSONObject, RequestRefused, load_package_documents, off_loop, type_name

log = logging.getLogger("cellpipe.kfp")

API = "/apis/v2beta1"

# The output a step's visualization is on, in order of preference: its report (system.HTML), the metrics.
VISUALIZED_OUTPUTS = ("report", "cellpipe_report", "metrics")

# What KFP's parameter types accept, as JSON values (bool is not a number here, as in Python's KFP).
_PARAMETER_CHECKS: dict[str, tuple[Callable[[object], bool], str]] = {
    "NUMBER_INTEGER": (
        lambda v: not isinstance(v, bool)
        and (isinstance(v, int) or (isinstance(v, float) and v.is_integer())),
        "a whole number",
    ),
    "NUMBER_DOUBLE": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "a number"),
    "STRING": (lambda v: isinstance(v, str), "a string"),
    "BOOLEAN": (lambda v: isinstance(v, bool), "true or false"),
    "LIST": (lambda v: isinstance(v, list), "a list"),
    "STRUCT": (lambda v: isinstance(v, dict), "a dict"),
}


class KFPError(Exception):
    """A failure to show to the user: `status` is the HTTP status our handler answers with."""

    def __init__(self, status: int, reason: str, message: str, kfp_status: int | None = None):
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.kfp_status = kfp_status

    def to_json(self) -> JSONObject:
        out: JSONObject = {"reason": self.reason, "message": self.message}
        if self.kfp_status is not None:
            out["kfp_status"] = self.kfp_status
        return out


def split_pipeline_package(text: str) -> tuple[JSONObject, JSONObject]:
    """The package's PipelineSpec and its kfp-kubernetes platform spec ({} when there is none).

    Refuses YAML anchors and aliases (an alias bomb would expand when the run body is serialized).
    """
    try:
        return load_package_documents(text)
    except RequestRefused as e:
        raise KFPError(e.status, e.reason, e.message) from None


async def split_pipeline_package_off_loop(text: str) -> tuple[JSONObject, JSONObject]:
    """`split_pipeline_package` on the IOLoop's thread pool: a large package does not stall the server."""
    return await off_loop(split_pipeline_package, text)


def check_parameters(pipeline_spec: JSONObject, parameters: JSONObject) -> JSONObject:
    """Checks run parameters against the pipeline's root inputs; answers them unchanged when they fit."""
    root = _mapping(pipeline_spec, "root", "the pipeline package")
    inputs = _mapping(root, "inputDefinitions", 'the package\'s "root"')
    defs = _mapping(inputs, "parameters", 'the package\'s "root.inputDefinitions"')
    problems = []
    for name, value in parameters.items():
        if name not in defs:
            known = ", ".join(sorted(defs)) or "none"
            problems.append(f'parameter "{name}" is not a pipeline parameter (known: {known})')
            continue
        spec = _mapping(defs, name, 'the package\'s "root.inputDefinitions.parameters"')
        kind = spec.get("parameterType", "STRING")
        check = _PARAMETER_CHECKS.get(kind)
        if check and not check[0](value):
            problems.append(f'parameter "{name}" must be {check[1]} ({kind}), got {json.dumps(value)}')
    if problems:
        raise KFPError(400, "bad_parameters", "; ".join(problems))
    return parameters


def _mapping(parent: JSONObject, key: str, where: str) -> JSONObject:
    """parent[key] as a mapping ({} when absent or null); a KFPError(400) naming the field otherwise."""
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise KFPError(
            400, "bad_request", f'Field "{key}" of {where} must be a mapping, not {type_name(value)}'
        )
    return value


def _public_url(url: str) -> str:
    """The URL without any user:password part, for messages and the browser."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _kfp_message(body: bytes) -> str:
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        text = body.decode("utf-8", "replace").strip()
        return text[:500]
    if isinstance(data, dict):
        return str(data.get("message") or data.get("error") or "").strip()
    return ""


def _multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"cellpipe-{uuid.uuid4().hex}"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/x-yaml\r\n\r\n"
    ).encode()
    body = head + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class KFPClient:
    """Calls of the KFP API v2beta1 that cellpipe needs. Each returns KFP's JSON (a dict)."""

    def __init__(self, settings: KFPSettings, http: AsyncHTTPClient | None = None):
        self.settings = settings
        self._http = http

    @property
    def http(self) -> AsyncHTTPClient:
        if self._http is None:
            self._http = AsyncHTTPClient()
        return self._http

    # ---- health, experiments -------------------------------------------------------------------

    async def health(self) -> JSONObject:
        """Reachability of the endpoint plus what the browser may know about the connection."""
        data = await self._call("GET", "/healthz", what="the KFP health check")
        return {**self.connection(), "reachable": True, "multi_user": bool(data.get("multi_user", False))}

    def connection(self) -> JSONObject:
        """What the browser may know about the connection: where, which namespace, which auth mode (never the
        credential)."""
        return {
            "endpoint": _public_url(self.settings.endpoint),
            "ui_endpoint": _public_url(self.settings.ui_endpoint),
            "namespace": self.settings.namespace,
            "auth_mode": self.settings.auth.effective_mode(),
        }

    async def status(self) -> JSONObject:
        """`health()`, or why KFP does not answer and the settings that fix it; never raises a KFPError."""
        try:
            return {**await self.health(), "fixes": []}
        except KFPError as e:
            return unreachable_status(self.connection(), e)

    async def list_experiments(self, namespace: str | None = None, page_size: int = 100) -> JSONObject:
        query = {
            "namespace": self._namespace(namespace),
            "page_size": page_size,
            "sort_by": "created_at desc",
        }
        data = await self._call("GET", "/experiments", query=query, what="experiments", namespace=namespace)
        data.setdefault("experiments", [])
        return data

    async def create_experiment(
        self, name: str, namespace: str | None = None, description: str = ""
    ) -> JSONObject:
        if not name:
            raise KFPError(400, "bad_request", "An experiment needs a name")
        body = {"display_name": name, "description": description}
        ns = self._namespace(namespace)
        if ns:
            body["namespace"] = ns
        return await self._call("POST", "/experiments", body=body, what=f'experiment "{name}"', namespace=ns)

    # ---- pipelines -----------------------------------------------------------------------------

    async def find_pipeline(self, name: str, namespace: str | None = None) -> JSONObject | None:
        """The pipeline of that name, or None."""
        ns = self._namespace(namespace)
        try:
            return await self._call(
                "GET",
                f"/pipelines/names/{quote(name, safe='')}",
                query={"namespace": ns},
                what=f'pipeline "{name}"',
                namespace=ns,
            )
        except KFPError as e:
            if e.kfp_status == 404:
                return None
            raise

    async def upload_pipeline(
        self, package: str, name: str, description: str = "", namespace: str | None = None
    ) -> JSONObject:
        await split_pipeline_package_off_loop(package)
        ns = self._namespace(namespace)
        query = {"name": name, "display_name": name, "description": description or None, "namespace": ns}
        return await self._upload("/pipelines/upload", package, query, f'pipeline "{name}"', ns)

    async def upload_pipeline_version(
        self, package: str, pipeline_id: str, version_name: str = "", description: str = ""
    ) -> JSONObject:
        await split_pipeline_package_off_loop(package)
        version_name = version_name or _version_name()
        query = {
            "pipelineid": pipeline_id,
            "name": version_name,
            "display_name": version_name,
            "description": description or None,
        }
        return await self._upload(
            "/pipelines/upload_version",
            package,
            query,
            f'version "{version_name}" of pipeline {pipeline_id}',
            None,
        )

    async def latest_version(self, pipeline_id: str) -> JSONObject | None:
        query = {"page_size": 1, "sort_by": "created_at desc"}
        data = await self._call(
            "GET",
            f"/pipelines/{quote(pipeline_id, safe='')}/versions",
            query=query,
            what=f"pipeline {pipeline_id}",
        )
        versions = data.get("pipeline_versions") or []
        return versions[0] if versions else None

    async def publish(
        self,
        package: str,
        name: str,
        description: str = "",
        namespace: str | None = None,
        version_name: str = "",
    ) -> JSONObject:
        """Uploads the package as a new pipeline, or as a new version when the name exists already."""
        await split_pipeline_package_off_loop(package)  # a bad package is refused before KFP is asked
        existing = await self.find_pipeline(name, namespace)
        if existing is None:
            pipeline = await self.upload_pipeline(package, name, description, namespace)
            pipeline_id = pipeline.get("pipeline_id", "")
            version = await self.latest_version(pipeline_id) or {}
            created = True
        else:
            pipeline_id = existing.get("pipeline_id", "")
            version = await self.upload_pipeline_version(package, pipeline_id, version_name, description)
            created = False
        return {
            "pipeline_id": pipeline_id,
            "pipeline_version_id": version.get("pipeline_version_id", ""),
            "version_name": version.get("display_name", ""),
            "created_pipeline": created,
        }

    # ---- runs ----------------------------------------------------------------------------------

    async def create_run(
        self,
        display_name: str,
        experiment_id: str = "",
        pipeline_id: str = "",
        pipeline_version_id: str = "",
        package: str = "",
        parameters: JSONObject | None = None,
        pipeline_root: str = "",
        namespace: str | None = None,
    ) -> JSONObject:
        """A run of an uploaded version (ids) or of an inline package (YAML), with typed parameters."""
        if not display_name:
            raise KFPError(400, "bad_request", "A run needs a name")
        parameters = dict(parameters or {})
        run: JSONObject = {"display_name": display_name}
        await _add_pipeline(run, experiment_id, pipeline_id, pipeline_version_id, package, parameters)
        runtime: JSONObject = {"parameters": parameters}
        if pipeline_root:
            runtime["pipeline_root"] = pipeline_root
        run["runtime_config"] = runtime
        data = await self._call(
            "POST", "/runs", body=run, what=f'run "{display_name}"', namespace=self._namespace(namespace)
        )
        return self._with_link(data)

    async def get_run(self, run_id: str) -> JSONObject:
        data = await self._call("GET", f"/runs/{quote(run_id, safe='')}", what=f"run {run_id}")
        return self._with_link(data)

    async def list_runs(
        self,
        namespace: str | None = None,
        experiment_id: str = "",
        pipeline_id: str = "",
        page_size: int = 20,
    ) -> JSONObject:
        """The newest runs of a namespace or experiment; of one pipeline when `pipeline_id` is given."""
        ns = self._namespace(namespace)
        query = {
            "namespace": ns if not experiment_id else None,
            "experiment_id": experiment_id or None,
            "page_size": page_size,
            "sort_by": "created_at desc",
        }
        data = await self._call("GET", "/runs", query=query, what="runs", namespace=ns)
        runs = [self._with_link(r) for r in data.get("runs") or []]
        if pipeline_id:
            runs = [
                r
                for r in runs
                if (r.get("pipeline_version_reference") or {}).get("pipeline_id") == pipeline_id
            ]
        return {"runs": runs, "next_page_token": data.get("next_page_token", "")}

    async def terminate_run(self, run_id: str) -> JSONObject:
        await self._call("POST", f"/runs/{quote(run_id, safe='')}:terminate", what=f"run {run_id}")
        return {"run_id": run_id, "terminated": True}

    async def retry_run(self, run_id: str) -> JSONObject:
        await self._call("POST", f"/runs/{quote(run_id, safe='')}:retry", what=f"run {run_id}")
        return {"run_id": run_id, "retried": True}

    # ---- recurring runs (schedules) -------------------------------------------------------------

    async def create_recurring_run(
        self,
        display_name: str,
        schedule: Schedule,
        experiment_id: str = "",
        pipeline_id: str = "",
        pipeline_version_id: str = "",
        package: str = "",
        parameters: JSONObject | None = None,
        description: str = "",
        namespace: str | None = None,
    ) -> JSONObject:
        """A schedule of runs of an uploaded version (ids) or of an inline package, enabled or not."""
        if not display_name:
            raise KFPError(400, "bad_request", "A schedule needs a name")
        parameters = dict(parameters or {})
        body: JSONObject = {"display_name": display_name, "description": description, **schedule.to_kfp()}
        await _add_pipeline(body, experiment_id, pipeline_id, pipeline_version_id, package, parameters)
        body["runtime_config"] = {"parameters": parameters}
        data = await self._call(
            "POST",
            "/recurringruns",
            body=body,
            what=f'schedule "{display_name}"',
            namespace=self._namespace(namespace),
        )
        return self._with_schedule_link(data)

    async def list_recurring_runs(
        self,
        namespace: str | None = None,
        experiment_id: str = "",
        pipeline_id: str = "",
        page_size: int = 50,
    ) -> JSONObject:
        """The newest schedules of a namespace or experiment; of one pipeline when `pipeline_id` is given."""
        ns = self._namespace(namespace)
        query = {
            "namespace": ns if not experiment_id else None,
            "experiment_id": experiment_id or None,
            "page_size": page_size,
            "sort_by": "created_at desc",
        }
        data = await self._call("GET", "/recurringruns", query=query, what="schedules", namespace=ns)
        schedules = [
            self._with_schedule_link(r) for r in data.get("recurringRuns") or data.get("recurring_runs") or []
        ]
        if pipeline_id:
            schedules = [
                r
                for r in schedules
                if (r.get("pipeline_version_reference") or {}).get("pipeline_id") == pipeline_id
            ]
        return {"recurring_runs": schedules, "next_page_token": data.get("next_page_token", "")}

    async def list_recurring_run_runs(
        self, recurring_run_id: str, namespace: str | None = None, page_size: int = 5
    ) -> JSONObject:
        """The newest runs a schedule started: KFP's runs filtered on their `recurring_run_id`."""
        if not recurring_run_id:
            raise KFPError(400, "bad_request", "Which schedule? recurring_run_id is empty")
        ns = self._namespace(namespace)
        predicate = {"key": "recurring_run_id", "operation": "EQUALS", "string_value": recurring_run_id}
        query = {
            "namespace": ns,
            "page_size": page_size,
            "sort_by": "created_at desc",
            "filter": json.dumps({"predicates": [predicate]}),
        }
        data = await self._call(
            "GET", "/runs", query=query, what=f"runs of schedule {recurring_run_id}", namespace=ns
        )
        runs = [self._with_link(r) for r in data.get("runs") or []]
        # A KFP without the filter key would answer every run: keep only this schedule's.
        runs = [r for r in runs if r.get("recurring_run_id") == recurring_run_id]
        return {"runs": runs, "next_page_token": data.get("next_page_token", "")}

    async def get_recurring_run(self, recurring_run_id: str) -> JSONObject:
        data = await self._call(
            "GET", f"/recurringruns/{quote(recurring_run_id, safe='')}", what=f"schedule {recurring_run_id}"
        )
        return self._with_schedule_link(data)

    async def set_recurring_run_enabled(self, recurring_run_id: str, enabled: bool) -> JSONObject:
        action = "enable" if enabled else "disable"
        await self._call(
            "POST",
            f"/recurringruns/{quote(recurring_run_id, safe='')}:{action}",
            what=f"schedule {recurring_run_id}",
        )
        return {"recurring_run_id": recurring_run_id, "enabled": enabled}

    async def delete_recurring_run(self, recurring_run_id: str) -> JSONObject:
        await self._call(
            "DELETE",
            f"/recurringruns/{quote(recurring_run_id, safe='')}",
            what=f"schedule {recurring_run_id}",
        )
        return {"recurring_run_id": recurring_run_id, "deleted": True}

    def _with_schedule_link(self, schedule: JSONObject) -> JSONObject:
        if isinstance(schedule, dict) and schedule.get("recurring_run_id"):
            ident = quote(str(schedule["recurring_run_id"]), safe="")
            schedule = {
                **schedule,
                "ui_url": f"{_public_url(self.settings.ui_endpoint)}/#/recurringrun/details/{ident}",
            }
        return schedule

    def run_url(self, run_id: str) -> str:
        return f"{_public_url(self.settings.ui_endpoint)}/#/runs/details/{quote(run_id, safe='')}"

    def task_url(self, run_id: str, task_id: str) -> str:
        """The run in the KFP UI with this task selected (its logs, inputs and outputs)."""
        return f"{self.run_url(run_id)}?task={quote(task_id, safe='')}"

    def artifact_url(self, artifact_id: str) -> str:
        """An artifact's page in the KFP UI, which renders its visualization (HTML, metrics)."""
        return f"{_public_url(self.settings.ui_endpoint)}/#/artifacts/{quote(artifact_id, safe='')}"

    # ---- transport -----------------------------------------------------------------------------

    def _namespace(self, namespace: str | None) -> str | None:
        return namespace or self.settings.namespace or None

    def _with_link(self, run: JSONObject) -> JSONObject:
        """The run with its link in the KFP UI, and each task with links to its logs and visualization."""
        if not (isinstance(run, dict) and run.get("run_id")):
            return run
        run_id = str(run["run_id"])
        run = {**run, "ui_url": self.run_url(run_id)}
        details = run.get("run_details")
        if isinstance(details, dict) and isinstance(details.get("task_details"), list):
            tasks = [self._task_links(run_id, t) for t in details["task_details"]]
            run["run_details"] = {**details, "task_details": tasks}
        return run

    def _task_links(self, run_id: str, task: object) -> object:
        if not isinstance(task, dict):
            return task
        task = dict(task)
        if task.get("task_id"):
            task["logs_url"] = self.task_url(run_id, str(task["task_id"]))
        outputs = task.get("outputs")
        if not isinstance(outputs, dict):
            outputs = {}
        for name in VISUALIZED_OUTPUTS:
            listed = outputs.get(name)
            ids = listed.get("artifact_ids") if isinstance(listed, dict) else None
            if isinstance(ids, list) and ids:
                task["visualization_url"] = self.artifact_url(str(ids[0]))
                break
        return task

    async def _upload(
        self, path: str, package: str, query: JSONObject, what: str, namespace: str | None
    ) -> JSONObject:
        body, content_type = _multipart("uploadfile", "pipeline.yaml", package.encode("utf-8"))
        return await self._call(
            "POST", path, query=query, raw=(body, content_type), what=what, namespace=namespace
        )

    async def _call(
        self,
        method: str,
        path: str,
        *,
        query: JSONObject | None = None,
        body: Any = None,
        raw: tuple[bytes, str] | None = None,
        what: str,
        namespace: str | None = None,
    ) -> JSONObject:
        s = self.settings
        url = s.endpoint + API + path
        pairs = {k: v for k, v in (query or {}).items() if v not in (None, "")}
        if pairs:
            url += "?" + urlencode(pairs)
        try:
            headers = s.auth.headers()
        except AuthMissing as e:
            raise KFPError(401, "unauthenticated", f"No credentials for Kubeflow Pipelines: {e}") from None
        headers["Accept"] = "application/json"
        payload = None
        if raw is not None:
            payload, headers["Content-Type"] = raw
        elif body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = HTTPRequest(
            url,
            method=method,
            headers=headers,
            body=payload,
            follow_redirects=False,
            validate_cert=s.verify_tls,
            ca_certs=s.ca_bundle,
            connect_timeout=s.connect_timeout,
            request_timeout=s.request_timeout,
            allow_nonstandard_methods=True,
        )
        log.debug("KFP %s %s%s", method, API, path)
        try:
            response = await self.http.fetch(request, raise_error=False)
        except Exception as cause:  # connection, TLS, timeout: no HTTP answer at all
            raise self._no_answer(cause, what) from None
        if 200 <= response.code < 300:
            if not response.body:
                return {}
            try:
                answer: JSONObject = json.loads(response.body)
            except ValueError:
                raise KFPError(
                    502, "bad_response", f"Kubeflow Pipelines answered {what} with a body that is not JSON"
                ) from None
            return answer
        raise self._error(response, what, namespace)

    def _error(self, response: HTTPResponse, what: str, namespace: str | None) -> KFPError:
        endpoint = _public_url(self.settings.endpoint)
        mode = self.settings.auth.effective_mode()
        code = response.code
        if code == 599 and response.error is not None:
            return self._no_answer(response.error, what)
        detail = _kfp_message(response.body or b"")
        suffix = f": {detail}" if detail else ""
        ns = f' in namespace "{namespace}"' if namespace else ""
        if 300 <= code < 400:
            err = KFPError(
                401,
                "unauthenticated",
                f"Kubeflow Pipelines at {endpoint} redirected to a login page ({mode} auth); "
                "set a session cookie (KF_PIPELINES_COOKIE) or a token",
                code,
            )
        elif code == 401:
            err = KFPError(
                401,
                "unauthenticated",
                f"Kubeflow Pipelines at {endpoint} did not accept the credentials ({mode} auth){suffix}",
                code,
            )
        elif code == 403:
            err = KFPError(403, "forbidden", f"Not allowed to access {what}{ns} ({mode} auth){suffix}", code)
        elif code == 404:
            err = KFPError(404, "not_found", f"Not found: {what}{ns}{suffix}", code)
        elif code == 409:
            err = KFPError(
                409, "conflict", f"Kubeflow Pipelines refused {what}: it exists already{suffix}", code
            )
        elif 400 <= code < 500:
            err = KFPError(400, "rejected", f"Kubeflow Pipelines rejected {what}{suffix}", code)
        else:
            err = KFPError(
                502, "kfp_error", f"Kubeflow Pipelines failed on {what} (HTTP {code}){suffix}", code
            )
        err = KFPError(err.status, err.reason, self.scrub(err.message), err.kfp_status)
        log.warning("KFP request failed: %s", err.message)
        return err

    def _no_answer(self, cause: BaseException, what: str) -> KFPError:
        endpoint = _public_url(self.settings.endpoint)
        if isinstance(cause, ssl.SSLCertVerificationError):
            err = KFPError(
                502,
                "tls",
                f"The TLS certificate of {endpoint} is not trusted ({cause.verify_message}); "
                "set c.CellpipeKFP.ca_bundle or KF_PIPELINES_CA_BUNDLE",
            )
        elif isinstance(cause, (TimeoutError, HTTPTimeoutError)):
            err = KFPError(504, "timeout", f"Kubeflow Pipelines at {endpoint} did not answer {what} in time")
        else:
            reason = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
            err = KFPError(502, "unreachable", f"Cannot reach Kubeflow Pipelines at {endpoint}: {reason}")
        err = KFPError(err.status, err.reason, self.scrub(err.message))
        log.warning("KFP request failed: %s", err.message)
        return err

    def scrub(self, text: str) -> str:
        """The text with every credential value masked (for anything that leaves the server)."""
        for secret in self.settings.auth.secrets():
            text = text.replace(secret, "***")
        return re.sub(r"(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}", r"\1***", text)


@dataclass(frozen=True)
class Schedule:
    """When a recurring run starts runs: a cron expression or an interval, a window, and how runs overlap.

    `cron` takes the usual five fields (minute hour day month weekday) or KFP's six (seconds first); five
    are sent with a leading "0" seconds field. Times are RFC 3339 (`2026-01-05T06:00:00Z`) or "".
    """

    cron: str = ""
    interval_seconds: int = 0
    start_time: str = ""
    end_time: str = ""
    max_concurrency: int = 1
    catchup: bool = True
    enabled: bool = True

    @classmethod
    def parse(cls, data: JSONObject) -> Schedule:
        """From a request's fields, each refused by name when it has the wrong type or value."""

        def field(name: str, kind: type, default: Any) -> Any:
            value = data.get(name, default)
            if value is None:
                return default
            if kind is int and isinstance(value, bool) or not isinstance(value, kind):
                raise KFPError(400, "bad_request", f'Field "{name}" must be {_KIND_WORDS[kind]}')
            return value

        schedule = cls(
            cron=field("cron", str, "").strip(),
            interval_seconds=field("interval_seconds", int, 0),
            start_time=field("start_time", str, ""),
            end_time=field("end_time", str, ""),
            max_concurrency=field("max_concurrency", int, 1),
            catchup=field("catchup", bool, True),
            enabled=field("enabled", bool, True),
        )
        schedule.check()
        return schedule

    def check(self) -> None:
        if bool(self.cron) == bool(self.interval_seconds):
            raise KFPError(
                400, "bad_request", "A schedule needs either a cron expression or an interval, not both"
            )
        if self.cron and len(self.cron.split()) not in (5, 6):
            raise KFPError(
                400,
                "bad_request",
                f'The cron expression "{self.cron}" must have 5 fields (minute hour day month weekday) '
                "or 6 (seconds first)",
            )
        if self.interval_seconds and self.interval_seconds < 60:
            raise KFPError(400, "bad_request", "The interval must be at least 60 seconds")
        if not 1 <= self.max_concurrency <= 10:
            raise KFPError(400, "bad_request", "max_concurrency must be from 1 to 10")
        for name in ("start_time", "end_time"):
            value = getattr(self, name)
            if value:
                try:
                    datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError:
                    raise KFPError(
                        400,
                        "bad_request",
                        f'Field "{name}" must be a time like 2026-01-05T06:00:00Z, not "{value}"',
                    ) from None

    def to_kfp(self) -> JSONObject:
        window = {k: v for k, v in (("start_time", self.start_time), ("end_time", self.end_time)) if v}
        if self.cron:
            fields = self.cron.split()
            cron = " ".join(["0", *fields] if len(fields) == 5 else fields)
            trigger: JSONObject = {"cron_schedule": {"cron": cron, **window}}
        else:
            trigger = {"periodic_schedule": {"interval_second": str(self.interval_seconds), **window}}
        return {
            "trigger": trigger,
            "max_concurrency": str(self.max_concurrency),
            "no_catchup": not self.catchup,
            "mode": "ENABLE" if self.enabled else "DISABLE",
        }


_KIND_WORDS = {str: "a string", int: "a whole number", bool: "true or false"}


def unreachable_status(connection: JSONObject, error: KFPError) -> JSONObject:
    """The status answer of a KFP that could not be asked or did not answer."""
    return {
        **connection,
        "reachable": False,
        "reason": error.reason,
        "message": error.message,
        "fixes": fixes_for(error.reason),
    }


def _version_name() -> str:
    return datetime.now(timezone.utc).strftime("v%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


async def _add_pipeline(
    body: JSONObject,
    experiment_id: str,
    pipeline_id: str,
    pipeline_version_id: str,
    package: str,
    parameters: JSONObject,
) -> None:
    """What a run and a schedule both name: their experiment, and an uploaded version (ids) or an inline
    package whose parameters are checked against the values given."""
    if bool(package) == bool(pipeline_version_id):
        raise KFPError(
            400,
            "bad_request",
            "Give either a pipeline version (pipeline_id, pipeline_version_id) or a package",
        )
    if experiment_id:
        body["experiment_id"] = experiment_id
    if package:
        spec, platform = await split_pipeline_package_off_loop(package)
        check_parameters(spec, parameters)
        # The shape the KFP SDK sends: the bare spec, or both documents when there is a platform spec.
        body["pipeline_spec"] = {"pipeline_spec": spec, "platform_spec": platform} if platform else spec
    else:
        body["pipeline_version_reference"] = {
            "pipeline_id": pipeline_id,
            "pipeline_version_id": pipeline_version_id,
        }
