"""Issue 13, item 15: a malformed request body is a 400 that names the field, never a 500.

One table over every handler that reads a body or a query: a body that is not JSON, a JSON array,
and a wrong type in each field the handler reads (packages included: `root` a list, and so on)."""

import json

import pytest
from kfp_mock.recorder import Answer, Recorder
from server_packages import container, dump, step_package, step_spec
from tornado.httpclient import HTTPClientError


@pytest.fixture
def kfp():
    with Recorder() as server:
        server.answer = Answer(200, {})
        yield server


@pytest.fixture
def jp_server_config(kfp):
    return {
        "ServerApp": {"jpserver_extensions": {"cellpipe": True}},
        "CellpipeKFP": {"endpoint": kfp.url, "auth_mode": "bearer", "token": "tkn-0123456789"},
    }


def package_with(edit) -> str:
    spec = step_spec()
    edit(spec)
    return dump(spec)


ROOT_LIST = "root: [1, 2]\n"
PACKAGES = {
    "root a list": (ROOT_LIST, 'Field "root" of the pipeline package must be a mapping'),
    "dag a list": (
        package_with(lambda s: s["root"].update(dag=[1])),
        "root.dag must be a mapping, not a list",
    ),
    "tasks a list": (
        package_with(lambda s: s["root"]["dag"].update(tasks=["produce"])),
        "root.dag.tasks must be a mapping, not a list",
    ),
    "a task a string": (
        package_with(lambda s: s["root"]["dag"]["tasks"].update(produce="x")),
        "root.dag.tasks.produce must be a mapping, not a string",
    ),
    "componentRef a list": (
        package_with(lambda s: s["root"]["dag"]["tasks"]["produce"].update(componentRef=[1])),
        "root.dag.tasks.produce.componentRef must be a mapping",
    ),
    "componentRef.name a list": (
        package_with(lambda s: s["root"]["dag"]["tasks"]["produce"]["componentRef"].update(name=[1])),
        "root.dag.tasks.produce.componentRef.name must be a string",
    ),
    "dependentTasks a string": (
        package_with(lambda s: s["root"]["dag"]["tasks"]["produce"].update(dependentTasks="abc")),
        "root.dag.tasks.produce.dependentTasks must be a list of strings",
    ),
    "inputs a list": (
        package_with(lambda s: s["root"]["dag"]["tasks"]["produce"].update(inputs=[1])),
        "root.dag.tasks.produce.inputs must be a mapping",
    ),
    "inputDefinitions.parameters a list": (
        package_with(lambda s: s["root"]["inputDefinitions"].update(parameters=["n"])),
        "root.inputDefinitions.parameters must be a mapping",
    ),
    "components a list": (package_with(lambda s: s.update(components=[1])), "components must be a mapping"),
    "executorLabel a list": (
        package_with(lambda s: s["components"]["comp-produce"].update(executorLabel=[1])),
        "components.comp-produce.executorLabel must be a string",
    ),
    "executors a list": (
        package_with(lambda s: s["deploymentSpec"].update(executors=[1])),
        "deploymentSpec.executors must be a mapping",
    ),
    "env a mapping": (
        package_with(lambda s: container(s).update(env={"A": "1"})),
        "its container env must be a list",
    ),
    "pipelineInfo a list": (
        package_with(lambda s: s.update(pipelineInfo=["x"])),
        "pipelineInfo must be a mapping",
    ),
    "a platform document a list": (step_package() + "---\n- 1\n", "platform spec document"),
    "platforms a list, then a mapping": (
        step_package() + "---\nplatforms: [1]\n---\nplatforms: {kubernetes: {}}\n",
        "malformed where the local runner reads it",
    ),
}


def local(body: dict) -> dict:
    return {"notebookPath": "work/pipeline.ipynb", **body}


# (name, method, path under /cellpipe/api/, body, what the message must say)
CASES = [
    # /cellpipe/api/local/runs
    ("local: not JSON", "POST", "local/runs", "{nope", "not JSON"),
    ("local: an array", "POST", "local/runs", "[1, 2]", "must be a JSON object, not a list"),
    ("local: a string", "POST", "local/runs", '"package"', "must be a JSON object, not a string"),
    ("local: package a number", "POST", "local/runs", {"package": 5}, 'Field "package" must be'),
    ("local: package a list", "POST", "local/runs", {"package": ["a"]}, 'Field "package" must be'),
    (
        "local: notebookPath a list",
        "POST",
        "local/runs",
        {"package": step_package(), "notebookPath": ["a"]},
        'Field "notebookPath" must be',
    ),
    (
        "local: parameters [[1]]",
        "POST",
        "local/runs",
        local({"package": step_package(), "parameters": [[1]]}),
        'Field "parameters" must be an object',
    ),
    (
        "local: parameters a string",
        "POST",
        "local/runs",
        local({"package": step_package(), "parameters": "n=1"}),
        'Field "parameters" must be an object',
    ),
    (
        "local: a parameter of the wrong type",
        "POST",
        "local/runs",
        local({"package": step_package(), "parameters": {"n": "three"}}),
        'parameter "n" must be a whole number',
    ),
    (
        "local: useCache a string",
        "POST",
        "local/runs",
        local({"package": step_package(), "useCache": "no"}),
        'Field "useCache" must be true or false',
    ),
    *[
        (f"local: {name}", "POST", "local/runs", local({"package": text}), expected)
        for name, (text, expected) in PACKAGES.items()
    ],
    # /cellpipe/api/bundles
    ("bundles: an array", "POST", "bundles", "[]", "must be a JSON object, not a list"),
    ("bundles: not JSON", "POST", "bundles", "{", "not JSON"),
    ("bundles: path a number", "POST", "bundles", {"path": 5, "modules": []}, "('path')"),
    ("bundles: modules a string", "POST", "bundles", {"path": "a.ipynb", "modules": "x"}, 'Field "modules"'),
    ("bundles: modules [[1]]", "POST", "bundles", {"path": "a.ipynb", "modules": [[1]]}, 'Field "modules"'),
    (
        "bundles: exclude a dict",
        "POST",
        "bundles",
        {"path": "a.ipynb", "modules": [], "exclude": {}},
        'Field "exclude"',
    ),
    # /cellpipe/api/kfp/...
    ("experiments: an array", "POST", "kfp/experiments", "[]", "must be a JSON object, not a list"),
    ("experiments: name a number", "POST", "kfp/experiments", {"name": 5}, 'Field "name" must be a string'),
    (
        "experiments: namespace a list",
        "POST",
        "kfp/experiments",
        {"name": "e", "namespace": ["a"]},
        'Field "namespace" must be a string',
    ),
    (
        "experiments: description an object",
        "POST",
        "kfp/experiments",
        {"name": "e", "description": {}},
        'Field "description" must be a string',
    ),
    ("pipelines: an array", "POST", "kfp/pipelines", "[{}]", "must be a JSON object"),
    ("pipelines: package a list", "POST", "kfp/pipelines", {"package": [1], "name": "p"}, 'Field "package"'),
    (
        "pipelines: name a number",
        "POST",
        "kfp/pipelines",
        {"package": step_package(), "name": 1},
        'Field "name"',
    ),
    (
        "pipelines: version_name a bool",
        "POST",
        "kfp/pipelines",
        {"package": step_package(), "name": "p", "version_name": True},
        'Field "version_name"',
    ),
    ("pipelines: no name query", "GET", "kfp/pipelines", None, 'Query argument "name" is required'),
    ("versions: an array", "POST", "kfp/pipelines/p1/versions", "[]", "must be a JSON object"),
    ("versions: package a number", "POST", "kfp/pipelines/p1/versions", {"package": 5}, 'Field "package"'),
    (
        "versions: root a list",
        "POST",
        "kfp/pipelines/p1/versions",
        {"package": ROOT_LIST},
        'Field "root" of the pipeline package must be a mapping',
    ),
    ("runs: an array", "POST", "kfp/runs", "[[1]]", "must be a JSON object, not a list"),
    ("runs: parameters [[1]]", "POST", "kfp/runs", {"name": "r", "parameters": [[1]]}, 'Field "parameters"'),
    ("runs: name a list", "POST", "kfp/runs", {"name": ["r"]}, 'Field "name" must be a string'),
    (
        "runs: experiment_id a number",
        "POST",
        "kfp/runs",
        {"name": "r", "experiment_id": 1},
        'Field "experiment_id"',
    ),
    (
        "runs: pipeline_root a list",
        "POST",
        "kfp/runs",
        {"name": "r", "package": step_package(), "pipeline_root": []},
        'Field "pipeline_root"',
    ),
    (
        "runs: package root a list",
        "POST",
        "kfp/runs",
        {"name": "r", "package": ROOT_LIST},
        'Field "root" of the pipeline package must be a mapping',
    ),
    (
        "runs: package inputDefinitions a list",
        "POST",
        "kfp/runs",
        {"name": "r", "package": "root: {inputDefinitions: [1]}\n", "parameters": {"n": 1}},
        'Field "inputDefinitions" of the package\'s "root" must be a mapping',
    ),
    (
        "runs: a parameter definition a list",
        "POST",
        "kfp/runs",
        {
            "name": "r",
            "package": "root: {inputDefinitions: {parameters: {n: [1]}}}\n",
            "parameters": {"n": 1},
        },
        'Field "n" of the package\'s "root.inputDefinitions.parameters" must be a mapping',
    ),
    ("runs: page_size a word", "GET", "kfp/runs?page_size=lots", None, "page_size must be a whole number"),
    # /cellpipe/api/datafiles/upload
    ("datafiles: an array", "POST", "datafiles/upload", "[]", "must be a JSON object"),
    (
        "datafiles: notebookPath a number",
        "POST",
        "datafiles/upload",
        {"notebookPath": 5, "paths": ["a"]},
        "notebookPath",
    ),
    (
        "datafiles: paths a string",
        "POST",
        "datafiles/upload",
        {"notebookPath": "a.ipynb", "paths": "a"},
        '"paths"',
    ),
    (
        "datafiles: paths [[1]]",
        "POST",
        "datafiles/upload",
        {"notebookPath": "a.ipynb", "paths": [[1]]},
        '"paths"',
    ),
]


@pytest.mark.parametrize("name, method, path, body, expected", CASES, ids=[c[0] for c in CASES])
async def test_a_malformed_request_is_a_400_naming_the_field(
    jp_fetch, jp_root_dir, kfp, name, method, path, body, expected
):
    (jp_root_dir / "work").mkdir(exist_ok=True)
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
    path, _, query = path.partition("?")
    params = dict(p.split("=") for p in query.split("&")) if query else None
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("cellpipe", "api", *path.split("/"), method=method, body=body, params=params)
    assert err.value.code == 400, err.value.response.body
    message = json.loads(err.value.response.body)["message"]
    assert expected in message
    assert kfp.requests == []  # refused before anything reached KFP
    assert not (jp_root_dir / "work" / ".cellpipe").exists()  # and before anything ran
