"""Save and load a step's variables by type.

Each value goes to a directory: one data file written by the first backend whose predicate
accepts the value, and `cellpipe.json` naming the backend, the library versions and the Python
version. Libraries are imported lazily, only when a value of theirs is seen (a predicate looks at
the type's module name first, so numpy is never imported to marshal a string).

Order: the user's backends (`register_backend`), then json scalars, numpy, pandas, XGBoost (its
models are scikit-learn estimators too), scikit-learn, Keras, PyTorch, functions and classes, and cloudpickle protocol 5 with out-of-band
buffers as the fallback. Never dill: it is a pure-Python pickler, an order of magnitude slower.

A step loads an input only once it matches what the producing step recorded in KFP's metadata (`load(...,
recorded=)`: backend and `digest`): `cellpipe.json` alone would let whoever writes the bucket choose pickle.
"""

import contextlib
import gc
import hashlib
import io
import json
import os
import pickle
import platform
import stat
import sys
import types
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Set

META_FILE = "cellpipe.json"
FORMAT_VERSION = 1
# Arrays at least this large are memory-mapped (copy-on-write) on load instead of read.
MMAP_THRESHOLD = int(os.environ.get("CELLPIPE_MMAP_BYTES", 64 * 1024 * 1024))
# Functions whose pickle is this large almost always capture data by accident.
FUNCTION_SIZE_WARNING = 64 * 1024 * 1024
# What the producing step records in its executor output for each saved variable, and the consumer checks.
BACKEND_KEY = "cellpipe.backend"
SHA256_KEY = "cellpipe.sha256"
# Set to 1 in a step's environment to load inputs whose producer recorded no backend or sha256 (with a warning).
ALLOW_UNVERIFIED_ENV = "CELLPIPE_ALLOW_UNVERIFIED_ARTIFACTS"
_HASH_BUFFER = 1 << 20


class MarshalError(Exception):
    """A value cannot be saved or loaded; the message names step, variable, type and a way out."""


@dataclass
class Backend:
    name: str
    predicate: Callable[[Any], bool]
    save: Callable[[Any, str], None]
    load: Callable[[str], Any]
    extension: str
    libraries: tuple = ()


_user_backends: List[Backend] = []


def register_backend(predicate, save, load, name, extension, libraries=()):
    """Add a backend tried before the built-in ones.

    `predicate(value) -> bool`; `save(value, path)` writes one file at `path`; `load(path) -> value`.
    `extension` names the data file (`data.<extension>`); `libraries` are module names whose
    versions are recorded with each artifact.
    """
    if any(b.name == name for b in _user_backends + _BUILTIN):
        raise ValueError(f"a marshal backend named {name!r} exists already")
    _user_backends.insert(0, Backend(name, predicate, save, load, extension.lstrip("."), tuple(libraries)))


def _module_of(value) -> str:
    return type(value).__module__ or ""


def _mro_modules(value) -> List[str]:
    return [(c.__module__ or "") for c in type(value).__mro__]


# --- json scalars -------------------------------------------------------------------------------
_SCALARS = (bool, int, float, str, type(None))


def _is_scalar(value) -> bool:
    return type(value) in _SCALARS and not (type(value) is int and abs(value) > 2**53)


def _save_json(value, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"value": value}, f, allow_nan=True)


def _load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["value"]


# --- numpy --------------------------------------------------------------------------------------
def _is_numpy_array(value) -> bool:
    if _module_of(value) != "numpy" or type(value).__name__ != "ndarray":
        return False
    return not value.dtype.hasobject  # object arrays hold Python objects: pickle them


def _save_numpy(value, path):
    import numpy as np

    with open(path, "wb") as f:
        np.save(f, value, allow_pickle=False)


def _load_numpy(path):
    import numpy as np

    mode = "c" if os.path.getsize(path) >= MMAP_THRESHOLD else None
    return np.load(path, mmap_mode=mode, allow_pickle=False)


# --- pandas via Arrow IPC -------------------------------------------------------------------------
def _is_pandas(value) -> bool:
    return type(value).__name__ in ("DataFrame", "Series") and _module_of(value).startswith("pandas")


def _save_pandas(value, path):
    import pyarrow as pa
    import pyarrow.ipc as ipc

    is_series = type(value).__name__ == "Series"
    frame = value.to_frame() if is_series else value
    names = list(frame.columns)
    if any(not isinstance(n, str) for n in names) or len(set(names)) != len(names):
        raise TypeError("Arrow keeps string column names only")  # the pickle fallback keeps them
    table = _arrow_table(frame)
    meta = dict(table.schema.metadata or {})
    meta[b"cellpipe.series"] = b"1" if is_series else b"0"
    freq = getattr(frame.index, "freqstr", None)  # Arrow keeps a DatetimeIndex's values, not its freq
    if freq and type(frame.index).__name__ in ("DatetimeIndex", "TimedeltaIndex"):
        meta[b"cellpipe.index_freq"] = freq.encode()
    table = table.replace_schema_metadata(meta)
    with pa.OSFile(path, "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _arrow_table(frame):
    """`pa.Table.from_pandas`, but float columns go zero-copy with NaN kept as NaN.

    from_pandas scans every float column for NaN to make it null, half its time on numeric
    frames; to_pandas turns null back into NaN, so skipping the scan loses nothing.
    """
    import numpy as np
    import pyarrow as pa

    floats = [i for i, dt in enumerate(frame.dtypes) if isinstance(dt, np.dtype) and dt.kind == "f"]
    # preserve_index=None: a RangeIndex is metadata only; any other index becomes a column.
    if not floats:
        return pa.Table.from_pandas(frame, preserve_index=None)
    others = [i for i in range(frame.shape[1]) if i not in set(floats)]
    table = pa.Table.from_pandas(frame.iloc[:, others], preserve_index=None)
    for i in floats:  # in order, so each lands at its own position, before any index columns
        column = frame.iloc[:, i]
        values = np.ascontiguousarray(column.to_numpy())
        field = pa.field(column.name, pa.from_numpy_dtype(values.dtype))
        table = table.add_column(i, field, pa.array(values, from_pandas=False))
    return table


def _load_pandas(path):
    import pyarrow as pa
    import pyarrow.ipc as ipc

    with pa.memory_map(path) as source:
        table = ipc.open_file(source).read_all()
    # Consolidated blocks are copies: writable, unlike zero-copy views of the file.
    frame = table.to_pandas()
    freq = (table.schema.metadata or {}).get(b"cellpipe.index_freq")
    if freq:
        frame.index = type(frame.index)(frame.index, freq=freq.decode())
    if (table.schema.metadata or {}).get(b"cellpipe.series") == b"1":
        return frame.iloc[:, 0]
    return frame


# --- scikit-learn -------------------------------------------------------------------------------
def _is_sklearn(value) -> bool:
    return any(m.startswith("sklearn.") for m in _mro_modules(value)) and not isinstance(value, type)


def _save_joblib(value, path):
    import joblib

    joblib.dump(value, path)


def _load_joblib(path):
    import joblib

    return joblib.load(path)


# --- XGBoost ------------------------------------------------------------------------------------
def _is_xgboost(value) -> bool:
    return any(m.startswith("xgboost") for m in _mro_modules(value)) and hasattr(value, "save_model")


def _save_xgboost(value, path):
    value.save_model(path)
    with open(path + ".class", "w", encoding="utf-8") as f:
        f.write(f"{type(value).__module__}:{type(value).__qualname__}")


def _load_xgboost(path):
    import importlib

    with open(path + ".class", encoding="utf-8") as f:
        module, qualname = f.read().split(":")
    cls = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part)
    model = cls()
    model.load_model(path)
    return model


# --- PyTorch ------------------------------------------------------------------------------------
def _is_torch(value) -> bool:
    return any(m.startswith("torch") for m in _mro_modules(value)) and (
        type(value).__name__ in ("Tensor", "Parameter") or hasattr(value, "state_dict")
    )


def _save_torch(value, path):
    import torch

    torch.save(value, path)


def _load_torch(path):
    import torch

    return torch.load(path, weights_only=False, map_location="cpu")


# --- Keras --------------------------------------------------------------------------------------
def _is_keras(value) -> bool:
    return any(m.startswith(("keras", "tf_keras")) for m in _mro_modules(value)) and hasattr(value, "save")


def _save_keras(value, path):
    import keras

    value.save(path)
    with open(path + ".backend", "w", encoding="utf-8") as f:
        f.write(keras.backend.backend())


def _load_keras(path):
    # Keras picks its backend once, at import: the one that saved the model, unless the image says otherwise.
    if "keras" not in sys.modules and not os.environ.get("KERAS_BACKEND"):
        with contextlib.suppress(OSError), open(path + ".backend", encoding="utf-8") as f:
            os.environ["KERAS_BACKEND"] = f.read().strip()
    import keras

    return keras.models.load_model(path)


# --- functions and classes, and the cloudpickle fallback ----------------------------------------
def _is_function(value) -> bool:
    return isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type, types.MethodType))


def _pickler():
    try:
        import cloudpickle

        return cloudpickle
    except ImportError:  # an image without cloudpickle: plain pickle (protocol 5) handles most values
        _note_once(
            "cellpipe note: cloudpickle is not installed in this step's image; values are saved with "
            "the standard pickle, which cannot save functions or classes defined in the notebook"
        )
        return pickle


_notes_given: Set[str] = set()


def _note_once(text: str) -> None:
    if text not in _notes_given:
        _notes_given.add(text)
        print(text, file=sys.stderr)


# A step process loads its inputs once and keeps them to the end: set by `step.start`, so that what a
# load builds goes to the GC's permanent generation instead of being rescanned by every later collection.
FREEZE_LOADED = False
_FREEZE_BYTES = 1 << 20  # small values are not worth it


@contextlib.contextmanager
def _gc_paused(freeze: bool = False):
    """Pickling builds or walks millions of objects: the cyclic GC would rescan them again and again.

    With `freeze`, what was built is moved to the permanent generation before the GC is re-enabled
    (gc.freeze): the first collection after a large load otherwise scans every new object once more,
    and again at each promotion. Reference counting still frees those objects when they are dropped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def _dumps(value, buffers: list) -> bytes:
    """Plain pickle when it is faithful (its C pickler calls no Python per object), else cloudpickle.

    Plain pickle stores functions and classes by reference: fine for importable ones, wrong for
    those of the notebook (`__main__`) or lambdas, which cloudpickle stores by value.
    """
    try:
        data = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
        if b"__main__" not in data:
            return data
    except Exception:  # noqa: S110 (plain pickle cannot: cloudpickle, below, is the answer)
        pass
    buffers.clear()
    pickler = _pickler()
    data = pickler.dumps(value, protocol=5, buffer_callback=buffers.append)
    if pickler is pickle and b"__main__" in data:
        _refuse_notebook_references(data, buffers)
    return data


class _NotebookReference(Exception):
    pass


class _Probe(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "__main__":
            raise _NotebookReference(name)
        return super().find_class(module, name)


def _refuse_notebook_references(data: bytes, buffers: list) -> None:
    """Without cloudpickle, a notebook function or class would be saved by a name no other step knows."""
    try:
        _Probe(io.BytesIO(data), buffers=buffers).load()
    except _NotebookReference as ref:
        raise MarshalError(
            f"it refers to {ref.args[0]!r}, defined in the notebook: only cloudpickle saves such functions "
            "and classes by value, and cloudpickle is not installed in this step's image "
            "(add it to the image: pip install cloudpickle)"
        ) from None
    except Exception:  # noqa: S110 (a failure to load is not what we probe for)
        pass


def _save_pickle(value, path):
    buffers: List[pickle.PickleBuffer] = []
    with _gc_paused():
        data = _dumps(value, buffers)
    with open(path, "wb") as f:
        f.write(len(buffers).to_bytes(8, "little"))
        for buf in buffers:
            raw = buf.raw()
            f.write(raw.nbytes.to_bytes(8, "little"))
            f.write(raw)
        f.write(data)


def _load_pickle(path):
    with open(path, "rb") as f:
        count = int.from_bytes(f.read(8), "little")
        buffers = []
        for _ in range(count):
            size = int.from_bytes(f.read(8), "little")
            buffers.append(bytearray(f.read(size)))  # writable, as the saved arrays were
        data = f.read()
    with _gc_paused(freeze=FREEZE_LOADED and len(data) > _FREEZE_BYTES):
        # S301: an artifact of this pipeline's own steps, checked against its recorded sha256 (_verify) first.
        return pickle.loads(data, buffers=buffers)  # noqa: S301


def _save_function(value, path):
    _save_pickle(value, path)
    size = os.path.getsize(path)
    if size > FUNCTION_SIZE_WARNING:
        raise MarshalError(
            f"the function pickles to {size / 2**20:.0f} MiB: it captures large globals. "
            "Pass the data as its own variable, or define the function in a functions cell"
        )


_BUILTIN: List[Backend] = [
    Backend("json", _is_scalar, _save_json, _load_json, "json"),
    Backend("numpy", _is_numpy_array, _save_numpy, _load_numpy, "npy", ("numpy",)),
    Backend("pandas-arrow", _is_pandas, _save_pandas, _load_pandas, "arrow", ("pandas", "pyarrow")),
    Backend("xgboost", _is_xgboost, _save_xgboost, _load_xgboost, "ubj", ("xgboost",)),
    Backend("sklearn-joblib", _is_sklearn, _save_joblib, _load_joblib, "joblib", ("sklearn", "joblib")),
    # Keras before torch: on the torch backend a Keras model is a torch Module too.
    Backend("keras", _is_keras, _save_keras, _load_keras, "keras", ("keras",)),
    Backend("torch", _is_torch, _save_torch, _load_torch, "pt", ("torch",)),
    Backend("function", _is_function, _save_function, _load_pickle, "pkl", ("cloudpickle",)),
    Backend("cloudpickle", lambda v: True, _save_pickle, _load_pickle, "pkl", ("cloudpickle",)),
]


def backends() -> List[Backend]:
    return _user_backends + _BUILTIN


def _backend_named(name: str) -> Backend:
    for b in backends():
        if b.name == name:
            return b
    raise MarshalError(f"no marshal backend named {name!r} in this step (register it with register_backend)")


# Values that cannot mean the same thing in another process, with the way out.
def _unpassable(value) -> Optional[str]:
    import socket
    import threading

    if isinstance(value, io.IOBase):
        return "an open file handle cannot pass between steps: pass its path and re-open it in the consuming step"
    if isinstance(value, socket.socket):
        return "a socket cannot pass between steps: connect again in the consuming step"
    if isinstance(value, (types.GeneratorType, types.AsyncGeneratorType, types.CoroutineType)):
        return (
            "a generator cannot pass between steps: pass a list of its items, or the function that makes it"
        )
    if isinstance(value, (type(threading.Lock()), type(threading.RLock()))):
        return "a lock cannot pass between steps: create it where it is used"
    module = _module_of(value)
    if module.startswith(("sqlite3", "psycopg", "pymysql", "sqlalchemy.engine", "pymongo", "redis")):
        return "a database connection cannot pass between steps: connect again in the consuming step"
    return None


def _versions(libraries) -> dict:
    out = {}
    for lib in libraries:
        module = sys.modules.get(lib)
        version = getattr(module, "__version__", None) if module else None
        if version:
            out[lib] = str(version)
    return out


def save(value, directory: str, step: str = "?", name: str = "?", max_bytes: Optional[int] = None) -> dict:
    """Save `value` into `directory`; returns the metadata written beside it."""
    where = f'step "{step}": variable "{name}" ({type(value).__module__}.{type(value).__qualname__})'
    reason = _unpassable(value)
    if reason:
        raise MarshalError(f"{where}: {reason}")
    os.makedirs(directory, exist_ok=True)
    before = set(os.listdir(directory))
    for backend in backends():
        try:
            accepted = backend.predicate(value)
        except Exception:  # a predicate must never break saving
            accepted = False
        if not accepted:
            continue
        data_file = f"data.{backend.extension}"
        path = os.path.join(directory, data_file)
        try:
            backend.save(value, path)
        except MarshalError as err:
            raise MarshalError(f"{where}: {err}") from None
        except Exception as err:
            if backend.name == "cloudpickle":
                raise MarshalError(
                    f"{where} cannot be pickled ({type(err).__name__}: {err}). "
                    "Recreate it in the consuming step, or register a backend for it with "
                    "cellpipe.runtime.marshal.register_backend"
                ) from None
            _remove_new_files(directory, before)  # no half-written file beside the next backend's
            continue  # e.g. a frame Arrow cannot hold: the next backend takes it
        written = sorted(set(os.listdir(directory)) - before) or [data_file]
        size = sum(os.path.getsize(os.path.join(directory, f)) for f in written)
        limit = max_bytes if max_bytes is not None else _env_limit()
        if limit is not None and size > limit:
            raise MarshalError(
                f"{where} is {size / 2**20:.1f} MiB, over the limit of {limit / 2**20:.1f} MiB "
                "(CELLPIPE_MAX_ARTIFACT_BYTES): write it to a volume or object store and pass its path"
            )
        meta = {
            "format": FORMAT_VERSION,
            "backend": backend.name,
            "file": data_file,
            "type": f"{type(value).__module__}.{type(value).__qualname__}",
            "python": platform.python_version(),
            "libraries": _versions(backend.libraries),
            "bytes": size,
        }
        with open(os.path.join(directory, META_FILE), "w", encoding="utf-8") as f:
            json.dump(meta, f, sort_keys=True)
        return meta
    raise MarshalError(f"{where}: no backend accepts it")  # unreachable: cloudpickle accepts all


def _remove_new_files(directory: str, before: set) -> None:
    for entry in set(os.listdir(directory)) - before:
        path = os.path.join(directory, entry)
        with contextlib.suppress(OSError):
            if os.path.isdir(path):
                import shutil

                shutil.rmtree(path)
            else:
                os.remove(path)


def _env_limit() -> Optional[int]:
    text = os.environ.get("CELLPIPE_MAX_ARTIFACT_BYTES")
    return int(text) if text else None


def digest(directory: str) -> str:
    """sha256 of an artifact directory: every file's relative path, size and bytes, in sorted path order.

    Streamed through one 1 MiB buffer: a large array costs one read at sha256's speed, no copy in memory.
    Anything but regular files and folders (a symlink, a FIFO) is refused: `save` never writes one.
    """
    entries = []
    for root, dirs, files in os.walk(directory):
        for entry in dirs + files:
            path = os.path.join(root, entry)
            info = os.lstat(path)
            if entry in dirs and stat.S_ISDIR(info.st_mode):
                continue
            if not stat.S_ISREG(info.st_mode):
                raise MarshalError(f"{path} is not a regular file")
            entries.append((os.path.relpath(path, directory).replace(os.sep, "/"), path, info.st_size))
    total = hashlib.sha256()
    buffer = bytearray(_HASH_BUFFER)
    view = memoryview(buffer)
    for rel, path, size in sorted(entries):
        total.update(rel.encode("utf-8") + b"\0" + size.to_bytes(8, "little"))
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb", buffering=0) as f:
            while True:
                n = f.readinto(buffer)
                if not n:
                    break
                total.update(view[:n])
    return total.hexdigest()


def _verify(directory: str, recorded: dict, step: str, name: str) -> None:
    """The artifact is what its producing step recorded (backend and sha256), else MarshalError.

    The bucket holds the bytes and their `cellpipe.json`; the record comes through KFP's metadata store (the
    producer's executor output, passed on to this step's executor input): whoever can write the one but
    not the other can no longer choose how this step deserializes (e.g. pickle) nor what it reads.
    """
    where = f'step "{step}": input "{name}"'
    backend, expected = recorded.get(BACKEND_KEY), recorded.get(SHA256_KEY)
    if not isinstance(backend, str) or not isinstance(expected, str):
        if os.environ.get(ALLOW_UNVERIFIED_ENV) == "1":
            print(
                f"cellpipe warning: {where}: its producing step recorded no {BACKEND_KEY} and {SHA256_KEY}; "
                f"loading it unverified ({ALLOW_UNVERIFIED_ENV}=1)",
                file=sys.stderr,
            )
            return
        raise MarshalError(
            f"{where} has no {BACKEND_KEY} and {SHA256_KEY} in its artifact metadata (its producing step "
            "records them in its executor output), so it is not loaded: its own files cannot be trusted to say "
            f"how to read them. Re-run the producing step with this cellpipe, or set {ALLOW_UNVERIFIED_ENV}=1 "
            "in this step's environment to load it unverified"
        )
    try:
        actual = digest(directory)
    except (OSError, MarshalError) as err:
        raise MarshalError(f"{where}: cannot read its artifact at {directory} to verify it: {err}") from None
    if actual != expected:
        raise MarshalError(
            f"{where}: the artifact at {directory} was changed after its producing step wrote it (sha256 "
            f"{actual[:16]}…, recorded {expected[:16]}…): refusing to load it. Re-run the producing step"
        )
    with open(os.path.join(directory, META_FILE), encoding="utf-8") as f:
        saved = json.load(f).get("backend")
    if saved != backend:
        raise MarshalError(
            f"{where}: its {META_FILE} names the backend {saved!r} but its producing step recorded {backend!r}: "
            "refusing to load it. Re-run the producing step"
        )


def load(directory: str, step: str = "?", name: str = "?", recorded: Optional[dict] = None):
    """Load the value saved in `directory` by `save`, warning on a Python or library major mismatch.

    `recorded`: the artifact's metadata in this step's executor input (what a step passes); the files are
    then verified against the backend and sha256 the producing step recorded before anything is read.
    """
    meta_path = os.path.join(directory, META_FILE)
    if not os.path.exists(meta_path):
        raise MarshalError(
            f'step "{step}": input "{name}" has no {META_FILE} at {directory}: '
            "was it produced by a cellpipe step of the same pipeline?"
        )
    if recorded is not None:
        _verify(directory, recorded, step, name)
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    backend = _backend_named(meta["backend"])
    try:
        value = backend.load(os.path.join(directory, meta["file"]))
    except Exception as err:
        _warn_mismatch(meta, step, name)
        hint = ""
        if isinstance(err, ModuleNotFoundError) and err.name:
            hint = f" (install {err.name.split('.')[0]} in this step's image, as in the step that saved it)"
        raise MarshalError(
            f'step "{step}": could not load input "{name}" ({meta.get("type")}, backend {backend.name}): '
            f"{type(err).__name__}: {err}{hint}"
        ) from err
    # After loading: the backend's libraries are imported by then, their versions one attribute away.
    _warn_mismatch(meta, step, name)
    return value


def _major(version: str) -> str:
    return version.split(".")[0]


def _warn_mismatch(meta: dict, step: str, name: str) -> None:
    saved_py = meta.get("python", "")
    here = platform.python_version()
    if saved_py and saved_py.split(".")[:2] != here.split(".")[:2]:
        print(
            f'cellpipe warning: step "{step}": input "{name}" was saved by Python {saved_py}, '
            f"this step runs Python {here}; use the same image for both steps if loading fails",
            file=sys.stderr,
        )
    for lib, version in (meta.get("libraries") or {}).items():
        here_version = getattr(sys.modules.get(lib), "__version__", None)
        if not isinstance(here_version, str):
            try:
                import importlib.metadata as md

                here_version = md.version({"sklearn": "scikit-learn"}.get(lib, lib))
            except Exception:  # noqa: S112 (not installed here: nothing to compare)
                continue
        if _major(here_version) != _major(version):
            print(
                f'cellpipe warning: step "{step}": input "{name}" was saved with {lib} {version}, '
                f"this step has {lib} {here_version}",
                file=sys.stderr,
            )
