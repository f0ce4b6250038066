"""Files around steps (docs/step-program.md, "Files"): the working folder, files carried between steps by
artifacts, imported data files, and a local cache key that sees the files a step reads."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from local_run_api import poll

from cellpipe.local.files import FileHashes, program_files, read_hashes, working_folder
from cellpipe.local.runner import SUCCEEDED, run_package_file
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


# --- real runs of tests/fixtures/files/readers.ipynb (beside data/a.txt, data/b.txt) --------------------------
# load_a reads data/a.txt and writes clean.txt; load_b reads data/b.txt; combine (after both) reads clean.txt and
# takes text_b; report takes combined.


def project(tmp_path: Path) -> Path:
    """A copy of the fixture folder; the notebook in it."""
    folder = tmp_path / "project"
    shutil.copytree(FIXTURES, folder)
    return folder / "readers.ipynb"


@needs_node
def test_a_file_one_step_writes_reaches_the_next_by_its_artifact_not_the_disk(
    compiler, tmp_path, monkeypatch
):
    notebook = project(tmp_path)
    folder = notebook.parent
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the run is started from another folder
    package = compiler(notebook, tmp_path / "readers.yaml")
    removed = []

    def on_event(state):
        # Called before the consumer is scheduled: the producer's copy is gone when combine starts.
        if state.step == "load_a" and state.state == SUCCEEDED:
            (folder / "clean.txt").unlink()
            removed.append(state.step)

    logs = []
    result = run_package_file(
        str(package),
        store=str(tmp_path / "store"),
        cwd=str(folder),
        on_event=on_event,
        on_log=lambda step, line: logs.append((step, line)),
    )
    assert result.succeeded, {n: s.error for n, s in result.states.items() if s.error}
    assert removed == ["load_a"]
    assert ("combine", "combined ALPHA+beta") in logs
    assert (folder / "clean.txt").read_text() == "ALPHA"  # placed back by combine, from the artifact
    assert list(elsewhere.iterdir()) == []


def cli_run(notebook: Path, cwd: Path, *args: str) -> dict:
    """`cellpipe run` from the shell in `cwd`: {step: state} from its progress lines, and its output."""
    done = subprocess.run(
        [sys.executable, "-m", "cellpipe.cli", "run", str(notebook), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Searched, not split by line: the CLI's progress lines from parallel steps may share a line.
    states = dict(re.findall(r"[✔⚡✘–] (\w+): (succeeded|cached|failed|skipped)\b", done.stdout))
    return {"states": states, "out": done.stdout}


CLI_BUNDLE = ROOT / "cellpipe" / "compiler_js" / "cellpipe.cjs"


@needs_node
@pytest.mark.skipif(not CLI_BUNDLE.exists(), reason="needs the built compiler bundle (npm run build:cli)")
def test_from_the_shell_an_edited_data_file_reruns_exactly_its_readers_and_what_follows(tmp_path):
    notebook = project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    steps = {"load_a", "load_b", "combine", "report"}

    first = cli_run(notebook, elsewhere)
    assert first["states"] == dict.fromkeys(steps, "succeeded"), first["out"]
    assert "combined ALPHA+beta" in first["out"]
    assert cli_run(notebook, elsewhere)["states"] == dict.fromkeys(steps, "cached")

    (notebook.parent / "data" / "a.txt").write_text("gamma\n")
    edited_a = cli_run(notebook, elsewhere)
    assert edited_a["states"] == {
        "load_a": "succeeded",
        "load_b": "cached",
        "combine": "succeeded",
        "report": "succeeded",
    }
    assert "combined GAMMA+beta" in edited_a["out"]

    (notebook.parent / "data" / "b.txt").write_text("delta\n")
    edited_b = cli_run(notebook, elsewhere)
    assert edited_b["states"] == {
        "load_a": "cached",
        "load_b": "succeeded",
        "combine": "succeeded",
        "report": "succeeded",
    }
    assert "combined GAMMA+delta" in edited_b["out"]
    assert list(elsewhere.iterdir()) == []


@needs_node
def test_a_package_runs_in_its_own_folder_or_workdir(compiler, tmp_path):
    notebook = project(tmp_path)
    package = compiler(notebook, notebook.parent / "readers.yaml")
    run = cli_run(package, tmp_path, "--store", str(tmp_path / "store"))
    assert run["states"] == dict.fromkeys(["load_a", "load_b", "combine", "report"], "succeeded")
    other = tmp_path / "other"
    shutil.copytree(notebook.parent / "data", other / "data")
    (other / "data" / "b.txt").write_text("other\n")
    moved = cli_run(package, tmp_path, "--store", str(tmp_path / "store"), "--workdir", str(other))
    assert "combined ALPHA+other" in moved["out"]
    assert moved["states"]["load_a"] == "cached" and moved["states"]["load_b"] == "succeeded"


@needs_node
async def test_from_the_server_api_the_steps_read_beside_the_notebook(
    compiler, jp_fetch, jp_root_dir, tmp_path
):
    shutil.copytree(FIXTURES, jp_root_dir / "proj")
    package = compiler(jp_root_dir / "proj" / "readers.ipynb", tmp_path / "readers.yaml").read_text()
    request = {"package": package, "notebookPath": "proj/readers.ipynb"}
    response = await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(request))
    body = await poll(jp_fetch, json.loads(response.body)["id"])
    assert body["error"] is None, body
    assert {s["step"]: s["state"] for s in body["steps"]} == dict.fromkeys(
        ["load_a", "load_b", "combine", "report"], "succeeded"
    )
    assert "[combine] combined ALPHA+beta" in body["logs"]
    (jp_root_dir / "proj" / "data" / "b.txt").write_text("edited\n")
    response = await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(request))
    again = await poll(jp_fetch, json.loads(response.body)["id"])
    assert {s["step"]: s["state"] for s in again["steps"]} == {
        "load_a": "cached",
        "load_b": "succeeded",
        "combine": "succeeded",
        "report": "succeeded",
    }
    assert "[combine] combined ALPHA+edited" in again["logs"]


@needs_node
def test_kfp_loads_a_package_with_file_flow(compiler, tmp_path):
    from google.protobuf import json_format
    from kfp import compiler as kfp_compiler
    from kfp import components, dsl
    from kfp.pipeline_spec import pipeline_spec_pb2

    package = compiler(project(tmp_path), tmp_path / "readers.yaml")
    spec_doc = yaml_load(package)
    spec = json_format.ParseDict(spec_doc, pipeline_spec_pb2.PipelineSpec())  # strict: unknown fields fail
    for executor_spec in spec_doc["deploymentSpec"]["executors"].values():
        json_format.ParseDict(executor_spec, pipeline_spec_pb2.PipelineDeploymentConfig.ExecutorSpec())
    wired = spec.root.dag.tasks["combine"].inputs.artifacts["cellpipe_file_clean_txt"].task_output_artifact
    assert (wired.producer_task, wired.output_artifact_key) == ("load-a", "cellpipe_file_clean_txt")
    outputs = spec.components["comp-load-a"].output_definitions.artifacts
    assert outputs["cellpipe_file_clean_txt"].artifact_type.schema_title == "system.Artifact"

    loaded = components.load_component_from_file(str(package))

    @dsl.pipeline(name="outer")
    def outer():
        loaded()

    kfp_compiler.Compiler().compile(outer, str(tmp_path / "outer.yaml"))
    again = yaml_load(tmp_path / "outer.yaml")
    # kfp compiles the loaded package as a nested DAG: its inner tasks keep the file wiring.
    inner = next(c for c in again["components"].values() if "dag" in c and "combine" in c["dag"]["tasks"])
    assert inner["dag"]["tasks"]["combine"]["inputs"]["artifacts"]["cellpipe_file_clean_txt"] == {
        "taskOutputArtifact": {"outputArtifactKey": "cellpipe_file_clean_txt", "producerTask": "load-a"}
    }


def yaml_load(path: Path) -> dict:
    import yaml

    return next(yaml.safe_load_all(path.read_text()))


@needs_node
def test_as_on_kfp_each_step_in_its_own_pod_starts_in_the_mounted_notebook_folder(compiler, tmp_path):
    """Kale's workspace volume mounted at `mount` holds the notebook's folder (abs_working_dir); each task
    runs from its own empty folder with the executor input kfp builds; clean.txt is removed from the
    workspace after load_a, so combine reads the copy its input artifact carries."""
    from google.protobuf import json_format
    from kfp import dsl
    from kfp.local import executor_input_utils
    from kfp.pipeline_spec import pipeline_spec_pb2

    mount = tmp_path / "workspace"
    notebook = project(mount)  # <mount>/project/readers.ipynb, data/ beside it
    nb = json.loads(notebook.read_text())
    nb["metadata"]["kubeflow_notebook"] = {
        "abs_working_dir": str(notebook.parent),
        "volumes": [{"type": "pvc", "name": "workspace-ws", "mount_point": str(mount)}],
    }
    notebook.write_text(json.dumps(nb))
    spec = yaml_load(compiler(notebook, tmp_path / "readers.yaml"))
    tasks = spec["root"]["dag"]["tasks"]
    outputs: dict = {}
    logs = {}
    for name in ["load-a", "load-b", "combine", "report"]:
        task = tasks[name]
        component = spec["components"][task["componentRef"]["name"]]
        arguments = {}
        for key, source in task.get("inputs", {}).get("artifacts", {}).items():
            ref = source["taskOutputArtifact"]
            produced = outputs[ref["producerTask"]][ref["outputArtifactKey"]]
            arguments[key] = dsl.Artifact(name=key, uri=produced["uri"], metadata=produced["metadata"])
        pod = tmp_path / "pods" / name
        pod.mkdir(parents=True)
        message = executor_input_utils.construct_executor_input(
            json_format.ParseDict(component, pipeline_spec_pb2.ComponentSpec()), arguments, str(pod), False
        )
        executor_input = executor_input_utils.executor_input_to_dict(
            message, json_format.ParseDict(component, pipeline_spec_pb2.ComponentSpec())
        )
        container = spec["deploymentSpec"]["executors"][component["executorLabel"]]["container"]
        args = [json.dumps(executor_input) if a == "{{$}}" else a for a in container["args"]]
        env = {k: v for k, v in os.environ.items() if k != step_files.WORKDIR_ENV}
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
        done = subprocess.run(
            [*container["command"], *args], cwd=pod, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{name}:\n{done.stdout}\n{done.stderr}"
        logs[name] = done.stdout
        with open(executor_input["outputs"]["outputFile"]) as f:
            reported = json.load(f).get("artifacts", {})
        outputs[name] = {
            key: {
                "uri": entry["artifacts"][0]["uri"],
                "metadata": reported.get(key, {}).get("artifacts", [{}])[0].get("metadata", {}),
            }
            for key, entry in executor_input["outputs"].get("artifacts", {}).items()
        }
        if name == "load-a":
            (notebook.parent / "clean.txt").unlink()
    assert "combined ALPHA+beta" in logs["combine"]
    assert outputs["load-a"]["cellpipe_file_clean_txt"]["metadata"]["cellpipe.path"] == "clean.txt"
    assert (notebook.parent / "clean.txt").read_text() == "ALPHA"  # placed by combine, in the notebook folder


@needs_node
@pytest.mark.skipif(not CLI_BUNDLE.exists(), reason="needs the built compiler bundle (npm run build:cli)")
def test_from_the_shell_a_data_file_with_an_importer_choice_is_read_beside_the_notebook(tmp_path):
    notebook = project(tmp_path)
    nb = json.loads(notebook.read_text())
    nb["metadata"]["cellpipe"] = {"dataFiles": {"data/a.txt": {"source": "uri", "uri": "s3://bucket/a.txt"}}}
    notebook.write_text(json.dumps(nb))
    run = cli_run(notebook, tmp_path)  # compiled without importers: the local runner runs none
    assert run["states"] == dict.fromkeys(["load_a", "load_b", "combine", "report"], "succeeded")
    assert "combined ALPHA+beta" in run["out"]
