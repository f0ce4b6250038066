"""The local runner on packages the kfp SDK compiles itself: executor inputs, caching, failures, parallelism."""

import json
import os
import sys
from pathlib import Path

import pytest
from google.protobuf import json_format
from kfp import compiler, dsl
from kfp.local import executor_input_utils
from kfp.pipeline_spec import pipeline_spec_pb2

from cellpipe.cli import main as cli_main
from cellpipe.local.package import PackageError, load_package
from cellpipe.local.runner import CACHED, FAILED, SKIPPED, SUCCEEDED, LocalRunner

PY = "python3"


@dsl.container_component
def produce(n: int, out: dsl.Output[dsl.Artifact]):
    return dsl.ContainerSpec(
        image="python:3.11",
        command=[PY, "-c"],
        args=[
            "import sys, os; os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True); "
            "open(sys.argv[2], 'w').write(str(int(sys.argv[1]) * 2))",
            n,
            out.path,
        ],
    )


@dsl.container_component
def add(inp: dsl.Input[dsl.Artifact], k: int, out: dsl.Output[dsl.Artifact]):
    return dsl.ContainerSpec(
        image="python:3.11",
        command=[PY, "-c"],
        args=[
            "import sys, os; v = int(open(sys.argv[1]).read()); os.makedirs(os.path.dirname(sys.argv[3]), exist_ok=True); "
            "open(sys.argv[3], 'w').write(str(v + int(sys.argv[2])))",
            inp.path,
            k,
            out.path,
        ],
    )


@dsl.container_component
def fail(code: int):
    return dsl.ContainerSpec(
        image="python:3.11", command=["sh", "-c"], args=['echo "about to fail" >&2; exit "$0"', code]
    )


@dsl.container_component
def stamp(name: str, seconds: float, log_dir: str, out: dsl.Output[dsl.Artifact]):
    return dsl.ContainerSpec(
        image="python:3.11",
        command=[PY, "-c"],
        args=[
            "import sys, time, os, json; start = time.time(); time.sleep(float(sys.argv[2])); "
            "os.makedirs(sys.argv[3], exist_ok=True); "
            "open(os.path.join(sys.argv[3], sys.argv[1] + '.json'), 'w').write(json.dumps([start, time.time()])); "
            "os.makedirs(os.path.dirname(sys.argv[4]), exist_ok=True); open(sys.argv[4], 'w').write(sys.argv[1])",
            name,
            seconds,
            log_dir,
            out.path,
        ],
    )


def compile_to(pipeline_func, path: Path) -> Path:
    compiler.Compiler().compile(pipeline_func, str(path))
    return path


def read(result, task, output="out"):
    return Path(result.artifact(task, output)).read_text()


def runner(path: Path, store: Path, **kwargs) -> LocalRunner:
    return LocalRunner(load_package(path.read_text()), str(store), **kwargs)


@pytest.fixture
def chain(tmp_path) -> Path:
    @dsl.pipeline(name="chain")
    def pipe(n: int = 21, k: int = 1):
        a = produce(n=n)
        add(inp=a.outputs["out"], k=k).set_caching_options(True)

    return compile_to(pipe, tmp_path / "chain.yaml")


def test_runs_and_passes_artifacts(chain, tmp_path):
    result = runner(chain, tmp_path / "store").run()
    assert result.succeeded
    assert read(result, "produce") == "42"
    assert read(result, "add") == "43"


def test_cache_hits_and_misses_exactly(chain, tmp_path):
    store = tmp_path / "store"
    first = runner(chain, store).run()
    assert first.by_state(SUCCEEDED) == ["add", "produce"]
    again = runner(chain, store).run()
    assert again.by_state(CACHED) == ["add", "produce"]
    assert read(again, "add") == "43"
    # a parameter only the last step reads: the first step is reused
    k_changed = runner(chain, store, parameters={"k": 5}).run()
    assert k_changed.by_state(CACHED) == ["produce"] and k_changed.by_state(SUCCEEDED) == ["add"]
    assert read(k_changed, "add") == "47"
    # upstream data changes: both run again
    n_changed = runner(chain, store, parameters={"n": 1}).run()
    assert n_changed.by_state(SUCCEEDED) == ["add", "produce"]
    assert read(n_changed, "add") == "3"
    # --no-cache reuses nothing
    assert runner(chain, store, use_cache=False).run().by_state(SUCCEEDED) == ["add", "produce"]


def test_a_task_with_caching_off_runs_again_as_kfp_reads_it(tmp_path):
    # KFP writes caching off as `cachingOptions: {}` (proto3 leaves out the false enableCache), and so
    # does cellpipe's compiler for a step with caching off: it must run every time.
    @dsl.pipeline(name="nocache")
    def pipe(n: int = 21, k: int = 1):
        a = produce(n=n).set_caching_options(True)
        add(inp=a.outputs["out"], k=k).set_caching_options(False)

    path = compile_to(pipe, tmp_path / "nocache.yaml")
    assert "cachingOptions: {}" in path.read_text()
    store = tmp_path / "store"
    runner(path, store).run()
    again = runner(path, store).run()
    assert again.by_state(CACHED) == ["produce"] and again.by_state(SUCCEEDED) == ["add"]


def test_code_edit_of_last_step_reruns_only_it(chain, tmp_path):
    store = tmp_path / "store"
    runner(chain, store).run()
    edited = tmp_path / "edited.yaml"
    edited.write_text(chain.read_text().replace("v + int(sys.argv[2])", "v + 100 * int(sys.argv[2])"))
    result = runner(edited, store).run()
    assert result.by_state(CACHED) == ["produce"] and result.by_state(SUCCEEDED) == ["add"]
    assert read(result, "add") == "142"


def test_from_and_only(chain, tmp_path):
    store = tmp_path / "store"
    nothing = runner(chain, store).run(only="add")  # nothing cached yet: upstream cannot come from cache
    assert nothing.by_state(FAILED) == ["produce"] and nothing.by_state(SKIPPED) == ["add"]
    assert "run the whole pipeline once first" in nothing.states["produce"].error
    runner(chain, store).run()
    only = runner(chain, store).run(only="add")
    assert only.by_state(SUCCEEDED) == ["add"] and only.by_state(CACHED) == ["produce"]
    from_first = runner(chain, store).run(from_step="produce")
    assert from_first.by_state(SUCCEEDED) == ["add", "produce"]


def test_failure_skips_descendants_and_independent_branches_finish(tmp_path):
    @dsl.pipeline(name="branches")
    def pipe(n: int = 2):
        bad = fail(code=3)
        after_bad = produce(n=n).after(bad)
        ok = produce(n=n)
        add(inp=ok.outputs["out"], k=1)
        del after_bad

    path = compile_to(pipe, tmp_path / "branches.yaml")
    result = runner(path, tmp_path / "store").run()
    assert not result.succeeded
    assert result.by_state(FAILED) == ["fail"]
    assert result.by_state(SKIPPED) == ["produce"]  # the one after the failure
    assert sorted(result.by_state(SUCCEEDED)) == ["add", "produce-2"]
    error = result.states["fail"].error
    assert 'step "fail" failed (exit code 3)' in error and "about to fail" in error
    assert "--from fail" in error


def test_parallel_branches_overlap_in_time(tmp_path):
    logs = tmp_path / "stamps"

    @dsl.pipeline(name="parallel")
    def pipe():
        stamp(name="left", seconds=1.0, log_dir=str(logs))
        stamp(name="right", seconds=1.0, log_dir=str(logs))

    path = compile_to(pipe, tmp_path / "parallel.yaml")
    result = runner(path, tmp_path / "store", workers=2).run()
    assert result.succeeded
    left = json.loads((logs / "left.json").read_text())
    right = json.loads((logs / "right.json").read_text())
    assert left[0] < right[1] and right[0] < left[1], (left, right)  # the two intervals intersect


def test_executor_input_matches_kfp_local(chain, tmp_path):
    """Ours and kfp.local's executor input for the same task agree, but for where files go."""
    package = load_package(chain.read_text())
    local = LocalRunner(package, str(tmp_path / "store"))
    params, artifacts = local._arguments("produce", {})
    ours = local._executor_input("produce", params, artifacts, str(tmp_path / "root"))
    spec = pipeline_spec_pb2.ComponentSpec()
    json_format.ParseDict(package.tasks["produce"].component, spec)
    theirs = json_format.MessageToDict(
        executor_input_utils.construct_executor_input(spec, {"n": 21}, str(tmp_path / "root"), True)
    )
    assert ours["inputs"]["parameterValues"] == theirs["inputs"]["parameterValues"]
    assert ours["outputs"]["outputFile"] == theirs["outputs"]["outputFile"]
    ours_out = ours["outputs"]["artifacts"]["out"]["artifacts"][0]
    theirs_out = theirs["outputs"]["artifacts"]["out"]["artifacts"][0]
    assert ours_out["uri"] == theirs_out["uri"]
    assert ours_out["type"]["schemaTitle"] == theirs_out["type"]["schemaTitle"]
    assert set(ours_out) >= set(theirs_out) - {"metadata"}


def test_bad_packages_are_clear_errors(tmp_path):
    with pytest.raises(PackageError, match="not a KFP pipeline package"):
        load_package("a: 1\n")
    with pytest.raises(PackageError, match="not a YAML"):
        load_package("a: [\n")


def test_cli_runs_a_package_and_reports(chain, tmp_path, capsys):
    code = cli_main(["run", str(chain), "--store", str(tmp_path / "s"), "-q"])
    out = capsys.readouterr().out
    assert code == 0 and "2 succeeded" in out
    code = cli_main(["run", str(chain), "--store", str(tmp_path / "s"), "-q", "--param", "k=2"])
    out = capsys.readouterr().out
    assert code == 0 and "1 succeeded, 1 cached" in out
    assert cli_main(["run", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert cli_main(["run", str(chain), "--param", "nope=1"]) == 2
    assert "unknown pipeline parameter" in capsys.readouterr().err


def test_python3_in_steps_is_this_python(tmp_path):
    @dsl.container_component
    def which(out: dsl.Output[dsl.Artifact]):
        return dsl.ContainerSpec(
            image="python:3.11",
            command=["sh", "-c"],
            args=['mkdir -p "$(dirname "$0")"; python3 -c "import sys; print(sys.prefix)" > "$0"', out.path],
        )

    @dsl.pipeline(name="which")
    def pipe():
        which()

    path = compile_to(pipe, tmp_path / "which.yaml")
    result = runner(path, tmp_path / "store").run()
    assert result.succeeded
    assert read(result, "which").strip() == sys.prefix
    assert os.path.isdir(sys.prefix)


def test_service_store_is_beside_the_notebook_and_inside_the_root(tmp_path):
    from cellpipe.local.runner import RunError
    from cellpipe.local.service import LocalRunService

    root = tmp_path / "root"
    (root / "work").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "escape").symlink_to(tmp_path / "outside")
    service = LocalRunService(str(root))
    assert service.store_for("work/pipeline.ipynb") == str(root / "work" / ".cellpipe")
    # the collaborative drive's prefix names the same file
    assert service.store_for("RTC:work/pipeline.ipynb") == str(root / "work" / ".cellpipe")
    assert service.store_for("pipeline.ipynb") == str(root / ".cellpipe")
    for bad in ["../pipeline.ipynb", "work/../../x.ipynb", "/etc/x.ipynb", "escape/x.ipynb"]:
        with pytest.raises(RunError, match="outside the server's root"):
            service.store_for(bad)


def test_a_failure_reads_the_same_in_the_result_the_cli_and_the_server(tmp_path, capsys):
    """The runner words a step's failure once (`RunResult.failures`); the CLI and a server run only name
    the package their reader knows."""
    import time

    from cellpipe.local.service import LocalRunService

    @dsl.pipeline(name="failing")
    def pipe():
        fail(code=3)

    path = compile_to(pipe, tmp_path / "failing.yaml")
    [failure] = runner(path, tmp_path / "store").run().failures("failing.yaml")
    assert 'step "fail" failed (exit code 3)' in failure and "about to fail" in failure
    assert failure.endswith("Re-run from this step: cellpipe run failing.yaml --from fail")

    assert cli_main(["run", str(path), "--store", str(tmp_path / "cli"), "-q"]) == 1
    assert f"Re-run from this step: cellpipe run {path} --from fail" in capsys.readouterr().err

    run = LocalRunService(str(tmp_path)).start(path.read_text(), notebook_path="failing.ipynb")
    deadline = time.monotonic() + 120  # a bound on waiting, not an assertion on time
    while run.finished is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.error is not None and 'step "fail" failed (exit code 3)' in run.error
    assert run.error.endswith("Re-run from this step: cellpipe run pipeline.yaml --from fail")
