"""POST /cellpipe/api/files/stat: whether the files a notebook's steps read and write exist, and their sizes.

The analyzer (in the browser) finds the paths; only the server can look at the disk. Request
`{"notebookPath": "<notebook path under the server root>", "paths": ["data/train.csv", "images/*.png", ...]}`,
each path relative to the notebook's folder; answer `{"files": [{"path", "exists", "size", "mtime"}, ...]}` in the
request's order. A glob pattern answers for the files it matches (`matches`, `size` their total). A path outside the
notebook's folder (absolute, with `..`, or through a symlink leading out) is not looked at: its entry says
`refused` and why. Reading file metadata is a read of the server's contents (`auth_resource = "contents"`).
"""

from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from .notebook_path import PathError, escapes, inside, notebook_dir
from .packages import RequestRefused, check_size, json_object, limits
from .routes import Route, api_route

MAX_PATHS = 500
"""At most this many paths per request (a notebook lists a few dozen)."""
MAX_MATCHES = 10_000
"""A glob pattern stops counting past this many files."""


@dataclass
class FileStat:
    path: str
    exists: bool = False
    size: int | None = None
    mtime: float | None = None
    matches: int | None = None
    refused: str | None = None

    def to_json(self) -> dict[str, str | int | float | bool]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def stat_path(folder: str, path: str) -> FileStat:
    """One path relative to the notebook's `folder` (a real path), looked at only when it stays inside."""
    if escapes(path):
        return FileStat(path, refused="outside the notebook's folder (absolute or with '..')")
    if glob.has_magic(path):
        size, count = 0, 0
        for match in glob.iglob(os.path.join(folder, path), recursive=True):
            real = os.path.realpath(match)
            if inside(folder, real) and os.path.isfile(real):
                size += os.path.getsize(real)
                count += 1
                if count >= MAX_MATCHES:
                    break
        return FileStat(path, exists=count > 0, size=size, matches=count)
    real = os.path.realpath(os.path.join(folder, path))
    if not inside(folder, real):
        return FileStat(path, refused="leads outside the notebook's folder (a symlink?)")
    try:
        st = os.stat(real)
    except OSError:
        return FileStat(path, exists=False)
    return FileStat(path, exists=True, size=st.st_size, mtime=st.st_mtime)


def parse_request(body: bytes) -> tuple[str, list[str]]:
    """(notebookPath, paths) of a request body, or RequestRefused(400) naming what is wrong."""
    data = json_object(body)
    notebook_path, paths = data.get("notebookPath"), data.get("paths")
    if not isinstance(notebook_path, str) or not notebook_path:
        raise RequestRefused(
            400, 'field "notebookPath" is required: the notebook\'s path under the server root'
        )
    if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
        raise RequestRefused(
            400, 'field "paths" must be a list of file paths relative to the notebook\'s folder'
        )
    if len(paths) > MAX_PATHS:
        raise RequestRefused(400, f'field "paths" names {len(paths)} paths; at most {MAX_PATHS} per request')
    return notebook_path, paths


class FileStatHandler(APIHandler):
    auth_resource = "contents"

    @tornado.web.authenticated
    @authorized("read")
    def post(self) -> None:
        try:
            check_size(self.request.body, limits(self.settings, self.config).max_request_bytes)
            notebook_path, paths = parse_request(self.request.body)
        except RequestRefused as err:
            raise tornado.web.HTTPError(err.status, err.message) from None
        root = self.settings.get("server_root_dir") or os.getcwd()
        try:
            folder = notebook_dir(root, notebook_path)
        except PathError as err:
            raise tornado.web.HTTPError(403, str(err)) from None
        self.finish(json.dumps({"files": [stat_path(folder, p).to_json() for p in paths]}))


def routes(base_url: str) -> list[Route]:
    return [(api_route(base_url, "files", "stat"), FileStatHandler)]
