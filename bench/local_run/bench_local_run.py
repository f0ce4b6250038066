"""Local-run benchmark, on notebooks compiled by cellpipe's own compiler (the node bundle).

1. A 10-step chain whose first step costs ~2 s: fresh run vs re-run after editing only the last step
   (goal ≥10x faster: nine steps come from the cache).
2. Per-step overhead: 10 trivial steps run without cache, wall time / 10 (goal < 300 ms).
Prints the figures, then one JSON line with `ratio` (fresh / re-run).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, ROOT)
from cellpipe.local.runner import run_package_file  # noqa: E402


def cell(source, tags):
    return {
        "cell_type": "code",
        "metadata": {"tags": tags},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def chain_notebook(first_cost: float, last_factor: int) -> dict:
    cells = [
        cell("import time\n", ["imports"]),
        cell(f"time.sleep({first_cost})\nv0 = list(range(1000))\n", ["step:s0"]),
    ]
    for i in range(1, 10):
        factor = last_factor if i == 9 else 1
        cells.append(cell(f"v{i} = [x * {factor} + 1 for x in v{i - 1}]\n", [f"step:s{i}", f"prev:s{i - 1}"]))
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def compile_notebook(bundle, nb: dict, work: str, name: str) -> str:
    """Each version in its own folder under one file name, as when a user edits their notebook."""
    os.makedirs(os.path.join(work, name))
    path = os.path.join(work, name, "chain.ipynb")
    with open(path, "w") as f:
        json.dump(nb, f)
    out = os.path.join(work, name + ".yaml")
    subprocess.run(["node", bundle, "compile", path, "-o", out], check=True, capture_output=True)
    return out


def timed_run(package, store, **kwargs):
    start = time.perf_counter()
    result = run_package_file(package, store=store, workers=2, **kwargs)
    elapsed = time.perf_counter() - start
    assert result.succeeded, {n: s.error for n, s in result.states.items() if s.error}
    return elapsed, result


def main():
    work = tempfile.mkdtemp(prefix="cellpipe-bench-local-")
    try:
        bundle_dir = os.path.join(work, "compiler_js")
        subprocess.run(
            ["node", os.path.join(ROOT, "scripts", "build-cli.js"), bundle_dir], check=True, cwd=ROOT
        )
        bundle = os.path.join(bundle_dir, "cellpipe.cjs")
        store = os.path.join(work, "store")
        base = compile_notebook(bundle, chain_notebook(2.0, 1), work, "chain")
        edited = compile_notebook(bundle, chain_notebook(2.0, 3), work, "chain_edited")
        fresh, _ = timed_run(base, store)
        rerun, result = timed_run(edited, store)
        assert result.by_state("succeeded") == ["s9"], result.by_state("succeeded")
        trivial = compile_notebook(bundle, chain_notebook(0.0, 1), work, "trivial")
        overhead_total, _ = timed_run(trivial, os.path.join(work, "store2"), use_cache=False)
        figures = {
            "bench": "local_run",
            "fresh_run_s": round(fresh, 3),
            "rerun_after_last_step_edit_s": round(rerun, 3),
            "per_step_overhead_ms": round(overhead_total / 10 * 1000, 1),
            "ratio": round(fresh / rerun, 2),
        }
        print(f"fresh run of 10 steps (first ~2 s): {fresh:.2f} s")
        print(f"re-run after editing the last step: {rerun:.2f} s (9 cached, 1 run)")
        print(f"per-step overhead, trivial steps, no cache: {figures['per_step_overhead_ms']} ms")
        print(json.dumps(figures))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
