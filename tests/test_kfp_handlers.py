"""The /cellpipe/api/kfp/ handlers in a real Jupyter server: auth, XSRF, error mapping, no token leaks."""

import json
import logging

import pytest
from kfp_mock.recorder import Answer, Recorder, route
from tornado.httpclient import HTTPClientError

TOKEN = "kfp-handler-secret-0123456789"

ROUTES = [
    ("GET", ("health",)),
    ("GET", ("status",)),
    ("GET", ("experiments",)),
    ("POST", ("experiments",)),
    ("GET", ("pipelines",)),
    ("POST", ("pipelines",)),
    ("POST", ("pipelines", "p1", "versions")),
    ("GET", ("runs",)),
    ("POST", ("runs",)),
    ("GET", ("runs", "r1")),
    ("POST", ("runs", "r1", "terminate")),
    ("POST", ("runs", "r1", "retry")),
    ("GET", ("recurringruns",)),
    ("POST", ("recurringruns",)),
    ("GET", ("recurringruns", "s1")),
    ("DELETE", ("recurringruns", "s1")),
    ("POST", ("recurringruns", "s1", "enable")),
    ("POST", ("recurringruns", "s1", "disable")),
    ("GET", ("recurringruns", "s1", "runs")),
]


@pytest.fixture
def kfp():
    with Recorder() as server:
        yield server


@pytest.fixture
def jp_server_config(kfp):
    return {
        "ServerApp": {"jpserver_extensions": {"cellpipe": True}},
        "CellpipeKFP": {"endpoint": kfp.url, "auth_mode": "bearer", "token": TOKEN, "namespace": "team-a"},
    }


async def fetch_error(jp_fetch, *parts, **kwargs) -> HTTPClientError:
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("cellpipe", "api", "kfp", *parts, **kwargs)
    return err.value


def body_of(err: HTTPClientError) -> dict:
    return json.loads(err.response.body)


@pytest.mark.parametrize("method, parts", ROUTES)
async def test_every_route_refuses_without_jupyter_auth(jp_fetch, kfp, method, parts):
    body = "{}" if method == "POST" else None
    err = await fetch_error(jp_fetch, *parts, method=method, body=body, headers={"Authorization": ""})
    assert err.code == 403
    assert kfp.requests == []  # nothing reached KFP


async def test_post_with_a_login_cookie_needs_xsrf(jp_fetch, kfp):
    # A token-authenticated GET sets the login cookie a browser would then use.
    response = await jp_fetch("cellpipe", "api", "health")
    cookie = response.headers["Set-Cookie"].split(";")[0]
    body = json.dumps({"name": "exp"})
    kfp.answer = Answer(200, {"experiment_id": "e1"})

    err = await fetch_error(
        jp_fetch, "experiments", method="POST", body=body, headers={"Authorization": "", "Cookie": cookie}
    )
    assert err.code == 403 and kfp.requests == []

    ok = await jp_fetch(
        "cellpipe",
        "api",
        "kfp",
        "experiments",
        method="POST",
        body=body,
        headers={"Authorization": "", "Cookie": f"{cookie}; _xsrf=abc123", "X-XSRFToken": "abc123"},
    )
    assert json.loads(ok.body) == {"experiment_id": "e1"}
    assert kfp.last.headers["authorization"] == f"Bearer {TOKEN}"


async def test_health_tells_the_browser_no_secret(jp_fetch, kfp):
    kfp.answer = Answer(200, {"multi_user": False})
    response = await jp_fetch("cellpipe", "api", "kfp", "health")
    body = json.loads(response.body)
    assert body["endpoint"] == kfp.url and body["auth_mode"] == "bearer" and body["namespace"] == "team-a"
    assert TOKEN not in response.body.decode()


async def test_kfp_errors_keep_their_meaning(jp_fetch, kfp):
    kfp.answer = Answer(403, {"message": "user alice cannot list experiments"})
    err = await fetch_error(jp_fetch, "experiments", params={"namespace": "team-b"})
    assert err.code == 403
    assert body_of(err) == {
        "reason": "forbidden",
        "message": 'Not allowed to access experiments in namespace "team-b" (bearer auth): '
        "user alice cannot list experiments",
        "kfp_status": 403,
    }
    assert "namespace=team-b" in kfp.last.path


async def test_unreachable_kfp_is_a_bad_gateway(jp_fetch, jp_serverapp):
    with Recorder() as gone:
        url = gone.url
    jp_serverapp.web_app.settings.pop("cellpipe_kfp_client", None)
    jp_serverapp.config.CellpipeKFP.endpoint = url
    err = await fetch_error(jp_fetch, "health")
    assert err.code == 502
    assert body_of(err)["message"].startswith(f"Cannot reach Kubeflow Pipelines at {url}")


async def test_status_of_an_unreachable_kfp_is_an_answer_not_an_error(jp_fetch, jp_serverapp):
    with Recorder() as gone:
        url = gone.url
    jp_serverapp.web_app.settings.pop("cellpipe_kfp_client", None)
    jp_serverapp.config.CellpipeKFP.endpoint = url
    response = await jp_fetch("cellpipe", "api", "kfp", "status")
    body = json.loads(response.body)
    assert response.code == 200 and body["reachable"] is False and body["reason"] == "unreachable"
    assert body["endpoint"] == url and body["auth_mode"] == "bearer"
    assert body["endpoint_source"] == "c.CellpipeKFP.endpoint"
    assert {"setting": "c.CellpipeKFP.endpoint", "env": "KF_PIPELINES_ENDPOINT"} in body["fixes"]
    assert TOKEN not in response.body.decode()


async def test_status_of_a_reachable_kfp(jp_fetch, kfp):
    kfp.answer = Answer(200, {"multi_user": False})
    body = json.loads((await jp_fetch("cellpipe", "api", "kfp", "status")).body)
    assert body["reachable"] is True and body["endpoint"] == kfp.url and body["fixes"] == []


async def test_status_when_the_users_endpoint_is_refused_sends_nothing(jp_fetch, jp_serverapp, kfp, tmp_path):
    jp_serverapp.web_app.settings.pop("cellpipe_kfp_client", None)
    jp_serverapp.config.CellpipeKFP.user_settings_dir = str(tmp_path)
    jp_serverapp.config.CellpipeKFP.allow_user_endpoint = True
    path = tmp_path / "cellpipe" / "plugin.jupyterlab-settings"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"kfpEndpoint": "https://elsewhere.example"}))
    body = json.loads((await jp_fetch("cellpipe", "api", "kfp", "status")).body)
    assert body["reachable"] is False and body["reason"] == "endpoint_refused"
    assert {"setting": "c.CellpipeKFP.allowed_endpoints", "env": ""} in body["fixes"]
    assert kfp.requests == []


@pytest.mark.parametrize(
    "parts, body, message",
    [
        (("experiments",), "[1]", "The request body must be a JSON object"),
        (("experiments",), "not json", "The request body is not JSON"),
        (("experiments",), "{}", 'Field "name" is required'),
        (("pipelines",), json.dumps({"name": "x"}), 'Field "package" is required'),
        (("runs",), json.dumps({"name": 3}), 'Field "name" must be a string'),
        (("runs",), json.dumps({"name": "r", "parameters": [1]}), 'Field "parameters" must be an object'),
    ],
)
async def test_bad_requests_name_the_field(jp_fetch, kfp, parts, body, message):
    err = await fetch_error(jp_fetch, *parts, method="POST", body=body)
    assert err.code == 400
    assert message in body_of(err)["message"]
    assert kfp.requests == []


async def test_page_size_is_checked(jp_fetch):
    err = await fetch_error(jp_fetch, "runs", params={"page_size": "0"})
    assert err.code == 400 and "page_size" in body_of(err)["message"]


async def test_submit_flow_through_the_handlers(jp_fetch, kfp, tmp_path):
    from kfp_mock.packages import compile_package

    package = compile_package(tmp_path)
    kfp.answer = route(
        {
            ("GET", "/apis/v2beta1/pipelines/names/"): Answer(404, {"message": "no such pipeline"}),
            ("POST", "/apis/v2beta1/pipelines/upload"): Answer(200, {"pipeline_id": "p1"}),
            ("GET", "/apis/v2beta1/pipelines/p1/versions"): Answer(
                200, {"pipeline_versions": [{"pipeline_version_id": "v1"}]}
            ),
            ("POST", "/apis/v2beta1/runs"): Answer(200, {"run_id": "r1", "state": "PENDING"}),
            ("GET", "/apis/v2beta1/runs/r1"): Answer(200, {"run_id": "r1", "state": "RUNNING"}),
            ("GET", "/apis/v2beta1/runs?"): Answer(200, {"runs": [{"run_id": "r1"}]}),
        }
    )
    published = json.loads(
        (
            await jp_fetch(
                "cellpipe",
                "api",
                "kfp",
                "pipelines",
                method="POST",
                body=json.dumps({"package": package, "name": "demo"}),
            )
        ).body
    )
    assert published["pipeline_version_id"] == "v1"
    run = json.loads(
        (
            await jp_fetch(
                "cellpipe",
                "api",
                "kfp",
                "runs",
                method="POST",
                body=json.dumps(
                    {"name": "r", "pipeline_id": "p1", "pipeline_version_id": "v1", "parameters": {"rows": 2}}
                ),
            )
        ).body
    )
    assert run["ui_url"] == f"{kfp.url}/#/runs/details/r1"
    assert json.loads(kfp.last.body)["runtime_config"] == {"parameters": {"rows": 2}}
    state = json.loads((await jp_fetch("cellpipe", "api", "kfp", "runs", "r1")).body)
    assert state["state"] == "RUNNING"
    recent = json.loads((await jp_fetch("cellpipe", "api", "kfp", "runs", params={"page_size": "5"})).body)
    assert [r["run_id"] for r in recent["runs"]] == ["r1"]


async def test_token_never_in_a_response_or_a_log_line(jp_fetch, kfp, caplog):
    """Whatever KFP answers (even echoing the credential), the browser and the logs never see it."""
    caplog.set_level(logging.DEBUG)
    bodies = []
    for status in (200, 400, 401, 403, 404, 500):
        kfp.answer = Answer(status, {"message": f"header was Bearer {TOKEN}", "echo": TOKEN})
        try:
            response = await jp_fetch("cellpipe", "api", "kfp", "runs", "r1")
            bodies.append(response.body.decode())
        except HTTPClientError as err:
            bodies.append(err.response.body.decode())
    kfp.answer = Answer(200, {"multi_user": True})
    bodies.append((await jp_fetch("cellpipe", "api", "kfp", "health")).body.decode())
    assert len(kfp.requests) == 7
    assert all(kfp_req.headers["authorization"] == f"Bearer {TOKEN}" for kfp_req in kfp.requests)
    assert "***" in bodies[0]  # the echo in a successful answer is masked too
    for body in bodies:
        assert TOKEN not in body
    lines = [record.getMessage() for record in caplog.records]
    assert any("KFP request failed" in line for line in lines)
    assert all(TOKEN not in line for line in lines)


async def test_the_users_jupyterlab_setting_is_ignored_by_default(jp_fetch, jp_serverapp, kfp, tmp_path):
    """The credential goes only to the admin's endpoint unless the admin lets users choose
    (tests/security/test_server_kfp_endpoint.py covers allowing it)."""
    jp_serverapp.web_app.settings.pop("cellpipe_kfp_client", None)
    jp_serverapp.config.CellpipeKFP.user_settings_dir = str(tmp_path)
    with Recorder() as other:
        path = tmp_path / "cellpipe" / "plugin.jupyterlab-settings"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps({"kfpEndpoint": other.url}))
        body = json.loads((await jp_fetch("cellpipe", "api", "kfp", "health")).body)
        assert body["endpoint"] == kfp.url
        assert other.requests == [] and len(kfp.requests) == 1


@pytest.mark.parametrize(
    "parts, body, kfp_call",
    [
        (
            ("pipelines", "p1", "versions"),
            {"package": "root: {}\n", "version_name": "v2"},
            "POST /apis/v2beta1/pipelines/upload_version?",
        ),
        (("runs", "r 1", "terminate"), {}, "POST /apis/v2beta1/runs/r%201:terminate"),
        (("runs", "r 1", "retry"), {}, "POST /apis/v2beta1/runs/r%201:retry"),
        (("experiments",), {"name": "nightly", "namespace": "team-b"}, "POST /apis/v2beta1/experiments"),
    ],
)
async def test_each_post_reaches_its_kfp_call(jp_fetch, kfp, parts, body, kfp_call):
    kfp.answer = Answer(200, {"pipeline_version_id": "v2", "experiment_id": "e1"})
    await jp_fetch("cellpipe", "api", "kfp", *parts, method="POST", body=json.dumps(body))
    assert f"{kfp.last.method} {kfp.last.path}".startswith(kfp_call)
    if parts == ("experiments",):
        assert json.loads(kfp.last.body) == {
            "display_name": "nightly",
            "description": "",
            "namespace": "team-b",
        }


async def test_find_a_pipeline_by_name(jp_fetch, kfp):
    kfp.answer = route(
        {
            ("GET", "/apis/v2beta1/pipelines/names/demo"): Answer(
                200, {"pipeline_id": "p1", "display_name": "demo"}
            ),
            ("GET", "/apis/v2beta1/pipelines/names/absent"): Answer(404, {"message": "not found"}),
        }
    )
    found = await jp_fetch(
        "cellpipe", "api", "kfp", "pipelines", params={"name": "demo", "namespace": "team-b"}
    )
    assert json.loads(found.body) == {"pipeline": {"pipeline_id": "p1", "display_name": "demo"}}
    assert kfp.last.path == "/apis/v2beta1/pipelines/names/demo?namespace=team-b"
    missing = await jp_fetch("cellpipe", "api", "kfp", "pipelines", params={"name": "absent"})
    assert json.loads(missing.body) == {"pipeline": None}
    err = await fetch_error(jp_fetch, "pipelines")
    assert err.code == 400 and 'Query argument "name" is required' in body_of(err)["message"]


async def test_a_schedule_goes_through_the_handlers(jp_fetch, kfp):
    kfp.answer = Answer(200, {"recurring_run_id": "s1", "display_name": "weekly"})
    body = {
        "name": "weekly",
        "cron": "0 6 * * 1",
        "max_concurrency": 2,
        "catchup": False,
        "pipeline_id": "p1",
        "pipeline_version_id": "v1",
        "experiment_id": "e1",
        "parameters": {"rows": 2},
    }
    made = json.loads(
        (await jp_fetch("cellpipe", "api", "kfp", "recurringruns", method="POST", body=json.dumps(body))).body
    )
    assert made["ui_url"] == f"{kfp.url}/#/recurringrun/details/s1"
    sent = json.loads(kfp.last.body)
    assert sent["trigger"] == {"cron_schedule": {"cron": "0 0 6 * * 1"}}
    assert (sent["max_concurrency"], sent["no_catchup"], sent["mode"]) == ("2", True, "ENABLE")
    await jp_fetch("cellpipe", "api", "kfp", "recurringruns", "s1", "disable", method="POST", body="{}")
    assert (kfp.last.method, kfp.last.path) == ("POST", "/apis/v2beta1/recurringruns/s1:disable")
    await jp_fetch("cellpipe", "api", "kfp", "recurringruns", "s1", method="DELETE")
    assert (kfp.last.method, kfp.last.path) == ("DELETE", "/apis/v2beta1/recurringruns/s1")


async def test_a_bad_schedule_is_refused_before_kfp_is_asked(jp_fetch, kfp):
    body = {"name": "x", "cron": "every monday", "pipeline_id": "p1", "pipeline_version_id": "v1"}
    err = await fetch_error(jp_fetch, "recurringruns", method="POST", body=json.dumps(body))
    assert (
        err.code == 400 and 'The cron expression "every monday" must have 5 fields' in body_of(err)["message"]
    )
    assert kfp.requests == []


async def test_a_schedules_runs_go_through_the_handler(jp_fetch, kfp):
    kfp.answer = Answer(200, {"runs": [{"run_id": "r1", "recurring_run_id": "s1", "state": "FAILED"}]})
    got = json.loads((await jp_fetch("cellpipe", "api", "kfp", "recurringruns", "s1", "runs")).body)
    assert [(r["run_id"], r["state"]) for r in got["runs"]] == [("r1", "FAILED")]
    assert kfp.last.path.startswith("/apis/v2beta1/runs?") and "page_size=5" in kfp.last.path
    err = await fetch_error(jp_fetch, "recurringruns", "s1", "runs", params={"page_size": "500"})
    assert err.code == 400 and "page_size must be a whole number from 1 to 50" in body_of(err)["message"]
