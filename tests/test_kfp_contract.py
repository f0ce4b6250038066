"""Every request KFPClient makes must pass Stoplight Prism's validation against the official KFP swagger.

Prism runs with `--errors`, so an invalid request is answered with an error (which fails the call),
and its log is read after each test: any validation error fails the test.
"""

import json
from pathlib import Path

import pytest
from kfp_mock.packages import compile_package
from kfp_mock.prism import PrismMock

from cellpipe.server.config import Auth, KFPSettings
from cellpipe.server.kfp_client import KFPClient, KFPError, Schedule, split_pipeline_package

TOKEN = "contract-test-token"


@pytest.fixture(scope="module")
def prism():
    with PrismMock() as mock:
        yield mock


@pytest.fixture
def client(prism):
    start = prism.mark()
    yield KFPClient(
        KFPSettings(
            endpoint=prism.url,
            ui_endpoint=prism.url,
            namespace="team-a",
            auth=Auth(mode="bearer", token=TOKEN),
        )
    )
    assert prism.violations(start) == [], "Prism found requests that break the KFP API contract"


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("packages")
    return {"plain": compile_package(folder), "platform": compile_package(folder, platform=True)}


async def test_health(client):
    health = await client.health()
    assert health["reachable"] is True and isinstance(health["multi_user"], bool)


async def test_experiments_list_and_create(client):
    listed = await client.list_experiments()
    assert isinstance(listed["experiments"], list)
    created = await client.create_experiment("cellpipe-demo", description="made by the contract test")
    assert isinstance(created["experiment_id"], str)


async def test_upload_and_upload_version(client, packages):
    pipeline = await client.upload_pipeline(packages["plain"], "contract-demo", "a demo")
    assert isinstance(pipeline["pipeline_id"], str)
    version = await client.upload_pipeline_version(packages["platform"], pipeline["pipeline_id"])
    assert isinstance(version["pipeline_version_id"], str)


async def test_publish(client, packages):
    published = await client.publish(packages["plain"], "contract-demo")
    assert set(published) == {"pipeline_id", "pipeline_version_id", "version_name", "created_pipeline"}


async def test_runs_from_version_and_inline(client, packages):
    by_version = await client.create_run(
        "from-version", experiment_id="e1", pipeline_id="p1", pipeline_version_id="v1", parameters={"rows": 3}
    )
    assert by_version["ui_url"] == client.run_url(by_version["run_id"])
    assert by_version["ui_url"].startswith(f"{client.settings.ui_endpoint}/#/runs/details/")
    for package in packages.values():
        inline = await client.create_run(
            "inline",
            experiment_id="e1",
            package=package,
            parameters={"rate": 0.25, "shuffle": False, "label": "z"},
        )
        assert isinstance(inline["run_id"], str)


async def test_run_reads_and_actions(client):
    run = await client.get_run("r-1")
    assert isinstance(run.get("run_details", {}).get("task_details", []), list)
    runs = await client.list_runs(page_size=5)
    assert isinstance(runs["runs"], list)
    await client.list_runs(experiment_id="e1", pipeline_id="p1")
    assert (await client.terminate_run("r-1"))["terminated"] is True
    assert (await client.retry_run("r-1"))["retried"] is True


async def test_recurring_runs_create_list_get_enable_disable_delete(client, packages):
    weekly = Schedule(cron="0 6 * * 1", start_time="2026-01-05T00:00:00Z", max_concurrency=2, catchup=False)
    by_version = await client.create_recurring_run(
        "weekly",
        weekly,
        experiment_id="e1",
        pipeline_id="p1",
        pipeline_version_id="v1",
        parameters={"rows": 3},
    )
    assert by_version["recurring_run_id"] and "/#/recurringrun/details/" in by_version["ui_url"]
    hourly = Schedule(interval_seconds=3600, enabled=False)
    for package in packages.values():
        inline = await client.create_recurring_run(
            "hourly", hourly, experiment_id="e1", package=package, parameters={"rate": 0.5}
        )
        assert isinstance(inline["recurring_run_id"], str)
    listed = await client.list_recurring_runs()
    assert isinstance(listed["recurring_runs"], list)
    await client.list_recurring_runs(experiment_id="e1", pipeline_id="p1")
    assert (await client.get_recurring_run("s-1"))["recurring_run_id"]
    assert (await client.set_recurring_run_enabled("s-1", False))["enabled"] is False
    assert (await client.set_recurring_run_enabled("s-1", True))["enabled"] is True
    assert (await client.delete_recurring_run("s-1"))["deleted"] is True
    runs = await client.list_recurring_run_runs("s-1", page_size=3)
    assert isinstance(runs["runs"], list)


async def test_the_check_itself_catches_a_bad_request(prism):
    """The validation this file relies on does fail: a wrongly typed query and a missing credential."""
    start = prism.mark()
    bad = KFPClient(KFPSettings(endpoint=prism.url, auth=Auth(mode="bearer", token=TOKEN)))
    with pytest.raises(KFPError) as err:
        await bad._call("GET", "/runs", query={"page_size": "many"}, what="runs")
    assert err.value.status == 400 and err.value.kfp_status == 422
    anonymous = KFPClient(KFPSettings(endpoint=prism.url, auth=Auth(mode="none")))
    with pytest.raises(KFPError) as err:
        await anonymous.health()
    assert err.value.status == 401
    found = prism.violations(start)
    assert any("page_size must be integer" in v for v in found), found
    assert any("security" in v for v in found), found


async def test_handlers_pass_the_contract(jp_fetch, prism, packages, jp_server_config):
    """The same through Jupyter: the browser's calls end as valid KFP requests."""
    start = prism.mark()
    published = json.loads(
        (
            await jp_fetch(
                "cellpipe",
                "api",
                "kfp",
                "pipelines",
                method="POST",
                body=json.dumps({"package": packages["plain"], "name": "contract-demo"}),
            )
        ).body
    )
    run = json.loads(
        (
            await jp_fetch(
                "cellpipe",
                "api",
                "kfp",
                "runs",
                method="POST",
                body=json.dumps(
                    {
                        "name": "from the browser",
                        "pipeline_id": published["pipeline_id"],
                        "pipeline_version_id": published["pipeline_version_id"] or "v1",
                        "parameters": {"rows": 7},
                    }
                ),
            )
        ).body
    )
    assert run["run_id"]
    got = json.loads((await jp_fetch("cellpipe", "api", "kfp", "runs", run["run_id"])).body)
    assert "state" in got or "run_id" in got
    assert prism.violations(start) == []


@pytest.fixture
def jp_server_config(prism):
    return {
        "ServerApp": {"jpserver_extensions": {"cellpipe": True}},
        "CellpipeKFP": {"endpoint": prism.url, "auth_mode": "bearer", "token": TOKEN, "namespace": "team-a"},
    }


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def example_package(tmp_path_factory, request) -> str:
    """The example notebook compiled by our own compiler (the session's CLI bundle)."""
    if not (ROOT / "src" / "cli" / "index.ts").exists():
        pytest.skip("the CLI entry waits for the analyzer (src/analysis/index.ts)")
    compiler = request.getfixturevalue("compiler")
    return compiler(
        ROOT / "examples" / "pipeline.ipynb", tmp_path_factory.mktemp("cli") / "pipeline.yaml"
    ).read_text()


async def test_our_compiled_example_is_submitted_within_the_contract(client, example_package):
    """What the dialog sends for the example notebook: upload, then a run with its own parameters."""
    spec, _ = split_pipeline_package(example_package)
    defaults = {
        name: d["defaultValue"]
        for name, d in spec["root"].get("inputDefinitions", {}).get("parameters", {}).items()
        if "defaultValue" in d
    }
    published = await client.publish(example_package, spec["pipelineInfo"]["name"])
    assert published["pipeline_id"]
    run = await client.create_run("example", experiment_id="e1", package=example_package, parameters=defaults)
    assert run["run_id"]
