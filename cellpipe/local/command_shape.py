"""What the server lets the local runner run: cellpipe step programs, in the compiler's own command shape.

A package posted to /cellpipe/api/local/runs is run on the Jupyter server's machine. Each task must be
what `src/compiler/container.ts` emits (docs/step-program.md): the fixed `sh -ec` launcher that writes the
program to a file and runs it with `python3`, args `[<program>, --executor-input, {{$}}]`, and no
environment variable that changes which program runs or what it loads (PATH, LD_*, PYTHONPATH, ...).
Anything else is refused, naming the task; `cellpipe run` in a shell still runs any package its user asks.

`check_package_shape` also checks the type of every field the local runner reads (`package.py`), so a
malformed package is refused naming the field rather than failing inside the runner.
"""

from __future__ import annotations

from typing import Any, Dict, List

from .package import PackageError, claim_action

# Byte for byte STEP_COMMAND and the args of src/compiler/container.ts (a test compares them).
STEP_COMMAND = [
    "sh",
    "-ec",
    'p="$(mktemp -d)/cellpipe_step.py"; printf "%s" "$0" > "$p"; exec python3 -u "$p" "$@"',
]
EXECUTOR_INPUT_PLACEHOLDER = "{{$}}"
STEP_ARGS_AFTER_PROGRAM = ["--executor-input", EXECUTOR_INPUT_PLACEHOLDER]

# Variables that decide which `sh`/`python3` runs, or what they load before the program.
_UNSAFE_ENV = {"PATH", "IFS", "ENV", "BASH_ENV", "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP"}
_UNSAFE_ENV_PREFIXES = ("LD_", "DYLD_", "PYTHONUSER", "PYTHONEXECUTABLE", "PYTHONPLATLIBDIR")


def type_name(value: Any) -> str:
    """A JSON or YAML value's kind in the words of a message ("a list", "a number", ...); the server's request
    checks (`cellpipe/server/packages.py`) word it the same way."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _mapping(parent: Dict[str, Any], key: str, where: str) -> Dict[str, Any]:
    """parent[key] as a mapping ({} when absent or null); PackageError naming the field otherwise."""
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PackageError(f"{where}.{key} must be a mapping, not {type_name(value)}")
    return value


def _mappings(parent: Dict[str, Any], key: str, where: str) -> Dict[str, Any]:
    """parent[key] as a mapping whose every value is a mapping."""
    value = _mapping(parent, key, where)
    for name, item in value.items():
        if not isinstance(item, dict):
            raise PackageError(f"{where}.{key}.{name} must be a mapping, not {type_name(item)}")
    return value


def _strings(value: Any, where: str) -> List[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PackageError(f"{where} must be a list of strings")
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


def check_package_shape(spec: Dict[str, Any], platform: Dict[str, Any] | None = None) -> None:
    """Refuses (PackageError naming the task or field) a PipelineSpec the server must not run locally."""
    root = _mapping(spec, "root", "the package")
    _mappings(_mapping(root, "inputDefinitions", "root"), "parameters", "root.inputDefinitions")
    _mapping(spec, "pipelineInfo", "the package")
    tasks = _mappings(_mapping(root, "dag", "root"), "tasks", "root.dag")
    components = _mappings(spec, "components", "the package")
    executors = _mappings(_mapping(spec, "deploymentSpec", "the package"), "executors", "deploymentSpec")
    for key, value in (platform or {}).items():
        if key == "platforms" and not isinstance(value, dict):
            raise PackageError(f"the platform spec's platforms must be a mapping, not {type_name(value)}")
    for name, task in tasks.items():
        where = f"root.dag.tasks.{name}"
        ref = _mapping(task, "componentRef", where)
        _mapping(task, "taskInfo", where)
        _mapping(task, "cachingOptions", where)
        _strings(task.get("dependentTasks"), f"{where}.dependentTasks")
        inputs = _mapping(task, "inputs", where)
        for kind, producer in (("artifacts", "taskOutputArtifact"), ("parameters", "taskOutputParameter")):
            for input_name, item in _mappings(inputs, kind, f"{where}.inputs").items():
                _mapping(item, producer, f"{where}.inputs.{kind}.{input_name}")
        comp_name = ref.get("name")
        if comp_name is not None and not isinstance(comp_name, str):
            raise PackageError(f"{where}.componentRef.name must be a string, not {type_name(comp_name)}")
        component = components.get(comp_name) if comp_name is not None else None
        if component is None:
            continue  # load_package names the missing component
        comp_where = f"components.{comp_name}"
        outputs = _mapping(component, "outputDefinitions", comp_where)
        for art_name, art in _mappings(outputs, "artifacts", f"{comp_where}.outputDefinitions").items():
            _mapping(art, "artifactType", f"{comp_where}.outputDefinitions.artifacts.{art_name}")
        _mappings(outputs, "parameters", f"{comp_where}.outputDefinitions")
        if "dag" in component:
            continue  # load_package refuses nested DAGs
        label = component.get("executorLabel")
        if label is not None and not isinstance(label, str):
            raise PackageError(f"{comp_where}.executorLabel must be a string, not {type_name(label)}")
        executor = executors.get(label) if label is not None else None
        container = executor.get("container") if executor else None
        if container is None:
            continue  # load_package refuses tasks without a container executor
        if not isinstance(container, dict):
            raise PackageError(f"deploymentSpec.executors.{label}.container must be a mapping")
        if claim_action(container):
            continue  # a kfp-kubernetes CreatePVC/DeletePVC stub: nothing runs (see the runner)
        check_step_command(name, container)


def check_step_command(task: str, container: Dict[str, Any]) -> None:
    """The task's container is a cellpipe step: the compiler's command, its args shape, a safe env."""
    command, args = container.get("command"), container.get("args")
    if command != STEP_COMMAND:
        raise PackageError(
            f"task {task!r}: the server runs only cellpipe step programs locally (the command "
            f"{_short(STEP_COMMAND)} that `cellpipe compile` writes); this task's command is {_short(command)}. "
            "Run other packages with `cellpipe run` in a terminal"
        )
    if (
        not isinstance(args, list)
        or len(args) != 1 + len(STEP_ARGS_AFTER_PROGRAM)
        or not isinstance(args[0], str)
        or args[1:] != STEP_ARGS_AFTER_PROGRAM
    ):
        raise PackageError(
            f"task {task!r}: the server runs only cellpipe step programs locally, whose args are "
            f"[<program>, --executor-input, {EXECUTOR_INPUT_PLACEHOLDER}]; this task's args are {_short(args)}"
        )
    env = container.get("env")
    if env is None:
        return
    if not isinstance(env, list):
        raise PackageError(f"task {task!r}: its container env must be a list, not {type_name(env)}")
    for var in env:
        if not isinstance(var, dict) or not isinstance(var.get("name"), str):
            raise PackageError(f"task {task!r}: each env entry must be a mapping with a string name")
        name = var["name"]
        if name in _UNSAFE_ENV or name.startswith(_UNSAFE_ENV_PREFIXES):
            raise PackageError(
                f"task {task!r}: env {name} would change which program runs or what it loads; "
                "the server does not run it locally (`cellpipe run` in a terminal does)"
            )
