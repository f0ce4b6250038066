"""A step's report (docs/step-program.md, "Step reports"): one HTML page of what the step showed, in cell order.

What a notebook would show under each cell: the text it printed (stdout and stderr, still streamed to the log),
matplotlib figures (at `plt.show()` and, for figures still open, at the end of the step), the objects it
`display()`ed or left as its last expression; then the step's metrics. No IPython: `run_program` runs the rest
of the step program itself, cell by cell (the line map says which lines are which cell), evaluating a cell's
last expression statement apart so that its value can be shown.

Standard library only. matplotlib, pandas and the like are used only once the step's own code has imported
them (looked up in `sys.modules`, never imported here), so a step that makes no figures never loads them.
Everything a cell wrote is escaped: the page holds no script, and an object's own HTML (`_repr_html_`) is shown
in a sandboxed frame.
"""

import ast
import base64
import builtins
import html
import io
import math
import os
import re
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

MAX_BYTES_ENV = "CELLPIPE_MAX_REPORT_BYTES"
DEFAULT_MAX_BYTES = 10 * 2**20
TABLE_ROWS = 50  # rows of a DataFrame/Series shown, as a notebook's head
TABLE_COLUMNS = 50

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_OVERWRITTEN = re.compile(r"[^\n]*\r(?!\n)")  # a line redrawn after "\r" (progress bars): its last state only

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.3em}h2{font-size:1em;color:#555;margin:1.5em 0 .4em;border-bottom:1px solid #ddd}
pre{background:#f6f6f6;padding:.5em;margin:.3em 0;white-space:pre-wrap;word-break:break-word;font-size:13px}
pre.stderr{background:#fdecea}
img{max-width:100%;display:block;margin:.4em 0}
table{border-collapse:collapse;margin:.4em 0;font-size:13px}
th,td{border:1px solid #ddd;padding:.2em .5em;text-align:right}
iframe{width:100%;height:24em;border:1px solid #ddd;resize:vertical}
.note{color:#666;font-size:12px}.cut{color:#a33;font-weight:bold}.markdown{white-space:pre-wrap}
"""
# Nothing runs in the page; its images are inline.
_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def max_bytes() -> int:
    try:
        return max(0, int(os.environ.get(MAX_BYTES_ENV, "")))
    except ValueError:
        return DEFAULT_MAX_BYTES


class _Part:
    __slots__ = ("body", "cell", "kind")

    def __init__(self, kind: str, cell: Optional[int], body: str):
        self.kind = kind  # "stdout", "stderr" (text, joined) or "html"
        self.cell = cell
        self.body: List[str] = [body]


class Report:
    """What one step showed, part by part, within `limit` bytes (then a note says what was left out)."""

    def __init__(self, step: str, notebook: str, limit: int):
        self.step = step
        self.notebook = notebook
        self.limit = limit
        self.cell: Optional[int] = None  # the cell running now (None: the program's own lines)
        self.parts: List[_Part] = []
        self.size = 0
        self.left_out = 0

    def _add(self, kind: str, body: str) -> None:
        size = len(body)
        if self.size + size > self.limit:
            self.left_out += 1
            return
        self.size += size
        last = self.parts[-1] if self.parts else None
        if kind != "html" and last is not None and last.kind == kind and last.cell == self.cell:
            last.body.append(body)
        else:
            self.parts.append(_Part(kind, self.cell, body))

    def text(self, stream: str, text: str) -> None:
        if text:
            self._add(stream, text)

    def show(self, value: Any) -> None:
        """`display(value)`: the value as a notebook shows it."""
        self._add("html", render(value))

    def show_result(self, value: Any) -> None:
        """A cell's last expression: shown unless None, as a notebook does."""
        if value is not None:
            self.show(value)

    def figures(self) -> None:
        """The open matplotlib figures, each as a PNG, then closed (as the notebook's inline backend does)."""
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is None:
            return
        for number in list(pyplot.get_fignums()):
            figure = pyplot.figure(number)
            try:
                self._add("html", _image("image/png", _figure_png(figure)))
            except Exception as err:  # a figure that cannot be drawn must not fail the step
                self._add(
                    "html", _pre("note", f"figure {number} could not be drawn: {type(err).__name__}: {err}")
                )
            pyplot.close(figure)

    def page(self, sections: Sequence[Tuple[str, str]] = ()) -> str:
        """The whole page: the parts under their cells' headings, then `sections` (title, HTML)."""
        out: List[str] = []
        size = 0
        left_out = self.left_out
        heading: Any = object()
        blocks = [(part.cell, _part_html(part)) for part in self.parts]
        blocks += [(-1, f"<h2>{escape(title)}</h2>{body}") for title, body in sections]
        for cell, body in blocks:
            weight = len(body.encode("utf-8", "replace"))
            if size + weight > self.limit:
                left_out += 1
                continue
            if cell != heading and cell != -1:
                title = f"{self.notebook}, cell {cell + 1}" if cell is not None else "the step"
                out.append(f"<h2>{escape(title)}</h2>")
                heading = cell
            out.append(body)
            size += weight
        if left_out:
            out.append(
                f'<p class="cut">The report reached its limit of {self.limit} bytes ({MAX_BYTES_ENV}): what the '
                "step showed past it was left out. The step's log holds all of its text.</p>"
            )
        if not out:
            out.append('<p class="note">The step showed nothing.</p>')
        return (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">'
            f"<title>{escape(self.step)}</title><style>{_STYLE}</style></head>\n<body>"
            f"<h1>Step {escape(self.step)}</h1>\n" + "\n".join(out) + "\n</body></html>\n"
        )


def _pre(kind: str, text: str) -> str:
    return f'<pre class="{kind}">{escape(text)}</pre>'


def _part_html(part: _Part) -> str:
    body = "".join(part.body)
    if part.kind == "html":
        return body
    return _pre(part.kind, _OVERWRITTEN.sub("", _ANSI.sub("", body)))


def _image(mime: str, data: bytes) -> str:
    return f'<img src="data:{mime};base64,{base64.b64encode(data).decode("ascii")}">'


def _figure_png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


# --- how a value is shown ----------------------------------------------------------------------


def _kind(value: Any) -> Tuple[str, str]:
    kind = type(value)
    return (getattr(kind, "__module__", "") or ""), kind.__name__


def render(value: Any) -> str:
    """The HTML of one displayed value: pandas tables, figures, the `_repr_*_` methods, else its escaped repr."""
    module, name = _kind(value)
    try:
        if (module == "pandas" or module.startswith("pandas.")) and name in ("DataFrame", "Series"):
            return _table(value)
        if module.startswith("matplotlib.") and name == "Figure":
            return _image("image/png", _figure_png(value))
        for method, show in _REPRS:
            shown = _call_repr(value, method)
            if shown is not None:
                result = show(shown)
                if result is not None:
                    return result
        return _pre("repr", repr(value))
    except Exception as err:  # a value that cannot show itself is described, and the step goes on
        return _pre("note", f"{module}.{name} could not be shown: {type(err).__name__}: {err}")


def _call_repr(value: Any, method: str) -> Any:
    function = getattr(value, method, None)
    if not callable(function) or isinstance(value, type):
        return None
    shown = function()
    if isinstance(shown, tuple) and len(shown) == 2:  # (data, metadata), as IPython allows
        shown = shown[0]
    return shown


def _html_frame(text: Any) -> Optional[str]:
    if not isinstance(text, str):
        return None
    # The object's own HTML, rendered but never run: a frame without scripts, its markup an escaped attribute;
    # no script can size it to its content either, so its height is guessed from its rows (and it can be resized).
    rows = len(re.findall(r"<(?:tr|br|p|li|div|h[1-6])\b", text, re.IGNORECASE)) + text.count("\n") // 4
    height = min(30.0, 4 + 1.6 * rows)
    return f'<iframe sandbox="" style="height:{height:.1f}em" srcdoc="{escape(text)}"></iframe>'


def _image_data(mime: str):
    def show(data: Any) -> Optional[str]:
        if isinstance(data, str):
            data = base64.b64decode(data, validate=True)
        if not isinstance(data, (bytes, bytearray)):
            return None
        return _image(mime, bytes(data))

    return show


def _markdown(text: Any) -> Optional[str]:
    return f'<div class="markdown">{escape(text)}</div>' if isinstance(text, str) else None


_REPRS = (
    ("_repr_html_", _html_frame),
    ("_repr_markdown_", _markdown),
    ("_repr_png_", _image_data("image/png")),
    ("_repr_jpeg_", _image_data("image/jpeg")),
)


def _table(value: Any) -> str:
    """A DataFrame or Series: its first TABLE_ROWS rows (pandas escapes the cells), with its shape."""
    rows = len(value)
    frame = value.head(TABLE_ROWS)
    if _kind(value)[1] == "Series":
        frame = frame.to_frame()
        shape = f"{rows} rows"
    else:
        shape = f"{rows} rows × {value.shape[1]} columns"
    shown = f", the first {TABLE_ROWS} shown" if rows > TABLE_ROWS else ""
    table = frame.to_html(max_cols=TABLE_COLUMNS, escape=True)
    return f'{table}<p class="note">{escape(shape + shown)}</p>'


# --- metrics -------------------------------------------------------------------------------------


def metrics_table(metrics: Dict[str, float]) -> str:
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{v:g}</td></tr>" for k, v in sorted(metrics.items()))
    return f"<table>{rows}</table>"


def confusion_table(categories: Sequence[str], matrix: Sequence[Sequence[int]]) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in categories)
    body = "".join(
        f"<tr><th>{escape(c)}</th>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>"
        for c, row in zip(categories, matrix)
    )
    return f"<table><tr><th>true \\ predicted</th>{head}</tr>{body}</table>"


def roc_svg(fpr: Sequence[float], tpr: Sequence[float]) -> str:
    """The ROC curve as a small inline SVG (numbers only: nothing to escape)."""
    points = " ".join(f"{20 + 200 * x:.1f},{220 - 200 * y:.1f}" for x, y in zip(fpr, tpr))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" font-size="10">'
        '<rect x="20" y="20" width="200" height="200" fill="none" stroke="#999"/>'
        '<line x1="20" y1="220" x2="220" y2="20" stroke="#ccc" stroke-dasharray="4"/>'
        f'<polyline points="{points}" fill="none" stroke="#1f77b4" stroke-width="2"/>'
        '<text x="120" y="236" text-anchor="middle">false positive rate</text>'
        '<text x="8" y="120" transform="rotate(-90 8 120)" text-anchor="middle">true positive rate</text></svg>'
    )


def finite(values: Sequence[float]) -> bool:
    return all(math.isfinite(v) for v in values)


# --- running the step's cells ----------------------------------------------------------------------


class _Tee:
    """A stream that still writes where it wrote (the log) and copies the text into the report."""

    def __init__(self, stream: Any, report: Report, kind: str):
        self._stream = stream
        self._report = report
        self._kind = kind

    def write(self, text: str) -> int:
        written = self._stream.write(text)
        if isinstance(text, str):
            self._report.text(self._kind, text)
        return written

    def writelines(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _PyplotHook:
    """Patches `matplotlib.pyplot.show` when, and only when, the step's code imports pyplot."""

    def __init__(self, report: Report):
        self.report = report

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "matplotlib.pyplot":
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        loader = getattr(spec, "loader", None)
        if spec is None or loader is None or not hasattr(loader, "exec_module"):
            return None
        run = loader.exec_module
        hook = self

        def exec_module(module: Any) -> None:
            run(module)
            hook.patch(module)

        loader.exec_module = exec_module
        return spec

    def patch(self, pyplot: Any) -> None:
        report = self.report

        def show(*args: Any, **kwargs: Any) -> None:
            report.figures()

        pyplot.show = show


_showing: Optional[Report] = None  # the step's report once `capture` runs; None with the report off


def display(*values: Any, **_options: Any) -> None:
    """Show each value as IPython's `display` shows it under a cell: in the step's report, or, with the report
    off, its text form (`repr`, as a notebook's text/plain) printed to the step's log."""
    for value in values:
        if _showing is not None:
            _showing.show(value)
        else:
            print(repr(value))


def install_display() -> None:
    """`display` a builtin in every step, as in a notebook (a `display` already there, IPython's, is kept)."""
    if not hasattr(builtins, "display"):
        builtins.display = display  # type: ignore[attr-defined]


def capture(report: Report) -> None:
    """From now on: output copied into the report, `display` shown in it, figures drawn with Agg and caught."""
    global _showing
    sys.stdout = _Tee(sys.stdout, report, "stdout")
    sys.stderr = _Tee(sys.stderr, report, "stderr")
    _showing = report
    install_display()
    os.environ["MPLBACKEND"] = "Agg"  # no display in a step; read by matplotlib when the step imports it
    hook = _PyplotHook(report)
    if "matplotlib.pyplot" in sys.modules:
        hook.patch(sys.modules["matplotlib.pyplot"])
    else:
        sys.meta_path.insert(0, hook)


def _silenced(lines: Sequence[str], node: ast.stmt) -> bool:
    """`value;` at the end of a cell shows nothing, as in a notebook."""
    end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    if end_line is None or end_col is None or end_line > len(lines):
        return False
    rest = lines[end_line - 1].encode("utf-8")[end_col:].decode("utf-8", "replace")
    return rest.lstrip().startswith(";")


def chunks(tree: ast.Module, after: int, line_map: Sequence[Sequence[int]], lines: Sequence[str]):
    """The statements after line `after`, as (cell or None, statements, last expression or None) in order."""
    blocks = [(int(e[0]), int(e[1]), int(e[2])) for e in line_map]

    def cell_of(line: int) -> Optional[int]:
        for first, last, cell in blocks:
            if first <= line <= last:
                return cell
        return None

    out: List[Tuple[Optional[int], List[ast.stmt], Optional[ast.expr]]] = []
    for node in tree.body:
        if node.lineno <= after:
            continue
        cell = cell_of(node.lineno)
        if out and out[-1][0] == cell and out[-1][2] is None:
            out[-1][1].append(node)
        else:
            out.append((cell, [node], None))
    # A cell's last statement, when an expression, is evaluated apart: its value is shown.
    for i, (cell, nodes, _) in enumerate(out):
        last = nodes[-1]
        if cell is not None and isinstance(last, ast.Expr) and not _silenced(lines, last):
            out[i] = (cell, nodes[:-1], last.value)
    return out


def run_program(report: Report, namespace: Dict[str, Any], filename: str, after: int, line_map) -> None:
    """Run the program's statements after line `after` in `namespace`, cell by cell, into the report.

    Line numbers and the file name stay the program's, so tracebacks map to cells as before."""
    with open(filename, encoding="utf-8") as handle:
        text = handle.read()
    lines = text.splitlines()
    tree = ast.parse(text, filename)
    for cell, nodes, last in chunks(tree, after, line_map, lines):
        report.cell = cell
        if nodes:
            code = compile(ast.Module(body=nodes, type_ignores=[]), filename, "exec", dont_inherit=True)
            exec(code, namespace)  # noqa: S102 - the step's own program
        if last is not None:
            expression = compile(ast.Expression(body=last), filename, "eval", dont_inherit=True)
            report.show_result(eval(expression, namespace))  # noqa: S307 - the step's own program


# --- classification metrics (KFP's system.ClassificationMetrics) ------------------------------------


def _plain(value: Any) -> Any:
    """numpy/pandas/torch values as Python lists and numbers (their own `tolist`), else the value."""
    to_list = getattr(value, "tolist", None)
    return to_list() if callable(to_list) and not isinstance(value, (str, bytes)) else value


def _numbers(values: Any) -> Optional[List[float]]:
    values = _plain(values)
    if not isinstance(values, (list, tuple)):
        return None
    out = []
    for v in values:
        v = _plain(v)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None
        out.append(v)
    return out


def _matrix(value: Any, whole: bool) -> Optional[List[List[float]]]:
    """A square matrix of numbers (of counts ≥ 0 when `whole`), at least 2×2."""
    rows = _plain(value)
    if not isinstance(rows, (list, tuple)) or len(rows) < 2:
        return None
    matrix = [_numbers(row) for row in rows]
    if any(row is None or len(row) != len(rows) for row in matrix):
        return None
    if whole and not all(isinstance(v, int) and v >= 0 for row in matrix for v in row):  # type: ignore[union-attr]
        return None
    return matrix  # type: ignore[return-value]


def _roc(fpr: Any, tpr: Any, thresholds: Any) -> Optional[List[Dict[str, float]]]:
    columns = [_numbers(fpr), _numbers(tpr), _numbers(thresholds)]
    if any(c is None for c in columns) or len({len(c) for c in columns}) != 1 or len(columns[0]) < 2:  # type: ignore[arg-type]
        return None
    return [
        {"confidenceThreshold": t, "recall": r, "falsePositiveRate": f}
        for f, r, t in zip(*columns)
        if finite((f, r, t))  # sklearn's first threshold is inf: JSON has no inf
    ]


def classification(value: Any) -> Optional[Dict[str, Any]]:
    """KFP ClassificationMetrics metadata for a confusion matrix or ROC data (docs/step-program.md), else None.

    Confusion matrix: {"categories": [...], "matrix": [[...], ...]}, or a bare square 2-D list/array of counts
    (categories "0", "1", ...). ROC: {"fpr": [...], "tpr": [...], "thresholds": [...]}, or the tuple
    (fpr, tpr, thresholds) that sklearn's roc_curve returns."""
    if isinstance(value, dict):
        if "matrix" in value:
            matrix = _matrix(value["matrix"], whole=False)
            categories = value.get("categories")
            names = [str(c) for c in _plain(categories)] if categories is not None else None
            if matrix is None or (names is not None and len(names) != len(matrix)):
                return None
            return _confusion(names or [str(i) for i in range(len(matrix))], matrix)
        if "fpr" in value and "tpr" in value:
            points = _roc(value["fpr"], value["tpr"], value.get("thresholds", value.get("threshold")))
            return {"confidenceMetrics": points} if points is not None else None
        return None
    if isinstance(value, tuple) and len(value) == 3:
        points = _roc(*value)
        return {"confidenceMetrics": points} if points is not None else None
    matrix = _matrix(value, whole=True)
    return _confusion([str(i) for i in range(len(matrix))], matrix) if matrix is not None else None


def _confusion(categories: List[str], matrix: List[List[float]]) -> Dict[str, Any]:
    return {
        "confusionMatrix": {
            "annotationSpecs": [{"displayName": c} for c in categories],
            "rows": [{"row": row} for row in matrix],
        }
    }


def classification_sections(metadata: Dict[str, Any]) -> List[Tuple[str, str]]:
    """The report's view of the ClassificationMetrics metadata: the matrix as a table, the ROC curve as SVG."""
    out = []
    confusion = metadata.get("confusionMatrix")
    if confusion:
        categories = [s["displayName"] for s in confusion["annotationSpecs"]]
        out.append(("Confusion matrix", confusion_table(categories, [r["row"] for r in confusion["rows"]])))
    points = metadata.get("confidenceMetrics")
    if points:
        curve = roc_svg([p["falsePositiveRate"] for p in points], [p["recall"] for p in points])
        out.append(("ROC curve", curve))
    return out
