"""Issue 13 item 6: a step loads an input only as its producing step recorded it (backend and sha256 in the
producer's executor output, passed on by KFP, or the local runner, to the consumer's executor input): whoever
can write the bucket can no longer choose pickle, nor change the bytes."""

import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from cellpipe.local.runner import SUCCEEDED, run_package_file
from cellpipe.runtime import marshal
from cellpipe.runtime.marshal import MarshalError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from test_runtime_step import program, run  # noqa: E402


def produce(tmp_path) -> dict:
    """A real producing step saves `X` (numpy); returns the metadata its executor output records for it."""
    ex = {
        "inputs": {"parameterValues": {}, "artifacts": {}},
        "outputs": {
            "artifacts": {
                "X": {
                    "artifacts": [
                        {
                            "name": "X",
                            "type": {"schemaTitle": "system.Artifact"},
                            "uri": str(tmp_path / "X"),
                            "metadata": {},
                        }
                    ]
                }
            },
            "outputFile": str(tmp_path / "producer_output.json"),
        },
    }
    text, _ = program(
        "load_data", [(1, "import numpy as np\nX = np.arange(100_000.0)\n")], after=['_cp.save("X", X)']
    )
    done = run(tmp_path, text, ex)
    assert done.returncode == 0, done.stderr
    output = json.loads((tmp_path / "producer_output.json").read_text())
    return output["artifacts"]["X"]["artifacts"][0]["metadata"]


def consume(tmp_path, metadata: dict, env=None):
    """A real consuming step loads `X` with the metadata KFP passes on from the producer's executor output."""
    art = {
        "name": "X",
        "type": {"schemaTitle": "system.Artifact"},
        "uri": str(tmp_path / "X"),
        "metadata": metadata,
    }
    ex = {
        "inputs": {"parameterValues": {}, "artifacts": {"X": {"artifacts": [art]}}},
        "outputs": {"artifacts": {}, "outputFile": str(tmp_path / "consumer_output.json")},
    }
    text, _ = program("train", [(3, "print('total', float(X.sum()))\n")], before=['X = _cp.load("X")'])
    return run(tmp_path, text, ex, env=env)


def test_the_producer_records_backend_and_sha256_and_an_intact_input_loads(tmp_path):
    recorded = produce(tmp_path)
    assert recorded["cellpipe.backend"] == "numpy"
    assert recorded["cellpipe.sha256"] == marshal.digest(str(tmp_path / "X"))
    done = consume(tmp_path, recorded)
    assert done.returncode == 0, done.stderr
    assert f"total {float(np.arange(100_000.0).sum())}" in done.stdout


def test_changed_bytes_are_refused(tmp_path):
    recorded = produce(tmp_path)
    data = tmp_path / "X" / "data.npy"
    size = data.stat().st_size
    with open(data, "r+b") as f:  # the last 4 KiB overwritten, same length: still a valid .npy
        f.seek(size - 4096)
        f.write(b"\x7f" * 4096)
    done = consume(tmp_path, recorded)
    assert done.returncode == 1
    assert 'step "train": input "X": the artifact at' in done.stderr
    assert "was changed after its producing step wrote it" in done.stderr
    assert "total" not in done.stdout


def test_a_swapped_backend_is_refused_and_the_pickle_never_runs(tmp_path):
    """A bucket writer replaces the array with a pickle whose loading runs code, and cellpipe.json with cloudpickle."""
    recorded = produce(tmp_path)
    marker = tmp_path / "pickle-ran"
    shutil.rmtree(tmp_path / "X")

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    marshal.save(Payload(), str(tmp_path / "X"))
    meta = json.loads((tmp_path / "X" / "cellpipe.json").read_text())
    assert meta["backend"] == "cloudpickle"
    done = consume(tmp_path, recorded)
    assert done.returncode == 1
    assert 'step "train": input "X"' in done.stderr and "refusing to load it" in done.stderr
    assert not marker.exists()

    # Even with a record that matches the bytes, the backend must be the one recorded.
    forged = {"cellpipe.backend": "numpy", "cellpipe.sha256": marshal.digest(str(tmp_path / "X"))}
    done = consume(tmp_path, forged)
    assert done.returncode == 1
    assert "names the backend 'cloudpickle' but its producing step recorded 'numpy'" in done.stderr
    assert not marker.exists()


def test_only_cellpipe_json_swapped_is_refused(tmp_path):
    recorded = produce(tmp_path)
    meta_path = tmp_path / "X" / "cellpipe.json"
    meta = json.loads(meta_path.read_text())
    meta.update(backend="cloudpickle", file="data.npy")
    meta_path.write_text(json.dumps(meta))
    done = consume(tmp_path, recorded)
    assert done.returncode == 1 and "was changed after its producing step wrote it" in done.stderr


def test_missing_record_is_refused_unless_allowed_with_a_warning(tmp_path):
    produce(tmp_path)
    for metadata in ({}, {"cellpipe.backend": "numpy"}, {"cellpipe.sha256": 5, "cellpipe.backend": "numpy"}):
        done = consume(tmp_path, metadata)
        assert done.returncode == 1
        assert 'step "train": input "X" has no cellpipe.backend and cellpipe.sha256' in done.stderr
        assert "CELLPIPE_ALLOW_UNVERIFIED_ARTIFACTS=1" in done.stderr
    done = consume(tmp_path, {}, env={"CELLPIPE_ALLOW_UNVERIFIED_ARTIFACTS": "1"})
    assert done.returncode == 0, done.stderr
    assert "loading it unverified" in done.stderr and "total" in done.stdout


def test_a_symlink_or_an_extra_file_in_the_artifact_is_refused(tmp_path):
    marshal.save(np.arange(3), str(tmp_path / "a"))
    recorded = {"cellpipe.backend": "numpy", "cellpipe.sha256": marshal.digest(str(tmp_path / "a"))}
    assert marshal.load(str(tmp_path / "a"), step="s", name="a", recorded=recorded).tolist() == [0, 1, 2]
    (tmp_path / "a" / "extra.py").write_text("x = 1\n")
    with pytest.raises(MarshalError, match='step "s": input "a": the artifact .* was changed'):
        marshal.load(str(tmp_path / "a"), step="s", name="a", recorded=recorded)
    (tmp_path / "a" / "extra.py").unlink()
    elsewhere = tmp_path / "elsewhere.npy"
    (tmp_path / "a" / "data.npy").rename(elsewhere)
    (tmp_path / "a" / "data.npy").symlink_to(elsewhere)
    with pytest.raises(MarshalError, match=r'step "s": input "a": cannot read .* not a regular file'):
        marshal.load(str(tmp_path / "a"), step="s", name="a", recorded=recorded)


def test_digest_covers_names_sizes_and_bytes(tmp_path):
    for name, files in {
        "a": {"x": b"12", "y": b"3"},
        "b": {"x": b"1", "y": b"23"},  # the same bytes in the same order, split differently
        "c": {"x": b"12", "z": b"3"},
        "d": {"x": b"12", "sub/y": b"3"},
    }.items():
        for rel, data in files.items():
            (tmp_path / name / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name / rel).write_bytes(data)
    digests = {marshal.digest(str(tmp_path / n)) for n in "abcd"}
    assert len(digests) == 4
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "big").write_bytes(os.urandom(3 * (1 << 20) + 5))  # across the 1 MiB buffer
    import hashlib

    expected = hashlib.sha256(
        b"big\0" + (3 * (1 << 20) + 5).to_bytes(8, "little") + (tmp_path / "e" / "big").read_bytes()
    )
    assert marshal.digest(str(tmp_path / "e")) == expected.hexdigest()


NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "metadata": {"tags": ["step:make"]},
            "source": "values = [1, 2, 3]\n",
            "outputs": [],
            "execution_count": None,
        },
        {
            "cell_type": "code",
            "metadata": {"tags": ["step:total", "prev:make"]},
            "source": "total = sum(values)\nprint('total is', total)\n",
            "outputs": [],
            "execution_count": None,
        },
    ],
    "metadata": {"kubeflow_notebook": {"pipeline_name": "verify", "docker_image": "python:3.11"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the compiler")
def test_the_local_runner_passes_the_recorded_metadata_on_as_kfp_does(compiler, tmp_path):
    notebook = tmp_path / "nb" / "verify.ipynb"
    notebook.parent.mkdir()
    notebook.write_text(json.dumps(NOTEBOOK))
    package = compiler(notebook, tmp_path / "verify.yaml")
    result = run_package_file(str(package), store=str(tmp_path / "store"))
    assert result.succeeded, {n: s.error for n, s in result.states.items() if s.error}
    assert result.by_state(SUCCEEDED) == ["make", "total"]
    state = next(s for s in result.states.values() if s.step == "total")
    ex = json.loads((Path(state.log_path).parent / "executor_input.json").read_text())
    (art,) = ex["inputs"]["artifacts"]["values"]["artifacts"]
    path = art["uri"][len("file://") :] if art["uri"].startswith("file://") else art["uri"]
    assert art["metadata"]["cellpipe.backend"] == "cloudpickle"
    assert art["metadata"]["cellpipe.sha256"] == marshal.digest(path)
    assert "total is 6" in Path(state.log_path).read_text()

    # From the cache: the producer's entry keeps the record, the consumer re-runs and still verifies its input.
    again = run_package_file(str(package), store=str(tmp_path / "store"), from_step="total")
    assert again.succeeded, {n: s.error for n, s in again.states.items() if s.error}
    assert again.by_state(SUCCEEDED) == ["total"]
    state = next(s for s in again.states.values() if s.step == "total")
    ex = json.loads((Path(state.log_path).parent / "executor_input.json").read_text())
    assert ex["inputs"]["artifacts"]["values"]["artifacts"][0]["metadata"] == art["metadata"]
