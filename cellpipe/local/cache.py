"""The local runner's step cache: `<store>/cache/<key>/` folders, shared by concurrent runs.

An entry is a step's outputs plus `entry.json`, which records every output file's size and hash at
write time. It is built in a private staging folder (`<key>.partial-<pid>-<random>`), flushed to disk,
then published by one rename under a per-key file lock (`cache/.locks/<key>`, flock: across threads and
processes). Readers verify an entry under the same lock before serving it; anything that does not match
what was recorded — a changed byte, a missing file, an unreadable `entry.json` — is a miss, with the
reason, never an exception.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

STALE_UNOWNED_SECONDS = 3600  # a staging folder named by an older cellpipe (no pid) is stale after an hour


# --- artifact files: one pass gives the manifest an entry records and the hash keys see ------------
def manifest(path: str) -> Dict[str, List[Any]]:
    """{relative path: [size, blake2b]} of a file or of every file under a folder."""
    base, files = _files(path)
    return {
        rel: [os.path.getsize(os.path.join(base, rel)), file_hash(os.path.join(base, rel))] for rel in files
    }


def _files(path: str) -> Tuple[str, List[str]]:
    if not os.path.isdir(path):
        return os.path.dirname(path), [os.path.basename(path)]
    found: List[str] = []
    for root, dirs, names in os.walk(path):
        dirs.sort()
        found.extend(os.path.relpath(os.path.join(root, n), path) for n in sorted(names))
    return path, found


def file_hash(path: str) -> str:
    digest = hashlib.blake2b(digest_size=32)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def tree_hash(files: Dict[str, List[Any]]) -> str:
    """Content hash of an artifact (names, sizes, bytes): what a downstream cache key sees."""
    return hashlib.sha256(json.dumps(sorted(files.items())).encode()).hexdigest()


def damage(path: str, recorded: Dict[str, List[Any]]) -> Optional[str]:
    """What differs between an artifact on disk and the manifest its entry recorded, or None."""
    name = os.path.basename(path)
    if not os.path.lexists(path):
        return f"{name} is missing"
    base, present = _files(path)
    if sorted(present) != sorted(recorded):
        missing = sorted(set(recorded) - set(present))
        extra = sorted(set(present) - set(recorded))
        return f"{name}/{missing[0]} is missing" if missing else f"{name}/{extra[0]} was added"
    sizes = {rel: os.path.getsize(os.path.join(base, rel)) for rel in recorded}
    for rel, (size, _digest) in recorded.items():  # sizes first: cheap, and most damage changes one
        if sizes[rel] != size:
            return f"{name}/{rel} changed size ({size} → {sizes[rel]} bytes)"
    for rel, (_size, digest) in recorded.items():
        if file_hash(os.path.join(base, rel)) != digest:
            return f"{name}/{rel} changed content"
    return None


# --- entries ------------------------------------------------------------------------------------------
@contextlib.contextmanager
def entry_lock(cache_root: str, key: str, exclusive: bool) -> Iterator[None]:
    """Readers verify an entry while no writer replaces it (flock: per open file, so threads too)."""
    os.makedirs(os.path.join(cache_root, ".locks"), exist_ok=True)
    fd = os.open(os.path.join(cache_root, ".locks", key), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def read_entry(
    cache_dir: str, key: str, outputs: Iterable[str]
) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """(the verified entry, None), or (None, why it is unusable), or (None, None) when there is none."""
    entry_path = os.path.join(cache_dir, "entry.json")
    if not os.path.lexists(cache_dir):
        return None, None
    try:
        with open(entry_path) as f:
            entry = json.load(f)
    except (OSError, ValueError) as err:
        return None, f"entry.json is unreadable ({type(err).__name__}: {err})"
    if not (
        isinstance(entry, dict)
        and entry.get("key") == key
        and isinstance(entry.get("artifacts"), dict)
        and isinstance(entry.get("parameters"), dict)
        and isinstance(entry.get("executor_output"), dict)
        and set(entry["artifacts"]) == set(outputs)
    ):
        return None, "entry.json does not describe this step's outputs"
    for out, art in entry["artifacts"].items():
        if not isinstance(art, dict) or not isinstance(art.get("files"), dict):
            return None, f"entry.json has no file list for output {out!r}"
        if art.get("uri") != os.path.join(cache_dir, out) or art.get("hash") != tree_hash(art["files"]):
            return None, f"entry.json's record of output {out!r} is inconsistent"
        try:
            problem = damage(art["uri"], art["files"])
        except (OSError, TypeError, ValueError) as err:
            problem = f"{out} cannot be checked ({type(err).__name__}: {err})"
        if problem:
            return None, problem
    return entry, None


def publish(
    cache_dir: str, key: str, staging: str, outputs: Iterable[str], replace: bool
) -> Optional[Dict[str, Any]]:
    """Make `staging` the entry for `key`, durably. Another run's valid entry for the same key wins
    (same step, same inputs) unless `replace` (a forced re-run, or that entry was damaged): then it is
    swapped out. Returns the winning entry when it is not ours (our staging copy is then left to the
    caller to discard)."""
    fsync_tree(staging)
    cache_root = os.path.dirname(cache_dir)
    with entry_lock(cache_root, key, exclusive=True):
        if os.path.lexists(cache_dir):
            if not replace:
                existing, _problem = read_entry(cache_dir, key, outputs)
                if existing is not None:
                    return existing
            trash = staging_name(cache_dir, "trash")
            os.rename(cache_dir, trash)
            os.rename(staging, cache_dir)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.rename(staging, cache_dir)
        fsync_dir(cache_root)
    return None


def write_json(path: str, value: object) -> None:
    """Whole or not at all: a reader never sees half a file."""
    partial = f"{path}.{os.getpid()}-{uuid.uuid4().hex[:6]}"
    with open(partial, "w") as f:
        json.dump(value, f, indent=1)
    os.replace(partial, path)


def fsync_tree(path: str) -> None:
    """Flush every file and folder under `path` (and `path`) to disk, before the rename that publishes it."""
    for root, _dirs, names in os.walk(path, topdown=False):
        for name in names:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(root)


def fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- staging folders ------------------------------------------------------------------------------------
def staging_name(cache_dir: str, kind: str) -> str:
    """`<key>.<kind>-<pid>-<random>`: the pid tells a later run whether its writer still lives."""
    return f"{cache_dir}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def staging(cache_dir: str) -> Iterator[str]:
    """A private folder the next entry for `cache_dir` is written in; removed on exit (gone already once published)."""
    path = staging_name(cache_dir, "partial")
    os.makedirs(path)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():  # another runner in this process (the server runs several)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def clean_stale_partials(cache_root: str) -> List[str]:
    """Remove staging and trash folders whose writer is gone; a live run's (its pid alive) are kept."""
    removed: List[str] = []
    try:
        names = os.listdir(cache_root)
    except FileNotFoundError:
        return removed
    for name in names:
        kind = next((k for k in (".partial-", ".trash-") if k in name), None)
        if kind is None:
            continue
        path = os.path.join(cache_root, name)
        owner = name.split(kind, 1)[1].split("-", 1)[0]
        if owner.isdigit() and "-" in name.split(kind, 1)[1]:
            stale = not pid_alive(int(owner))
        else:
            try:
                stale = time.time() - os.lstat(path).st_mtime > STALE_UNOWNED_SECONDS
            except FileNotFoundError:
                continue
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(name)
    return removed
