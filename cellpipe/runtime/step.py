"""What a step program calls (docs/step-program.md): parameters, inputs, outputs, metrics, errors."""

import contextlib
import linecache
import os
import sys
import traceback
from typing import Any, Dict, Optional, Sequence

from . import files as step_files
from . import marshal
from . import report as step_report
from .bundle import install_bundles
from .executor import ExecutorInput, local_path, write_executor_output

# The metrics step's second output, when a metric is a confusion matrix or ROC data (docs/step-program.md).
CLASSIFICATION_OUTPUT = "classification_metrics"

# `kind` as a Python type name or as the KFP parameterType the compiler declared for it.
_INT_TYPES = ("int", "NUMBER_INTEGER")
_FLOAT_TYPES = ("float", "NUMBER_DOUBLE")


class Step:
    def __init__(
        self,
        name: str,
        executor: ExecutorInput,
        line_map: Sequence,
        notebook: Optional[str],
        files: Optional[dict] = None,
    ):
        self.name = name
        self.files = dict(files or {})
        self.executor = executor
        self.line_map = [tuple(entry) for entry in line_map]
        self.notebook = notebook or "notebook.ipynb"
        self._artifact_metadata: Dict[str, dict] = {}
        self._metrics: Dict[str, float] = {}
        self._classification: Dict[str, Any] = {}  # KFP ClassificationMetrics metadata
        self.report: Optional[step_report.Report] = None
        self._report_output = ""

    def param(self, name: str, kind: Optional[str] = None):
        """The pipeline parameter `name`.

        KFP carries numbers as protobuf doubles and its launcher writes 1.0 as `1`: `kind` ('int' or
        'NUMBER_INTEGER', 'float' or 'NUMBER_DOUBLE') gives the number back the type the notebook had.
        """
        if name not in self.executor.parameters:
            raise SystemExit(
                f'cellpipe: step "{self.name}": pipeline parameter "{name}" was not passed to the step'
            )
        value = self.executor.parameters[name]
        if kind in _INT_TYPES and isinstance(value, float) and value.is_integer():
            return int(value)
        if kind in _FLOAT_TYPES and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value

    def load(self, name: str):
        artifact = self.executor.input_artifacts.get(name)
        if artifact is None:
            raise SystemExit(f'cellpipe: step "{self.name}": input "{name}" was not passed to the step')
        metadata = artifact.get("metadata") or {}
        return marshal.load(
            local_path(artifact["uri"], metadata), step=self.name, name=name, recorded=metadata
        )

    def save(self, name: str, value) -> None:
        artifact = self.executor.output_artifacts.get(name)
        if artifact is None:
            raise SystemExit(
                f'cellpipe: step "{self.name}": output "{name}" has no artifact in the executor input'
            )
        path = local_path(artifact["uri"], artifact.get("metadata"))
        meta = marshal.save(value, path, step=self.name, name=name)
        # The consumers verify the artifact against these before loading it (marshal._verify).
        self._artifact_metadata[name] = {
            marshal.BACKEND_KEY: meta["backend"],
            "cellpipe.type": meta["type"],
            marshal.SHA256_KEY: marshal.digest(path),
        }

    def log_metric(self, name: str, value) -> None:
        """Record a numeric metric for the `system.Metrics` output (as kfp's `Metrics.log_metric`), or a confusion
        matrix or ROC data for the `system.ClassificationMetrics` one."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            self._log_classification(name, value)
            return
        if number != number or number in (float("inf"), float("-inf")):
            # JSON has no NaN or infinity: KFP's launcher could not read the executor output.
            print(
                f'cellpipe warning: step "{self.name}": metric "{name}" is {number}; it is not logged',
                file=sys.stderr,
            )
            return
        self._metrics[name] = number
        print(f"cellpipe metric {name} = {number:g}")

    def _log_classification(self, name: str, value) -> None:
        found = step_report.classification(value)
        problem = None
        if found is None:
            problem = f"is {type(value).__name__}, not a number, a confusion matrix or ROC data"
        elif CLASSIFICATION_OUTPUT not in self.executor.output_artifacts:
            problem = "is a confusion matrix or ROC data, but this step has no ClassificationMetrics output"
        elif set(found) & set(self._classification):
            problem = f"is a second {'confusion matrix' if 'confusionMatrix' in found else 'ROC curve'}; KFP shows one"
        if problem:
            print(
                f'cellpipe warning: step "{self.name}": metric "{name}" {problem}; it is not logged',
                file=sys.stderr,
            )
            return
        self._classification.update(found or {})
        print(
            f"cellpipe metric {name}: {'confusion matrix' if 'confusionMatrix' in (found or {}) else 'ROC curve'}"
        )

    def _write_json(self, output: str, value) -> None:
        art = self.executor.output_artifacts[output]
        path = local_path(art["uri"], art.get("metadata"))
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        import json

        with open(path, "w", encoding="utf-8") as f:
            json.dump(value, f, sort_keys=True)

    def finish(self) -> None:
        meta = {**self._artifact_metadata, **step_files.save_outputs(self.name, self.executor, self.files)}
        if "metrics" in self.executor.output_artifacts:
            meta["metrics"] = {**meta.get("metrics", {}), **self._metrics}
            self._write_json("metrics", self._metrics)
        if CLASSIFICATION_OUTPUT in self.executor.output_artifacts:
            meta[CLASSIFICATION_OUTPUT] = dict(self._classification)
            self._write_json(CLASSIFICATION_OUTPUT, self._classification)
        if self.report is not None:
            self._write_report(self.report)
        write_executor_output(self.executor, meta)

    # --- the step's report (docs/step-program.md, "Step reports") --------------------------------
    def run_cells(self, namespace: Dict[str, Any], report: str = "report") -> None:
        """Run the rest of the program (the lines after this call) cell by cell, showing what each cell shows
        in the step's report (output `report`), then exit: the interpreter never reaches those lines itself."""
        if report not in self.executor.output_artifacts:
            raise SystemExit(
                f'cellpipe: step "{self.name}": output "{report}" has no artifact in the executor input'
            )
        self._report_output = report
        self.report = step_report.Report(self.name, self.notebook, step_report.max_bytes())
        step_report.capture(self.report)
        caller = sys._getframe(1)
        program = namespace.get("__file__") or caller.f_code.co_filename
        try:
            step_report.run_program(self.report, namespace, program, caller.f_lineno, self.line_map)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException:
            sys.stderr.write(self.format_exception(*sys.exc_info()))
            sys.stderr.flush()
            # What the step showed up to its failure, then the traceback: KFP keeps no output of a failed
            # step, the local runner keeps this one beside the step's log.
            with contextlib.suppress(OSError):
                self._write_report(self.report)
            raise SystemExit(1) from None
        raise SystemExit(0)

    def _write_report(self, report: step_report.Report) -> None:
        report.cell = None
        report.figures()  # the figures still open at the end of the step
        sections = [("Metrics", step_report.metrics_table(self._metrics))] if self._metrics else []
        sections += step_report.classification_sections(self._classification)
        art = self.executor.output_artifacts[self._report_output]
        path = local_path(art["uri"], art.get("metadata"))
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(report.page(sections))

    # --- tracebacks -----------------------------------------------------------------------------
    def where(self, filename: str, lineno: int) -> Optional[str]:
        """`notebook.ipynb, cell N, line L` for a line of the program, or None outside the cells."""
        if os.path.abspath(filename) != _program_file():
            return None
        for first, last, cell, cell_line in self.line_map:
            if first <= lineno <= last:
                return f"{self.notebook}, cell {cell + 1}, line {lineno - first + cell_line + 1}"
        return None

    def format_exception(self, exc_type, exc, tb) -> str:
        lines = [f'cellpipe: step "{self.name}" failed\n', "Traceback (most recent call last):\n"]
        runtime_dir = os.path.dirname(__file__)
        for frame in traceback.extract_tb(tb):
            if frame.filename.startswith(runtime_dir):
                continue  # the runtime's own frames say nothing to the user
            place = self.where(frame.filename, frame.lineno or 0)
            if place:
                lines.append(f"  {place}, in {_scope(frame.name)}\n")
            else:
                lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n')
            text = frame.line or linecache.getline(frame.filename, frame.lineno or 0).strip()
            if text:
                lines.append(f"    {text.strip()}\n")
        lines.extend(traceback.format_exception_only(exc_type, exc))
        return "".join(lines)


def _scope(name: str) -> str:
    return "the cell" if name == "<module>" else name


def _program_file() -> str:
    main = sys.modules.get("__main__")
    return os.path.abspath(getattr(main, "__file__", "") or "")


_current: Optional[Step] = None


def current() -> Optional[Step]:
    return _current


def _excepthook(exc_type, exc, tb):
    if _current is None or issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    sys.stderr.write(_current.format_exception(exc_type, exc, tb))
    sys.stderr.flush()


def start(
    step: str,
    argv: Sequence[str],
    line_map=(),
    bundles=(),
    notebook: Optional[str] = None,
    files: Optional[dict] = None,
) -> Step:
    """Begin a step: read the executor input, install local-module bundles, the traceback rewriter and `display`,
    enter the working folder and put there the files the step reads from other steps or from data-file imports."""
    global _current
    executor = ExecutorInput.from_argv(argv)
    install_bundles(bundles)
    marshal.FREEZE_LOADED = True  # this process keeps its inputs to the end (see marshal._gc_paused)
    _current = Step(step, executor, line_map, notebook, files)
    sys.excepthook = _excepthook
    step_report.install_display()  # a notebook's `display`, with the step's report on or off
    step_files.enter_workdir(step, _current.files)
    step_files.place_data_files(step, executor)
    step_files.place_inputs(step, executor, _current.files)
    return _current
