"""The private directories a step executes from: the unpacked runtime, local-module bundles, the local
runner's python shim.

A leaf: standard library only, imports nothing of cellpipe. The step program's bootstrap runs this
file's source from the embedded sources before any of cellpipe is importable (`bootstrap.py`,
docs/step-program.md); `bundle.py` and the local runner import it.
"""


def _cellpipe_private_dir(name: str, files: dict, mode: int = 0o600) -> str:
    """A directory `name` under the temp dir holding exactly `files` ({relative path: bytes}); returns its path.

    The name says what it holds, so the steps of one user share it and only the first writes it. The temp
    dir is shared with other local users, who can create that name first: the directory is used only if
    `lstat` shows a real directory (not a symlink) owned by this uid with no group or other permissions
    and its files are exactly `files` (Python's own `__pycache__` aside). Otherwise it is left alone and a
    fresh private directory (made by mkdtemp, 0700, removed at exit) is used instead.
    """
    import atexit
    import os
    import shutil
    import stat
    import tempfile

    def verified(root):
        try:
            info = os.lstat(root)
        except OSError:
            return False
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            return False
        seen = set()
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            if any(os.path.islink(os.path.join(dirpath, d)) for d in dirnames):
                return False  # os.walk lists a symlink to a directory among the directories
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]  # the .pyc Python wrote here, as us
            for entry in filenames:
                path = os.path.join(dirpath, entry)
                rel = entry if rel_dir == "." else rel_dir + "/" + entry
                if rel not in files or not stat.S_ISREG(os.lstat(path).st_mode):
                    return False
                with open(path, "rb") as handle:
                    if handle.read() != files[rel]:
                        return False
                seen.add(rel)
        return seen == set(files)

    def write(root):
        for rel, data in files.items():
            target = os.path.join(root, *rel.split("/"))
            os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        return root

    base = tempfile.gettempdir()
    shared = os.path.join(base, name)
    fallbacks = _cellpipe_private_dir.__dict__.setdefault("fallbacks", {})  # one per name and process
    for root in (shared, fallbacks.get(name)):
        if root and verified(root):
            return root
    staging = write(tempfile.mkdtemp(prefix="." + name + "-", dir=base))
    try:
        # atomic; fails when the name exists (a concurrent step got there first, or it is not ours)
        os.rename(staging, shared)
        staging = None
    except OSError:
        pass
    if verified(shared):
        if staging:
            shutil.rmtree(staging, ignore_errors=True)
        return shared
    private = staging or write(tempfile.mkdtemp(prefix="." + name + "-", dir=base))
    atexit.register(shutil.rmtree, private, True)
    fallbacks[name] = private
    return private
