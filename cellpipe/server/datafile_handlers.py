"""POST /cellpipe/api/datafiles/upload: the notebook's data files into the pipeline's object store.

Request `{"notebookPath": "<notebook path under the server root>", "paths": ["data/train.csv", ...]}`, each path
relative to the notebook's folder; answer `{"files": [{"path", "uri", "sha256", "size", "uploaded"}, ...]}` in the
request's order (`uploaded` is false when the store had that content already). A KFP importer then brings each
`uri` into the steps that read the file (`src/compiler/importers.ts`). The store and its credentials are the
admin's configuration (`object_store.py`); the browser only names files, which must stay inside the notebook's
folder (symlinks resolved). Uploading feeds a KFP run: it needs `write` on the KFP handlers' resource
(`cellpipe_kfp`). Checking, hashing and uploading run off the IOLoop.
"""

from __future__ import annotations

import json
import os

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from .kfp_handlers import AUTH_RESOURCE  # uploading feeds a KFP run: the KFP handlers' resource
from .notebook_path import PathError, escapes, inside, notebook_dir
from .object_store import MAX_SINGLE_PUT_BYTES, CellpipeObjectStore, ObjectStore, ObjectStoreError
from .packages import RequestRefused, check_size, json_object, limits, off_loop
from .routes import Route, api_route

_STORE_KEY = "cellpipe_object_store"


def _bad(field: str, message: str) -> ObjectStoreError:
    return ObjectStoreError(400, "bad_request", f'Field "{field}" {message}')


def data_file(folder: str, path: str) -> str:
    """The real path of `path` (relative to the notebook's folder), which must be a regular file inside it."""
    if not path or escapes(path):
        raise ObjectStoreError(
            403, "outside", f"data file {path!r} must be relative to the notebook's folder, without '..'"
        )
    real = os.path.realpath(os.path.join(folder, path))
    if not inside(folder, real):
        raise ObjectStoreError(
            403,
            "outside",
            f"data file {path!r} leads outside the notebook's folder (a symlink?); not uploaded",
        )
    if not os.path.isfile(real):
        raise ObjectStoreError(404, "not_found", f"data file {path!r} is not a file in the notebook's folder")
    return real


def resolve_files(
    root: str, notebook_path: str, paths: list[str], max_total_bytes: int
) -> tuple[str, list[tuple[str, str]]]:
    """(the notebook's folder, [(path as asked, real path)]): each a file inside the folder, sizes capped."""
    try:
        folder = notebook_dir(root, notebook_path)
    except PathError as err:
        raise ObjectStoreError(403, "outside", str(err)) from None
    files = [(path, data_file(folder, path)) for path in paths]
    sizes = {path: os.path.getsize(real) for path, real in files}
    for path, size in sizes.items():
        if size > MAX_SINGLE_PUT_BYTES:
            raise ObjectStoreError(
                413,
                "too_large",
                f"data file {path!r} is {size} bytes, over the 5 GiB one upload may carry; put it on the "
                "workspace volume, or in the object store yourself and give its URI",
            )
    total = sum(sizes.values())
    if total > max_total_bytes:
        raise ObjectStoreError(
            413,
            "too_large",
            f"the files come to {total} bytes, over the {max_total_bytes} one upload may carry "
            "(c.CellpipeObjectStore.max_total_bytes)",
        )
    return folder, files


class DataFilesUploadHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def store(self) -> ObjectStore:
        """One client; its settings (credential files included) are read once, the files at each request."""
        store = self.settings.get(_STORE_KEY)
        if not isinstance(store, ObjectStore):
            store = self.settings[_STORE_KEY] = ObjectStore(
                CellpipeObjectStore(config=self.config).settings()
            )
        return store

    async def request_files(self) -> tuple[str, list[tuple[str, str]]]:
        """(the notebook's folder, [(path as asked, real path)]), checked: body, paths, count and sizes."""
        check_size(self.request.body, limits(self.settings, self.config).max_request_bytes)
        body = await off_loop(json_object, self.request.body)
        notebook_path, paths = body.get("notebookPath"), body.get("paths")
        if not isinstance(notebook_path, str) or not notebook_path:
            raise _bad("notebookPath", "is required: the notebook's path under the server root")
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p for p in paths):
            raise _bad("paths", "must be a non-empty list of file paths relative to the notebook's folder")
        caps = self.store.settings
        paths = list(dict.fromkeys(paths))
        if len(paths) > caps.max_files:
            raise _bad("paths", f"names {len(paths)} files; at most {caps.max_files} per upload")
        root = self.settings.get("server_root_dir") or os.getcwd()
        return await off_loop(resolve_files, root, notebook_path, paths, caps.max_total_bytes)

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        try:
            _, files = await self.request_files()
            done = [(await self.store.upload(real, path)).to_json() for path, real in files]
        except (ObjectStoreError, RequestRefused) as err:
            self.set_status(err.status)
            self.finish(json.dumps({"reason": err.reason, "message": err.message}))
            return
        self.finish(self.store.scrub(json.dumps({"files": done})))


def routes(base_url: str) -> list[Route]:
    return [(api_route(base_url, "datafiles", "upload"), DataFilesUploadHandler)]
