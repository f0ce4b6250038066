"""A step program, written as docs/step-program.md says, run in a subprocess with a realistic executor input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cellpipe.runtime import bundle, marshal
from cellpipe.runtime.executor import local_path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "cellpipe" / "runtime"


def embedded_sources() -> dict:
    sources = {"cellpipe/__init__.py": '__version__ = "test"\n'}
    for path in sorted(RUNTIME.glob("*.py")):
        sources[f"cellpipe/runtime/{path.name}"] = path.read_text()
    return sources


def program(step: str, cells: list, before=(), after=(), bundles=()) -> tuple:
    """The program text and its line map: each cell's lines are mapped back to (cell index, line)."""
    head = [
        f"# cellpipe step {step!r} (test)",
        f"_CELLPIPE_SOURCES = {embedded_sources()!r}",
        "_CELLPIPE_LINE_MAP = __LINE_MAP__",
        f"_CELLPIPE_BUNDLES = {list(bundles)!r}",
        *(RUNTIME / "bootstrap.py").read_text().splitlines(),
        f'_cp = _cellpipe_boot(_CELLPIPE_SOURCES).start({step!r}, argv=__import__("sys").argv[1:], '
        'line_map=_CELLPIPE_LINE_MAP, bundles=_CELLPIPE_BUNDLES, notebook="demo.ipynb")',
        *before,
    ]
    body, line_map = [], []
    for cell_index, source in cells:
        first = len(head) + len(body) + 1
        lines = source.splitlines()
        body.extend(lines)
        line_map.append([first, first + len(lines) - 1, cell_index, 0])
    text = "\n".join([*head, *body, *after, "_cp.finish()"]) + "\n"
    return text.replace("__LINE_MAP__", json.dumps(line_map)), line_map


def recorded(directory) -> dict:
    """What the producing step of a saved artifact records and KFP passes on to its consumers."""
    meta = json.loads((Path(directory) / "cellpipe.json").read_text())
    return {"cellpipe.backend": meta["backend"], "cellpipe.sha256": marshal.digest(str(directory))}


def executor_input(tmp_path, params=None, inputs=(), outputs=(), metrics=False) -> dict:
    def art(name, kind="system.Artifact", where="out"):
        uri = tmp_path / where / name
        return {
            "artifacts": [
                {
                    "name": name,
                    "type": {"schemaTitle": kind},
                    "uri": str(uri),
                    "metadata": recorded(uri) if where == "in" and (uri / "cellpipe.json").exists() else {},
                }
            ]
        }

    outs = {name: art(name) for name in outputs}
    if metrics:
        outs["metrics"] = art("metrics", "system.Metrics")
    return {
        "inputs": {
            "parameterValues": params or {},
            "artifacts": {name: art(name, where="in") for name in inputs},
        },
        "outputs": {"artifacts": outs, "outputFile": str(tmp_path / "kfp_outputs" / "output_metadata.json")},
    }


def run(tmp_path, text, ex, env=None):
    """The program run as a step with executor input `ex`; `env`: variables set over this process's."""
    path = tmp_path / "cellpipe_step.py"
    path.write_text(text)
    return subprocess.run(
        [sys.executable, "-u", str(path), "--executor-input", json.dumps(ex)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, **(env or {})},
    )


def test_step_loads_params_and_inputs_and_saves_outputs(tmp_path):
    marshal.save(np.arange(10.0), str(tmp_path / "in" / "x"))
    ex = executor_input(tmp_path, params={"lr": 0.5, "epochs": 3.0}, inputs=["x"], outputs=["model", "label"])
    text, _ = program(
        "train",
        [
            (4, "weights = x * lr\nfor _ in range(epochs):\n    weights = weights + 1\n"),
            (5, "label = 'done'\n"),
        ],
        before=['lr = _cp.param("lr", "float")', 'epochs = _cp.param("epochs", "int")', 'x = _cp.load("x")'],
        after=['_cp.save("model", weights)', '_cp.save("label", label)'],
    )
    done = run(tmp_path, text, ex)
    assert done.returncode == 0, done.stderr
    np.testing.assert_array_equal(marshal.load(str(tmp_path / "out" / "model")), np.arange(10.0) * 0.5 + 3)
    assert marshal.load(str(tmp_path / "out" / "label")) == "done"
    output = json.loads((tmp_path / "kfp_outputs" / "output_metadata.json").read_text())
    model = output["artifacts"]["model"]["artifacts"][0]
    assert model["uri"] == str(tmp_path / "out" / "model")
    assert model["metadata"]["cellpipe.backend"] == "numpy"
    assert model["metadata"]["cellpipe.sha256"] == marshal.digest(str(tmp_path / "out" / "model"))
    assert output["artifacts"]["label"]["artifacts"][0]["metadata"]["cellpipe.backend"] == "json"


def test_metrics_step_writes_system_metrics(tmp_path):
    marshal.save(0.93, str(tmp_path / "in" / "accuracy"))
    ex = executor_input(tmp_path, inputs=["accuracy"], metrics=True)
    text, _ = program(
        "metrics",
        [(9, "accuracy\n")],
        before=['accuracy = _cp.load("accuracy")'],
        after=['_cp.log_metric("accuracy", accuracy)'],
    )
    done = run(tmp_path, text, ex)
    assert done.returncode == 0, done.stderr
    output = json.loads((tmp_path / "kfp_outputs" / "output_metadata.json").read_text())
    assert output["artifacts"]["metrics"]["artifacts"][0]["metadata"] == {"accuracy": 0.93}
    assert "cellpipe metric accuracy = 0.93" in done.stdout


def test_user_exception_traceback_points_at_notebook_cell_and_line(tmp_path):
    ex = executor_input(tmp_path)
    text, _ = program(
        "evaluate", [(2, "def ratio(a, b):\n    return a / b\n"), (7, "n = 0\n\nresult = ratio(1, n)\n")]
    )
    done = run(tmp_path, text, ex)
    assert done.returncode == 1
    err = done.stderr
    assert 'cellpipe: step "evaluate" failed' in err
    assert "demo.ipynb, cell 8, line 3, in the cell" in err
    assert "demo.ipynb, cell 3, line 2, in ratio" in err
    assert "result = ratio(1, n)" in err
    assert err.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "cellpipe/runtime" not in err  # runtime frames are hidden


def test_unpassable_output_names_step_and_variable(tmp_path):
    ex = executor_input(tmp_path, outputs=["handle"])
    text, _ = program("open_it", [(3, "handle = open(__file__)\n")], after=['_cp.save("handle", handle)'])
    done = run(tmp_path, text, ex)
    assert done.returncode == 1
    assert 'step "open_it": variable "handle"' in done.stderr
    assert "re-open it in the consuming step" in done.stderr


def test_missing_executor_input_is_a_clear_error(tmp_path):
    text, _ = program("s", [(0, "x = 1\n")])
    path = tmp_path / "p.py"
    path.write_text(text)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "--executor-input" in done.stderr


def test_local_modules_travel_by_value(tmp_path):
    project = tmp_path / "project"
    (project / "helpers").mkdir(parents=True)
    (project / "helpers" / "__init__.py").write_text("from .maths import double\n")
    (project / "helpers" / "maths.py").write_text("def double(x):\n    return 2 * x\n")
    (project / "tools.py").write_text("NAME = 'tools'\n")
    names = bundle.find_local_modules(str(project), ["helpers.maths", "tools", "json", "numpy"])
    assert names == ["helpers", "tools"]
    digest, data = bundle.make_bundle(str(project), names)
    assert bundle.make_bundle(str(project), list(reversed(names))) == (digest, data)  # deterministic
    ex = executor_input(tmp_path, outputs=["out"])
    text, _ = program(
        "use",
        [(1, "import helpers, tools\nout = (helpers.double(21), tools.NAME)\n")],
        after=['_cp.save("out", out)'],
        bundles=[[digest, data]],
    )
    run_dir = tmp_path / "elsewhere"
    run_dir.mkdir()
    done = run(run_dir, text, ex)
    assert done.returncode == 0, done.stderr
    assert marshal.load(str(tmp_path / "out" / "out")) == (42, "tools")


def test_corrupt_or_oversized_bundles_are_refused(tmp_path, monkeypatch):
    (tmp_path / "big.py").write_text(f"DATA = {bytes(range(256))!r}\n" * 2000)
    monkeypatch.setattr(bundle, "MAX_INLINE_BYTES", 1000)
    with pytest.raises(bundle.BundleError, match="install them in the step image"):
        bundle.make_bundle(str(tmp_path), ["big"])
    monkeypatch.setattr(bundle, "MAX_INLINE_BYTES", 10**9)
    digest, data = bundle.make_bundle(str(tmp_path), ["big"])
    with pytest.raises(bundle.BundleError, match="corrupt"):
        bundle.install_bundles([["0" * 64, data]])


@pytest.mark.parametrize(
    "uri, metadata",
    [
        ("gs://bucket/a/b", {}),
        ("s3://bucket/k", {}),
        ("minio://mlpipeline/v2/artifacts/p/run/train/model", {}),
        ("oci://registry.example/models/llm:1.0", {}),
        ("minio://mlpipeline/v2/x", {"_kfp_workspace": True}),
        ("/already/local", {}),
    ],
)
def test_uri_to_local_path_matches_kfp_artifact_path(uri, metadata):
    from kfp import dsl

    assert local_path(uri, metadata) == dsl.Artifact(uri=uri, metadata=metadata).path


def test_file_uri_of_the_local_runner_is_a_path():
    assert local_path("file:///tmp/x") == "/tmp/x"


def test_executor_output_matches_what_kfp_writes(tmp_path):
    """The same executor input through kfp's own Executor and through a cellpipe step: same output file."""
    from kfp import dsl
    from kfp.dsl.executor import Executor

    ex = executor_input(tmp_path, metrics=True)
    ex["outputs"]["artifacts"]["metrics"]["artifacts"][0]["metadata"] = {"display": "kept"}

    def component(metrics: dsl.Output[dsl.Metrics]):
        metrics.log_metric("accuracy", 0.93)
        metrics.log_metric("epochs", 3)

    Executor(json.loads(json.dumps(ex)), component).execute()
    theirs = json.loads((tmp_path / "kfp_outputs" / "output_metadata.json").read_text())

    text, _ = program(
        "metrics",
        [(4, "accuracy = 0.93\nepochs = 3\n")],
        after=['_cp.log_metric("accuracy", accuracy)', '_cp.log_metric("epochs", epochs)'],
    )
    done = run(tmp_path, text, ex)
    assert done.returncode == 0, done.stderr
    ours = json.loads((tmp_path / "kfp_outputs" / "output_metadata.json").read_text())
    assert ours == theirs


def test_bootstrap_writes_the_runtime_once_even_with_concurrent_steps(tmp_path):
    """Four programs boot at once in a fresh temp dir: all run, one runtime dir, no staging dirs left."""
    sources = embedded_sources()
    sources["cellpipe/runtime/step.py"] += "\nBOOT_MARKER = 'embedded'\n"
    boot = (RUNTIME / "bootstrap.py").read_text()
    text = "\n".join(
        [
            f"_CELLPIPE_SOURCES = {sources!r}",
            boot,
            # the repository's cellpipe is importable here, as an installed one would be in an image
            "import cellpipe.runtime.step",
            "step = _cellpipe_boot(_CELLPIPE_SOURCES)",
            "print(step.BOOT_MARKER, step.__file__)",
        ]
    )
    program_path = tmp_path / "boot.py"
    program_path.write_text(text)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(program_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    runtime_dirs = sorted(path.name for path in tmp.iterdir())
    assert len(runtime_dirs) == 1 and runtime_dirs[0].startswith("cellpipe-runtime-"), runtime_dirs
    for out, _ in outs:
        marker, where = out.split()
        assert marker == "embedded"
        assert where.startswith(str(tmp / runtime_dirs[0]))


def run_bare(tmp_path, text, ex):
    """A step in an image with nothing but Python: no site-packages (no numpy, no cloudpickle)."""
    path = tmp_path / "cellpipe_step.py"
    path.write_text(text)
    return subprocess.run(
        [sys.executable, "-I", "-S", "-u", str(path), "--executor-input", json.dumps(ex)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_standard_library_only_image(tmp_path):
    ex = executor_input(tmp_path, params={"n": 3.0}, outputs=["cfg"])
    text, _ = program(
        "prepare",
        [(1, 'cfg = {"lr": 0.1, "layers": list(range(n)), "name": "__main__"}\n')],
        before=['n = _cp.param("n", "int")'],
        after=['_cp.save("cfg", cfg)'],
    )
    done = run_bare(tmp_path, text, ex)
    assert done.returncode == 0, done.stderr
    assert "cloudpickle is not installed in this step's image" in done.stderr
    meta = json.loads((tmp_path / "out" / "cfg" / "cellpipe.json").read_text())
    assert meta["backend"] == "cloudpickle" and meta["libraries"] == {}
    assert marshal.load(str(tmp_path / "out" / "cfg")) == {"lr": 0.1, "layers": [0, 1, 2], "name": "__main__"}

    ex = executor_input(tmp_path, outputs=["square"])
    text, _ = program(
        "helpers", [(2, "def square(v):\n    return v * v\n")], after=['_cp.save("square", square)']
    )
    done = run_bare(tmp_path, text, ex)
    assert done.returncode == 1
    assert 'step "helpers": variable "square" (builtins.function)' in done.stderr
    assert "'square', defined in the notebook" in done.stderr and "pip install cloudpickle" in done.stderr


def test_input_needing_a_missing_library_names_it(tmp_path):
    marshal.save({"w": np.arange(3)}, str(tmp_path / "in" / "weights"))  # pickled, with numpy arrays inside
    ex = executor_input(tmp_path, inputs=["weights"])
    text, _ = program("use", [(5, "print(weights)\n")], before=['weights = _cp.load("weights")'])
    done = run_bare(tmp_path, text, ex)
    assert done.returncode == 1
    assert 'step "use": could not load input "weights"' in done.stderr
    assert "install numpy in this step's image" in done.stderr


def test_params_get_back_the_notebook_type_from_the_kfp_parameter_type(tmp_path):
    # What KFP's launcher writes for test_size=1.0 (NUMBER_DOUBLE) and n=3 (NUMBER_INTEGER) sent as 3.0.
    ex = executor_input(
        tmp_path, params={"test_size": 1, "n": 3.0, "name": "iris", "flag": True}, outputs=["types"]
    )
    text, _ = program(
        "params",
        [(0, "types = [type(v).__name__ for v in (test_size, n, name, flag, raw)]\n")],
        before=[
            'test_size = _cp.param("test_size", "NUMBER_DOUBLE")',
            'n = _cp.param("n", "NUMBER_INTEGER")',
            'name = _cp.param("name", "STRING")',
            'flag = _cp.param("flag", "BOOLEAN")',
            'raw = _cp.param("test_size")',
        ],
        after=['_cp.save("types", types)'],
    )
    done = run(tmp_path, text, ex)
    assert done.returncode == 0, done.stderr
    assert marshal.load(str(tmp_path / "out" / "types")) == ["float", "int", "str", "bool", "int"]


def test_runtime_sources_hold_no_kfp_placeholder():
    """The launcher substitutes `{{$...}}` anywhere in a step's args, and the program is an arg."""
    for path in RUNTIME.rglob("*.py"):
        assert "{{$" not in path.read_text(), f"{path} contains a KFP placeholder"
