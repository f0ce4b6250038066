"""What a local step runs with: an allowlisted environment, and the identity of its Python for the cache key."""

import importlib.metadata
import json
import os
import re
import subprocess
import sys
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

# What a step sees of the runner's environment: names that shape how programs run, never credentials
# (the runner's env may hold KF_PIPELINES_TOKEN, cloud keys, a proxy URL with a password).
# PYTHONPATH is passed: the notebook's kernel saw it too, so a step that imports through it in the
# notebook does the same here. PYTHONHOME and PYTHONSTARTUP are not: the first would tie a chosen
# interpreter to the server's, the second runs code meant for interactive shells.
# `CELLPIPE_STEP_ENV` (comma-separated names) lets the user pass more, e.g. HTTPS_PROXY.
STEP_ENV = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "TERM",
        "LD_LIBRARY_PATH",
        "PYTHONPATH",
        "PYTHONHASHSEED",
        "PYTHONIOENCODING",
        "PYTHONUTF8",
        "PYTHONWARNINGS",
        "PYTHONDONTWRITEBYTECODE",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "CUDA_VISIBLE_DEVICES",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE",
        "CELLPIPE_MAX_ARTIFACT_BYTES",
        "CELLPIPE_MAX_BUNDLE_BYTES",
        "CELLPIPE_MMAP_BYTES",
        "CELLPIPE_MAX_REPORT_BYTES",
    }
)
STEP_ENV_PREFIXES = ("LC_",)


def step_environment(package_env: Dict[str, str]) -> Dict[str, str]:
    """The allowlisted part of this process's environment, plus what the package sets for the step."""
    extra = {n.strip() for n in os.environ.get("CELLPIPE_STEP_ENV", "").split(",") if n.strip()}
    env = {
        k: v for k, v in os.environ.items() if k in STEP_ENV or k in extra or k.startswith(STEP_ENV_PREFIXES)
    }
    env.update(package_env)
    return env


# `import a.b as c, d` and `from a.b import c`, at a line's start or after `;`/`:` (`if x: import y`).
_IMPORT = re.compile(r"(?:^|[;:])[ \t]*(?:import[ \t]+([^\n#;]+)|from[ \t]+([\w.]+)[ \t]+import\b)", re.M)


def imported_modules(texts: Iterable[str]) -> List[str]:
    """Top-level modules imported by these strings (cellpipe's step program is one of a task's args:
    the user's cells follow the runtime's bootstrap), stdlib and cellpipe left out.

    A line scan, not a parse (parsing ten step programs took ~0.1 s of a cached re-run): an import
    written inside a string only adds a name to the key — a needless miss at worst — and none is missed.
    """
    found = set()
    for text in texts:
        if not isinstance(text, str) or "import" not in text:
            continue
        # A match never spans lines and always holds "import": only such lines go through the regex (the
        # embedded runtime is a 25 KB base64 line in every step program: ~0.5 ms a task, scanned whole).
        lines = "\n".join(line for line in text.split("\n") if "import" in line)
        for names, module in _IMPORT.findall(lines):
            if module:
                found.add(module.split(".")[0])
            for name in names.split(","):
                words = name.split()
                if words:
                    found.add(words[0].split(".")[0])
    found = {name for name in found if name.isidentifier()}
    return sorted(found - set(sys.stdlib_module_names) - {"__future__", "cellpipe"})


# Runs in the step's interpreter (or in-process when that is this one): its identity and, per module,
# the installed distributions providing it with their versions.
_PROBE = r"""
import importlib.metadata as md, json, os, sys
def describe(modules, dists=None):
    dists = md.packages_distributions() if dists is None else dists
    packages = {}
    for module in modules:
        for dist in sorted(set(dists.get(module, []))):
            try:
                packages.setdefault(module, {})[dist] = md.version(dist)
            except md.PackageNotFoundError:
                pass
    return {"executable": os.path.abspath(sys.executable), "prefix": sys.prefix,
            "version": sys.version, "packages": packages}
if __name__ == "__main__":
    print(json.dumps(describe(json.loads(sys.argv[1]))))
"""
_probe: Dict[str, Any] = {"__name__": "cellpipe_interpreter_probe"}
exec(compile(_PROBE, "<cellpipe interpreter probe>", "exec"), _probe)
# module → distributions of this process, per sys.path and its folders' mtimes (installing or removing a
# distribution adds or removes a .dist-info folder): the slow part (~0.3 s); versions are read every run.
_DISTRIBUTIONS: Dict[Tuple[Tuple[str, int], ...], Mapping[str, List[str]]] = {}


def _mtime(path: str) -> int:
    try:
        return os.stat(path or ".").st_mtime_ns
    except OSError:
        return 0


class InterpreterError(Exception):
    pass


def describe_interpreter(python: str, modules: List[str], cwd: Optional[str] = None) -> Dict[str, Any]:
    """`python`'s path (as given, not resolved through symlinks: a venv's python links to its base),
    prefix, version, and the installed versions of the distributions providing `modules`."""
    if os.path.abspath(python) == os.path.abspath(sys.executable):
        path_key = tuple((entry, _mtime(entry)) for entry in sys.path)
        if path_key not in _DISTRIBUTIONS:
            _DISTRIBUTIONS[path_key] = importlib.metadata.packages_distributions()
        described: Dict[str, Any] = _probe["describe"](modules, _DISTRIBUTIONS[path_key])
        return described
    try:
        done = subprocess.run(
            [python, "-c", _PROBE, json.dumps(modules)],
            capture_output=True,
            text=True,
            env=step_environment({}),
            cwd=cwd,
        )
    except OSError as err:
        raise InterpreterError(f"the step interpreter {python} does not run: {err}") from None
    if done.returncode != 0:
        raise InterpreterError(f"the step interpreter {python} does not run: {done.stderr.strip()[-400:]}")
    probed: Dict[str, Any] = json.loads(done.stdout)
    return probed
