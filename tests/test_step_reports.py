"""Step reports (docs/step-program.md, "Step reports"): a local run of a real notebook, compiled by our compiler,
writes each step's report artifact (system.HTML) into the store, as KFP would upload it."""

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from google.protobuf import json_format
from kfp import components
from kfp.pipeline_spec import pipeline_spec_pb2

from cellpipe.local.runner import run_package_file
from cellpipe.runtime import report
from cellpipe.runtime.executor import ExecutorInput
from cellpipe.runtime.step import Step

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the compiler")


def code(source: str, *tags: str) -> dict:
    return {
        "cell_type": "code",
        "metadata": {"tags": list(tags)},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def notebook(path: Path, cells: list, metadata: dict = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = {"cells": cells, "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))
    return path


PLOTS = [
    code("import json", "imports"),
    code("n = 60", "pipeline-parameters"),
    code(
        "import matplotlib.pyplot as plt\n"
        "import pandas as pd\n"
        'frame = pd.DataFrame({"x": range(n), "label": ["<b>row %d</b>" % i for i in range(n)]})\n'
        'print("<script>alert(1)</script>")\n'
        "plt.plot(frame.x, frame.x ** 2)\n"
        "plt.show()\n"
        "plt.figure()\n"
        "plt.bar([1, 2], [3, 4]);",
        "step:plot",
    ),
    code("frame"),  # continues the step; its last expression is shown
    code(
        "import sys\n"
        'loaded = sorted(m for m in ("matplotlib", "pandas") if m in sys.modules)\n'
        'print("libraries loaded:", loaded)\n'
        'display({"key": "</pre><img src=x onerror=alert(2)>"})\n'
        "total = n * 2\n"
        "matrix = [[5, 1], [2, 7]]\n"
        "total",
        "step:plain",
    ),
    code('print("nothing to see")\nquiet = 1\ndisplay({"quiet": quiet})', "step:quiet", "report:disabled"),
    code("total\nmatrix", "pipeline-metrics"),
]


def task_of(result, step: str) -> str:
    return next(name for name, state in result.states.items() if state.step == step)


def report_of(result, step: str) -> str:
    return Path(result.artifact(task_of(result, step), "report")).read_text(encoding="utf-8")


def run(root: Path, name: str, cells: list, cellpipe_cli, metadata: dict = None):
    nb = notebook(root / name / f"{name}.ipynb", cells, metadata)
    package = root / f"{name}.yaml"
    done = cellpipe_cli("compile", str(nb), "-o", str(package))
    assert done.returncode == 0, done.stderr
    result = run_package_file(str(package), store=str(root / "store"))
    assert result.succeeded, {n: s.error for n, s in result.states.items() if s.error}
    return package, result


@pytest.fixture(scope="module")
def plotted(tmp_path_factory, cellpipe_cli):
    return run(tmp_path_factory.mktemp("reports"), "plots", PLOTS, cellpipe_cli)


@needs_node
def test_a_step_that_plots_and_displays_a_dataframe_reports_images_and_a_table(plotted):
    _, result = plotted
    page = report_of(result, "plot")
    assert page.count('<img src="data:image/png;base64,') == 2  # at plt.show(), and the figure left open
    assert "<table" in page and "60 rows × 2 columns, the first 50 shown" in page
    assert "row 49" in page and "row 50" not in page
    assert "plots.ipynb, cell 3" in page and "plots.ipynb, cell 4" in page
    assert page.index("&lt;script&gt;") < page.index("<img") < page.index("<table")  # in cell order


@needs_node
def test_the_report_escapes_what_cells_print_and_display(plotted):
    _, result = plotted
    for page in (report_of(result, "plot"), report_of(result, "plain")):
        assert "<script" not in page.lower() and "onerror=alert" not in page.replace(
            "onerror=alert(2)&gt;", ""
        )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report_of(result, "plot")
    assert "&lt;b&gt;row 0&lt;/b&gt;" in report_of(result, "plot")  # pandas escapes the cells
    assert "&lt;/pre&gt;&lt;img src=x onerror=alert(2)&gt;" in report_of(result, "plain")


@needs_node
def test_a_step_without_figures_never_imports_matplotlib(plotted):
    _, result = plotted
    page = report_of(result, "plain")
    assert "libraries loaded: []" in page
    assert "<img" not in page
    assert re.search(r'<pre class="repr">120</pre>', page)  # the cell's last expression


@needs_node
def test_report_disabled_means_no_artifact_and_a_plain_program(plotted):
    package, result = plotted
    assert "report" not in result.artifacts[task_of(result, "quiet")]
    spec = yaml.safe_load(package.read_text())
    quiet = spec["components"]["comp-quiet"]
    assert "report" not in (quiet.get("outputDefinitions") or {}).get("artifacts", {})
    program = spec["deploymentSpec"]["executors"]["exec-quiet"]["container"]["args"][0]
    assert "run_cells" not in program
    # `display` is there all the same: with no report, it prints the value's text form to the step's log.
    log = Path(result.states[task_of(result, "quiet")].log_path).read_text()
    assert "{'quiet': 1}" in log


@needs_node
def test_the_package_declares_the_report_as_system_html(plotted):
    package, _ = plotted
    spec = yaml.safe_load(package.read_text())
    for component in ("comp-plot", "comp-plain", "comp-metrics"):
        report = spec["components"][component]["outputDefinitions"]["artifacts"]["report"]
        assert report["artifactType"]["schemaTitle"] == "system.HTML"
    classification = spec["components"]["comp-metrics"]["outputDefinitions"]["artifacts"]
    assert (
        classification["classification_metrics"]["artifactType"]["schemaTitle"]
        == "system.ClassificationMetrics"
    )


@needs_node
def test_the_metrics_step_writes_the_confusion_matrix_for_kfp_and_its_report(plotted):
    _, result = plotted
    task = task_of(result, "metrics")
    reported = result.outputs[task]["artifacts"]["classification_metrics"]["artifacts"][0]["metadata"]
    assert reported["confusionMatrix"] == {
        "annotationSpecs": [{"displayName": "0"}, {"displayName": "1"}],
        "rows": [{"row": [5, 1]}, {"row": [2, 7]}],
    }
    assert result.metrics["total"] == 120
    page = report_of(result, "metrics")
    assert "<h2>Metrics</h2>" in page and "<h2>Confusion matrix</h2>" in page


@needs_node
def test_the_package_parses_strictly_and_kfp_loads_it(plotted):
    package, _ = plotted
    spec = json_format.ParseDict(yaml.safe_load(package.read_text()), pipeline_spec_pb2.PipelineSpec())
    outputs = spec.components["comp-plot"].output_definitions.artifacts
    assert outputs["report"].artifact_type.schema_title == "system.HTML"
    assert set(components.load_component_from_file(str(package)).pipeline_spec.root.dag.tasks) == set(
        spec.root.dag.tasks
    )


@needs_node
def test_a_report_over_the_cap_is_cut_with_a_note(tmp_path, cellpipe_cli, monkeypatch):
    monkeypatch.setenv("CELLPIPE_MAX_REPORT_BYTES", "20000")
    cells = [
        code('for i in range(2000):\n    print("line", i, "x" * 40)', "step:chatty"),
        code('print("after the flood")\n"still a last expression"'),
    ]
    _, result = run(tmp_path, "chatty", cells, cellpipe_cli)
    page = report_of(result, "chatty")
    assert len(page.encode()) < 20000 + 2000  # the cap, plus the page's own head
    assert "The report reached its limit of 20000 bytes (CELLPIPE_MAX_REPORT_BYTES)" in page
    assert "after the flood" not in page  # the log has it; the report was full
    log = Path(result.states[task_of(result, "chatty")].log_path).read_text()
    assert "line 1999" in log and "after the flood" in log


@needs_node
def test_a_failed_steps_report_is_kept_beside_its_log(tmp_path, cellpipe_cli):
    cells = [code('print("before the failure")\nratio = 1 / 0', "step:broken")]
    nb = notebook(tmp_path / "broken" / "broken.ipynb", cells)
    done = cellpipe_cli("compile", str(nb), "-o", str(tmp_path / "broken.yaml"))
    assert done.returncode == 0, done.stderr
    result = run_package_file(str(tmp_path / "broken.yaml"), store=str(tmp_path / "store"))
    state = result.states[task_of(result, "broken")]
    assert state.state == "failed" and "broken.ipynb, cell 1, line 2" in state.error
    page = (Path(state.log_path).parent / "report.html").read_text()
    assert "before the failure" in page
    assert "broken.ipynb, cell 1, line 2, in the cell" in page and "ZeroDivisionError" in page


@needs_node
def test_the_notebook_setting_turns_reports_off_and_a_tag_back_on(tmp_path, cellpipe_cli):
    cells = [code("a = 1", "step:one"), code("b = 2", "step:two", "report:enabled")]
    package, result = run(tmp_path, "off", cells, cellpipe_cli, {"cellpipe": {"reports": False}})
    assert "report" not in result.artifacts[task_of(result, "one")]
    assert "report" in result.artifacts[task_of(result, "two")]


# --- what a value looks like in the report (no step needed) -------------------------------------


class Rich:
    def __init__(self, **reprs):
        for name, value in reprs.items():
            setattr(self, f"_repr_{name}_", lambda value=value: value)


def test_an_objects_own_html_is_shown_in_a_frame_that_runs_nothing():
    shown = report.render(Rich(html='<b>bold</b><script>alert("x")</script>'))
    assert re.match(r'<iframe sandbox="" style="height:[0-9.]+em" srcdoc="', shown) and "<script" not in shown
    assert "&lt;b&gt;bold&lt;/b&gt;&lt;script&gt;" in shown


def test_png_markdown_and_plain_values():
    assert report.render(Rich(png=b"\x89PNG")).startswith('<img src="data:image/png;base64,iVBORw==')
    assert report.render(Rich(markdown="# <title>")) == '<div class="markdown"># &lt;title&gt;</div>'
    assert report.render([1, "<a>"]) == '<pre class="repr">[1, &#x27;&lt;a&gt;&#x27;]</pre>'


def test_a_value_that_cannot_show_itself_is_described():
    class Broken:
        def __repr__(self):
            raise RuntimeError("no repr")

    assert "could not be shown: RuntimeError: no repr" in report.render(Broken())


def test_classification_shapes():
    matrix = report.classification({"categories": ["cat", "dog"], "matrix": [[3, 1], [0, 4]]})
    assert matrix == {
        "confusionMatrix": {
            "annotationSpecs": [{"displayName": "cat"}, {"displayName": "dog"}],
            "rows": [{"row": [3, 1]}, {"row": [0, 4]}],
        }
    }
    roc = report.classification(([0.0, 0.5, 1.0], [0.0, 0.8, 1.0], [float("inf"), 0.5, 0.1]))
    assert roc == {
        "confidenceMetrics": [
            {"confidenceThreshold": 0.5, "recall": 0.8, "falsePositiveRate": 0.5},
            {"confidenceThreshold": 0.1, "recall": 1.0, "falsePositiveRate": 1.0},
        ]
    }
    assert report.classification({"fpr": [0, 1], "tpr": [0, 1], "thresholds": [1, 0]}) is not None
    # not a confusion matrix: not square, not counts, a single number, text
    for value in ([[1, 2, 3], [4, 5, 6]], [[0.5, 0.5], [0.1, 0.9]], [[1]], "matrix", {"matrix": [[1, 2]]}):
        assert report.classification(value) is None, value


def test_log_metric_takes_numbers_and_classification_data_and_refuses_the_rest(tmp_path, capsys):
    outputs = {
        name: {"artifacts": [{"name": name, "uri": str(tmp_path / name), "metadata": {}}]}
        for name in ("metrics", "classification_metrics")
    }
    executor = ExecutorInput({"outputs": {"artifacts": outputs, "outputFile": str(tmp_path / "out.json")}})
    step = Step("metrics", executor, [], "nb.ipynb")
    step.log_metric("accuracy", 0.9)
    step.log_metric("broken", float("nan"))  # JSON has no NaN: KFP could not read it
    step.log_metric("note", "good")
    step.log_metric("cm", [[1, 2], [3, 4]])
    step.log_metric("cm2", [[5, 0], [0, 5]])
    step.finish()
    written = json.loads((tmp_path / "out.json").read_text())["artifacts"]
    assert written["metrics"]["artifacts"][0]["metadata"] == {"accuracy": 0.9}
    matrix = written["classification_metrics"]["artifacts"][0]["metadata"]["confusionMatrix"]
    assert matrix["rows"] == [{"row": [1, 2]}, {"row": [3, 4]}]
    warnings = capsys.readouterr().err
    assert 'metric "broken" is nan; it is not logged' in warnings
    assert 'metric "note" is str, not a number, a confusion matrix or ROC data' in warnings
    assert 'metric "cm2" is a second confusion matrix' in warnings
