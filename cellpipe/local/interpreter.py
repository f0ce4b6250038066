"""Which Python a local run's steps use: the notebook kernel's, one the user chose, or this process's own.

A run started from JupyterLab runs its steps where the notebook ran its cells: the Python of the notebook's
kernelspec, found as jupyter_client finds it when it starts that kernel. A Python the request names (the
user's setting) must be an installed Python 3 interpreter: a native executable named python, python3 or
python3.N in an installation that holds its standard library. It is checked before anything runs it, so a
request cannot start any other program (docs/security.md, "What a local run can do").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Sequence, Tuple

from .environment import step_environment

# What jupyter_client's LocalProvisioner does with argv: these names mean the server's own Python
# (KernelManager.format_kernel_cmd), `{prefix}` is the server's sys.prefix, and a bare name is looked up on
# the PATH the kernel is started with (this process's, updated with the kernelspec's env).
_SERVER_PYTHON_NAMES = frozenset(
    {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}
)
_THIS_VERSION = "{}.{}.{}".format(*sys.version_info[:3])
_LOCAL_PROVISIONER = "local-provisioner"
# jupyter_client's rule for a kernelspec's folder name (kernelspec._is_valid_kernel_name)
KERNEL_NAME = re.compile(r"[a-z0-9._\-]+", re.IGNORECASE)
_PYTHON_FILE = re.compile(r"python(3(\.\d+)?)?(\.exe)?", re.IGNORECASE)
# Native executables: ELF, Mach-O (32/64-bit, both byte orders, universal), PE. A script is never taken for
# a Python: its first line names another program (a pyenv shim, `conda run`, a wrapper).
_NATIVE_MAGIC = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"MZ",
)
_VERSION_PROBE = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
_SETTING_HINT = "choose a Python in Settings → cellpipe → Local run Python"


class InterpreterRefused(Exception):
    """The Python cannot be used for a local run; the message says which and why."""


@dataclass(frozen=True)
class StepPython:
    """The interpreter a run's steps use and where that choice came from."""

    executable: str
    version: str
    source: str  # "kernel", "setting", "server" or "command line"
    kernel: str | None = None

    def origin(self) -> str:
        """Why this Python: the notebook's kernel, the setting, the server's own, --python."""
        return {
            "kernel": f"the notebook's kernel {self.kernel!r}",
            "setting": "the Local run Python setting",
            "server": "the Jupyter server's own Python (the notebook names no kernel)",
            "command line": "--python",
        }.get(self.source, self.source)

    def describe(self) -> str:
        """One line: which Python, and why that one."""
        return f"Python {self.version} at {self.executable}, from {self.origin()}"


def kernel_python(
    name: str,
    argv: Sequence[str],
    language: str,
    metadata: Mapping[str, Any] | None = None,
    resource_dir: str = "",
    env: Mapping[str, str] | None = None,
) -> str:
    """The path of the Python that kernelspec `name` starts, resolved as jupyter_client resolves argv[0];
    InterpreterRefused, naming the kernel, when it is started by a provisioner or is not a Python."""
    provisioner = (metadata or {}).get("kernel_provisioner") or {}
    provisioner_name = (
        (provisioner.get("provisioner_name") if isinstance(provisioner, Mapping) else None)
        or os.environ.get("JUPYTER_DEFAULT_PROVISIONER_NAME")
        or _LOCAL_PROVISIONER
    )
    if provisioner_name != _LOCAL_PROVISIONER:
        raise InterpreterRefused(
            f"the notebook's kernel {name!r} is started by the kernel provisioner {provisioner_name!r} (it may run "
            f"elsewhere): cellpipe cannot tell which Python it uses; {_SETTING_HINT}"
        )
    if (language or "").lower() != "python":
        raise InterpreterRefused(
            f"the notebook's kernel {name!r} runs {language or 'an unnamed language'}, not Python: local steps "
            f"are Python programs; {_SETTING_HINT}"
        )
    if not argv:
        raise InterpreterRefused(
            f"the notebook's kernel {name!r} has no command (its kernel.json argv is empty)"
        )
    first = argv[0]
    if first in _SERVER_PYTHON_NAMES:
        return sys.executable
    first = first.replace("{prefix}", sys.prefix).replace("{resource_dir}", resource_dir)
    if os.path.dirname(first):
        return os.path.abspath(first)
    path = dict(os.environ, **(env or {})).get("PATH", os.defpath)
    found = shutil.which(first, path=path)
    if not found:
        raise InterpreterRefused(
            f"the notebook's kernel {name!r} starts {first!r}, which is not on the PATH: {_SETTING_HINT}"
        )
    return os.path.abspath(found)


# (real path, mtime, size) → version, so a run does not ask the same interpreter twice.
_CHECKED: Dict[Tuple[str, int, int], str] = {}


def check_python(path: str, what: str) -> str:
    """The version ("3.12.1") of the Python 3 interpreter at `path` (an absolute path), after checking, before
    running it, that it is one: a native executable named python[3[.N]] beside its standard library.
    InterpreterRefused naming `what` (where the path came from) otherwise."""
    if not os.path.isabs(path):
        raise InterpreterRefused(f"{what}: {path!r} is not an absolute path to a Python interpreter")
    real = os.path.realpath(path)
    try:
        stat = os.stat(real)
    except OSError:
        raise InterpreterRefused(f"{what}: {path} does not exist") from None
    if not os.path.isfile(real) or not os.access(real, os.X_OK):
        raise InterpreterRefused(f"{what}: {path} is not an executable file")
    key = (real, stat.st_mtime_ns, stat.st_size)
    if key in _CHECKED:
        return _CHECKED[key]
    if not _PYTHON_FILE.fullmatch(os.path.basename(real)):
        raise InterpreterRefused(
            f"{what}: {path} is {os.path.basename(real)!r}, not a Python interpreter (python, python3 or python3.N)"
        )
    try:
        with open(real, "rb") as f:
            magic = f.read(4)
    except OSError as err:
        raise InterpreterRefused(f"{what}: {path} cannot be read ({err.strerror})") from None
    if not magic.startswith(_NATIVE_MAGIC):
        raise InterpreterRefused(
            f"{what}: {path} is a script, not a Python interpreter (a pyenv shim or a wrapper?): "
            "give the interpreter's own path, e.g. the output of `python -c 'import sys; print(sys.executable)'`"
        )
    if not _beside_its_library(real):
        raise InterpreterRefused(
            f"{what}: {path} is not part of a Python installation (no standard library beside it)"
        )
    try:
        done = subprocess.run(
            [real, "-I", "-c", _VERSION_PROBE],
            capture_output=True,
            text=True,
            env=step_environment({}),
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise InterpreterRefused(f"{what}: {path} does not run ({err})") from None
    version = done.stdout.strip()
    if done.returncode != 0 or not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise InterpreterRefused(f"{what}: {path} does not run as Python: {done.stderr.strip()[-300:]}")
    if not version.startswith("3."):
        raise InterpreterRefused(f"{what}: {path} is Python {version}; local steps need Python 3")
    _CHECKED[key] = version
    return version


def _beside_its_library(real: str) -> bool:
    """Whether the interpreter sits in an installation: <prefix>/bin/python3.N with <prefix>/lib/python3.N/os.py
    (POSIX), <prefix>/python.exe with <prefix>/Lib/os.py (Windows), or a venv made with --copies (pyvenv.cfg)."""
    folder = os.path.dirname(real)
    if os.path.isfile(os.path.join(folder, "Lib", "os.py")):
        return True
    if os.path.isfile(os.path.join(os.path.dirname(folder), "pyvenv.cfg")):
        return True
    lib = os.path.join(os.path.dirname(folder), "lib")
    try:
        names = os.listdir(lib)
    except OSError:
        return False
    return any(
        re.fullmatch(r"python3\.\d+", n) and os.path.isfile(os.path.join(lib, n, "os.py")) for n in names
    )


def unlisted_kernelspec(kernel_dirs: Sequence[str], name: str) -> Dict[str, Any] | None:
    """Kernelspec `name`'s kernel.json (with its resource_dir) from the first of `kernel_dirs` holding it: for a
    kernel jupyter_client does not list because its provisioner is not installed here."""
    if not KERNEL_NAME.fullmatch(name):
        return None
    for folder in kernel_dirs:
        path = os.path.join(folder, name, "kernel.json")
        if os.path.isfile(path):
            try:
                with open(path, encoding="utf-8") as f:
                    found = json.load(f)
            except (OSError, ValueError):
                return None
            return {**found, "resource_dir": os.path.dirname(path)} if isinstance(found, dict) else None
    return None


def notebook_kernel_name(notebook_file: str) -> str | None:
    """The kernelspec name in a saved notebook's metadata, None when it names none (or cannot be read)."""
    try:
        with open(notebook_file, encoding="utf-8") as f:
            metadata = json.load(f).get("metadata") or {}
    except (OSError, ValueError, AttributeError):
        return None
    spec = metadata.get("kernelspec") if isinstance(metadata, dict) else None
    name = spec.get("name") if isinstance(spec, dict) else None
    return name if isinstance(name, str) and name else None


def chosen_python(python: str, source: str) -> StepPython:
    """A Python the user named (the setting, or --python): checked, with its version."""
    what = "the Local run Python setting" if source == "setting" else "--python"
    return StepPython(os.path.abspath(python), check_python(python, what), source)


def server_python() -> StepPython:
    """This process's Python: what runs when the notebook names no kernel."""
    return StepPython(sys.executable, _THIS_VERSION, "server")


def python_of_kernel(
    name: str,
    argv: Sequence[str],
    language: str,
    metadata: Mapping[str, Any] | None = None,
    resource_dir: str = "",
    env: Mapping[str, str] | None = None,
) -> StepPython:
    """The Python of kernelspec `name`, checked as a user's choice is."""
    executable = kernel_python(name, argv, language, metadata, resource_dir, env)
    if os.path.abspath(executable) == os.path.abspath(sys.executable):
        return StepPython(sys.executable, _THIS_VERSION, "kernel", name)
    return StepPython(executable, check_python(executable, f"the notebook's kernel {name!r}"), "kernel", name)
