"""Fixtures of every test folder: the Jupyter server with cellpipe on, and the compiler as the sources are
now (one private build of the CLI bundle per session: the installed one may be older, or in use)."""

import subprocess
from pathlib import Path

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def jp_server_config(jp_server_config):
    return {"ServerApp": {"jpserver_extensions": {"cellpipe": True}}}


@pytest.fixture(scope="session")
def cli_bundle(tmp_path_factory) -> Path:
    """`cellpipe.cjs` (`scripts/build-cli.js`, with its wasm files beside it), built once per session."""
    out = tmp_path_factory.mktemp("compiler_js")
    subprocess.run(["node", str(ROOT / "scripts" / "build-cli.js"), str(out)], cwd=ROOT, check=True)
    return out / "cellpipe.cjs"


@pytest.fixture(scope="session")
def cellpipe_cli(cli_bundle):
    """`cellpipe_cli(*args)`: the CLI bundle run from the repository root, its output captured."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["node", str(cli_bundle), *args], cwd=ROOT, capture_output=True, text=True, timeout=120
        )

    return run


@pytest.fixture(scope="session")
def compiler(cellpipe_cli):
    """`compiler(notebook, target)`: `cellpipe compile` of the notebook into target, which it returns."""

    def run(notebook: Path, target: Path) -> Path:
        done = cellpipe_cli("compile", str(notebook), "-o", str(target))
        assert done.returncode == 0, done.stderr
        return target

    return run
