"""Real pipeline packages for the client tests, compiled by the KFP SDK (the reference compiler).

No `from __future__ import annotations` here: the KFP SDK reads the real annotation types.
"""

from pathlib import Path


def compile_package(directory: Path, platform: bool = False) -> str:
    """A two-step pipeline with one parameter of each scalar type; with a platform spec if asked."""
    from kfp import compiler, dsl

    @dsl.component(base_image="python:3.11")
    def prepare(rows: int, rate: float, label: str, shuffle: bool) -> str:
        return f"{rows} {rate} {label} {shuffle}"

    @dsl.component(base_image="python:3.11")
    def report(summary: str):
        print(summary)

    @dsl.pipeline(name="contract-demo", description="cellpipe client tests")
    def pipeline(rows: int = 10, rate: float = 0.5, label: str = "x", shuffle: bool = True):
        first = prepare(rows=rows, rate=rate, label=label, shuffle=shuffle)
        second = report(summary=first.output)
        if platform:
            from kfp import kubernetes

            kubernetes.add_node_selector(second, label_key="pool", label_value="cpu")

    path = Path(directory) / ("with-platform.yaml" if platform else "pipeline.yaml")
    compiler.Compiler().compile(pipeline, str(path))
    return path.read_text()
