"""Item 9 of issue 13: each task of a run starts exactly once, and never before its upstream's outcome is in hand.

The bug: a submitted task stayed "pending" until its worker marked it running, so when a cached sibling
finished first, the main loop submitted it again (`--from train_forest` printed "running" twice).
"""

from pathlib import Path

from kfp import compiler, dsl

from cellpipe.local.package import load_package
from cellpipe.local.runner import CACHED, RUNNING, LocalRunner


@dsl.container_component
def quick(n: int, out: dsl.Output[dsl.Artifact]):
    return dsl.ContainerSpec(
        image="python:3.11",
        command=["python3", "-c"],
        args=[
            "import sys, os; os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True); open(sys.argv[2], 'w').write(sys.argv[1])",
            n,
            out.path,
        ],
    )


@dsl.container_component
def counted(marker: str, inp: dsl.Input[dsl.Artifact], out: dsl.Output[dsl.Artifact]):
    """Appends one line to `marker` per process start: the count of real starts, whatever the events say."""
    return dsl.ContainerSpec(
        image="python:3.11",
        command=["python3", "-c"],
        args=[
            "import sys, os; open(sys.argv[1], 'a').write('start\\n'); "
            "os.makedirs(os.path.dirname(sys.argv[3]), exist_ok=True); open(sys.argv[3], 'w').write(open(sys.argv[2]).read())",
            marker,
            inp.path,
            out.path,
        ],
    )


def package(tmp_path: Path, marker: Path):
    @dsl.pipeline(name="fan")
    def pipe(marker_path: str = str(marker)):
        first = quick(n=1)
        for i in range(2, 6):  # cached siblings finishing at once: each finish woke the loop
            quick(n=i)
        counted(marker=marker_path, inp=first.outputs["out"])
        counted(marker=marker_path, inp=first.outputs["out"]).set_display_name("counted-again")

    path = tmp_path / "fan.yaml"
    compiler.Compiler().compile(pipe, str(path))
    return load_package(path.read_text())


def test_a_forced_step_starts_once_while_cached_siblings_finish(tmp_path):
    marker = tmp_path / "starts.txt"
    pkg = package(tmp_path, marker)
    store = tmp_path / "store"
    LocalRunner(pkg, str(store), workers=4).run()
    assert marker.read_text().count("start") == 2
    for attempt in range(12):  # the race hit most runs; 12 runs catch a 1-in-3 one with p > 0.99
        marker.write_text("")
        events = []
        result = LocalRunner(
            pkg, str(store), workers=4, on_event=lambda s, seen=events: seen.append((s.name, s.state))
        ).run(from_step="counted")
        assert result.succeeded, {n: s.error for n, s in result.states.items() if s.error}
        assert marker.read_text().count("start") == 1, f"attempt {attempt}: counted started twice"
        assert events.count(("counted", RUNNING)) == 1, events
        assert result.states["quick"].state == CACHED


def test_a_consumer_starts_after_its_producer_outcome_is_recorded(tmp_path):
    """A dependency's state turned "succeeded" (and its event was being reported) before the loop recorded
    its outputs: a consumer submitted in between failed with a bare `KeyError: '<producer>'` (seen as
    `KeyError: 'train-logreg'`). A slow event consumer (a UI, a terminal) widens that window."""
    import time

    def slow_on_success(state):
        if state.state == "succeeded" and state.name == "quick":
            time.sleep(0.2)

    marker = tmp_path / "starts.txt"
    pkg = package(tmp_path, marker)
    for attempt in range(6):
        result = LocalRunner(
            pkg, str(tmp_path / f"store{attempt}"), workers=4, on_event=slow_on_success
        ).run()
        assert result.succeeded, {n: s.error for n, s in result.states.items() if s.error}
