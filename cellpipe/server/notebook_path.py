"""The folder of the notebook a request names: the handlers that read beside a notebook (bundles, file stats,
data-file uploads) start from it, and it must stay under the server's root (symlinks resolved). The paths they
are sent beside it obey the same two rules (`escapes`, `inside`)."""

from __future__ import annotations

import os


class PathError(ValueError):
    pass


def escapes(path: str) -> bool:
    """Whether a path the browser sent leaves its folder by its text alone (absolute, or a `..` part)."""
    parts = path.replace("\\", "/").split("/")
    return os.path.isabs(path) or path.startswith("/") or ".." in parts


def inside(folder: str, real: str) -> bool:
    """Whether `real` is `folder` or below it (both real paths: symlinks resolved)."""
    return os.path.commonpath([folder, real]) == folder


def notebook_dir(root_dir: str, path: str) -> str:
    """The directory of the notebook at `path`, which must stay under root_dir (symlinks resolved)."""
    if path.startswith("RTC:"):  # jupyter-collaboration's drive prefix on the panel's notebook path
        path = path[len("RTC:") :]
    if not path or escapes(path):
        raise PathError(f"notebook path {path!r} must be relative to the server's root, without '..'")
    root = os.path.realpath(root_dir)
    folder = os.path.realpath(os.path.join(root, os.path.dirname(path)))
    if not inside(root, folder):
        raise PathError(f"notebook path {path!r} is outside the server's root directory")
    if not os.path.isdir(folder):
        raise PathError(f"no folder for notebook path {path!r}")
    return folder
