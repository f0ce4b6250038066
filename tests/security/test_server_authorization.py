"""Issue 13, item 1: every cellpipe handler asks jupyter_server's Authorizer (not only authentication),
and through the server the local runner runs only the compiler's step command shape."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from jupyter_server.auth.authorizer import Authorizer
from kfp_mock.recorder import Answer, Recorder
from local_run_api import poll
from server_packages import EXECUTOR, container, dump, shell_package, step_package, step_spec
from tornado.httpclient import HTTPClientError

from cellpipe.local.command_shape import STEP_COMMAND, check_package_shape
from cellpipe.local.package import PackageError
from cellpipe.local.runner import SUCCEEDED, run_package_file
from cellpipe.server.packages import load_package_documents

ROOT = Path(__file__).resolve().parents[2]
CALLS: list = []  # (method, path, action, resource) of every authorization asked, by every authorizer below


class DenyAll(Authorizer):
    def is_authorized(self, handler, user, action, resource):
        CALLS.append((handler.request.method, handler.request.path, action, resource))
        return False


class ReadOnly(Authorizer):
    """Allows only `read`, on anything: a viewer who may look but not act."""

    def is_authorized(self, handler, user, action, resource):
        CALLS.append((handler.request.method, handler.request.path, action, resource))
        return action == "read"


class AllowAll(Authorizer):
    def is_authorized(self, handler, user, action, resource):
        CALLS.append((handler.request.method, handler.request.path, action, resource))
        return True


@pytest.fixture
def kfp():
    with Recorder() as server:
        server.answer = Answer(200, {"experiment_id": "e1"})
        yield server


def server_config(kfp, authorizer) -> dict:
    return {
        "ServerApp": {"jpserver_extensions": {"cellpipe": True}, "authorizer_class": authorizer},
        "CellpipeKFP": {"endpoint": kfp.url, "auth_mode": "bearer", "token": "tkn-0123456789"},
    }


@pytest.fixture
def authorizer():
    return AllowAll


@pytest.fixture
def jp_server_config(kfp, authorizer):
    CALLS.clear()
    return server_config(kfp, authorizer)


def cellpipe_routes(web_app) -> list:
    """(method, url path) of every method of every handler cellpipe registers, path groups filled in."""
    out = []
    for host_rule in web_app.default_router.rules:
        for rule in getattr(host_rule.target, "rules", []):
            handler = rule.target
            if not isinstance(handler, type) or not handler.__module__.startswith("cellpipe."):
                continue
            path = rule.matcher.regex.pattern.rstrip("$")

            def group(match: re.Match) -> str:
                inner = match.group(1)
                if "|" in inner:
                    return inner.split("|")[0]
                return "0123456789ab" if "0-9a-f" in inner else "x1"

            path = re.sub(r"\(([^()]*)\)", group, path)
            for method in ("get", "post", "put", "patch", "delete"):
                if method in vars(handler):
                    out.append((method.upper(), path))
    return out


@pytest.mark.parametrize("authorizer", [DenyAll])
async def test_every_cellpipe_route_asks_the_authorizer(jp_serverapp, jp_fetch, kfp, jp_base_url):
    routes = cellpipe_routes(jp_serverapp.web_app)
    assert ("POST", f"{jp_base_url}cellpipe/api/local/runs") in routes  # the walk found the handlers
    assert len(routes) >= 14
    for method, path in routes:
        CALLS.clear()
        parts = path[len(jp_base_url) :].split("/")
        body = "{}" if method in ("POST", "PUT", "PATCH") else None
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch(*parts, method=method, body=body)
        assert err.value.code == 403, (method, path)
        assert [c[:2] for c in CALLS] == [(method, path)], (method, path)
    assert kfp.requests == []


# (method, path under /cellpipe/api/, the action and resource asked)
EXPECTED = [
    ("GET", "health", "read", "api"),
    ("GET", "kfp/health", "read", "cellpipe_kfp"),
    ("GET", "kfp/status", "read", "cellpipe_kfp"),
    ("GET", "kfp/experiments", "read", "cellpipe_kfp"),
    ("POST", "kfp/experiments", "write", "cellpipe_kfp"),
    ("GET", "kfp/pipelines", "read", "cellpipe_kfp"),
    ("POST", "kfp/pipelines", "write", "cellpipe_kfp"),
    ("POST", "kfp/pipelines/p1/versions", "write", "cellpipe_kfp"),
    ("GET", "kfp/runs", "read", "cellpipe_kfp"),
    ("POST", "kfp/runs", "write", "cellpipe_kfp"),
    ("GET", "kfp/runs/r1", "read", "cellpipe_kfp"),
    ("POST", "kfp/runs/r1/terminate", "write", "cellpipe_kfp"),
    ("POST", "kfp/runs/r1/retry", "write", "cellpipe_kfp"),
    ("GET", "kfp/recurringruns", "read", "cellpipe_kfp"),
    ("POST", "kfp/recurringruns", "write", "cellpipe_kfp"),
    ("GET", "kfp/recurringruns/s1", "read", "cellpipe_kfp"),
    ("DELETE", "kfp/recurringruns/s1", "write", "cellpipe_kfp"),
    ("POST", "kfp/recurringruns/s1/enable", "write", "cellpipe_kfp"),
    ("POST", "kfp/recurringruns/s1/disable", "write", "cellpipe_kfp"),
    ("GET", "kfp/recurringruns/s1/runs", "read", "cellpipe_kfp"),
    ("GET", "katib/status", "read", "cellpipe_kfp"),
    ("POST", "katib/experiments", "write", "cellpipe_kfp"),
    ("GET", "katib/experiments/x1", "read", "cellpipe_kfp"),
    ("GET", "katib/experiments/x1/trials", "read", "cellpipe_kfp"),
    ("POST", "local/runs", "execute", "kernels"),
    ("GET", "local/runs/0123456789ab", "read", "kernels"),
    ("POST", "bundles", "read", "contents"),
]


@pytest.mark.parametrize("authorizer", [DenyAll])
@pytest.mark.parametrize("method, path, action, resource", EXPECTED)
async def test_each_route_asks_for_its_action_and_resource(
    jp_fetch, jp_base_url, kfp, method, path, action, resource
):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "cellpipe", "api", *path.split("/"), method=method, body="{}" if method == "POST" else None
        )
    assert err.value.code == 403
    assert CALLS == [(method, f"{jp_base_url}cellpipe/api/{path}", action, resource)]
    assert kfp.requests == []


@pytest.mark.parametrize("authorizer", [ReadOnly])
async def test_a_read_only_user_cannot_run_code_nor_spend_the_kfp_credential(jp_fetch, jp_root_dir, kfp):
    """The issue's reproduction: an Authorizer that refuses POST /api/kernels also refuses a local run."""
    (jp_root_dir / "work").mkdir()
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("api", "kernels", method="POST", body="{}")
    assert err.value.code == 403
    request = {"package": step_package(), "notebookPath": "work/pipeline.ipynb"}
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(request))
    assert err.value.code == 403
    assert not (jp_root_dir / "work" / ".cellpipe").exists()  # nothing ran, no store was made

    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("cellpipe", "api", "kfp", "experiments", method="POST", body=json.dumps({"name": "x"}))
    assert err.value.code == 403 and kfp.requests == []

    # Reading is allowed: KFP's health, the extension's health, the bundles of a notebook.
    kfp.answer = Answer(200, {"multi_user": False})
    assert json.loads((await jp_fetch("cellpipe", "api", "kfp", "health")).body)["reachable"] is True
    assert (await jp_fetch("cellpipe", "api", "health")).code == 200
    body = json.dumps({"path": "work/pipeline.ipynb", "modules": ["numpy"]})
    assert (
        json.loads((await jp_fetch("cellpipe", "api", "bundles", method="POST", body=body)).body)["local"]
        == []
    )


async def test_an_allowed_user_runs_a_step_package(jp_fetch, jp_root_dir, jp_base_url):
    (jp_root_dir / "work").mkdir()
    request = {"package": step_package(), "notebookPath": "work/pipeline.ipynb", "parameters": {"n": 4}}
    response = await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(request))
    assert response.code == 201
    done = await poll(jp_fetch, json.loads(response.body)["id"], tries=400)
    assert [s["state"] for s in done["steps"]] == ["succeeded"], done
    assert "[produce] producing 4" in done["logs"]
    assert ("POST", f"{jp_base_url}cellpipe/api/local/runs", "execute", "kernels") in CALLS


# --- only the compiler's step command shape runs through the server


async def post_run(jp_fetch, package: str) -> HTTPClientError:
    request = {"package": package, "notebookPath": "work/pipeline.ipynb"}
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(request))
    return err.value


def refused_message(err: HTTPClientError) -> str:
    assert err.code == 400
    return json.loads(err.response.body)["message"]


async def test_a_package_running_another_command_is_refused_naming_the_task(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    message = refused_message(await post_run(jp_fetch, shell_package()))
    assert message.startswith("task 'shell': the server runs only cellpipe step programs locally")
    assert "cellpipe run" in message
    assert not (jp_root_dir / "work" / ".cellpipe").exists()


def damaged(edit) -> str:
    spec = step_spec()
    edit(container(spec))
    return dump(spec)


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda c: c.update(command=["sh", "-ec", "id"]), "this task's command is ['sh', '-ec', 'id']"),
        (lambda c: c.update(command=[*STEP_COMMAND, "extra"]), "this task's command is"),
        (lambda c: c.update(args=[c["args"][0], "--executor-input", "x"]), "this task's args are"),
        (lambda c: c.update(args=[c["args"][0]]), "this task's args are"),
        (lambda c: c.update(args=[["program"], "--executor-input", "{{$}}"]), "this task's args are"),
        (lambda c: c.update(env=[{"name": "PATH", "value": "/tmp/evil"}]), "env PATH would change"),
        (lambda c: c.update(env=[{"name": "LD_PRELOAD", "value": "/tmp/x.so"}]), "env LD_PRELOAD"),
        (lambda c: c.update(env=[{"name": "PYTHONPATH", "value": "/tmp"}]), "env PYTHONPATH"),
    ],
)
async def test_a_step_with_another_shape_is_refused(jp_fetch, jp_root_dir, edit, expected):
    (jp_root_dir / "work").mkdir()
    message = refused_message(await post_run(jp_fetch, damaged(edit)))
    assert message.startswith("task 'produce':") and expected in message


def test_every_golden_package_of_the_compiler_has_the_step_shape():
    goldens = sorted((ROOT / "tests" / "fixtures" / "golden").glob("*.yaml"))
    assert goldens
    for path in goldens:
        spec, platform = load_package_documents(path.read_text())
        check_package_shape(spec, platform)  # raises naming the task otherwise
        executors = spec["deploymentSpec"]["executors"].values()
        assert all(e["container"]["command"] == STEP_COMMAND for e in executors)


def test_the_python_step_command_is_the_compilers():
    source = (ROOT / "src" / "compiler" / "container.ts").read_text()
    literal = re.search(r"export const STEP_COMMAND = (\[.*?\]);", source, re.S).group(1)
    assert ast.literal_eval(literal) == STEP_COMMAND


def test_the_shell_cli_still_runs_any_package(tmp_path):
    path = tmp_path / "shell.yaml"
    path.write_text(shell_package())
    with pytest.raises(PackageError):
        spec, platform = load_package_documents(path.read_text())
        check_package_shape(spec, platform)
    result = run_package_file(str(path), store=str(tmp_path / "store"))
    assert [s.state for s in result.states.values()] == [SUCCEEDED]


def test_the_shape_check_names_the_executor_it_read():
    spec = step_spec()
    spec["deploymentSpec"]["executors"][EXECUTOR]["container"] = ["not", "a", "mapping"]
    with pytest.raises(
        PackageError, match=rf"deploymentSpec.executors.{EXECUTOR}.container must be a mapping"
    ):
        check_package_shape(spec)
