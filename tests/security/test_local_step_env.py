"""Items 7 and 8 of issue 13: a step sees an allowlisted environment (no credentials), and parameter values
reach it verbatim (placeholders substituted in one pass)."""

import json
from pathlib import Path

import pytest
from kfp import compiler, dsl

from cellpipe.local.package import load_package
from cellpipe.local.runner import LocalRunner

SECRETS = {
    "KF_PIPELINES_TOKEN": "kfp-secret-token",
    "GITHUB_TOKEN": "gh-secret",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "aws-secret",
    "HTTPS_PROXY": "http://user:pw@proxy:3128",
    "PYTHONSTARTUP": "/tmp/evil.py",
}


@dsl.container_component
def dump_env(out: dsl.Output[dsl.Artifact]):
    return dsl.ContainerSpec(
        image="python:3.11",
        command=["python3", "-c"],
        args=[
            "import sys, os, json; os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True); "
            "json.dump(dict(os.environ), open(sys.argv[1], 'w'))",
            out.path,
        ],
    )


def env_seen_by_a_step(tmp_path) -> dict:
    @dsl.pipeline(name="env")
    def pipe():
        dump_env().set_env_variable("FROM_PACKAGE", "yes")

    path = tmp_path / "env.yaml"
    compiler.Compiler().compile(pipe, str(path))
    result = LocalRunner(load_package(path.read_text()), str(tmp_path / "store"), use_cache=False).run()
    assert result.succeeded, {n: s.error for n, s in result.states.items() if s.error}
    return json.loads(Path(result.artifact("dump-env", "out")).read_text())


def test_a_step_does_not_see_the_runners_secrets(tmp_path, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("TZ", "UTC")
    env = env_seen_by_a_step(tmp_path)
    leaked = {k: v for k, v in env.items() if k in SECRETS or v in SECRETS.values()}
    assert leaked == {}
    assert env["FROM_PACKAGE"] == "yes"  # what the package sets
    assert env["LC_ALL"] == "C.UTF-8" and env["TZ"] == "UTC"
    assert env["HOME"] and env["PATH"].split(":")[0].startswith("/")


def test_the_user_can_pass_more_names_explicitly(tmp_path, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy:3128")
    monkeypatch.setenv("CELLPIPE_STEP_ENV", "HTTPS_PROXY")
    assert env_seen_by_a_step(tmp_path)["HTTPS_PROXY"] == "http://proxy:3128"


@pytest.mark.parametrize(
    "value",
    [
        "{{$.outputs.output_file}}",
        "{{$}}",
        "a {{$}} b {{$.outputs.output_file}} c",
        "{{$.inputs.parameters['text']}}",
        "{{$.outputs.artifacts['out'].path}}",
        '"}, "outputs": {"outputFile": "/tmp/x"}, "x": {"',
    ],
)
def test_a_parameter_value_containing_placeholders_arrives_verbatim(tmp_path, value):
    @dsl.container_component
    def echo(text: str, out: dsl.Output[dsl.Artifact]):
        return dsl.ContainerSpec(
            image="python:3.11",
            command=["python3", "-c"],
            args=[
                "import sys, os, json; os.makedirs(os.path.dirname(sys.argv[3]), exist_ok=True); "
                "json.dump([sys.argv[1], json.loads(sys.argv[2])['inputs']['parameterValues']['text']], open(sys.argv[3], 'w'))",
                text,
                "{{$}}",
                out.path,
            ],
        )

    @dsl.pipeline(name="echo")
    def pipe(text: str = "x"):
        echo(text=text)

    path = tmp_path / "echo.yaml"
    compiler.Compiler().compile(pipe, str(path))
    text = path.read_text()
    assert "{{$}}" in text  # the whole executor input as an arg, as the launcher substitutes it
    result = LocalRunner(load_package(text), str(tmp_path / "store"), parameters={"text": value}).run()
    assert result.succeeded, {n: s.error for n, s in result.states.items() if s.error}
    as_arg, in_executor_input = json.loads(Path(result.artifact("echo", "out")).read_text())
    assert as_arg == value
    assert in_executor_input == value
