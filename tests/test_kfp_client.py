"""KFPClient against a real local HTTP server: credential headers per auth mode, error messages, uploads."""

import json
import logging
import os
import urllib.parse

import pytest
from kfp_mock.packages import compile_package
from kfp_mock.recorder import Answer, Recorder, route
from tornado.httputil import HTTPHeaders, parse_body_arguments

from cellpipe.server.config import Auth, KFPSettings
from cellpipe.server.kfp_client import KFPClient, KFPError, Schedule, check_parameters, split_pipeline_package

TOKEN = "s3cr3t-token-value"


@pytest.fixture
def kfp():
    with Recorder() as server:
        yield server


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return compile_package(tmp_path_factory.mktemp("pkg"))


@pytest.fixture(scope="module")
def package_with_platform(tmp_path_factory):
    return compile_package(tmp_path_factory.mktemp("pkg"), platform=True)


def client_for(server, auth=None, **settings) -> KFPClient:
    return KFPClient(
        KFPSettings(endpoint=server.url, ui_endpoint=server.url, auth=auth or Auth(mode="none"), **settings)
    )


# ---- auth modes -------------------------------------------------------------------------------


async def test_bearer_token_is_sent_as_authorization(kfp):
    await client_for(kfp, Auth(mode="bearer", token=TOKEN)).health()
    assert kfp.last.headers["authorization"] == f"Bearer {TOKEN}"
    assert kfp.last.path == "/apis/v2beta1/healthz"


async def test_token_file_is_read(kfp, tmp_path):
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    await client_for(kfp, Auth(mode="bearer", token_file=str(path))).health()
    assert kfp.last.headers["authorization"] == f"Bearer {TOKEN}"


async def test_service_account_token_is_reread_when_rotated(kfp, tmp_path):
    path = tmp_path / "token"
    path.write_text("first-token")
    client = client_for(kfp, Auth(mode="sa_token", sa_token_path=str(path)))
    await client.health()
    assert kfp.last.headers["authorization"] == "Bearer first-token"
    path.write_text("second-token-longer")
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse file systems
    await client.health()
    assert kfp.last.headers["authorization"] == "Bearer second-token-longer"


async def test_cookie_is_sent_for_gateways(kfp):
    await client_for(kfp, Auth(mode="cookie", cookie="authservice_session=abc123")).health()
    assert kfp.last.headers["cookie"] == "authservice_session=abc123"
    assert "authorization" not in kfp.last.headers


async def test_user_id_header_for_development_clusters(kfp):
    auth = Auth(mode="user_id", user_id="alice@example.com", user_id_header="x-goog-authenticated-user-email")
    await client_for(kfp, auth).health()
    assert kfp.last.headers["x-goog-authenticated-user-email"] == "alice@example.com"


async def test_no_auth_sends_no_credentials(kfp):
    await client_for(kfp).health()
    assert not {"authorization", "cookie", "kubeflow-userid"} & set(kfp.last.headers)


def test_auto_mode_prefers_token_then_service_account_then_cookie_then_user(tmp_path):
    sa = tmp_path / "sa"
    assert Auth(sa_token_path=str(sa)).effective_mode() == "none"
    assert Auth(sa_token_path=str(sa), user_id="u").effective_mode() == "user_id"
    assert Auth(sa_token_path=str(sa), user_id="u", cookie="c=1").effective_mode() == "cookie"
    sa.write_text("t")
    assert Auth(sa_token_path=str(sa), user_id="u", cookie="c=1").effective_mode() == "sa_token"
    assert Auth(sa_token_path=str(sa), token="t").effective_mode() == "bearer"


@pytest.mark.parametrize("mode", ["bearer", "sa_token", "cookie", "user_id"])
async def test_selected_mode_without_credential_is_a_clear_error(kfp, mode, tmp_path):
    client = client_for(kfp, Auth(mode=mode, sa_token_path=str(tmp_path / "absent")))
    with pytest.raises(KFPError) as err:
        await client.health()
    assert err.value.status == 401
    assert "No credentials for Kubeflow Pipelines" in err.value.message
    assert kfp.requests == []  # nothing was sent without the credential


def test_unknown_auth_mode_is_refused():
    with pytest.raises(ValueError, match="unknown KFP auth mode 'kerberos'"):
        Auth(mode="kerberos")


def test_auth_repr_hides_the_token():
    assert TOKEN not in repr(Auth(mode="bearer", token=TOKEN))


# ---- error mapping ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kfp_status, status, reason, words",
    [
        (401, 401, "unauthenticated", ["did not accept the credentials", "bearer auth", "jwt expired"]),
        (403, 403, "forbidden", ['namespace "team-a"', "jwt expired"]),
        (404, 404, "not_found", ["experiments", "jwt expired"]),
        (400, 400, "rejected", ["rejected", "jwt expired"]),
        (409, 409, "conflict", ["exists already"]),
        (500, 502, "kfp_error", ["HTTP 500"]),
    ],
)
async def test_kfp_statuses_become_clear_errors(kfp, kfp_status, status, reason, words):
    kfp.answer = Answer(kfp_status, {"code": 7, "message": "jwt expired", "details": []})
    client = client_for(kfp, Auth(mode="bearer", token=TOKEN))
    with pytest.raises(KFPError) as err:
        await client.list_experiments("team-a")
    assert (err.value.status, err.value.reason, err.value.kfp_status) == (status, reason, kfp_status)
    for word in words:
        assert word in err.value.message


async def test_spec_rejection_carries_kfp_message(kfp, package):
    kfp.answer = Answer(
        400, {"error": "Failed to create a run: invalid pipeline spec: missing root", "code": 3}
    )
    with pytest.raises(KFPError) as err:
        await client_for(kfp).create_run("r1", package=package)
    assert err.value.message == (
        'Kubeflow Pipelines rejected run "r1": Failed to create a run: invalid pipeline spec: missing root'
    )


async def test_missing_pipeline_is_not_found(kfp):
    kfp.answer = Answer(404, {"message": "pipeline not found"})
    client = client_for(kfp)
    assert await client.find_pipeline("absent") is None
    with pytest.raises(KFPError) as err:
        await client.upload_pipeline_version("root: {}\n", "p-123")
    assert err.value.status == 404
    assert "pipeline p-123" in err.value.message


async def test_login_redirect_asks_for_a_cookie(kfp):
    kfp.answer = Answer(302, b"", {"Location": "/dex/auth?client_id=x"})
    with pytest.raises(KFPError) as err:
        await client_for(kfp).health()
    assert err.value.status == 401
    assert "KF_PIPELINES_COOKIE" in err.value.message


async def test_unreachable_endpoint_names_it():
    with Recorder() as server:
        url = server.url
    client = KFPClient(KFPSettings(endpoint=url, auth=Auth(mode="none"), connect_timeout=2))
    with pytest.raises(KFPError) as err:
        await client.health()
    assert err.value.status == 502 and err.value.reason == "unreachable"
    assert f"Cannot reach Kubeflow Pipelines at {url}" in err.value.message


async def test_slow_endpoint_times_out(kfp):
    kfp.answer = Answer(200, {}, delay=2.0)
    with pytest.raises(KFPError) as err:
        await client_for(kfp, request_timeout=0.3).health()
    assert err.value.status == 504 and err.value.reason == "timeout"


async def test_non_json_answer_is_a_bad_response(kfp):
    kfp.answer = Answer(200, b"<html>login</html>")
    with pytest.raises(KFPError) as err:
        await client_for(kfp).health()
    assert err.value.reason == "bad_response"


async def test_token_echoed_by_kfp_is_scrubbed_from_messages_and_logs(kfp, caplog):
    kfp.answer = Answer(401, {"message": f"bad header Authorization: Bearer {TOKEN}"})
    caplog.set_level(logging.DEBUG)
    with pytest.raises(KFPError) as err:
        await client_for(kfp, Auth(mode="bearer", token=TOKEN)).health()
    assert TOKEN not in err.value.message
    assert "***" in err.value.message
    assert caplog.records, "the failure is logged"
    assert all(TOKEN not in r.getMessage() for r in caplog.records)


async def test_endpoint_credentials_never_reach_messages():
    client = KFPClient(
        KFPSettings(endpoint="http://user:pw@127.0.0.1:1", auth=Auth(mode="none"), connect_timeout=1)
    )
    with pytest.raises(KFPError) as err:
        await client.health()
    assert "pw" not in err.value.message and "http://127.0.0.1:1" in err.value.message


# ---- requests ---------------------------------------------------------------------------------


async def test_health_reports_the_connection_without_secrets(kfp):
    kfp.answer = Answer(200, {"multi_user": True})
    health = await client_for(kfp, Auth(mode="bearer", token=TOKEN), namespace="team-a").health()
    assert health == {
        "reachable": True,
        "endpoint": kfp.url,
        "ui_endpoint": kfp.url,
        "namespace": "team-a",
        "auth_mode": "bearer",
        "multi_user": True,
    }


async def test_status_of_a_reachable_kfp_is_its_health(kfp):
    kfp.answer = Answer(200, {"multi_user": False})
    status = await client_for(kfp, Auth(mode="bearer", token=TOKEN)).status()
    assert status["reachable"] is True and status["fixes"] == [] and status["auth_mode"] == "bearer"


async def test_status_of_an_unreachable_kfp_says_why_and_names_the_settings_that_fix_it():
    with Recorder() as server:
        url = server.url
    client = KFPClient(KFPSettings(endpoint=url, auth=Auth(mode="bearer", token=TOKEN), connect_timeout=2))
    status = await client.status()  # no exception: an unreachable KFP is a state to show
    assert status["reachable"] is False and status["reason"] == "unreachable"
    assert status["endpoint"] == url and status["auth_mode"] == "bearer"
    assert status["message"].startswith(f"Cannot reach Kubeflow Pipelines at {url}")
    assert {"setting": "c.CellpipeKFP.endpoint", "env": "KF_PIPELINES_ENDPOINT"} in status["fixes"]
    assert TOKEN not in json.dumps(status)


async def test_status_of_refused_credentials_names_the_auth_settings(kfp):
    kfp.answer = Answer(401, {"message": "no"})
    status = await client_for(kfp, Auth(mode="bearer", token=TOKEN)).status()
    assert status["reason"] == "unauthenticated"
    assert {"setting": "c.CellpipeKFP.token", "env": "KF_PIPELINES_TOKEN"} in status["fixes"]
    assert {"setting": "c.CellpipeKFP.cookie", "env": "KF_PIPELINES_COOKIE"} in status["fixes"]


async def test_each_task_of_a_run_links_to_its_logs_and_visualization_in_the_kfp_ui(kfp):
    kfp.answer = Answer(
        200,
        {
            "run_id": "r 1",
            "state": "RUNNING",
            "run_details": {
                "task_details": [
                    {
                        "task_id": "t1",
                        "display_name": "train",
                        "outputs": {"report": {"artifact_ids": ["42"]}},
                    },
                    {
                        "task_id": "t2",
                        "display_name": "metrics",
                        "outputs": {"metrics": {"artifact_ids": ["7"]}},
                    },
                    {"task_id": "t3", "display_name": "load", "outputs": {"x": {"artifact_ids": ["8"]}}},
                ]
            },
        },
    )
    client = KFPClient(
        KFPSettings(endpoint=kfp.url, ui_endpoint="https://kfp.example/pipeline", auth=Auth(mode="none"))
    )
    run = await client.get_run("r 1")
    assert run["ui_url"] == "https://kfp.example/pipeline/#/runs/details/r%201"
    train, metrics, load = run["run_details"]["task_details"]
    assert train["logs_url"] == "https://kfp.example/pipeline/#/runs/details/r%201?task=t1"
    assert train["visualization_url"] == "https://kfp.example/pipeline/#/artifacts/42"
    assert metrics["visualization_url"] == "https://kfp.example/pipeline/#/artifacts/7"
    assert "visualization_url" not in load and load["logs_url"].endswith("?task=t3")


async def test_upload_is_multipart_with_field_uploadfile(kfp, package):
    kfp.answer = Answer(200, {"pipeline_id": "p1", "display_name": "demo"})
    await client_for(kfp).upload_pipeline(package, "demo", namespace="team-a")
    req = kfp.last
    assert req.path.startswith("/apis/v2beta1/pipelines/upload?")
    assert "name=demo" in req.path and "namespace=team-a" in req.path
    args, files = {}, {}
    parse_body_arguments(req.headers["content-type"], req.body, args, files, HTTPHeaders())
    assert list(files) == ["uploadfile"]
    assert files["uploadfile"][0]["body"].decode() == package


async def test_publish_uploads_a_new_pipeline_then_reads_its_version(kfp, package):
    kfp.answer = route(
        {
            ("GET", "/apis/v2beta1/pipelines/names/"): Answer(404, {"message": "not found"}),
            ("POST", "/apis/v2beta1/pipelines/upload"): Answer(200, {"pipeline_id": "p1"}),
            ("GET", "/apis/v2beta1/pipelines/p1/versions"): Answer(
                200, {"pipeline_versions": [{"pipeline_version_id": "v1", "display_name": "demo"}]}
            ),
        }
    )
    result = await client_for(kfp).publish(package, "demo")
    assert result == {
        "pipeline_id": "p1",
        "pipeline_version_id": "v1",
        "version_name": "demo",
        "created_pipeline": True,
    }


async def test_publish_adds_a_version_when_the_name_exists(kfp, package):
    kfp.answer = route(
        {
            ("GET", "/apis/v2beta1/pipelines/names/demo"): Answer(200, {"pipeline_id": "p1"}),
            ("POST", "/apis/v2beta1/pipelines/upload_version"): Answer(
                200, {"pipeline_version_id": "v2", "display_name": "second"}
            ),
        }
    )
    result = await client_for(kfp).publish(package, "demo", version_name="second")
    assert result["pipeline_version_id"] == "v2" and result["created_pipeline"] is False
    assert "pipelineid=p1" in kfp.last.path and "name=second" in kfp.last.path


async def test_run_from_version_carries_typed_parameters(kfp):
    kfp.answer = Answer(200, {"run_id": "r-1", "state": "PENDING"})
    run = await client_for(kfp).create_run(
        "nightly",
        experiment_id="e1",
        pipeline_id="p1",
        pipeline_version_id="v1",
        parameters={"rows": 5, "rate": 0.1},
    )
    assert run["ui_url"] == f"{kfp.url}/#/runs/details/r-1"
    sent = json.loads(kfp.last.body)
    assert sent == {
        "display_name": "nightly",
        "experiment_id": "e1",
        "pipeline_version_reference": {"pipeline_id": "p1", "pipeline_version_id": "v1"},
        "runtime_config": {"parameters": {"rows": 5, "rate": 0.1}},
    }


async def test_inline_run_sends_both_documents_like_the_sdk(kfp, package_with_platform):
    kfp.answer = Answer(200, {"run_id": "r-2"})
    await client_for(kfp).create_run("once", package=package_with_platform, parameters={"label": "y"})
    sent = json.loads(kfp.last.body)
    assert set(sent["pipeline_spec"]) == {"pipeline_spec", "platform_spec"}
    assert sent["pipeline_spec"]["platform_spec"]["platforms"]["kubernetes"]
    assert sent["pipeline_spec"]["pipeline_spec"]["pipelineInfo"]["name"] == "contract-demo"


async def test_inline_run_without_platform_sends_the_bare_spec(kfp, package):
    kfp.answer = Answer(200, {"run_id": "r-3"})
    await client_for(kfp).create_run("once", package=package)
    assert json.loads(kfp.last.body)["pipeline_spec"]["schemaVersion"] == "2.1.0"


async def test_list_runs_keeps_one_pipeline_newest_first(kfp):
    kfp.answer = Answer(
        200,
        {
            "runs": [
                {"run_id": "a", "pipeline_version_reference": {"pipeline_id": "p1"}},
                {"run_id": "b", "pipeline_version_reference": {"pipeline_id": "p2"}},
                {"run_id": "c", "pipeline_version_reference": {"pipeline_id": "p1"}},
            ]
        },
    )
    data = await client_for(kfp).list_runs("team-a", pipeline_id="p1", page_size=5)
    assert [r["run_id"] for r in data["runs"]] == ["a", "c"]
    assert "sort_by=created_at+desc" in kfp.last.path and "namespace=team-a" in kfp.last.path


async def test_terminate_and_retry_post_the_custom_methods(kfp):
    client = client_for(kfp)
    await client.terminate_run("r-1")
    assert (kfp.last.method, kfp.last.path) == ("POST", "/apis/v2beta1/runs/r-1:terminate")
    await client.retry_run("r-1")
    assert kfp.last.path == "/apis/v2beta1/runs/r-1:retry"


# ---- checks before sending ------------------------------------------------------------------


def test_parameters_are_checked_against_the_spec(package):
    spec, _ = split_pipeline_package(package)
    assert check_parameters(spec, {"rows": 3, "rate": 1, "label": "a", "shuffle": False})
    with pytest.raises(KFPError) as err:
        check_parameters(spec, {"rows": "3", "shuffle": 1, "extra": 2})
    msg = err.value.message
    assert 'parameter "rows" must be a whole number (NUMBER_INTEGER), got "3"' in msg
    assert 'parameter "shuffle" must be true or false (BOOLEAN), got 1' in msg
    assert 'parameter "extra" is not a pipeline parameter (known: label, rate, rows, shuffle)' in msg


async def test_bad_parameters_are_refused_before_any_request(kfp, package):
    with pytest.raises(KFPError) as err:
        await client_for(kfp).create_run("r", package=package, parameters={"rate": "fast"})
    assert err.value.status == 400 and 'parameter "rate"' in err.value.message
    assert kfp.requests == []


@pytest.mark.parametrize(
    "text, message",
    [("a: [", "not valid YAML"), ("a: 1\n", "no PipelineSpec"), ("root: {}\n---\n- x\n", "not a mapping")],
)
def test_bad_packages_are_named(text, message):
    with pytest.raises(KFPError, match=message):
        split_pipeline_package(text)


async def test_run_needs_exactly_one_source(kfp, package):
    client = client_for(kfp)
    with pytest.raises(KFPError, match="either a pipeline version"):
        await client.create_run("r")
    with pytest.raises(KFPError, match="either a pipeline version"):
        await client.create_run("r", pipeline_id="p", pipeline_version_id="v", package=package)


# ---- TLS ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, as a private cluster's gateway might have."""
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


async def test_untrusted_certificate_asks_for_a_ca_bundle(certificate):
    with Recorder(tls=certificate) as server:
        with pytest.raises(KFPError) as err:
            await client_for(server).health()
        assert err.value.reason == "tls" and err.value.status == 502
        assert "KF_PIPELINES_CA_BUNDLE" in err.value.message
        assert server.requests == []


async def test_ca_bundle_makes_the_certificate_trusted(certificate):
    with Recorder(tls=certificate) as server:
        server.answer = Answer(200, {"multi_user": True})
        health = await client_for(server, ca_bundle=certificate[0]).health()
        assert health["multi_user"] is True and health["endpoint"].startswith("https://")


async def test_verification_can_be_turned_off(certificate):
    with Recorder(tls=certificate) as server:
        await client_for(server, verify_tls=False).health()
        assert server.last.path == "/apis/v2beta1/healthz"


# ---- schedules --------------------------------------------------------------------------------


def test_a_schedule_is_sent_as_kfp_reads_it():
    weekly = Schedule(cron="0 6 * * 1", start_time="2026-01-05T00:00:00Z", max_concurrency=3, catchup=False)
    assert weekly.to_kfp() == {
        "trigger": {"cron_schedule": {"cron": "0 0 6 * * 1", "start_time": "2026-01-05T00:00:00Z"}},
        "max_concurrency": "3",
        "no_catchup": True,
        "mode": "ENABLE",
    }
    six = Schedule(cron="30 0 6 * * *", enabled=False).to_kfp()
    assert six["trigger"]["cron_schedule"]["cron"] == "30 0 6 * * *" and six["mode"] == "DISABLE"
    hourly = Schedule(interval_seconds=3600, end_time="2026-02-01T00:00:00Z").to_kfp()
    assert hourly["trigger"] == {
        "periodic_schedule": {"interval_second": "3600", "end_time": "2026-02-01T00:00:00Z"}
    }


@pytest.mark.parametrize(
    "fields, words",
    [
        ({}, "either a cron expression or an interval"),
        ({"cron": "0 6 * * 1", "interval_seconds": 60}, "either a cron expression or an interval"),
        ({"cron": "0 6 *"}, 'The cron expression "0 6 *" must have 5 fields'),
        ({"interval_seconds": 5}, "at least 60 seconds"),
        ({"cron": "0 6 * * 1", "max_concurrency": 11}, "max_concurrency must be from 1 to 10"),
        ({"cron": "0 6 * * 1", "max_concurrency": True}, 'Field "max_concurrency" must be a whole number'),
        ({"cron": "0 6 * * 1", "start_time": "monday"}, 'Field "start_time" must be a time like'),
        ({"cron": 6}, 'Field "cron" must be a string'),
    ],
)
def test_a_bad_schedule_is_refused_naming_the_field(fields, words):
    with pytest.raises(KFPError) as err:
        Schedule.parse(fields)
    assert err.value.status == 400 and words in err.value.message


async def test_schedules_are_listed_from_kfps_camel_case_answer_and_filtered_by_pipeline(kfp):
    kfp.answer = Answer(
        200,
        {
            "recurringRuns": [
                {"recurring_run_id": "s1", "pipeline_version_reference": {"pipeline_id": "p1"}},
                {"recurring_run_id": "s2", "pipeline_version_reference": {"pipeline_id": "p2"}},
            ]
        },
    )
    listed = await client_for(kfp).list_recurring_runs(namespace="team-a", pipeline_id="p1")
    assert [s["recurring_run_id"] for s in listed["recurring_runs"]] == ["s1"]
    assert listed["recurring_runs"][0]["ui_url"] == f"{kfp.url}/#/recurringrun/details/s1"
    assert "namespace=team-a" in kfp.last.path


async def test_a_schedule_is_deleted_and_disabled_by_its_own_calls(kfp):
    client = client_for(kfp)
    await client.delete_recurring_run("s 1")
    assert (kfp.last.method, kfp.last.path) == ("DELETE", "/apis/v2beta1/recurringruns/s%201")
    await client.set_recurring_run_enabled("s 1", False)
    assert (kfp.last.method, kfp.last.path) == ("POST", "/apis/v2beta1/recurringruns/s%201:disable")


async def test_a_schedules_runs_are_asked_with_kfps_filter_and_only_its_runs_kept(kfp):
    kfp.answer = Answer(
        200,
        {
            "runs": [
                {"run_id": "r2", "recurring_run_id": "s 1", "state": "RUNNING"},
                {"run_id": "r1", "recurring_run_id": "s 1", "state": "SUCCEEDED"},
                {"run_id": "r0", "state": "FAILED"},
            ]
        },
    )
    listed = await client_for(kfp).list_recurring_run_runs("s 1", namespace="team-a", page_size=3)
    assert [(r["run_id"], r["state"]) for r in listed["runs"]] == [("r2", "RUNNING"), ("r1", "SUCCEEDED")]
    assert listed["runs"][0]["ui_url"].endswith("/#/runs/details/r2")
    path, _, query = kfp.last.path.partition("?")
    args = dict(urllib.parse.parse_qsl(query))
    assert (kfp.last.method, path) == ("GET", "/apis/v2beta1/runs")
    assert json.loads(args["filter"]) == {
        "predicates": [{"key": "recurring_run_id", "operation": "EQUALS", "string_value": "s 1"}]
    }
    assert (args["namespace"], args["page_size"], args["sort_by"]) == ("team-a", "3", "created_at desc")
    with pytest.raises(KFPError) as err:
        await client_for(kfp).list_recurring_run_runs("")
    assert err.value.status == 400 and "recurring_run_id" in err.value.message
