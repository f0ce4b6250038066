"""Local modules shipped by value: the notebook's own `.py` files and packages travel with the step.

A bundle is a deterministic zip (sorted entries, fixed timestamps) named by the sha256 of its
bytes; at step start it is unpacked into a directory named by that hash, first on `sys.path`.
No shared volume, and no ModuleNotFoundError for `import helpers` in a step.
"""

import base64
import hashlib
import io
import os
import sys
import sysconfig
import tempfile
import zipfile
from typing import Iterable, List, Sequence, Tuple

# Inline bundles travel inside the step's command line: keep them well under Linux's 128 KiB per argument.
MAX_INLINE_BYTES = int(os.environ.get("CELLPIPE_MAX_BUNDLE_BYTES", 64 * 1024))
_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".git", ".cellpipe"}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class BundleError(Exception):
    pass


def _module_files(root_dir: str, name: str) -> List[str]:
    """Files of top-level module `name` under root_dir (a `.py` file or a package directory)."""
    single = os.path.join(root_dir, name + ".py")
    if os.path.isfile(single):
        return [single]
    package = os.path.join(root_dir, name)
    if not os.path.isdir(package):
        return []
    out = []
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        out.extend(os.path.join(dirpath, f) for f in sorted(filenames) if not f.endswith((".pyc", ".pyo")))
    return out if any(f.endswith(".py") for f in out) else []


def find_local_modules(root_dir: str, imported_names: Iterable[str]) -> List[str]:
    """The imported top-level modules that live in root_dir rather than the stdlib or site-packages."""
    stdlib = set(sys.stdlib_module_names) if hasattr(sys, "stdlib_module_names") else set()
    purelib = os.path.realpath(sysconfig.get_paths()["purelib"])
    out = []
    for name in sorted({n.split(".")[0] for n in imported_names}):
        if name in stdlib or not _module_files(root_dir, name):
            continue
        if os.path.realpath(root_dir).startswith(purelib):
            continue
        out.append(name)
    return out


def make_bundle(root_dir: str, module_names: Sequence[str]) -> Tuple[str, str]:
    """Zip the modules deterministically: returns (sha256 hex of the zip, base64 of the zip)."""
    entries = []
    for name in sorted(set(module_names)):
        files = _module_files(root_dir, name)
        if not files:
            raise BundleError(f"local module {name!r} not found in {root_dir}")
        entries.extend(files)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(entries):
            arcname = os.path.relpath(path, root_dir).replace(os.sep, "/")
            info = zipfile.ZipInfo(arcname, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(path, "rb") as f:
                zf.writestr(info, f.read())
    data = buf.getvalue()
    if len(data) > MAX_INLINE_BYTES:
        raise BundleError(
            f"local modules {', '.join(sorted(set(module_names)))} zip to {len(data)} bytes, over the "
            f"{MAX_INLINE_BYTES}-byte limit for shipping them with the step: install them in the step "
            "image instead (pip install them into an image and set it as the step's image)"
        )
    return hashlib.sha256(data).hexdigest(), base64.b64encode(data).decode("ascii")


def install_bundles(bundles: Iterable[Sequence[str]]) -> List[str]:
    """Unpack each (sha256, base64 zip) into a directory named by its hash, first on sys.path."""
    installed = []
    for digest, b64 in bundles or ():
        data = base64.b64decode(b64)
        actual = hashlib.sha256(data).hexdigest()
        if actual != digest:
            raise BundleError(
                f"local-module bundle {digest[:12]} is corrupt (its content hashes to {actual[:12]})"
            )
        target = os.path.join(tempfile.gettempdir(), "cellpipe-bundle-" + digest[:16])
        if not os.path.isdir(target):
            staging = tempfile.mkdtemp(prefix=".cellpipe-bundle-", dir=tempfile.gettempdir())
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for member in zf.namelist():
                    if member.startswith("/") or ".." in member.split("/"):
                        raise BundleError(f"local-module bundle {digest[:12]} has an unsafe path {member!r}")
                zf.extractall(staging)
            try:
                os.replace(staging, target)
            except OSError:
                import shutil

                shutil.rmtree(staging, ignore_errors=True)
        if target not in sys.path:
            sys.path.insert(0, target)
        installed.append(target)
    return installed
