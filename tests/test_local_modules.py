"""The notebook's own modules travel with the steps that import them: compiled by `cellpipe compile` (node)
or bundled by the server for the panel, byte for byte the same, and importable in a step that runs where
they are not."""

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml
from tornado.httpclient import HTTPClientError

from cellpipe import cli, cli_common
from cellpipe.local.runner import CACHED, SUCCEEDED, run_package_file
from cellpipe.runtime import bundle, marshal
from cellpipe.server.notebook_path import PathError, notebook_dir

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "local_modules"
NOTEBOOK = FIXTURE / "pipeline.ipynb"
IMPORTED = ["helpers", "json", "textkit"]  # what the fixture's steps import

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the compiler")


def compile_notebook(cli_bundle: Path, notebook: Path, target: Path, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["node", str(cli_bundle), "compile", str(notebook), "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        cwd="/",
    )


def step_bundles(package: Path) -> dict:
    """Step name → its `_CELLPIPE_BUNDLES` as written in the program."""
    spec = next(yaml.safe_load_all(package.read_text()))
    out = {}
    for label, executor in spec["deploymentSpec"]["executors"].items():
        program = executor["container"]["args"][0]
        line = next(x for x in program.splitlines() if x.startswith("_CELLPIPE_BUNDLES = "))
        out[label.removeprefix("exec-")] = json.loads(line.split(" = ", 1)[1])
    return out


def names_in(bundles: list) -> list:
    out = []
    for digest, data in bundles:
        raw = base64.b64decode(data)
        assert hashlib.sha256(raw).hexdigest() == digest
        out += zipfile.ZipFile(io.BytesIO(raw)).namelist()
    return out


def test_local_modules_are_found_with_what_they_import():
    found = bundle.local_modules(str(FIXTURE), IMPORTED + ["numpy", "os.path"])
    assert sorted(found["bundles"]) == ["helpers", "textkit", "units"]  # units: imported by helpers
    assert found["requires"] == {"helpers": ["units"], "textkit": [], "units": []}
    assert found["maxBytes"] == bundle.MAX_INLINE_BYTES
    assert names_in([found["bundles"]["textkit"]]) == [
        "textkit/__init__.py",
        "textkit/clean.py",
        "textkit/stopwords.py",
    ]
    again = bundle.local_modules(str(FIXTURE), list(reversed(IMPORTED)))
    assert again == found  # deterministic


def test_module_names_never_reach_outside_the_folder(tmp_path):
    (tmp_path / "nb").mkdir()
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "keys.py").write_text("KEY = 1\n")
    names = ["../secret", str(tmp_path / "secret"), "..", "secret/keys"]
    assert bundle.find_local_modules(str(tmp_path / "nb"), names) == []


def test_only_regular_files_are_zipped(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("X = 1\n")
    (package / "real.py").write_text("Y = 2\n")
    (package / ".#real.py").symlink_to("user@host.1234:1700000000")  # an editor's lock file, dangling
    os.mkfifo(package / "pipe")
    found = bundle.local_modules(str(tmp_path), ["pkg"])
    assert names_in([found["bundles"]["pkg"]]) == ["pkg/__init__.py", "pkg/real.py"]


def test_over_the_limit_names_every_module_and_suggests_an_image(tmp_path, monkeypatch):
    (tmp_path / "small.py").write_text("X = 1\n")
    for name in ("big", "huge"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("DATA = '" + "x" * 3000 + "'\n")
    monkeypatch.setattr(bundle, "MAX_INLINE_BYTES", 2000)
    with pytest.raises(bundle.BundleError) as err:
        bundle.local_modules(str(tmp_path), ["small", "big", "huge"])
    message = str(err.value)
    assert "local modules big (3138 bytes), huge (3140 bytes)" in message
    assert "2000-byte limit" in message and "install them in the step image" in message
    assert "small" not in message


@needs_node
def test_compiled_steps_carry_only_the_modules_they_import(cli_bundle, tmp_path):
    package = tmp_path / "pipeline.yaml"
    done = compile_notebook(cli_bundle, NOTEBOOK, package)
    assert done.returncode == 0, done.stderr
    bundles = step_bundles(package)
    assert names_in(bundles["load"]) == ["textkit/__init__.py", "textkit/clean.py", "textkit/stopwords.py"]
    assert names_in(bundles["score"]) == ["helpers.py", "units.py"]
    assert bundles["plain"] == []  # "import helpers" only in a comment and a string
    # the server's bundles (the panel's compile) are the same bytes as node's
    found = bundle.local_modules(str(FIXTURE), IMPORTED)
    assert bundles["score"] == [found["bundles"]["helpers"], found["bundles"]["units"]]
    assert bundles["load"] == [found["bundles"]["textkit"]]

    # the same files elsewhere give the same package, byte for byte
    copy = tmp_path / "copy"
    shutil.copytree(FIXTURE, copy)
    done = compile_notebook(cli_bundle, copy / "pipeline.ipynb", tmp_path / "again.yaml")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "again.yaml").read_bytes() == package.read_bytes()


@needs_node
def test_steps_import_local_modules_where_they_are_not(cli_bundle, tmp_path, monkeypatch):
    package = tmp_path / "pipeline.yaml"
    assert compile_notebook(cli_bundle, NOTEBOOK, package).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_package_file(str(package), store=str(tmp_path / "store"), use_cache=False)
    assert result.succeeded, {n: s.error for n, s in result.states.items() if s.error}
    assert sorted(result.by_state(SUCCEEDED)) == ["load", "plain", "score"]
    outputs = {p.parent.name: p for p in (tmp_path / "store").rglob("cellpipe.json")}
    assert marshal.load(str(outputs["words"].parent)) == ["art", "good", "pipeline"]

    # without its bundles the same step fails: the modules are really not importable there
    stripped = tmp_path / "stripped.yaml"
    text = package.read_text()
    start = text.index("_CELLPIPE_BUNDLES = [[")
    stripped.write_text(text[:start] + "_CELLPIPE_BUNDLES = []" + text[text.index("\n", start) :])
    failed = run_package_file(str(stripped), store=str(tmp_path / "store2"), use_cache=False)
    assert not failed.succeeded
    assert "ModuleNotFoundError: No module named 'textkit'" in failed.states["load"].error


@needs_node
def test_editing_a_module_reruns_only_the_steps_that_import_it(cli_bundle, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    store = str(tmp_path / "store")
    package = tmp_path / "pipeline.yaml"
    assert compile_notebook(cli_bundle, project / "pipeline.ipynb", package).returncode == 0
    assert run_package_file(str(package), store=store).succeeded
    (project / "units.py").write_text("WEIGHT = 4\n")
    assert compile_notebook(cli_bundle, project / "pipeline.ipynb", package).returncode == 0
    again = run_package_file(str(package), store=store)
    assert again.by_state(SUCCEEDED) == ["score"]
    assert sorted(again.by_state(CACHED)) == ["load", "plain"]


@needs_node
def test_cellpipe_run_notebook_ships_them_too(cli_bundle, tmp_path, monkeypatch, capsys):
    notebook = tmp_path / "project" / "pipeline.ipynb"
    shutil.copytree(FIXTURE, notebook.parent)
    monkeypatch.setattr(cli_common, "COMPILER_JS", str(cli_bundle))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code = cli.main(["run", str(notebook), "--no-cache", "--param", 'text="The Quick Pipeline"'])
    out = capsys.readouterr().out
    assert code == 0, out
    assert '[score] {"total": 39}' in out  # quick, pipeline: 13 letters × units.WEIGHT


@needs_node
def test_cli_refuses_modules_over_the_limit(cli_bundle, tmp_path):
    notebook = tmp_path / "pipeline.ipynb"
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "units.py").write_text("WEIGHT = 3\n" + "# padding\n" * 300)
    done = compile_notebook(
        cli_bundle, notebook, tmp_path / "out.yaml", env={"CELLPIPE_MAX_BUNDLE_BYTES": "1000"}
    )
    assert done.returncode == 1 and not (tmp_path / "out.yaml").exists()
    assert "local module units (3" in done.stderr and "1000-byte limit" in done.stderr
    assert "install them in the step image" in done.stderr


@needs_node
def test_node_reads_imports_as_python_does(cli_bundle):
    """The CLI follows local modules' imports with the compiler's scanner, the server with `ast`: they agree."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(
        [
            *ROOT.glob("cellpipe/**/*.py"),
            *ROOT.glob("tests/**/*.py"),
            *stdlib.glob("*.py"),
            *stdlib.glob("asyncio/*.py"),
        ]
    )
    script = (
        "const m = require(process.argv[1]); const fs = require('fs');"
        "const files = JSON.parse(fs.readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(files.map(f => m.importedModules(fs.readFileSync(f, 'utf8')))));"
    )
    done = subprocess.run(
        ["node", "-e", script, str(cli_bundle)],
        input=json.dumps([str(f) for f in files]),
        capture_output=True,
        text=True,
        check=True,
    )
    node = dict(zip(files, json.loads(done.stdout)))
    assert len(files) > 200
    assert {f: sorted(bundle._imports(str(f))) for f in files} == node


# --- the server's handler, for the panel


def test_notebook_paths_stay_under_the_root(tmp_path):
    root = tmp_path / "root"
    (root / "work").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "escape").symlink_to(tmp_path / "outside")
    assert notebook_dir(str(root), "work/pipeline.ipynb") == str(root / "work")
    assert notebook_dir(str(root), "pipeline.ipynb") == str(root)
    assert notebook_dir(str(root), "RTC:work/pipeline.ipynb") == str(root / "work")
    for bad in ["../outside/x.ipynb", "work/../../outside/x.ipynb", "/etc/x.ipynb", "escape/x.ipynb", ""]:
        with pytest.raises(PathError):
            notebook_dir(str(root), bad)


@pytest.fixture
def project(jp_root_dir):
    shutil.copytree(FIXTURE, jp_root_dir / "work")
    return jp_root_dir / "work"


async def post_bundles(jp_fetch, body, **kwargs):
    return await jp_fetch("cellpipe", "api", "bundles", method="POST", body=json.dumps(body), **kwargs)


async def test_handler_answers_the_compilers_local_modules(jp_fetch, project):
    response = await post_bundles(jp_fetch, {"path": "work/pipeline.ipynb", "modules": IMPORTED + ["numpy"]})
    answer = json.loads(response.body)
    assert answer["local"] == ["helpers", "textkit", "units"]
    expected = bundle.local_modules(str(project), IMPORTED)
    assert {k: answer[k] for k in ("bundles", "requires", "maxBytes")} == expected


async def test_handler_refuses_paths_outside_the_root(jp_fetch, project, tmp_path):
    for path in ["../pipeline.ipynb", "/etc/pipeline.ipynb", "work/../../x.ipynb"]:
        with pytest.raises(HTTPClientError) as err:
            await post_bundles(jp_fetch, {"path": path, "modules": ["helpers"]})
        assert err.value.code == 403, path
        assert "root" in json.loads(err.value.response.body)["message"]
    with pytest.raises(HTTPClientError) as err:
        await post_bundles(jp_fetch, {"path": "work/pipeline.ipynb", "modules": "helpers"})
    assert err.value.code == 400


async def test_handler_says_which_modules_are_too_large(jp_fetch, project, monkeypatch):
    monkeypatch.setattr(bundle, "MAX_INLINE_BYTES", 300)
    with pytest.raises(HTTPClientError) as err:
        await post_bundles(jp_fetch, {"path": "work/pipeline.ipynb", "modules": IMPORTED})
    assert err.value.code == 400
    message = json.loads(err.value.response.body)["message"]
    assert "local module textkit (" in message and "300-byte limit" in message
    assert "install them in the step image" in message


async def test_handler_needs_authentication(jp_fetch, project):
    with pytest.raises(HTTPClientError) as err:
        await post_bundles(
            jp_fetch, {"path": "work/pipeline.ipynb", "modules": ["helpers"]}, headers={"Authorization": ""}
        )
    assert err.value.code == 403


def test_modules_from_the_image_are_not_bundled_even_when_imported_by_others():
    found = bundle.local_modules(str(FIXTURE), IMPORTED, exclude=["units"])
    assert sorted(found["bundles"]) == ["helpers", "textkit"]
    assert found["requires"]["helpers"] == []  # helpers imports units, which the image has


@needs_node
def test_notebook_lists_modules_its_images_have(cli_bundle, tmp_path):
    """`cellpipe.modulesFromImage`: a module too large to ship, installed in the image, is left out."""
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "units.py").write_text("WEIGHT = 3\n" + "# padding\n" * 300)
    notebook = json.loads((tmp_path / "pipeline.ipynb").read_text())
    notebook["metadata"].setdefault("cellpipe", {})["modulesFromImage"] = ["units"]
    (tmp_path / "pipeline.ipynb").write_text(json.dumps(notebook))
    done = compile_notebook(
        cli_bundle,
        tmp_path / "pipeline.ipynb",
        tmp_path / "out.yaml",
        env={"CELLPIPE_MAX_BUNDLE_BYTES": "1000"},
    )
    assert done.returncode == 0, done.stderr
    bundles = step_bundles(tmp_path / "out.yaml")
    assert names_in(bundles["score"]) == ["helpers.py"]
    assert names_in(bundles["load"]) == ["textkit/__init__.py", "textkit/clean.py", "textkit/stopwords.py"]


async def test_handler_leaves_out_what_the_images_have(jp_fetch, project):
    response = await post_bundles(
        jp_fetch, {"path": "work/pipeline.ipynb", "modules": IMPORTED, "exclude": ["units", "textkit"]}
    )
    answer = json.loads(response.body)
    assert answer["local"] == ["helpers"]
    with pytest.raises(HTTPClientError) as err:
        await post_bundles(jp_fetch, {"path": "work/pipeline.ipynb", "modules": IMPORTED, "exclude": "units"})
    assert err.value.code == 400
