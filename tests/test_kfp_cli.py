"""`cellpipe submit`: the server extension's settings and KFPClient from a shell, checked against the KFP
contract (Prism) and, for what KFP answers over time (`--wait`), against a scripted server."""

import json

import pytest
from kfp_mock.packages import compile_package
from kfp_mock.prism import PrismMock
from kfp_mock.recorder import Answer, Recorder, route

from cellpipe.cli import main
from cellpipe.cli_kfp import notebook_experiment, typed_parameters
from cellpipe.server.kfp_client import split_pipeline_package

TOKEN = "cli-token-0123456789"
ENV = (
    "KF_PIPELINES_ENDPOINT",
    "KF_PIPELINES_UI_ENDPOINT",
    "KF_PIPELINES_NAMESPACE",
    "KF_PIPELINES_TOKEN",
    "KF_PIPELINES_TOKEN_FILE",
    "KF_PIPELINES_COOKIE",
    "KF_PIPELINES_USER_ID",
)


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch, tmp_path):
    """Only the settings each test gives: no Jupyter config of the machine, no KF_PIPELINES_* of the shell."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "jupyter-config"))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "")
    monkeypatch.setenv("KF_PIPELINES_SA_TOKEN_PATH", str(tmp_path / "no-token"))


@pytest.fixture(scope="module")
def package_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-package")
    compile_package(folder)
    return folder / "pipeline.yaml"


@pytest.fixture(scope="module")
def prism():
    with PrismMock() as mock:
        yield mock


def test_submit_follows_the_kfp_contract_and_prints_the_run_link(prism, package_file, monkeypatch, capsys):
    monkeypatch.setenv("KF_PIPELINES_ENDPOINT", prism.url)
    monkeypatch.setenv("KF_PIPELINES_TOKEN", TOKEN)
    monkeypatch.setenv("KF_PIPELINES_UI_ENDPOINT", "https://kfp.example/pipeline")
    start = prism.mark()
    code = main(
        ["submit", str(package_file), "--param", "rows=3", "--param", "rate=0.25", "--param", "label=7"]
        + ["--param", "shuffle=false", "--experiment", "nightly", "--namespace", "team-a"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "https://kfp.example/pipeline/#/runs/details/" in out
    assert prism.violations(start) == [], "the CLI's requests break the KFP API contract"


def recorded_kfp(states):
    """A KFP that publishes, knows experiment "nightly", creates run r1 and then answers `states` in turn."""
    answers = iter(states)
    last = {}

    def run(_req):
        last["run"] = next(answers, last.get("run"))
        return Answer(200, last["run"])

    table = {
        ("GET", "/apis/v2beta1/pipelines/names/"): Answer(404, {"message": "no such pipeline"}),
        ("POST", "/apis/v2beta1/pipelines/upload"): Answer(200, {"pipeline_id": "p1"}),
        ("GET", "/apis/v2beta1/pipelines/p1/versions"): Answer(
            200, {"pipeline_versions": [{"pipeline_version_id": "v1"}]}
        ),
        ("GET", "/apis/v2beta1/experiments"): Answer(
            200, {"experiments": [{"experiment_id": "e7", "display_name": "nightly"}]}
        ),
        ("POST", "/apis/v2beta1/experiments"): Answer(
            200, {"experiment_id": "e9", "display_name": "Default"}
        ),
        ("POST", "/apis/v2beta1/runs"): Answer(200, {"run_id": "r1", "state": "PENDING"}),
    }
    answer = route(table)
    return (
        lambda req: run(req)
        if req.method == "GET" and req.path.startswith("/apis/v2beta1/runs/r1")
        else answer(req)
    )


def task(name, state, **more):
    return {"task_id": f"t-{name}", "display_name": name, "state": state, **more}


def run_with(state, *tasks, error=None):
    body = {"run_id": "r1", "state": state, "run_details": {"task_details": list(tasks)}}
    if error:
        body["error"] = {"message": error}
    return body


def submit_and_wait(kfp, package_file, tmp_path, capsys, *more):
    config = tmp_path / "jupyter_server_config.py"
    config.write_text(
        f"c.CellpipeKFP.endpoint = {kfp.url!r}\nc.CellpipeKFP.auth_mode = 'bearer'\nc.CellpipeKFP.token = {TOKEN!r}\n"
    )
    code = main(["submit", str(package_file), "--config", str(config), "--wait", "--interval", "0", *more])
    return code, capsys.readouterr().out


def test_wait_prints_each_state_change_once_and_exits_zero_when_the_run_succeeds(
    package_file, tmp_path, capsys
):
    states = [
        run_with("RUNNING", task("prepare", "RUNNING", pod_name="p")),
        run_with("RUNNING", task("prepare", "RUNNING", pod_name="p")),
        run_with(
            "RUNNING",
            task(
                "prepare",
                "SUCCEEDED",
                pod_name="p",
                start_time="2026-01-01T00:00:00Z",
                end_time="2026-01-01T00:00:04Z",
            ),
            task("report", "RUNNING", pod_name="q"),
        ),
        run_with(
            "SUCCEEDED",
            task("prepare", "SUCCEEDED", pod_name="p"),
            task("report", "SUCCEEDED", executor_detail={}),
        ),
    ]
    with Recorder() as kfp:
        kfp.answer = recorded_kfp(states)
        code, out = submit_and_wait(kfp, package_file, tmp_path, capsys, "--experiment", "nightly")
        created = [r for r in kfp.requests if r.method == "POST" and r.path == "/apis/v2beta1/runs"]
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("run r1 (contract-demo ") and lines[0].endswith(f"{kfp.url}/#/runs/details/r1")
    assert lines[1:] == [
        "▶ prepare: running",
        "run r1: running",
        "✔ prepare: succeeded (4.0s)",
        "▶ report: running",
        "⚡ report: cached",
        "run r1: succeeded",
    ]
    body = json.loads(created[0].body)
    assert body["experiment_id"] == "e7"  # the existing experiment, not a new one
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in kfp.requests)


def test_wait_exits_non_zero_with_kfps_message_when_the_run_fails(package_file, tmp_path, capsys):
    states = [run_with("FAILED", task("prepare", "FAILED", pod_name="p"), error="prepare: exit code 1")]
    with Recorder() as kfp:
        kfp.answer = recorded_kfp(states)
        code, out = submit_and_wait(kfp, package_file, tmp_path, capsys)
        made = [
            json.loads(r.body)
            for r in kfp.requests
            if r.path == "/apis/v2beta1/experiments" and r.method == "POST"
        ]
    assert made == [
        {"display_name": "Default", "description": ""}
    ]  # no experiment named: KFP's Default, made
    assert code == 1
    assert "✘ prepare: failed" in out and "run r1: failed" in out and "prepare: exit code 1" in out


def test_an_unreachable_kfp_is_one_line_naming_it(package_file, capsys, monkeypatch):
    with Recorder() as gone:
        url = gone.url
    monkeypatch.setenv("KF_PIPELINES_ENDPOINT", url)
    assert main(["submit", str(package_file)]) == 2
    assert capsys.readouterr().err.strip().startswith(f"cellpipe: Cannot reach Kubeflow Pipelines at {url}")


def test_parameters_are_typed_by_the_package_and_named_when_wrong(package_file):
    spec, _ = split_pipeline_package(package_file.read_text())
    typed = typed_parameters(spec, ["rows=3", "rate=1", "label=007", "shuffle=True"])
    assert typed == {"rows": 3, "rate": 1.0, "label": "007", "shuffle": True}
    assert isinstance(typed["rate"], float)
    for pair, words in [
        ("rows=3.5", "--param rows: must be a whole number (NUMBER_INTEGER), got '3.5'"),
        ("shuffle=yes", "--param shuffle: must be true or false"),
        ("depth=3", "--param depth: not a pipeline parameter (known: label, rate, rows, shuffle)"),
        ("rows", "--param takes NAME=VALUE"),
    ]:
        with pytest.raises(Exception, match=words.replace("(", r"\(").replace(")", r"\)")):
            typed_parameters(spec, [pair])


def test_the_notebooks_experiment_is_the_default(tmp_path):
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(
        json.dumps({"metadata": {"kubeflow_notebook": {"experiment_name": "kale-exp"}}, "cells": []})
    )
    assert notebook_experiment(str(notebook)) == "kale-exp"
    notebook.write_text(json.dumps({"metadata": {"kubeflow_notebook": {"experiment": {"name": "other"}}}}))
    assert notebook_experiment(str(notebook)) == "other"
    notebook.write_text("{}")
    assert notebook_experiment(str(notebook)) == ""


def test_schedule_follows_the_kfp_contract_and_prints_its_link(prism, package_file, monkeypatch, capsys):
    monkeypatch.setenv("KF_PIPELINES_ENDPOINT", prism.url)
    monkeypatch.setenv("KF_PIPELINES_TOKEN", TOKEN)
    start = prism.mark()
    code = main(
        ["schedule", str(package_file), "--cron", "0 6 * * 1", "--param", "rows=3", "--max-concurrency", "2"]
        + ["--no-catchup", "--start", "2026-01-05T00:00:00Z", "--experiment", "weekly"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("schedule ") and "/#/recurringrun/details/" in out
    assert prism.violations(start) == [], "the CLI's requests break the KFP API contract"


def test_schedule_sends_kfps_six_field_cron_and_refuses_a_bad_one(
    package_file, tmp_path, capsys, monkeypatch
):
    with Recorder() as kfp:
        kfp.answer = route(
            {
                ("GET", "/apis/v2beta1/pipelines/names/"): Answer(200, {"pipeline_id": "p1"}),
                ("POST", "/apis/v2beta1/pipelines/upload_version"): Answer(
                    200, {"pipeline_version_id": "v2"}
                ),
                ("GET", "/apis/v2beta1/experiments"): Answer(200, {"experiments": []}),
                ("POST", "/apis/v2beta1/experiments"): Answer(200, {"experiment_id": "e9"}),
                ("POST", "/apis/v2beta1/recurringruns"): Answer(200, {"recurring_run_id": "s1"}),
            }
        )
        monkeypatch.setenv("KF_PIPELINES_ENDPOINT", kfp.url)
        assert main(["schedule", str(package_file), "--cron", "0 6 * * 1", "--disabled"]) == 0
        sent = json.loads(kfp.last.body)
        assert sent["trigger"] == {"cron_schedule": {"cron": "0 0 6 * * 1"}}
        assert sent["mode"] == "DISABLE" and sent["experiment_id"] == "e9"
        assert sent["pipeline_version_reference"] == {"pipeline_id": "p1", "pipeline_version_id": "v2"}
        assert "schedule s1 (contract-demo (0 6 * * 1), disabled)" in capsys.readouterr().out
        asked = len(kfp.requests)
        assert main(["schedule", str(package_file), "--cron", "6 * *"]) == 2
        assert 'The cron expression "6 * *" must have 5 fields' in capsys.readouterr().err
        assert len(kfp.requests) == asked  # refused before KFP was asked


def test_schedule_list_enable_disable_delete_follow_the_kfp_contract(prism, monkeypatch, capsys):
    monkeypatch.setenv("KF_PIPELINES_ENDPOINT", prism.url)
    monkeypatch.setenv("KF_PIPELINES_TOKEN", TOKEN)
    start = prism.mark()
    assert main(["schedule", "list", "--namespace", "team-a"]) == 0
    assert main(["schedule", "list", "--pipeline-name", "demo"]) == 0
    for action in ("disable", "enable", "delete"):
        assert main(["schedule", action, "s-1"]) == 0
    out = capsys.readouterr().out
    assert "schedule s-1 disabled\nschedule s-1 enabled\nschedule s-1 deleted\n" in out
    assert prism.violations(start) == [], "the CLI's requests break the KFP API contract"


def test_schedule_list_prints_each_schedule_and_the_actions_name_the_id(capsys, monkeypatch):
    with Recorder() as kfp:
        kfp.answer = route(
            {
                ("GET", "/apis/v2beta1/pipelines/names/"): Answer(200, {"pipeline_id": "p1"}),
                ("GET", "/apis/v2beta1/recurringruns"): Answer(
                    200,
                    {
                        "recurringRuns": [
                            {
                                "recurring_run_id": "s1",
                                "display_name": "weekly",
                                "status": "ENABLED",
                                "trigger": {"cron_schedule": {"cron": "0 0 6 * * 1"}},
                                "pipeline_version_reference": {"pipeline_id": "p1"},
                            },
                            {
                                "recurring_run_id": "s2",
                                "status": "DISABLED",
                                "trigger": {
                                    "periodic_schedule": {
                                        "interval_second": "3600",
                                        "end_time": "2027-01-01T00:00:00Z",
                                    }
                                },
                                "pipeline_version_reference": {"pipeline_id": "p1"},
                            },
                            {"recurring_run_id": "s3", "pipeline_version_reference": {"pipeline_id": "p9"}},
                        ]
                    },
                ),
                ("POST", "/apis/v2beta1/recurringruns/"): Answer(200, {}),
                ("DELETE", "/apis/v2beta1/recurringruns/"): Answer(200, {}),
            }
        )
        monkeypatch.setenv("KF_PIPELINES_ENDPOINT", kfp.url)
        monkeypatch.setenv("KF_PIPELINES_UI_ENDPOINT", "https://kfp.example")
        assert main(["schedule", "list", "--pipeline-name", "demo", "--namespace", "team-a"]) == 0
        assert "namespace=team-a" in kfp.last.path
        assert capsys.readouterr().out.splitlines() == [
            "s1  enabled  cron '0 0 6 * * 1'  weekly  https://kfp.example/#/recurringrun/details/s1",
            "s2  disabled  every 3600s until 2027-01-01T00:00:00Z  https://kfp.example/#/recurringrun/details/s2",
        ]
        assert main(["schedule", "disable", "s 1"]) == 0
        assert (kfp.last.method, kfp.last.path) == ("POST", "/apis/v2beta1/recurringruns/s%201:disable")
        assert main(["schedule", "delete", "s1"]) == 0
        assert (kfp.last.method, kfp.last.path) == ("DELETE", "/apis/v2beta1/recurringruns/s1")
        assert capsys.readouterr().out == "schedule s 1 disabled\nschedule s1 deleted\n"

        asked = len(kfp.requests)
        assert main(["schedule", "enable"]) == 2
        assert "cellpipe schedule enable needs the schedule's ID" in capsys.readouterr().err
        assert main(["schedule", "list", "s1"]) == 2
        assert 'cellpipe schedule list takes no ID (got "s1")' in capsys.readouterr().err
        assert main(["schedule", "delete", "s1", "--cron", "0 6 * * 1"]) == 2
        assert "takes no --cron or --every" in capsys.readouterr().err
        assert main(["schedule", "pipeline.yaml"]) == 2
        assert "needs --cron 'M H DOM MON DOW' or --every SECONDS" in capsys.readouterr().err
        assert len(kfp.requests) == asked  # each refused before KFP was asked
