"""The same pipeline written for the kfp SDK: one container component per step, the same edges and
programs (taken from cellpipe's package), compiled in-process by `kfp.compiler.Compiler`.
Prints the median compile time in ms as JSON."""

import json
import os
import statistics
import sys
import tempfile
import time

import yaml
from kfp import compiler, dsl
from kfp.dsl import Artifact, Input, Output
from make_notebook import upstream

TYPES = {"NUMBER_INTEGER": "int", "NUMBER_DOUBLE": "float", "STRING": "str", "BOOLEAN": "bool"}


def build_pipeline(package_path: str):
    """Python source of the equivalent pipeline, generated and exec'd (components need real signatures)."""
    with open(package_path) as f:
        spec = next(yaml.safe_load_all(f))
    executors = spec["deploymentSpec"]["executors"]
    root_params = spec["root"]["inputDefinitions"]["parameters"]
    steps = len(spec["root"]["dag"]["tasks"])
    lines = ["def define(dsl, Input, Output, Artifact, ARGS, COMMAND, IMAGE):"]
    for i in range(steps):
        comp = spec["components"][f"comp-s{i}"]
        params = comp.get("inputDefinitions", {}).get("parameters", {})
        sig = [f"v{j}: Input[Artifact]" for j in upstream(i)]
        sig += [f"{p}: {TYPES[d['parameterType']]}" for p, d in sorted(params.items())]
        sig += [
            f"{o}: Output[Artifact]" for o in sorted(comp.get("outputDefinitions", {}).get("artifacts", {}))
        ]
        lines += [
            "    @dsl.container_component",
            f"    def s{i}({', '.join(sig)}):",
            f"        return dsl.ContainerSpec(image=IMAGE, command=COMMAND, args=ARGS['s{i}'])",
        ]
    defaults = ", ".join(
        f"{p}: {TYPES[d['parameterType']]} = {d['defaultValue']!r}" for p, d in root_params.items()
    )
    lines.append(f"    @dsl.pipeline(name={spec['pipelineInfo']['name']!r})")
    lines.append(f"    def pipeline({defaults}):")
    for i in range(steps):
        comp = spec["components"][f"comp-s{i}"]
        params = comp.get("inputDefinitions", {}).get("parameters", {})
        kwargs = [f"v{j}=t{j}.outputs['v{j}']" for j in upstream(i)] + [f"{p}={p}" for p in sorted(params)]
        lines.append(f"        t{i} = s{i}({', '.join(kwargs)})")
    lines.append("    return pipeline")
    namespace: dict = {}
    exec(compile("\n".join(lines), "<bench pipeline>", "exec"), namespace)
    container = executors["exec-s0"]["container"]
    args = {f"s{i}": executors[f"exec-s{i}"]["container"]["args"] for i in range(steps)}
    return namespace["define"](dsl, Input, Output, Artifact, args, container["command"], container["image"])


def main(package_path: str, runs: int) -> None:
    pipeline = build_pipeline(package_path)
    out = os.path.join(tempfile.mkdtemp(), "kfp.yaml")
    compiler.Compiler().compile(pipeline, out)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        compiler.Compiler().compile(pipeline, out)
        times.append((time.perf_counter() - start) * 1000)
    with open(out) as f:
        tasks = len(next(yaml.safe_load_all(f))["root"]["dag"]["tasks"])
    print(json.dumps({"median_ms": statistics.median(times), "tasks": tasks, "bytes": os.path.getsize(out)}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
