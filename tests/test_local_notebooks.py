"""cellpipe run on real notebooks: compiled by our own compiler (the node bundle), run on this machine."""

import json
import shutil
from pathlib import Path

import pytest

from cellpipe.local.runner import CACHED, FAILED, SKIPPED, SUCCEEDED, run_package_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "pipeline.ipynb"
FAILURE = ROOT / "tests" / "fixtures" / "local_failure.ipynb"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the compiler")


def edited_copy(tmp_path: Path, name: str, edit) -> Path:
    """The example, edited, under its own file name (which the step programs mention)."""
    nb = json.loads(EXAMPLE.read_text())
    edit(nb)
    path = tmp_path / name / EXAMPLE.name
    path.parent.mkdir()
    path.write_text(json.dumps(nb))
    return path


def cell_of(nb: dict, tag: str) -> dict:
    return next(c for c in nb["cells"] if tag in c.get("metadata", {}).get("tags", []))


def test_example_runs_then_reruns_only_what_changed(compiler, tmp_path):
    store = str(tmp_path / "store")
    package = compiler(EXAMPLE, tmp_path / "example.yaml")
    first = run_package_file(str(package), store=store)
    assert first.succeeded, {n: s.error for n, s in first.states.items() if s.error}
    steps = ["evaluate", "load_data", "preprocess", "train_forest", "train_logreg"]
    assert [s for s in first.by_state(SUCCEEDED) if s in steps] == steps
    for metric in ("forest_accuracy", "logreg_accuracy", "best_accuracy"):
        assert 0.5 < first.metrics[metric] <= 1.0
    assert first.metrics["best_accuracy"] == max(
        first.metrics["forest_accuracy"], first.metrics["logreg_accuracy"]
    )

    again = run_package_file(str(package), store=store)
    assert again.by_state(SUCCEEDED) == [] and len(again.by_state(CACHED)) == len(first.states)

    # code edit of the last step: only it (and the metrics task after it) run
    def edit_evaluate(nb):
        cell = cell_of(nb, "step:evaluate")
        cell["source"] = "".join(cell["source"]).replace('print(f"forest', 'print(f"(edited) forest')

    edited = compiler(edited_copy(tmp_path, "edited", edit_evaluate), tmp_path / "edited.yaml")
    rerun = run_package_file(str(edited), store=store)
    ran = rerun.by_state(SUCCEEDED)
    assert "evaluate" in ran and not set(ran) & {"load_data", "preprocess", "train_forest", "train_logreg"}
    assert {"load_data", "preprocess", "train_forest", "train_logreg"} <= set(rerun.by_state(CACHED))

    # a parameter edit: the steps that read it and their descendants run, the rest is reused
    param = run_package_file(str(package), store=store, parameters={"n_estimators": 5})
    assert "train_forest" in param.by_state(SUCCEEDED) and "evaluate" in param.by_state(SUCCEEDED)
    assert {"load_data", "preprocess", "train_logreg"} <= set(param.by_state(CACHED))


def test_failure_names_cell_and_line_skips_descendants(compiler, tmp_path):
    package = compiler(FAILURE, tmp_path / "failure.yaml")
    result = run_package_file(str(package), store=str(tmp_path / "store"))
    assert result.by_state(FAILED) == ["broken"]
    assert result.by_state(SKIPPED) == ["after_broken"]
    assert {"make", "independent"} <= set(result.by_state(SUCCEEDED))
    error = result.states[next(n for n, s in result.states.items() if s.step == "broken")].error
    assert "local_failure.ipynb, cell 5, line 2" in error
    assert "ratio = total / zero" in error and "ZeroDivisionError" in error
    assert "--from broken" in error
