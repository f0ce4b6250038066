"""Item 12 of issue 13: stopping the runner ends its steps' process groups and records the run as interrupted."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kfp import compiler, dsl


@dsl.container_component
def sleeper(pids: str, out: dsl.Output[dsl.Artifact]):
    """Starts a grandchild (same process group), writes both pids, then sleeps: only a group kill ends both."""
    return dsl.ContainerSpec(
        image="python:3.11",
        command=["python3", "-c"],
        args=[
            "import sys, os, subprocess, time; child = subprocess.Popen(['sleep', '300']); "
            "open(sys.argv[1] + '.tmp', 'w').write(f'{os.getpid()} {child.pid}'); os.replace(sys.argv[1] + '.tmp', sys.argv[1]); "
            "time.sleep(300)",
            pids,
            out.path,
        ],
    )


@dsl.container_component
def after(inp: dsl.Input[dsl.Artifact]):
    return dsl.ContainerSpec(image="python:3.11", command=["python3", "-c"], args=["pass", inp.path])


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper (a container's pid 1 may never reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for(predicate, what: str, limit: float = 60.0):
    """Bounded polling for a condition (not a timing assertion: the limit only stops a hung test)."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_ends_step_groups_and_records_interrupted(tmp_path, sig):
    pids_file = tmp_path / "pids.txt"

    @dsl.pipeline(name="sleepy")
    def pipe(pids: str = str(pids_file)):
        after(inp=sleeper(pids=pids).outputs["out"])

    package = tmp_path / "sleepy.yaml"
    compiler.Compiler().compile(pipe, str(package))
    store = tmp_path / "store"
    runner = subprocess.Popen(
        [sys.executable, "-m", "cellpipe.cli", "run", str(package), "--store", str(store), "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(pids_file.exists, "the step to start")
        step_pid, child_pid = (int(p) for p in pids_file.read_text().split())
        assert alive(step_pid) and alive(child_pid)
        runner.send_signal(sig)
        output = runner.communicate(timeout=60)[0]
    finally:
        if runner.poll() is None:
            runner.kill()
    assert runner.returncode == 130, output
    assert "run interrupted" in output
    wait_for(lambda: not alive(step_pid) and not alive(child_pid), "the step's processes to end", limit=10)
    (run_dir,) = list((store / "runs").iterdir())
    states = json.loads((run_dir / "states.json").read_text())
    assert states["sleeper"]["state"] == "interrupted"
    assert states["after"]["state"] == "interrupted"
    record = json.loads((run_dir / "run.json").read_text())
    assert record["state"] == "interrupted" and record["finished"] >= record["started"]
    # nothing half-written was published: no entry, no staging folder left behind
    assert [n for n in os.listdir(store / "cache") if n != ".locks"] == []


def test_stop_from_another_thread_ends_the_run(tmp_path):
    """The server's path: `LocalRunner.stop` (called at exit) ends a run driven by a background thread."""
    import threading

    from cellpipe.local.package import load_package
    from cellpipe.local.runner import LocalRunner, RunInterrupted

    pids_file = tmp_path / "pids.txt"

    @dsl.pipeline(name="sleepy")
    def pipe(pids: str = str(pids_file)):
        after(inp=sleeper(pids=pids).outputs["out"])

    package = tmp_path / "sleepy.yaml"
    compiler.Compiler().compile(pipe, str(package))
    runner = LocalRunner(load_package(package.read_text()), str(tmp_path / "store"))
    outcome = {}

    def work():
        try:
            runner.run()
        except RunInterrupted as err:
            outcome["error"] = err

    thread = threading.Thread(target=work)
    thread.start()
    wait_for(pids_file.exists, "the step to start")
    step_pid, child_pid = (int(p) for p in pids_file.read_text().split())
    runner.stop()
    thread.join(60)
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), RunInterrupted)
    wait_for(lambda: not alive(step_pid) and not alive(child_pid), "the step's processes to end", limit=10)
    (run_dir,) = list((Path(tmp_path) / "store" / "runs").iterdir())
    assert json.loads((run_dir / "run.json").read_text())["state"] == "interrupted"


@dsl.container_component
def leaves_a_child(pids: str, out: dsl.Output[dsl.Artifact]):
    """Exits at once, leaving a background process in its group (its output not tied to the step's)."""
    return dsl.ContainerSpec(
        image="python:3.11",
        command=["python3", "-c"],
        args=[
            "import sys, os, subprocess; child = subprocess.Popen(['sleep', '300'], stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL); open(sys.argv[1], 'w').write(str(child.pid)); "
            "os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True); open(sys.argv[2], 'w').write('done')",
            pids,
            out.path,
        ],
    )


def test_what_a_finished_step_left_running_ends_with_it(tmp_path):
    """As in its container on KFP: when the step's process exits, the rest of its process group goes too."""
    from cellpipe.local.package import load_package
    from cellpipe.local.runner import LocalRunner

    pids_file = tmp_path / "child.txt"

    @dsl.pipeline(name="leaky")
    def pipe(pids: str = str(pids_file)):
        leaves_a_child(pids=pids)

    package = tmp_path / "leaky.yaml"
    compiler.Compiler().compile(pipe, str(package))
    result = LocalRunner(load_package(package.read_text()), str(tmp_path / "store")).run()
    assert result.succeeded
    child = int(pids_file.read_text())
    try:
        wait_for(lambda: not alive(child), "the step's leftover child to end", limit=10)
    finally:
        if alive(child):
            os.kill(child, 9)
