"""Files around a step (docs/step-program.md, "Files"): the working folder it starts in, the files other
steps wrote that it reads (file-flow artifacts, verified, placed before its cells), the data files KFP
imported for it (`cellpipe_data_files`), and the files it writes for later steps (saved after its cells).
"""

import os
import shutil
import sys
import uuid
from typing import Optional

from . import marshal
from .executor import ExecutorInput, local_path

WORKDIR_ENV = "CELLPIPE_WORKDIR"  # set by the local runner: the notebook's folder on this machine
DATA_FILES_PARAMETER = "cellpipe_data_files"
PATH_KEY = "cellpipe.path"
FILE_KIND = "file"  # `cellpipe.backend` of a file-flow artifact: a file carried as it is, never unmarshalled


def _fail(step: str, message: str) -> "SystemExit":
    return SystemExit(f'cellpipe: step "{step}": {message}')


def enter_workdir(step: str, spec: dict) -> None:
    """Start in the local runner's folder (`CELLPIPE_WORKDIR`), else the compiler's (the notebook's folder in
    its mounted workspace), when it exists; else say so and stay where the container started."""
    workdir = os.environ.get(WORKDIR_ENV) or spec.get("workdir")
    if not workdir:
        return
    if os.path.isdir(workdir):
        os.chdir(workdir)
        return
    print(
        f'cellpipe warning: step "{step}": its working folder {workdir!r} (the notebook\'s folder) does not exist '
        f"here, so relative paths are read from {os.getcwd()!r}: is the notebook's workspace volume mounted at the "
        "same path into the step?",
        file=sys.stderr,
    )


def checked_path(step: str, path: str) -> str:
    """`path` relative to the working folder, never out of it (no absolute path, no `..`)."""
    if not isinstance(path, str) or not path or os.path.isabs(path) or path.startswith(("/", "\\")):
        raise _fail(step, f"file path {path!r} is not relative to the working folder: refusing to write it")
    parts = path.replace("\\", "/").split("/")
    if ".." in parts:
        raise _fail(step, f"file path {path!r} leads out of the working folder ('..'): refusing to write it")
    return os.path.join(*[p for p in parts if p not in ("", ".")])


def _place(source: str, target: str, link: bool) -> None:
    """Make `target` hold `source`'s bytes (a symbolic link, else a copy), replacing what is there."""
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    if os.path.isdir(target) and not os.path.islink(target):
        shutil.rmtree(target)
    staged = os.path.join(os.path.dirname(os.path.abspath(target)), f".cellpipe-{uuid.uuid4().hex}")
    try:
        if link:
            try:
                os.symlink(os.path.abspath(source), staged)
            except OSError:
                shutil.copyfile(source, staged)
        else:
            shutil.copyfile(source, staged)
        os.replace(staged, target)
    finally:
        if os.path.lexists(staged):
            os.remove(staged)


def _artifact_file(directory: str) -> Optional[str]:
    names = [n for n in os.listdir(directory) if n != marshal.META_FILE] if os.path.isdir(directory) else []
    return os.path.join(directory, names[0]) if len(names) == 1 else None


def place_inputs(step: str, executor: ExecutorInput, spec: dict) -> None:
    """Before the cells: each file-flow input verified against its writer's record, copied to its path."""
    for name, path in sorted((spec.get("inputs") or {}).items()):
        target = checked_path(step, path)
        artifact = executor.input_artifacts.get(name)
        if artifact is None:
            raise _fail(step, f'file "{path}" (input "{name}") was not passed to the step')
        metadata = artifact.get("metadata") or {}
        directory = local_path(artifact.get("uri", ""), metadata)
        expected = metadata.get(marshal.SHA256_KEY)
        if not isinstance(expected, str):
            if os.environ.get(marshal.ALLOW_UNVERIFIED_ENV) != "1":
                raise _fail(
                    step,
                    f'file "{path}" (input "{name}") has no {marshal.SHA256_KEY} in its artifact metadata, so it '
                    f"is not used: re-run the step that writes it, or set {marshal.ALLOW_UNVERIFIED_ENV}=1",
                )
            print(f'cellpipe warning: step "{step}": file "{path}" is used unverified', file=sys.stderr)
        else:
            try:
                actual = marshal.digest(directory)
            except (OSError, marshal.MarshalError) as err:
                raise _fail(
                    step, f'file "{path}" (input "{name}"): cannot read its artifact {directory}: {err}'
                ) from None
            if actual != expected:
                raise _fail(
                    step,
                    f'file "{path}" (input "{name}") was changed after the step that wrote it saved it (sha256 '
                    f"{actual[:16]}…, recorded {expected[:16]}…): refusing it. Re-run that step",
                )
        source = _artifact_file(directory)
        if source is None:
            raise _fail(
                step, f'file "{path}" (input "{name}"): its artifact {directory} holds no single file'
            )
        # A copy: the step may change its file, never the artifact (the local runner's cache).
        _place(source, target, link=False)


def place_data_files(step: str, executor: ExecutorInput) -> None:
    """Before the cells: each imported data file (`cellpipe_data_files`) linked at its path."""
    mapping = executor.parameters.get(DATA_FILES_PARAMETER) or {}
    if not isinstance(mapping, dict):
        raise _fail(step, f"{DATA_FILES_PARAMETER} is {type(mapping).__name__}, not a map of input → path")
    for name, path in sorted(mapping.items()):
        target = checked_path(step, path)
        artifact = executor.input_artifacts.get(name)
        if artifact is None:
            raise _fail(step, f'data file "{path}" (input "{name}") was not passed to the step')
        source = local_path(artifact.get("uri", ""), artifact.get("metadata"))
        if not os.path.isfile(source):
            raise _fail(step, f'data file "{path}" (input "{name}") is not at {source}: was it imported?')
        _place(source, target, link=True)


def save_outputs(step: str, executor: ExecutorInput, spec: dict) -> dict:
    """After the cells: each file later steps read copied into its artifact; metadata by artifact name."""
    meta = {}
    for name, path in sorted((spec.get("outputs") or {}).items()):
        source = checked_path(step, path)
        if not os.path.isfile(source):
            raise _fail(
                step,
                f'file "{path}" is read by a later step but this step did not write it (no file at '
                f"{os.path.abspath(source)})",
            )
        artifact = executor.output_artifacts.get(name)
        if artifact is None:
            raise _fail(step, f'file "{path}": output "{name}" has no artifact in the executor input')
        directory = local_path(artifact.get("uri", ""), artifact.get("metadata"))
        os.makedirs(directory, exist_ok=True)
        shutil.copyfile(source, os.path.join(directory, os.path.basename(source)))
        meta[name] = {
            marshal.BACKEND_KEY: FILE_KIND,
            PATH_KEY: path,
            marshal.SHA256_KEY: marshal.digest(directory),
        }
    return meta
