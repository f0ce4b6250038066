"""A compiled pipeline package (KFP IR YAML) read into what the local runner needs.

Generic over container executors, not only cellpipe's: tasks of the root DAG, their inputs
(pipeline parameters, constants, upstream artifacts and parameters), outputs, dependencies and
caching option, as the KFP backend reads them.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Optional

import yaml


class PackageError(Exception):
    pass


@dataclass
class Task:
    name: str
    display_name: str
    component: Dict[str, Any]
    container: Dict[str, Any]
    inputs: Dict[str, Any]
    dependencies: List[str]
    cache_enabled: bool
    output_artifacts: Dict[str, str] = field(default_factory=dict)  # name -> schemaTitle
    output_parameters: Dict[str, str] = field(default_factory=dict)


@dataclass
class Package:
    name: str
    parameters: Dict[str, object]  # pipeline parameter -> default (None when required)
    tasks: Dict[str, Task]
    platform: Dict[str, Any]
    text: str

    def order(self) -> List[str]:
        """Task names in a topological order (stable: ties keep the package's order)."""
        done: List[str] = []
        seen: set[str] = set()

        def visit(name: str, path: FrozenSet[str]) -> None:
            if name in seen:
                return
            if name in path:
                raise PackageError(f"the pipeline has a cycle through task {name!r}")
            for dep in self.tasks[name].dependencies:
                visit(dep, path | {name})
            seen.add(name)
            done.append(name)

        for name in self.tasks:
            visit(name, frozenset())
        return done

    def descendants(self, name: str) -> List[str]:
        out, frontier = set(), [name]
        while frontier:
            current = frontier.pop()
            for other, task in self.tasks.items():
                if current in task.dependencies and other not in out:
                    out.add(other)
                    frontier.append(other)
        return [t for t in self.order() if t in out]

    def ancestors(self, name: str) -> List[str]:
        out, frontier = set(), [name]
        while frontier:
            for dep in self.tasks[frontier.pop()].dependencies:
                if dep not in out:
                    out.add(dep)
                    frontier.append(dep)
        return [t for t in self.order() if t in out]

    def find(self, step: str) -> str:
        """A task by its task name or its display (step) name, as users type either."""
        for name, task in self.tasks.items():
            if step in (name, task.display_name, task.display_name.replace("_", "-")):
                return name
        raise PackageError(
            f"no step named {step!r}; steps: {', '.join(t.display_name for t in self.tasks.values())}"
        )


def _default(spec: Dict[str, Any]) -> Any:
    return spec.get("defaultValue")


# libyaml's C loader when PyYAML has it: the step programs embed the runtime as block scalars,
# which the pure-Python scanner reads at ~1 ms per line.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# kfp-kubernetes' CreatePVC/DeletePVC tasks (Kale new_pvc/pv volumes): the KFP driver acts on them in the
# cluster; their container is a stub with no command. This machine has no claims to create or delete.
CLAIM_IMAGES = {"argostub/createpvc": "create", "argostub/deletepvc": "delete"}


def claim_action(container: Dict[str, Any]) -> Optional[str]:
    """'create' or 'delete' for a CreatePVC/DeletePVC stub container, else None."""
    image = container.get("image")
    if container.get("command") or container.get("args") or not isinstance(image, str):
        return None
    return CLAIM_IMAGES.get(image)


def load_package(text: str) -> Package:
    try:
        docs = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.YAMLError as err:
        raise PackageError(f"not a YAML pipeline package: {err}") from None
    if not docs or not isinstance(docs[0], dict) or "root" not in docs[0]:
        raise PackageError("not a KFP pipeline package: the first YAML document has no 'root'")
    spec = docs[0]
    platform: Dict[str, Any] = {}
    for doc in docs[1:]:
        platform = (doc.get("platforms") or {}).get("kubernetes") or platform
    components = spec.get("components") or {}
    executors = ((spec.get("deploymentSpec") or {}).get("executors")) or {}
    dag_tasks = ((spec["root"].get("dag") or {}).get("tasks")) or {}
    if not dag_tasks:
        raise PackageError("the pipeline has no tasks")
    tasks: Dict[str, Task] = {}
    for name, task in dag_tasks.items():
        comp_name = (task.get("componentRef") or {}).get("name")
        component = components.get(comp_name)
        if component is None:
            raise PackageError(f"task {name!r} refers to a missing component {comp_name!r}")
        if "dag" in component:
            raise PackageError(f"task {name!r} is a nested DAG, which the local runner does not run")
        executor = executors.get(component.get("executorLabel"), {})
        container = executor.get("container")
        if container is None:
            raise PackageError(
                f"task {name!r} has no container executor (importers are not supported locally)"
            )
        inputs = task.get("inputs") or {}
        deps = set(task.get("dependentTasks") or [])
        for art in (inputs.get("artifacts") or {}).values():
            producer = (art.get("taskOutputArtifact") or {}).get("producerTask")
            if producer:
                deps.add(producer)
        for param in (inputs.get("parameters") or {}).values():
            producer = (param.get("taskOutputParameter") or {}).get("producerTask")
            if producer:
                deps.add(producer)
        outputs = component.get("outputDefinitions") or {}
        tasks[name] = Task(
            name=name,
            display_name=(task.get("taskInfo") or {}).get("name") or name,
            component=component,
            container=container,
            inputs=inputs,
            dependencies=sorted(deps),
            cache_enabled=_cache_enabled(task),
            output_artifacts={
                k: (v.get("artifactType") or {}).get("schemaTitle", "system.Artifact")
                for k, v in (outputs.get("artifacts") or {}).items()
            },
            output_parameters={
                k: v.get("parameterType", "STRING") for k, v in (outputs.get("parameters") or {}).items()
            },
        )
    for task in tasks.values():
        for dep in task.dependencies:
            if dep not in tasks:
                raise PackageError(f"task {task.name!r} depends on a missing task {dep!r}")
    params = {
        k: _default(v)
        for k, v in (((spec["root"].get("inputDefinitions") or {}).get("parameters")) or {}).items()
    }
    name = (spec.get("pipelineInfo") or {}).get("name") or "pipeline"
    package = Package(name=name, parameters=params, tasks=tasks, platform=platform, text=text)
    package.order()  # refuse cycles up front
    return package


_EXPRESSION = re.compile(
    r"\{\{\$(?:\.(inputs|outputs)\.(parameters|artifacts)\['([^']+)'\](?:\.(path|uri|output_file))?"
    r"|(\.outputs\.output_file))?\}\}"
)


def resolve_placeholders(text: str, executor_input: Dict[str, Any], executor_input_json: str) -> str:
    """Replace KFP placeholders in one command or arg, as the launcher does.

    `{{$}}`, `{{$.outputs.output_file}}`, `{{$.inputs.parameters['x']}}`,
    `{{$.inputs.artifacts['x'].path|uri}}`, `{{$.outputs.artifacts['x'].path|uri}}`,
    `{{$.outputs.parameters['x'].output_file}}`.
    In one pass over the text: a substituted value (a parameter's, or the executor input JSON that
    carries them) is never read again for placeholders, so a value containing `{{$}}` arrives verbatim.
    """
    from cellpipe.runtime.executor import local_path

    inputs, outputs = executor_input["inputs"], executor_input["outputs"]

    def expression(match: re.Match[str]) -> str:
        side, kind, key, attr, output_file = match.groups()
        if side is None:
            return outputs.get("outputFile", "") if output_file else executor_input_json
        if side == "inputs" and kind == "parameters":
            value = (inputs.get("parameterValues") or {}).get(key)
            return value if isinstance(value, str) else json.dumps(value)
        if kind == "artifacts":
            entries = (inputs if side == "inputs" else outputs).get("artifacts") or {}
            if key not in entries:
                raise PackageError(f"placeholder {match.group(0)} names an artifact the task does not have")
            artifact = entries[key]["artifacts"][0]
            return artifact["uri"] if attr == "uri" else local_path(artifact["uri"])
        if side == "outputs" and kind == "parameters" and key in (outputs.get("parameters") or {}):
            return str(outputs["parameters"][key]["outputFile"])
        raise PackageError(f"placeholder {match.group(0)} names an input or output the task does not have")

    return _EXPRESSION.sub(expression, text)


def _cache_enabled(task: Dict[str, Any]) -> bool:
    """KFP's reading of a task's `cachingOptions`: proto3 leaves out a false `enableCache`, so the
    compiler's `cachingOptions: {}` (a step with caching off) means off. A task without the key at all
    (hand-written packages) is cached, as before."""
    options = task.get("cachingOptions")
    if options is None:
        return True
    return isinstance(options, dict) and options.get("enableCache") is True
