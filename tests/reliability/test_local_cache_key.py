"""Item 13 of issue 13: the cache key includes the step's Python and the versions of the packages it imports."""

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from kfp import compiler, dsl

from cellpipe.local.environment import describe_interpreter, imported_modules
from cellpipe.local.package import load_package
from cellpipe.local.runner import CACHED, SUCCEEDED, LocalRunner


def make_venv(path: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(path)], check=True
    )
    return path / "bin" / "python"


def site_packages(python: Path) -> Path:
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip())


def install_fake_distribution(site: Path, version: str) -> None:
    """A real installed distribution as importlib.metadata sees one: `cpfakedist` providing module `cpfake`."""
    (site / "cpfake").mkdir(exist_ok=True)
    (site / "cpfake" / "__init__.py").write_text("VALUE = 1\n")
    for old in site.glob("cpfakedist-*.dist-info"):
        for f in old.iterdir():
            f.unlink()
        old.rmdir()
    info = site / f"cpfakedist-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: cpfakedist\nVersion: {version}\n")
    (info / "top_level.txt").write_text("cpfake\n")


def package(tmp_path: Path, program: str):
    @dsl.container_component
    def step(out: dsl.Output[dsl.Artifact]):
        return dsl.ContainerSpec(
            image="python:3.11",
            command=["python3", "-c"],
            args=[
                program + "\nimport sys, os; os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True); "
                "open(sys.argv[1], 'w').write(sys.prefix)",
                out.path,
            ],
        )

    @dsl.pipeline(name="interp")
    def pipe():
        step()

    path = tmp_path / "interp.yaml"
    compiler.Compiler().compile(pipe, str(path))
    return load_package(path.read_text())


def test_switching_interpreter_misses_the_cache(tmp_path):
    venv_python = make_venv(tmp_path / "venv")
    pkg = package(tmp_path, "import json")
    store = str(tmp_path / "store")
    first = LocalRunner(pkg, store).run()
    assert first.states["step"].state == SUCCEEDED
    assert LocalRunner(pkg, store).run().states["step"].state == CACHED
    other = LocalRunner(pkg, store, python=str(venv_python)).run()
    assert other.states["step"].state == SUCCEEDED, (
        "a venv's interpreter reused the base interpreter's result"
    )
    assert Path(other.artifact("step", "out")).read_text() == str(tmp_path / "venv")
    assert LocalRunner(pkg, store, python=str(venv_python)).run().states["step"].state == CACHED
    assert LocalRunner(pkg, store).run().states["step"].state == CACHED  # each keeps its own entry


def test_symlinked_python_is_another_interpreter(tmp_path):
    """A venv's python is itself a symlink to the base one: the path as given counts, not its target."""
    link = tmp_path / "bin" / "python3"
    link.parent.mkdir()
    link.symlink_to(sys.executable)
    pkg = package(tmp_path, "import json")
    store = str(tmp_path / "store")
    LocalRunner(pkg, store).run()
    assert LocalRunner(pkg, store, python=str(link)).run().states["step"].state == SUCCEEDED


def test_an_imported_package_version_change_misses_the_cache(tmp_path):
    venv_python = make_venv(tmp_path / "venv")
    site = site_packages(venv_python)
    install_fake_distribution(site, "1.0")
    pkg = package(tmp_path, "import cpfake")
    store = str(tmp_path / "store")
    run = lambda: LocalRunner(pkg, store, python=str(venv_python)).run()  # noqa: E731
    assert run().states["step"].state == SUCCEEDED
    assert run().states["step"].state == CACHED
    install_fake_distribution(site, "2.0")
    assert run().states["step"].state == SUCCEEDED, "cpfakedist 1.0 → 2.0 reused the 1.0 result"
    assert describe_interpreter(str(venv_python), ["cpfake"])["packages"] == {"cpfake": {"cpfakedist": "2.0"}}


def test_imports_are_read_from_the_step_program():
    program = (
        "import numpy as np, os\nfrom sklearn.linear_model import LogisticRegression\n"
        "from . import sibling\nimport cellpipe.runtime\ndef f():\n    import pandas\n"
    )
    assert imported_modules(["sh", "-ec", "not python: {", program]) == ["numpy", "pandas", "sklearn"]


def test_in_process_description_names_this_interpreter():
    described = describe_interpreter(sys.executable, ["pytest", "no_such_module_xyz"])
    assert described["executable"] == sys.executable and described["prefix"] == sys.prefix
    assert described["packages"] == {"pytest": {"pytest": pytest.__version__}}
    assert sysconfig.get_python_version() in described["version"]


def test_a_distribution_installed_while_the_server_runs_is_seen(tmp_path, monkeypatch):
    """The server probes its own interpreter in-process and keeps the slow module → distribution map; a
    `pip install` in its environment meanwhile must still reach the keys."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    assert describe_interpreter(sys.executable, ["cpfake"])["packages"] == {}
    install_fake_distribution(site, "1.0")
    assert describe_interpreter(sys.executable, ["cpfake"])["packages"] == {"cpfake": {"cpfakedist": "1.0"}}
