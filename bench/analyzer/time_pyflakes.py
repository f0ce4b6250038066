"""Baseline: pyflakes (what Kale runs to find undefined names) on the notebook's code, in process.

Usage: time_pyflakes.py NOTEBOOK.ipynb RUNS. Prints {"median_ms", "lines", "messages"} as JSON.
"""

import io
import json
import statistics
import sys
import time

from pyflakes.api import check
from pyflakes.reporter import Reporter


def main() -> None:
    path, runs = sys.argv[1], int(sys.argv[2])
    with open(path) as f:
        notebook = json.load(f)
    source = "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in notebook["cells"]
        if c["cell_type"] == "code"
    )
    times, messages = [], 0
    for _ in range(runs):
        out = io.StringIO()
        start = time.perf_counter()
        messages = check(source, "notebook.py", Reporter(out, out))
        times.append((time.perf_counter() - start) * 1000)
    print(
        json.dumps(
            {"median_ms": statistics.median(times), "lines": source.count("\n") + 1, "messages": messages}
        )
    )


if __name__ == "__main__":
    main()
