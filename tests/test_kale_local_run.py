"""A Kale 0.x notebook as found in the wild (tests/fixtures/kale/kale0_wild.ipynb: `block:` steps, an empty
`block:` continuing one, `prev:`, `skip`, `pipeline-parameters`, `pipeline-metrics`, Kale 0.6 metadata with an
empty docker_image), opened, compiled by our compiler and run on this machine with `cellpipe run` from the
shell: every step runs, the metrics come out, a parameter reaches the steps, a second run is all cached."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cellpipe.local.command_shape import check_package_shape
from cellpipe.local.package import PackageError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "tests" / "fixtures" / "kale" / "kale0_wild.ipynb"
KALE_BLOCKS = ROOT / "tests" / "fixtures" / "kale" / "kale0_blocks.ipynb"
INSTALLED_BUNDLE = ROOT / "cellpipe" / "compiler_js" / "cellpipe.cjs"
STEPS = ["loaddata", "featureengineering", "training", "evaluation", "metrics"]

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the compiler")


def cellpipe_run(target: Path, cwd: Path, *args: str) -> dict:
    """`cellpipe run` from a shell in `cwd`: exit code, {step: state} from its progress lines, metrics."""
    done = subprocess.run(
        [sys.executable, "-m", "cellpipe.cli", "run", str(target), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
    )
    states = {}
    for line in done.stdout.splitlines():
        if line[:1] in "✔⚡✘–" and ": " in line:
            step, state = line[2:].split(": ", 1)
            states[step] = state.split(" ")[0]
    metrics = {m[1]: float(m[2]) for m in re.finditer(r"^metric (\w+) = (\S+)$", done.stdout, re.M)}
    return {"code": done.returncode, "states": states, "metrics": metrics, "out": done.stdout + done.stderr}


def test_the_fixture_is_a_kale_0x_notebook():
    nb = json.loads(NOTEBOOK.read_text())
    tags = [t for c in nb["cells"] for t in c.get("metadata", {}).get("tags", [])]
    for tag in (
        "imports",
        "functions",
        "pipeline-parameters",
        "pipeline-metrics",
        "skip",
        "block:",
        "prev:loaddata",
    ):
        assert tag in tags
    assert not any(t.startswith("step:") for t in tags)
    assert nb["metadata"]["kubeflow_notebook"]["docker_image"] == ""


def test_compiled_and_run_from_the_shell(compiler, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    notebook = work / NOTEBOOK.name
    shutil.copy(NOTEBOOK, notebook)
    package = compiler(notebook, work / "regression.yaml")

    first = cellpipe_run(package, work)
    assert first["code"] == 0, first["out"]
    assert first["states"] == dict.fromkeys(STEPS, "succeeded"), first["out"]
    # The skipped cell is not run; the model learned y = 3x + 2 from the data, far better than the mean.
    assert "160 40" not in first["out"]
    assert set(first["metrics"]) == {"test_rmse", "baseline_rmse"}, first["out"]
    assert 0 < first["metrics"]["test_rmse"] < 1.5 < 5 < first["metrics"]["baseline_rmse"]

    again = cellpipe_run(package, work)
    assert again["code"] == 0 and again["states"] == dict.fromkeys(STEPS, "cached"), again["out"]
    assert again["metrics"] == first["metrics"]

    # A pipeline parameter reaches the step that reads it: no training, no better than a constant guess.
    untrained = cellpipe_run(package, work, "--param", "EPOCHS=0")
    assert untrained["code"] == 0, untrained["out"]
    assert untrained["states"]["loaddata"] == "cached" and untrained["states"]["training"] == "succeeded"
    assert untrained["metrics"]["test_rmse"] > untrained["metrics"]["baseline_rmse"]


@pytest.mark.skipif(
    not INSTALLED_BUNDLE.exists(), reason="needs the built compiler bundle (npm run build:cli)"
)
def test_the_notebook_itself_runs_with_cellpipe_run(tmp_path):
    """`cellpipe run notebook.ipynb`: compiled by the bundled compiler, run, metrics printed."""
    shutil.copy(NOTEBOOK, tmp_path / NOTEBOOK.name)
    result = cellpipe_run(tmp_path / NOTEBOOK.name, tmp_path)
    assert result["code"] == 0, result["out"]
    assert result["states"] == dict.fromkeys(STEPS, "succeeded"), result["out"]
    assert 0 < result["metrics"]["test_rmse"] < 1.5 < 5 < result["metrics"]["baseline_rmse"]
    assert (tmp_path / ".cellpipe").is_dir()


def test_volumes_created_for_the_run_are_cluster_only_here(compiler, tmp_path):
    """Kale new_pvc/pv volumes compile to kfp-kubernetes CreatePVC/DeletePVC tasks (stub containers the KFP
    driver acts on). On this machine they create nothing and say so; the steps run (was: IndexError)."""
    notebook = tmp_path / "kale0_blocks.ipynb"
    shutil.copy(KALE_BLOCKS, notebook)
    package = compiler(notebook, tmp_path / "blocks.yaml")
    docs = list(yaml.safe_load_all(package.read_text()))
    check_package_shape(docs[0], docs[1])  # what the server checks before a local run from the panel

    run = cellpipe_run(package, tmp_path)
    assert run["code"] == 0, run["out"]
    claims = ["create-pvc-archive-pv", "create-pvc-scratch", "delete-pvc-archive-pv", "delete-pvc-scratch"]
    assert run["states"] == dict.fromkeys(
        ["load_data", "transform", "summarize", "metrics", *claims], "succeeded"
    )
    assert "the claim <run>-scratch (2Gi) is created only on a cluster" in run["out"]
    assert "no claim <run>-scratch to delete on this machine" in run["out"]

    # A stub image that does run something is not a claim task: the server still refuses it.
    executor = docs[0]["deploymentSpec"]["executors"]["exec-create-pvc-scratch"]
    executor["container"]["command"] = ["sh", "-c", "echo hi"]
    with pytest.raises(PackageError, match="task 'create-pvc-scratch': the server runs only cellpipe step"):
        check_package_shape(docs[0], docs[1])
