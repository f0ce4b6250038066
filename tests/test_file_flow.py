"""Files around steps (docs/step-program.md, "Files"): the working folder, files carried between steps by
artifacts, imported data files, and a local cache key that sees the files a step reads."""

import json
import os
import shutil
from pathlib import Path

import pytest

from cellpipe.local.files import FileHashes, program_files, read_hashes, working_folder
from cellpipe.runtime import files as step_files
from cellpipe.runtime import marshal
from cellpipe.runtime.executor import ExecutorInput

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "files"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the compiler")


def executor(tmp_path: Path, inputs=None, outputs=(), parameters=None) -> ExecutorInput:
    def artifact(name, uri, metadata=None):
        return {"artifacts": [{"name": name, "uri": uri, "metadata": metadata or {}}]}

    return ExecutorInput(
        {
            "inputs": {
                "parameterValues": parameters or {},
                "artifacts": {n: artifact(n, uri, meta) for n, (uri, meta) in (inputs or {}).items()},
            },
            "outputs": {
                "artifacts": {n: artifact(n, str(tmp_path / "out" / n)) for n in outputs},
                "outputFile": str(tmp_path / "out" / "executor_output.json"),
            },
        }
    )


# --- the runtime -------------------------------------------------------------------------------------------


def test_a_written_file_is_saved_recorded_then_placed_verified(tmp_path, monkeypatch):
    writer_dir, reader_dir = tmp_path / "writer", tmp_path / "reader"
    (writer_dir / "out").mkdir(parents=True)
    reader_dir.mkdir()
    (writer_dir / "out" / "clean.csv").write_text("a,b\n1,2\n")
    monkeypatch.chdir(writer_dir)
    spec = {"outputs": {"cellpipe_file_out_clean_csv": "out/clean.csv"}}
    ex = executor(tmp_path, outputs=["cellpipe_file_out_clean_csv"])
    meta = step_files.save_outputs("clean", ex, spec)["cellpipe_file_out_clean_csv"]
    artifact = tmp_path / "out" / "cellpipe_file_out_clean_csv"
    assert (artifact / "clean.csv").read_text() == "a,b\n1,2\n"
    assert meta == {
        "cellpipe.backend": "file",
        "cellpipe.path": "out/clean.csv",
        "cellpipe.sha256": marshal.digest(str(artifact)),
    }

    monkeypatch.chdir(reader_dir)
    reader = executor(tmp_path, inputs={"cellpipe_file_out_clean_csv": (str(artifact), meta)})
    step_files.place_inputs("train", reader, {"inputs": {"cellpipe_file_out_clean_csv": "out/clean.csv"}})
    placed = reader_dir / "out" / "clean.csv"
    assert placed.read_text() == "a,b\n1,2\n" and not placed.is_symlink()
    placed.write_text("changed by the step")  # a copy: the artifact (the local cache) is untouched
    assert (artifact / "clean.csv").read_text() == "a,b\n1,2\n"

    (artifact / "clean.csv").write_text("tampered")
    with pytest.raises(SystemExit, match=r'step "train": file "out/clean.csv" .* was changed after'):
        step_files.place_inputs("train", reader, {"inputs": {"cellpipe_file_out_clean_csv": "out/clean.csv"}})
    unrecorded = executor(tmp_path, inputs={"cellpipe_file_out_clean_csv": (str(artifact), {})})
    with pytest.raises(SystemExit, match=r'step "train": file "out/clean.csv" .* has no cellpipe.sha256'):
        step_files.place_inputs(
            "train", unrecorded, {"inputs": {"cellpipe_file_out_clean_csv": "out/clean.csv"}}
        )


def test_a_file_the_step_did_not_write_is_an_error_naming_step_and_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ex = executor(tmp_path, outputs=["cellpipe_file_clean_csv"])
    with pytest.raises(
        SystemExit, match=r'step "clean": file "clean.csv" is read by a later step but this step'
    ):
        step_files.save_outputs("clean", ex, {"outputs": {"cellpipe_file_clean_csv": "clean.csv"}})


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.csv", "a/../../b.csv"])
def test_paths_out_of_the_working_folder_are_refused(tmp_path, monkeypatch, path):
    monkeypatch.chdir(tmp_path)
    ex = executor(tmp_path, inputs={"f": (str(tmp_path), {"cellpipe.sha256": "x"})}, parameters={})
    with pytest.raises(SystemExit, match=rf'step "s": file path {path!r} '):
        step_files.place_inputs("s", ex, {"inputs": {"f": path}})
    data = executor(
        tmp_path, inputs={"f": (str(tmp_path), {})}, parameters={"cellpipe_data_files": {"f": path}}
    )
    with pytest.raises(SystemExit, match=rf'step "s": file path {path!r} '):
        step_files.place_data_files("s", data)


def test_an_imported_data_file_is_linked_at_its_path(tmp_path, monkeypatch):
    downloaded = tmp_path / "minio" / "train.csv"  # where the launcher put the importer's object
    downloaded.parent.mkdir()
    downloaded.write_text("x\n1\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    ex = executor(
        tmp_path,
        inputs={"cellpipe_file_data_train_csv": (str(downloaded), {"cellpipe.path": "data/train.csv"})},
        parameters={"cellpipe_data_files": {"cellpipe_file_data_train_csv": "data/train.csv"}},
    )
    step_files.place_data_files("load", ex)
    assert (work / "data" / "train.csv").read_text() == "x\n1\n"
    missing = executor(
        tmp_path,
        inputs={"cellpipe_file_x": (str(tmp_path / "nowhere"), {})},
        parameters={"cellpipe_data_files": {"cellpipe_file_x": "x.csv"}},
    )
    with pytest.raises(SystemExit, match=r'step "load": data file "x.csv" .* is not at'):
        step_files.place_data_files("load", missing)


def test_the_working_folder_is_the_runners_else_the_compilers_if_it_exists(tmp_path, monkeypatch, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(step_files.WORKDIR_ENV, raising=False)
    step_files.enter_workdir("s", {"workdir": str(a)})
    assert os.getcwd() == str(a)
    monkeypatch.setenv(step_files.WORKDIR_ENV, str(b))
    step_files.enter_workdir("s", {"workdir": str(a)})
    assert os.getcwd() == str(b)
    monkeypatch.delenv(step_files.WORKDIR_ENV)
    step_files.enter_workdir("s", {"workdir": str(tmp_path / "not-mounted")})
    assert os.getcwd() == str(b)
    assert "not-mounted" in capsys.readouterr().err


# --- the local runner's side -------------------------------------------------------------------------------


def test_program_files_reads_the_compilers_line():
    program = '# cellpipe step "a"\n_CELLPIPE_FILES = {"reads": ["data/a.txt"]}\nx = 1\n'
    assert program_files(["sh", "-ec", "...", program, "--executor-input", "{{$}}"]) == {
        "reads": ["data/a.txt"]
    }
    assert program_files(["sh", "-ec", "x = 1"]) == {}


def test_file_hashes_are_incremental_and_see_every_change(tmp_path, monkeypatch):
    data = tmp_path / "data"
    (data / "img").mkdir(parents=True)
    (data / "a.txt").write_text("one")
    (data / "img" / "1.png").write_bytes(b"\x89PNG")
    old = 1_600_000_000_000_000_000  # an old mtime: the hash may be remembered
    os.utime(data / "a.txt", ns=(old, old))
    store = tmp_path / "store"
    store.mkdir()
    spec = {"reads": ["data/a.txt", "data/img", "data/*.txt", "gone.csv"]}
    hashes = FileHashes(str(store))
    first = read_hashes(spec, str(tmp_path), hashes)
    assert first["gone.csv"] == "missing"
    assert first["data/*.txt"] == {"data/a.txt": first["data/a.txt"]}
    assert set(first["data/img"]) == {"1.png"}
    hashes.save()
    kept = json.loads((store / "file-hashes.json").read_text())
    assert kept[os.path.realpath(data / "a.txt")][:2] == [3, old]

    # Unchanged size and mtime: not read again (a stored hash is trusted).
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda p, *a, **k: opened.append(str(p)) or real_open(p, *a, **k))
    again = FileHashes(str(store))
    assert read_hashes({"reads": ["data/a.txt"]}, str(tmp_path), again) == {"data/a.txt": first["data/a.txt"]}
    assert str(os.path.realpath(data / "a.txt")) not in opened
    monkeypatch.undo()

    (data / "a.txt").write_text("two")  # same size, new mtime
    assert read_hashes(spec, str(tmp_path), again)["data/a.txt"] != first["data/a.txt"]


def test_working_folder_of_a_run(tmp_path):
    nb = tmp_path / "nb" / "x.ipynb"
    nb.parent.mkdir()
    assert working_folder(str(nb)) == str(nb.parent)
    assert working_folder(str(nb), str(tmp_path)) == str(tmp_path)
    with pytest.raises(ValueError, match="does not exist"):
        working_folder(str(nb), str(tmp_path / "nope"))
