"""Item 10 of issue 13: a damaged cache entry is a miss, said in the step's log, never a hit or a bare exception."""

import json
import os
from pathlib import Path

import pytest
from kfp import compiler, dsl

from cellpipe.local import cache
from cellpipe.local.package import load_package
from cellpipe.local.runner import CACHED, FAILED, SUCCEEDED, LocalRunner

BLOCK = 4096


@dsl.container_component
def produce(n: int, out: dsl.Output[dsl.Artifact]):
    """A folder artifact like the runtime's (`data.npy` + a sidecar), 3 blocks of a known pattern."""
    return dsl.ContainerSpec(
        image="python:3.11",
        command=["python3", "-c"],
        args=[
            "import sys, os; os.makedirs(sys.argv[2], exist_ok=True); "
            "open(os.path.join(sys.argv[2], 'data.npy'), 'wb').write(bytes([int(sys.argv[1])]) * 12288); "
            "open(os.path.join(sys.argv[2], 'cellpipe.json'), 'w').write('{}')",
            n,
            out.path,
        ],
    )


@dsl.container_component
def total(inp: dsl.Input[dsl.Artifact], out: dsl.Output[dsl.Artifact]):
    return dsl.ContainerSpec(
        image="python:3.11",
        command=["python3", "-c"],
        args=[
            "import sys, os; data = open(os.path.join(sys.argv[1], 'data.npy'), 'rb').read(); "
            "os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True); open(sys.argv[2], 'w').write(str(sum(data)))",
            inp.path,
            out.path,
        ],
    )


@pytest.fixture
def pkg(tmp_path):
    @dsl.pipeline(name="integrity")
    def pipe(n: int = 3):
        made = produce(n=n)
        total(inp=made.outputs["out"])

    path = tmp_path / "integrity.yaml"
    compiler.Compiler().compile(pipe, str(path))
    return load_package(path.read_text())


def run(pkg, store, **kwargs):
    logs = []
    runner = LocalRunner(pkg, str(store), on_log=lambda step, line: logs.append((step, line)))
    result = runner.run(**kwargs)
    return result, logs


def produced_file(result) -> Path:
    return Path(result.artifact("produce", "out")) / "data.npy"


def test_same_length_damage_is_a_miss_said_in_the_log_and_the_rerun_is_correct(pkg, tmp_path):
    store = tmp_path / "store"
    first, _ = run(pkg, store)
    assert first.succeeded and Path(first.artifact("total", "out")).read_text() == str(3 * 12288)
    data = produced_file(first)
    with open(data, "r+b") as f:  # the last 4 KiB overwritten, same length: as the issue reproduced it
        f.seek(-BLOCK, os.SEEK_END)
        f.write(b"\x00" * BLOCK)
    second, logs = run(pkg, store)
    assert second.succeeded
    assert second.states["produce"].state == SUCCEEDED  # re-ran, not served
    assert any(
        step == "produce" and "damaged" in line and "data.npy changed content" in line for step, line in logs
    )
    assert data.read_bytes() == bytes([3]) * 12288  # the entry was replaced by a good one
    assert Path(second.artifact("total", "out")).read_text() == str(3 * 12288)
    third, _ = run(pkg, store)
    assert third.by_state(CACHED) == ["produce", "total"]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda entry, data: entry.write_text('{"artifacts": '), id="truncated-entry-json"),
        pytest.param(lambda entry, data: entry.write_text("[1, 2]"), id="entry-json-not-an-object"),
        pytest.param(lambda entry, data: entry.write_text("{}"), id="entry-json-empty-object"),
        pytest.param(lambda entry, data: data.unlink(), id="file-removed"),
        pytest.param(lambda entry, data: data.write_bytes(b"x"), id="file-truncated"),
        pytest.param(lambda entry, data: (data.parent / "extra.bin").write_bytes(b"x"), id="file-added"),
        pytest.param(lambda entry, data: entry.write_bytes(b"\xff\xfe\x00"), id="entry-json-not-utf8"),
    ],
)
def test_any_damage_is_a_miss_never_an_exception(pkg, tmp_path, damage):
    store = tmp_path / "store"
    first, _ = run(pkg, store)
    data = produced_file(first)
    damage(data.parent.parent / "entry.json", data)
    second, logs = run(pkg, store)
    assert second.succeeded, {n: s.error for n, s in second.states.items() if s.error}
    assert second.states["produce"].state == SUCCEEDED
    assert any("damaged" in line for _step, line in logs), logs
    assert Path(second.artifact("total", "out")).read_text() == str(3 * 12288)


def test_only_with_a_damaged_upstream_is_a_named_step_error(pkg, tmp_path):
    store = tmp_path / "store"
    first, _ = run(pkg, store)
    (produced_file(first).parent.parent / "entry.json").write_text("not json")
    result, logs = run(pkg, store, only="total")
    assert result.states["produce"].state == FAILED
    assert result.states["produce"].error.startswith('step "produce" has no usable result')
    assert result.states["total"].state == "skipped"
    assert any("entry.json is unreadable" in line for _step, line in logs)


def test_damage_then_from_rerun_never_caches_garbage_under_the_good_key(pkg, tmp_path):
    """The issue's sequence: damage, a run that (wrongly) served it, then `--from` trained on garbage and
    cached the result under the good key. Now the damaged entry is re-made before anyone consumes it."""
    store = tmp_path / "store"
    first, _ = run(pkg, store)
    produced_file(first).write_bytes(bytes([9]) * 12288)  # same size, other content
    run(pkg, store)
    rerun, _ = run(pkg, store, from_step="total")
    assert Path(rerun.artifact("total", "out")).read_text() == str(3 * 12288)


def test_manifest_and_damage_report(tmp_path):
    folder = tmp_path / "art"
    (folder / "sub").mkdir(parents=True)
    (folder / "a").write_bytes(b"1234")
    (folder / "sub" / "b").write_bytes(b"")
    files = cache.manifest(str(folder))
    assert sorted(files) == ["a", os.path.join("sub", "b")]
    assert files["a"][0] == 4
    assert cache.damage(str(folder), files) is None
    (folder / "a").write_bytes(b"1235")
    assert cache.damage(str(folder), files) == "art/a changed content"
    (folder / "a").write_bytes(b"12345")
    assert cache.damage(str(folder), files) == "art/a changed size (4 → 5 bytes)"
    single = tmp_path / "single.txt"
    single.write_text("x")
    assert cache.damage(str(single), cache.manifest(str(single))) is None
    assert json.loads(json.dumps(files)) == files  # what entry.json stores round-trips
