"""Local runs use the notebook's environment (issue 18): the steps run with the Python of the notebook's kernel
(its kernelspec's argv[0], resolved as jupyter_client resolves it), or the one the user chose (the setting, or
`cellpipe run --python`); a non-Python or provisioned kernel, or a program that is not a Python, is refused by
name before anything runs."""

import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from local_run_api import poll
from tornado.httpclient import HTTPClientError

from cellpipe.cli import main as cli_main
from cellpipe.local.interpreter import InterpreterRefused, check_python, kernel_python

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the compiler")

MARKER = "cellpipe_kernel_marker"
KERNEL = "cellpipe-test-venv"


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A venv (the kernel's environment) holding a module no other Python here has."""
    root = tmp_path_factory.mktemp("kernel") / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(root)], check=True
    )
    python = root / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, f"{MARKER}.py").write_text('WHERE = "the kernel venv"\n')
    return python


def notebook(kernel: str | None) -> dict:
    """One step that imports the marker and says which Python ran it."""
    cells = [
        ("import sys\nimport " + MARKER, ["imports"]),
        (f'print("marker:", {MARKER}.WHERE, "prefix:", sys.prefix)\nfound = {MARKER}.WHERE', ["step:probe"]),
    ]
    metadata: dict = {"kubeflow_notebook": {"pipeline_name": "kernel-python", "docker_image": "python:3.11"}}
    if kernel:
        metadata["kernelspec"] = {"name": kernel, "language": "python", "display_name": kernel}
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": metadata,
        "cells": [
            {
                "cell_type": "code",
                "id": f"c{i}",
                "metadata": {"tags": tags},
                "source": src,
                "outputs": [],
                "execution_count": None,
            }
            for i, (src, tags) in enumerate(cells)
        ],
    }


@pytest.fixture(scope="module")
def package_text(compiler, tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("compiled")
    path = folder / "kernel.ipynb"
    path.write_text(json.dumps(notebook(None)))
    return compiler(path, folder / "kernel.yaml").read_text()


def kernelspec(folder: Path, name: str, spec: dict) -> None:
    (folder / "kernels" / name).mkdir(parents=True)
    (folder / "kernels" / name / "kernel.json").write_text(json.dumps(spec))


@pytest.fixture
def kernels(tmp_path, monkeypatch, venv) -> Path:
    """A temporary JUPYTER_PATH with the venv's kernel, an R kernel and a kernel started by a provisioner."""
    folder = tmp_path / "jupyter_path"
    argv = ["-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernelspec(folder, KERNEL, {"argv": [str(venv), *argv], "display_name": "venv", "language": "python"})
    kernelspec(
        folder,
        "ir",
        {
            "argv": ["R", "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"],
            "display_name": "R",
            "language": "R",
        },
    )
    kernelspec(
        folder,
        "remote-py",
        {
            "argv": ["python", *argv],
            "display_name": "remote",
            "language": "python",
            "metadata": {"kernel_provisioner": {"provisioner_name": "k8s-provisioner"}},
        },
    )
    monkeypatch.setenv("JUPYTER_PATH", str(folder))
    return folder


async def start(jp_fetch, jp_root_dir, package_text, kernel=None, **request):
    (jp_root_dir / "work").mkdir(exist_ok=True)
    (jp_root_dir / "work" / "kernel.ipynb").write_text(json.dumps(notebook(kernel)))
    body = {"package": package_text, "notebookPath": "work/kernel.ipynb", **request}
    response = await jp_fetch("cellpipe", "api", "local", "runs", method="POST", body=json.dumps(body))
    return await poll(jp_fetch, json.loads(response.body)["id"], tries=600)


async def refusal(jp_fetch, jp_root_dir, package_text, kernel=None, **request) -> str:
    with pytest.raises(HTTPClientError) as err:
        await start(jp_fetch, jp_root_dir, package_text, kernel, **request)
    assert err.value.code == 400
    return json.loads(err.value.response.body)["message"]


async def test_the_steps_run_with_the_notebook_kernels_python(
    jp_fetch, jp_root_dir, package_text, kernels, venv
):
    snapshot = await start(jp_fetch, jp_root_dir, package_text, KERNEL)
    assert [s["state"] for s in snapshot["steps"]] == ["succeeded"], snapshot
    assert f"[probe] marker: the kernel venv prefix: {venv.parent.parent}" in snapshot["logs"]
    assert snapshot["python"] == str(venv)
    assert snapshot["pythonVersion"] == "{}.{}.{}".format(*sys.version_info[:3])
    assert f"the notebook's kernel {KERNEL!r}" in snapshot["pythonFrom"]
    # the run kept in the store says so too (the run list reads it)
    [kept] = (jp_root_dir / "work" / ".cellpipe" / "runs").iterdir()
    assert json.loads((kept / "run.json").read_text())["python"] == str(venv)


async def test_the_request_names_the_kernel_or_the_setting_a_python(
    jp_fetch, jp_root_dir, package_text, kernels, venv
):
    # the browser's kernel wins over the saved metadata (here: none, which would be the server's Python)
    snapshot = await start(jp_fetch, jp_root_dir, package_text, None, kernelName=KERNEL)
    assert snapshot["python"] == str(venv) and [s["state"] for s in snapshot["steps"]] == ["succeeded"]
    # the setting wins over the kernel, even an R one
    snapshot = await start(jp_fetch, jp_root_dir, package_text, "ir", python=str(venv))
    assert snapshot["python"] == str(venv) and "Local run Python setting" in snapshot["pythonFrom"]
    assert [s["state"] for s in snapshot["steps"]] == ["cached"]  # same interpreter, same program


async def test_without_a_kernel_the_servers_python_runs_and_lacks_the_marker(
    jp_fetch, jp_root_dir, package_text, kernels
):
    snapshot = await start(jp_fetch, jp_root_dir, package_text, None)
    assert snapshot["python"] == sys.executable and "Jupyter server's own Python" in snapshot["pythonFrom"]
    assert [s["state"] for s in snapshot["steps"]] == ["failed"]
    assert f"No module named '{MARKER}'" in snapshot["error"]


async def test_a_kernel_that_is_no_local_python_is_refused_by_name(
    jp_fetch, jp_root_dir, package_text, kernels
):
    message = await refusal(jp_fetch, jp_root_dir, package_text, "ir")
    assert "the notebook's kernel 'ir' runs R, not Python" in message and "Local run Python" in message
    message = await refusal(jp_fetch, jp_root_dir, package_text, "remote-py")
    assert "kernel 'remote-py' is started by the kernel provisioner 'k8s-provisioner'" in message
    message = await refusal(jp_fetch, jp_root_dir, package_text, None, kernelName="../../etc")
    assert "kernelName '../../etc' is not a kernel name" in message
    message = await refusal(jp_fetch, jp_root_dir, package_text, "gone-kernel")
    assert "the notebook's kernel 'gone-kernel' is not installed on this server" in message
    assert not (jp_root_dir / "work" / ".cellpipe" / "runs").exists() or not any(
        (jp_root_dir / "work" / ".cellpipe" / "runs").iterdir()
    )


async def test_the_setting_cannot_name_another_program(jp_fetch, jp_root_dir, package_text, tmp_path):
    """A script named python3 beside a standard library is still never run, nor is a non-Python binary."""
    ran = tmp_path / "ran"
    fake = tmp_path / "fake" / "bin" / "python3"
    fake.parent.mkdir(parents=True)
    fake.write_text(f"#!/bin/sh\ntouch {ran}\necho 3.11.0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    lib = tmp_path / "fake" / "lib" / "python3.11"
    lib.mkdir(parents=True)
    (lib / "os.py").write_text("")
    message = await refusal(jp_fetch, jp_root_dir, package_text, None, python=str(fake))
    assert f"the Local run Python setting: {fake} is a script, not a Python interpreter" in message
    assert not ran.exists()
    message = await refusal(jp_fetch, jp_root_dir, package_text, None, python=shutil.which("sh"))
    assert "not a Python interpreter (python, python3 or python3.N)" in message
    message = await refusal(jp_fetch, jp_root_dir, package_text, None, python="python3")
    assert "'python3' is not an absolute path" in message
    message = await refusal(
        jp_fetch, jp_root_dir, package_text, None, python=str(tmp_path / "none" / "python3")
    )
    assert "does not exist" in message
    message = await refusal(jp_fetch, jp_root_dir, package_text, None, python=7)
    assert 'Field "python" must be the path of a Python interpreter, not a number' in message


def test_cellpipe_run_uses_this_python_unless_told(package_text, venv, tmp_path, capsys):
    yaml_path = tmp_path / "kernel.yaml"
    yaml_path.write_text(package_text)
    store = str(tmp_path / "store")
    assert cli_main(["run", str(yaml_path), "--store", store]) == 1
    assert f"No module named '{MARKER}'" in capsys.readouterr().err
    assert cli_main(["run", str(yaml_path), "--store", store, "--python", str(venv)]) == 0
    out = capsys.readouterr().out
    assert f"at {venv}, from --python" in out
    assert f"marker: the kernel venv prefix: {venv.parent.parent}" in out
    assert cli_main(["run", str(yaml_path), "--store", store, "--python", shutil.which("sh")]) == 2
    assert "--python: " in capsys.readouterr().err


def test_argv0_is_resolved_as_jupyter_client_resolves_it(tmp_path, venv):
    argv = ["-m", "ipykernel_launcher"]
    # "python", "python3", "python3.N" (this one's N): the server's own Python
    for name in ("python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])):
        assert kernel_python("k", [name, *argv], "python") == sys.executable
    assert kernel_python("k", ["{prefix}/bin/python3", *argv], "python") == f"{sys.prefix}/bin/python3"
    assert kernel_python("k", [str(venv), *argv], "python") == str(venv)
    # any other bare name: on the PATH the kernel starts with (the kernelspec's env over this process's)
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "py-kernel-python").symlink_to(venv)
    found = kernel_python("k", ["py-kernel-python", *argv], "python", env={"PATH": str(tmp_path / "bin")})
    assert found == str(tmp_path / "bin" / "py-kernel-python")
    with pytest.raises(InterpreterRefused, match="starts 'py-kernel-python', which is not on the PATH"):
        kernel_python("k", ["py-kernel-python", *argv], "python", env={"PATH": str(tmp_path)})
    with pytest.raises(InterpreterRefused, match="kernel 'k' runs Julia, not Python"):
        kernel_python("k", ["julia"], "Julia")
    # the default provisioner named in its metadata is a local kernel like any other
    local = {"kernel_provisioner": {"provisioner_name": "local-provisioner"}}
    assert kernel_python("k", ["python", *argv], "python", local) == sys.executable


def test_a_python_is_checked_before_it_runs(venv):
    assert check_python(str(venv), "x") == "{}.{}.{}".format(*sys.version_info[:3])
    assert check_python(sys.executable, "x").startswith("3.")
    with pytest.raises(InterpreterRefused, match="not an executable file"):
        check_python(os.path.join(sysconfig.get_paths()["stdlib"], "os.py"), "x")
