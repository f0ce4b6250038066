"""The folder of the notebook a request names: the handlers that read beside a notebook (bundles, file stats,
data-file uploads) start from it, and it must stay under the server's root (symlinks resolved)."""

from __future__ import annotations

import os


class PathError(ValueError):
    pass


def notebook_dir(root_dir: str, path: str) -> str:
    """The directory of the notebook at `path`, which must stay under root_dir (symlinks resolved)."""
    if path.startswith("RTC:"):  # jupyter-collaboration's drive prefix on the panel's notebook path
        path = path[len("RTC:") :]
    parts = path.replace("\\", "/").split("/")
    if not path or os.path.isabs(path) or path.startswith("/") or ".." in parts:
        raise PathError(f"notebook path {path!r} must be relative to the server's root, without '..'")
    root = os.path.realpath(root_dir)
    folder = os.path.realpath(os.path.join(root, os.path.dirname(path)))
    if os.path.commonpath([folder, root]) != root:
        raise PathError(f"notebook path {path!r} is outside the server's root directory")
    if not os.path.isdir(folder):
        raise PathError(f"no folder for notebook path {path!r}")
    return folder
