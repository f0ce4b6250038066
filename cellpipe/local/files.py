"""Files in local runs: which folder the steps run in, and the content hashes of the files a step reads.

A step's program lists the paths it reads (`_CELLPIPE_FILES`, docs/step-program.md "Files"); their
sha256 joins the step's cache key, so an edited data file re-runs its readers (and, through their
changed outputs, what follows). Hashing is incremental: `{real path: [size, mtime_ns, sha256]}` is kept
in the store and a file is re-read only when its size or mtime changed.
"""

import glob
import hashlib
import json
import os
import re
import threading
import time
import uuid
from typing import Any, Dict, List, Optional, Union

HASHES_FILE = "file-hashes.json"
_SPEC_LINE = re.compile(r"^_CELLPIPE_FILES = (\{.*\})$", re.MULTILINE)
_PATTERN = re.compile(r"[*?[]")
_BUFFER = 1 << 20
# A file modified this recently may change again within the same mtime tick: its hash is not kept.
_RACY_NS = 2_000_000_000
MISSING = "missing"


def working_folder(source: str, workdir: Optional[str] = None) -> str:
    """Where the steps of `cellpipe run <source>` run: `--workdir`, else the notebook's or the YAML's folder."""
    folder = os.path.abspath(workdir or os.path.dirname(os.path.abspath(source)))
    if not os.path.isdir(folder):
        raise ValueError(f"the working folder {folder!r} does not exist")
    return folder


def program_files(command_line: List[str]) -> Dict[str, Any]:
    """The `_CELLPIPE_FILES` of a step's program (in its command or args), or {} when it has none."""
    for part in command_line:
        if isinstance(part, str) and "_CELLPIPE_FILES = " in part:
            match = _SPEC_LINE.search(part)
            if match:
                try:
                    spec = json.loads(match.group(1))
                except ValueError:
                    return {}
                return spec if isinstance(spec, dict) else {}
    return {}


class FileHashes:
    """sha256 of files, re-read only when size or mtime changed; shared by the runs on one store."""

    def __init__(self, store: str):
        self.path = os.path.join(store, HASHES_FILE)
        self._lock = threading.Lock()
        self._known: Dict[str, List[Any]] = self._load()
        self._dirty = False

    def _load(self) -> Dict[str, List[Any]]:
        try:
            with open(self.path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def sha256(self, path: str) -> str:
        real = os.path.realpath(path)
        info = os.stat(real)
        with self._lock:
            known = self._known.get(real)
        if isinstance(known, list) and len(known) == 3 and known[:2] == [info.st_size, info.st_mtime_ns]:
            return str(known[2])
        digest = hashlib.sha256()
        with open(real, "rb") as f:
            while chunk := f.read(_BUFFER):
                digest.update(chunk)
        value = digest.hexdigest()
        after = os.stat(real)
        stable = (after.st_size, after.st_mtime_ns) == (info.st_size, info.st_mtime_ns)
        if stable and time.time_ns() - info.st_mtime_ns > _RACY_NS:
            with self._lock:
                self._known[real] = [info.st_size, info.st_mtime_ns, value]
                self._dirty = True
        return value

    def save(self) -> None:
        """Write the known hashes (merged with another run's, by one rename); a failure only costs rehashing."""
        with self._lock:
            if not self._dirty:
                return
            merged = {**self._load(), **self._known}
            self._dirty = False
        staged = f"{self.path}.{uuid.uuid4().hex}.tmp"
        try:
            with open(staged, "w", encoding="utf-8") as f:
                json.dump(merged, f)
            os.replace(staged, self.path)
        except OSError:
            if os.path.exists(staged):
                os.remove(staged)


def read_hashes(spec: Dict[str, Any], workdir: str, hashes: FileHashes) -> Dict[str, object]:
    """For each path the step reads: its sha256, `missing`, or for a folder or a glob pattern
    {matching file: sha256} (relative to the working folder)."""
    out: Dict[str, object] = {}
    for path in spec.get("reads") or []:
        if not isinstance(path, str) or not path:
            continue
        full = os.path.join(workdir, path)
        if _PATTERN.search(path):
            matches = sorted(glob.glob(full, recursive=True))
            out[path] = {os.path.relpath(m, workdir): _hash(m, hashes) for m in matches}
        else:
            out[path] = _hash(full, hashes)
    return out


def _hash(path: str, hashes: FileHashes) -> Union[str, Dict[str, Any]]:
    if os.path.isdir(path):
        tree = {}
        for root, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".cellpipe"))
            for name in sorted(names):
                full = os.path.join(root, name)
                tree[os.path.relpath(full, path)] = _hash(full, hashes)
        return tree
    try:
        return hashes.sha256(path)
    except FileNotFoundError:
        return MISSING
    except OSError as err:
        return f"unreadable: {err.strerror}"


def reads_key(command_line: List[str], workdir: str, hashes: FileHashes) -> Dict[str, object]:
    """The cache-key part of a step's reads: {} for a step that reads no files (its key is as before)."""
    spec = program_files(command_line)
    return read_hashes(spec, workdir, hashes) if spec.get("reads") else {}
