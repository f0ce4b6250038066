"""Pipeline packages for the server's tests: one step in the compiler's command shape, which the local-run
tests run and the security tests damage (another command, an env, a list where a mapping belongs, an alias
bomb)."""

import copy
import functools

import yaml
from kfp import compiler, dsl

from cellpipe.local.command_shape import STEP_COMMAND

# What a compiled step does, in short: read the executor input, write the output artifact.
PROGRAM = """
import json, os, sys
executor_input = json.loads(sys.argv[2])
n = executor_input["inputs"]["parameterValues"]["n"]
print("producing", n)
uri = executor_input["outputs"]["artifacts"]["out"]["artifacts"][0]["uri"]
path = uri[len("file://"):] if uri.startswith("file://") else uri
os.makedirs(os.path.dirname(path), exist_ok=True)
open(path, "w").write(str(n))
"""

# A step after `produce`: reads its artifact, writes the number plus one.
ADD_PROGRAM = """
import json, os, sys
executor_input = json.loads(sys.argv[2])
def path(uri):
    return uri[len("file://"):] if uri.startswith("file://") else uri
n = int(open(path(executor_input["inputs"]["artifacts"]["inp"]["artifacts"][0]["uri"])).read())
print("adding to", n)
out = path(executor_input["outputs"]["artifacts"]["out"]["artifacts"][0]["uri"])
os.makedirs(os.path.dirname(out), exist_ok=True)
open(out, "w").write(str(n + 1))
"""

EXECUTOR = "exec-produce"


@dsl.container_component
def produce(n: int, out: dsl.Output[dsl.Artifact]):
    return dsl.ContainerSpec(
        image="python:3.11", command=STEP_COMMAND, args=[PROGRAM, "--executor-input", "{{$}}"]
    )


@dsl.container_component
def shell(n: int, out: dsl.Output[dsl.Artifact]):
    return dsl.ContainerSpec(
        image="python:3.11",
        command=["sh", "-c"],
        args=['mkdir -p "$(dirname "$0")"; echo ran > "$0"', out.path],
    )


@dsl.container_component
def add(inp: dsl.Input[dsl.Artifact], out: dsl.Output[dsl.Artifact]):
    return dsl.ContainerSpec(
        image="python:3.11", command=STEP_COMMAND, args=[ADD_PROGRAM, "--executor-input", "{{$}}"]
    )


@functools.cache
def _compiled(component_name: str) -> str:
    import tempfile

    @dsl.pipeline(name="tiny")
    def pipe(n: int = 3):
        if component_name == "chain":
            add(inp=produce(n=n).outputs["out"])
        else:
            {"produce": produce, "shell": shell}[component_name](n=n)

    with tempfile.NamedTemporaryFile("r", suffix=".yaml") as f:
        compiler.Compiler().compile(pipe, f.name)
        return f.read()


def step_spec() -> dict:
    """A fresh PipelineSpec (a dict) of one step `produce` in the compiler's shape."""
    return copy.deepcopy(yaml.safe_load(_compiled("produce")))


def step_package() -> str:
    return _compiled("produce")


def chain_package() -> str:
    """Two steps in the compiler's shape: `produce` (parameter n=3), then `add` reading its artifact."""
    return _compiled("chain")


def shell_package() -> str:
    """A KFP SDK package whose one task `shell` runs `sh -c`: not a cellpipe step."""
    return _compiled("shell")


def container(spec: dict) -> dict:
    return spec["deploymentSpec"]["executors"][EXECUTOR]["container"]


def dump(spec: dict) -> str:
    return yaml.safe_dump(spec, sort_keys=False)


def alias_bomb(levels: int = 9) -> str:
    """A few hundred bytes that expand to 9**levels strings once anything walks them."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append(f"root: {{dag: {{tasks: {{t: {{componentRef: {{name: *a{levels - 1}}}}}}}}}}}")
    return "\n".join(lines) + "\n"
