"""Baseline: pyflakes (what Kale runs to find undefined names) on the notebook's code, in process.

Usage: time_pyflakes.py NOTEBOOK.ipynb RUNS. Prints JSON with
- median_ms: pyflakes once over all code cells (the strict baseline: one pass over the same source);
- per_step_ms: pyflakes the way Kale's dependency detection runs it, once per step on the shared
  imports/functions cells plus that step's cells.
"""

import io
import json
import statistics
import sys
import time

from pyflakes.api import check
from pyflakes.reporter import Reporter


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _steps(cells: list) -> tuple:
    """Kale's grouping, enough for the generated notebook: shared code, and each step's code."""
    shared, steps, current = [], {}, None
    for cell in cells:
        tags = cell.get("metadata", {}).get("tags", [])
        kind = next((t for t in tags if t in ("imports", "functions", "skip") or t.startswith("step:")), None)
        if kind is not None or any(t.startswith("pipeline-") for t in tags):
            current = kind
        if current in ("imports", "functions"):
            shared.append(_source(cell))
        elif current and current.startswith("step:"):
            steps.setdefault(current, []).append(_source(cell))
    return "\n".join(shared), ["\n".join(s) for s in steps.values()]


def _timed(sources: list, runs: int) -> tuple:
    times, messages = [], 0
    for _ in range(runs):
        out = io.StringIO()
        start = time.perf_counter()
        messages = sum(check(source, "notebook.py", Reporter(out, out)) for source in sources)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), messages


def main() -> None:
    path, runs = sys.argv[1], int(sys.argv[2])
    with open(path) as f:
        cells = [c for c in json.load(f)["cells"] if c["cell_type"] == "code"]
    source = "\n".join(_source(c) for c in cells)
    whole_ms, messages = _timed([source], runs)
    shared, steps = _steps(cells)
    per_step_ms, _ = _timed([shared + "\n" + step for step in steps], runs)
    print(
        json.dumps(
            {
                "median_ms": whole_ms,
                "per_step_ms": per_step_ms,
                "steps": len(steps),
                "lines": source.count("\n") + 1,
                "messages": messages,
            }
        )
    )


if __name__ == "__main__":
    main()
