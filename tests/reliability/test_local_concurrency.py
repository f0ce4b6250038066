"""Item 11 of issue 13: concurrent runs on one store all succeed; stale staging folders go, live ones stay."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kfp import compiler, dsl

from cellpipe.local import cache


@dsl.container_component
def produce(n: int, out: dsl.Output[dsl.Artifact]):
    return dsl.ContainerSpec(
        image="python:3.11",
        command=["python3", "-c"],
        args=[
            "import sys, os; os.makedirs(sys.argv[2], exist_ok=True); "
            "[open(os.path.join(sys.argv[2], f'part{i}'), 'w').write(sys.argv[1] * 1000) for i in range(20)]",
            n,
            out.path,
        ],
    )


@dsl.container_component
def combine(inp: dsl.Input[dsl.Artifact], out: dsl.Output[dsl.Artifact]):
    return dsl.ContainerSpec(
        image="python:3.11",
        command=["python3", "-c"],
        args=[
            "import sys, os; n = len(os.listdir(sys.argv[1])); "
            "os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True); open(sys.argv[2], 'w').write(str(n))",
            inp.path,
            out.path,
        ],
    )


@pytest.fixture
def package(tmp_path) -> Path:
    @dsl.pipeline(name="shared")
    def pipe(n: int = 7):
        a = produce(n=n)
        b = produce(n=n).set_display_name("produce-b")
        combine(inp=a.outputs["out"])
        combine(inp=b.outputs["out"]).set_display_name("combine-b")

    path = tmp_path / "shared.yaml"
    compiler.Compiler().compile(pipe, str(path))
    return path


def cli(package: Path, store: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cellpipe.cli", "run", str(package), "--store", str(store), "-q", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_six_concurrent_no_cache_runs_on_one_store_all_succeed(package, tmp_path):
    store = tmp_path / "store"
    for round_ in range(2):  # every step collides six ways per round
        runs = [cli(package, store, "--no-cache") for _ in range(6)]
        outputs = [(p.communicate(timeout=240)[0], p.returncode) for p in runs]
        for text, code in outputs:
            assert code == 0, f"round {round_}:\n{text}"
            assert "4 succeeded" in text
        leftovers = [n for n in os.listdir(store / "cache") if ".partial-" in n or ".trash-" in n]
        assert leftovers == []
    # what stayed is a complete, valid store: a cached run serves every step
    done = cli(package, store)
    text = done.communicate(timeout=120)[0]
    assert done.returncode == 0 and "4 cached" in text, text


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_only_stale_partials_are_cleaned(tmp_path):
    root = tmp_path / "cache"
    root.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = {
            "dead": f"k1.partial-{dead_pid()}-aaaaaaaa",
            "dead_trash": f"k1.trash-{dead_pid()}-bbbbbbbb",
            "live": f"k2.partial-{sleeper.pid}-cccccccc",
            "ours": f"k3.partial-{os.getpid()}-dddddddd",  # another runner in this process
            "old_unowned": "k4.partial-1a2b3c",
            "new_unowned": "k5.partial-4d5e6f",
            "entry": "k6",
        }
        for name in names.values():
            (root / name).mkdir()
            (root / name / "f").write_text("x")
        hour_ago = time.time() - cache.STALE_UNOWNED_SECONDS - 60
        os.utime(root / names["old_unowned"], (hour_ago, hour_ago))
        removed = cache.clean_stale_partials(str(root))
        assert sorted(removed) == sorted([names["dead"], names["dead_trash"], names["old_unowned"]])
        assert sorted(os.listdir(root)) == sorted([names["live"], names["ours"], names["new_unowned"], "k6"])
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_run_cleans_stale_partials_at_start(package, tmp_path):
    store = tmp_path / "store"
    (store / "cache").mkdir(parents=True)
    stale = store / "cache" / f"deadbeef.partial-{dead_pid()}-00000000"
    stale.mkdir()
    done = cli(package, store)
    assert done.communicate(timeout=120)[0] and done.returncode == 0
    assert not stale.exists()
