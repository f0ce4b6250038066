"""Local modules shipped by value: the notebook's own `.py` files and packages travel with the step.

A bundle is a deterministic zip (entries stored, sorted, fixed timestamps) named by the sha256 of its
bytes; at step start it is unpacked into a directory named by that hash, first on `sys.path`.
No shared volume, and no ModuleNotFoundError for `import helpers` in a step.

The zip is written by hand, byte for byte as `src/cli/bundles.ts` writes it, and stored rather than
deflated: node's zlib and CPython's give different deflate streams, and the panel (this module, via the
server) and `cellpipe compile` (node) must give the same package.
"""

import ast
import base64
import binascii
import hashlib
import io
import os
import struct
import sys
import sysconfig
import zipfile
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from .private_dir import _cellpipe_private_dir

# Inline bundles travel inside the step's command line: keep them well under Linux's 128 KiB per argument.
MAX_INLINE_BYTES = int(os.environ.get("CELLPIPE_MAX_BUNDLE_BYTES", 64 * 1024))
_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".git", ".cellpipe"}


class BundleError(Exception):
    pass


def _inside(root_real: str, path: str) -> bool:
    real = os.path.realpath(path)
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _module_files(root_dir: str, name: str) -> List[str]:
    """Files of top-level module `name` under root_dir (a `.py` file or a package directory).

    Every file's real path must stay in root_dir (the notebook's folder): a symlink that leads out of it
    is a BundleError naming the file, never a file zipped into the package (and uploaded to KFP).
    """
    root_real = os.path.realpath(root_dir)

    def checked(path: str) -> str:
        if not _inside(root_real, path):
            rel = os.path.relpath(path, root_dir).replace(os.sep, "/")
            raise BundleError(
                f"local module {name!r}: {rel} leads outside the notebook's folder (a symlink to "
                f"{os.path.realpath(path)}); refusing to bundle it. Copy the file into the folder instead"
            )
        return path

    single = os.path.join(root_dir, name + ".py")
    if os.path.isfile(single):
        return [checked(single)]
    package = os.path.join(root_dir, name)
    if not os.path.isdir(package):
        return []
    out = []
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for f in sorted(filenames):
            path = os.path.join(dirpath, f)
            # regular files only: a dangling symlink (an editor's lock file) or a FIFO cannot be zipped
            if not f.endswith((".pyc", ".pyo")) and os.path.isfile(path):
                out.append(checked(path))
    return out if any(f.endswith(".py") for f in out) else []


def find_local_modules(root_dir: str, imported_names: Iterable[str]) -> List[str]:
    """The imported top-level modules that live in root_dir rather than the stdlib or site-packages."""
    stdlib = set(sys.stdlib_module_names) if hasattr(sys, "stdlib_module_names") else set()
    purelib = os.path.realpath(sysconfig.get_paths()["purelib"])
    out = []
    for name in sorted({n.split(".")[0] for n in imported_names}):
        # a module name, never a path: "/etc/x" or ".." would leave root_dir
        if not name.isidentifier() or name in stdlib or not _module_files(root_dir, name):
            continue
        if os.path.realpath(root_dir).startswith(purelib):
            continue
        out.append(name)
    return out


def _entries(root_dir: str, module_names: Sequence[str]) -> List[Tuple[str, str]]:
    """(name in the zip, path) of every file of the modules, sorted by name."""
    entries: List[Tuple[str, str]] = []
    for name in sorted(set(module_names)):
        files = _module_files(root_dir, name)
        if not files:
            raise BundleError(f"local module {name!r} not found in {root_dir}")
        entries.extend((os.path.relpath(path, root_dir).replace(os.sep, "/"), path) for path in files)
    return sorted(entries)


def _zip_size(entries: Sequence[Tuple[str, str]]) -> int:
    """The stored zip's size, known before reading a byte: headers (30 + 46 + 2 names each, 22 at the end) + data."""
    return 22 + sum(76 + 2 * len(arc.encode("utf-8")) + os.path.getsize(path) for arc, path in entries)


def _zip(entries: Sequence[Tuple[str, str]]) -> bytes:
    """The files as a stored zip: entries in the given (sorted) order, 1980-01-01 timestamps, mode 0644."""
    local, central = io.BytesIO(), io.BytesIO()
    for arcname, path in entries:
        with open(path, "rb") as f:
            data = f.read()
        name = arcname.encode("utf-8")
        flags = 0 if name.isascii() else 0x800  # the UTF-8 name flag, as zipfile sets it
        crc = binascii.crc32(data)
        # version 2.0, flags, stored, time 00:00, date 1980-01-01 (0x21), crc, sizes, name length, no extra
        fields = struct.pack("<HHHHHIIIHH", 20, flags, 0, 0, 0x21, crc, len(data), len(data), len(name), 0)
        offset = local.tell()
        local.write(b"PK\x03\x04" + fields + name + data)
        # made by Unix 2.0, the same fields, no comment, disk 0, internal 0, a regular file 0644, offset
        central.write(
            b"PK\x01\x02"
            + struct.pack("<H", 0x0314)
            + fields
            + struct.pack("<HHHII", 0, 0, 0, 0o100644 << 16, offset)
            + name
        )
    count, size, start = len(entries), central.tell(), local.tell()
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, count, count, size, start, 0)
    return local.getvalue() + central.getvalue() + end


def _over_limit(sizes: Dict[str, int]) -> BundleError:
    what = ", ".join(f"{name} ({size} bytes)" for name, size in sorted(sizes.items()))
    return BundleError(
        f"local module{'s' if len(sizes) > 1 else ''} {what} zip to more than the {MAX_INLINE_BYTES}-byte "
        "limit for shipping them with the step: install them in the step image instead (pip install them "
        "into an image, set it as the step's image and list them in the notebook's metadata under "
        '"cellpipe": {"modulesFromImage": [...]}), or raise CELLPIPE_MAX_BUNDLE_BYTES'
    )


def make_bundle(root_dir: str, module_names: Sequence[str]) -> Tuple[str, str]:
    """Zip the modules deterministically: returns (sha256 hex of the zip, base64 of the zip)."""
    entries = _entries(root_dir, module_names)
    size = _zip_size(entries)
    if size > MAX_INLINE_BYTES:
        raise _over_limit({", ".join(sorted(set(module_names))): size})
    return _named(_zip(entries))


def _named(data: bytes) -> Tuple[str, str]:
    """(sha256 hex, base64) of a zip."""
    return hashlib.sha256(data).hexdigest(), base64.b64encode(data).decode("ascii")


def _imports(path: str) -> Set[str]:
    """Top-level modules a Python file imports absolutely (relative imports stay inside its package)."""
    try:
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), filename=path)
    except (SyntaxError, ValueError):
        return set()
    names: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def local_modules(root_dir: str, imported_names: Iterable[str], exclude: Iterable[str] = ()) -> dict:
    """The local modules among imported_names and, transitively, the local modules they import, each
    bundled on its own: `{"bundles": {name: [sha256, base64]}, "requires": {name: [names]}, "maxBytes": N}`
    (the compiler's `LocalModules`). All modules over the limit are named in one BundleError.
    `exclude`: modules the step images have installed (the notebook's `cellpipe.modulesFromImage`)."""
    bundles, requires, too_large = {}, {}, {}
    skip = set(exclude)
    pending = find_local_modules(root_dir, imported_names)
    while pending:
        name = pending.pop()
        if name in bundles or name in too_large or name in skip:
            continue
        entries = _entries(root_dir, [name])
        size = _zip_size(entries)
        if size > MAX_INLINE_BYTES:
            too_large[name] = size
            continue
        bundles[name] = list(_named(_zip(entries)))
        imports = set().union(*(_imports(path) for _, path in entries if path.endswith(".py")))
        requires[name] = [n for n in find_local_modules(root_dir, imports) if n != name and n not in skip]
        pending.extend(requires[name])
    if too_large:
        raise _over_limit(too_large)
    return {
        "bundles": dict(sorted(bundles.items())),
        "requires": dict(sorted(requires.items())),
        "maxBytes": MAX_INLINE_BYTES,
    }


def install_bundles(bundles: Iterable[Sequence[str]]) -> List[str]:
    """Unpack each (sha256, base64 zip) into a directory named by its hash, first on sys.path.

    The directory is shared by this user's steps but used only once it is verified to be private and to
    hold exactly the zip's files (`_cellpipe_private_dir`): another local user may have made that name first.
    """
    installed = []
    for digest, b64 in bundles or ():
        data = base64.b64decode(b64)
        actual = hashlib.sha256(data).hexdigest()
        if actual != digest:
            raise BundleError(
                f"local-module bundle {digest[:12]} is corrupt (its content hashes to {actual[:12]})"
            )
        files = {}
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for member in zf.namelist():
                if member.startswith("/") or "\\" in member or ".." in member.split("/"):
                    raise BundleError(f"local-module bundle {digest[:12]} has an unsafe path {member!r}")
                if not member.endswith("/"):
                    files[member] = zf.read(member)
        target = _cellpipe_private_dir("cellpipe-bundle-" + digest[:16], files)
        if target not in sys.path:
            sys.path.insert(0, target)
        installed.append(target)
    return installed
