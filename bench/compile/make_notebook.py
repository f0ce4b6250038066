"""Write a generated N-step notebook: step i saves v<i> and reads v<i-1> and v<i//2> (a chain with skips)."""

import json
import sys


def upstream(i: int) -> list:
    return sorted({i - 1, i // 2}) if i > 0 else []


def cell(source: str, tags: list) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"tags": tags},
        "outputs": [],
        "source": source,
    }


def notebook(steps: int) -> dict:
    cells = [
        cell("import math", ["imports"]),
        cell("def combine(*values):\n    return sum(values) % 1000003", ["functions"]),
        cell("seed = 7\nscale = 1.5", ["pipeline-parameters"]),
    ]
    for i in range(steps):
        reads = upstream(i)
        args = ", ".join(f"v{j}" for j in reads) or "seed"
        prev = [f"prev:s{j}" for j in reads]
        cells.append(cell(f"v{i} = combine({args}, {i}) * scale", [f"step:s{i}", *prev]))
    for index, c in enumerate(cells):
        c["id"] = f"cell-{index}"
    meta = {"kubeflow_notebook": {"pipeline_name": f"bench-{steps}-steps", "docker_image": "python:3.11"}}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


if __name__ == "__main__":
    steps, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "w") as f:
        json.dump(notebook(steps), f, indent=1)
