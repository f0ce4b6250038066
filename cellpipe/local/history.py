"""Readers of a local run store (`.cellpipe/` beside a notebook) for the panel's run view: the runs kept
(`runs/<id>/run.json`, `states.json`), a step's log, its outputs with a preview and its report.

Read-only. Every path is built from validated names (run id, task name, cache key) and its real path must
stay inside the store: a symlink out of it is refused. Outputs are previewed without running their code:
only formats that cannot execute anything are opened (a `.npy` file with `allow_pickle=False`, an Arrow IPC
or Parquet file, a JSON value); a pickled value shows the type and size its `cellpipe.json` recorded.
"""

import json
import math
import os
import re
from typing import Any, Dict, List, Optional

RUN_ID = re.compile(r"[0-9]{8}-[0-9]{6}-[0-9a-f]{6}")  # the runner's: <date>-<time>-<random>
TASK = re.compile(r"[a-z0-9][a-z0-9-]{0,127}")  # a KFP task name, as the compiler writes it
CACHE_KEY = re.compile(r"[0-9a-f]{64}")
OUTPUT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # a variable, `metrics`, `report`, `cellpipe_file_...`

MAX_RUNS = 20
MAX_LOG_BYTES = 256 * 1024  # the end of a long log
MAX_JSON_BYTES = 64 * 1024  # a record or a JSON value read whole
HEAD_ROWS = 5
MAX_CELL_CHARS = 80
MAX_STAT_ELEMENTS = 50_000_000  # min/max of larger arrays are not computed (a request must stay quick)


class HistoryError(Exception):
    """What a request named is not there (`missing`) or may not be read; the message names it."""

    def __init__(self, message: str, missing: bool = False):
        super().__init__(message)
        self.missing = missing


def _check(pattern: "re.Pattern[str]", value: str, what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise HistoryError(f"{what} {value!r} is not a valid {what}")
    return value


def confined(store: str, *parts: str) -> str:
    """`store/parts...`, refused when its real path (through any symlink) leaves the store."""
    path = os.path.join(store, *parts)
    root = os.path.realpath(store)
    real = os.path.realpath(path)
    if os.path.commonpath([root, real]) != root:
        raise HistoryError(
            f"{os.path.join(*parts)!r} is a link out of the local run store: refusing to read it"
        )
    return path


def _read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read(MAX_JSON_BYTES * 16)
        return json.loads(text)
    except (OSError, ValueError):
        return None


# --- runs ---------------------------------------------------------------------------------------------
def list_runs(store: str, pipeline: Optional[str] = None, limit: int = MAX_RUNS) -> List[Dict[str, Any]]:
    """The newest runs kept in the store (of `pipeline` when given), newest first, each with its steps
    in pipeline order, their states and cache keys, and the run's metrics."""
    runs_dir = confined(store, "runs")
    try:
        names = sorted((n for n in os.listdir(runs_dir) if RUN_ID.fullmatch(n)), reverse=True)
    except OSError:
        return []
    found: List[Dict[str, Any]] = []
    for name in names:
        if len(found) >= limit:
            break
        try:
            run = read_run(store, name)
        except HistoryError:
            continue
        if pipeline and run.get("pipeline") != pipeline:
            continue
        found.append(run)
    return found


def read_run(store: str, run_id: str) -> Dict[str, Any]:
    _check(RUN_ID, run_id, "run id")
    record = _read_json(confined(store, "runs", run_id, "run.json"))
    if not isinstance(record, dict):
        raise HistoryError(f"no local run {run_id} in this notebook's store", missing=True)
    states = _read_json(confined(store, "runs", run_id, "states.json"))
    states = states if isinstance(states, dict) else {}
    tasks = [t for t in record.get("tasks") or [] if isinstance(t, str)]
    steps = []
    for task in tasks:
        found = states.get(task)
        state: Dict[str, Any] = found if isinstance(found, dict) else {}
        key = state.get("cacheKey") or _key_from_executor_input(store, run_id, task)
        steps.append(
            {
                "task": task,
                "step": state.get("step") or task,
                "state": state.get("state") or ("pending" if record.get("state") == "running" else "skipped"),
                "started": state.get("started"),
                "finished": state.get("finished"),
                "error": state.get("error"),
                "cacheKey": key if isinstance(key, str) and CACHE_KEY.fullmatch(key) else None,
            }
        )
    metrics: Dict[str, float] = {}
    for step in steps:
        if step["cacheKey"]:
            metrics.update(entry_metrics(store, step["cacheKey"]))
    return {
        "id": run_id,
        "pipeline": record.get("pipeline"),
        "parameters": record.get("parameters") if isinstance(record.get("parameters"), dict) else {},
        "state": record.get("state"),
        "started": record.get("started"),
        "finished": record.get("finished"),
        "python": record.get("python"),
        "steps": steps,
        "metrics": metrics,
    }


def _key_from_executor_input(store: str, run_id: str, task: str) -> Optional[str]:
    """A run recorded before states kept cache keys: an executed step's outputs were staged beside its entry
    (`cache/<key>.partial-.../<output>`), as its executor input says."""
    if not TASK.fullmatch(task):
        return None
    data = _read_json(confined(store, "runs", run_id, task, "executor_input.json"))
    outputs = ((data or {}).get("outputs") or {}).get("artifacts") or {} if isinstance(data, dict) else {}
    for entry in outputs.values():
        for art in (entry or {}).get("artifacts") or []:
            folder = os.path.basename(os.path.dirname(str(art.get("uri") or "")))
            key = folder.split(".", 1)[0]
            if CACHE_KEY.fullmatch(key):
                return key
    return None


def step_log(store: str, run_id: str, task: str) -> str:
    """The end of a step's log in a run (a cached step ran in an earlier run: it has none here)."""
    _check(RUN_ID, run_id, "run id")
    _check(TASK, task, "task")
    path = confined(store, "runs", run_id, task, "log.txt")
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - MAX_LOG_BYTES))
            text = f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        raise HistoryError(
            f'step "{task}" wrote no log in run {run_id} (taken from the cache?)', missing=True
        ) from None
    if size > MAX_LOG_BYTES:
        text = f"[… the first {size - MAX_LOG_BYTES} bytes are left out]\n" + text.split("\n", 1)[-1]
    return text


def run_task_key(store: str, run_id: str, task: str) -> str:
    """The cache key of `task` in a finished run of the store."""
    _check(TASK, task, "task")
    for step in read_run(store, run_id)["steps"]:
        if step["task"] == task:
            if not step["cacheKey"]:
                raise HistoryError(f'step "{step["step"]}" of run {run_id} has no outputs', missing=True)
            return str(step["cacheKey"])
    raise HistoryError(f"run {run_id} has no step {task!r}", missing=True)


# --- a step's cache entry: outputs, metrics, report ----------------------------------------------------
def _entry(store: str, key: str) -> Dict[str, Any]:
    _check(CACHE_KEY, key, "cache key")
    entry = _read_json(confined(store, "cache", key, "entry.json"))
    if not isinstance(entry, dict):
        raise HistoryError("the step's outputs are no longer in the cache", missing=True)
    return entry


def _artifacts(store: str, key: str) -> Dict[str, Dict[str, Any]]:
    found = _entry(store, key).get("artifacts")
    return {k: v for k, v in found.items() if isinstance(v, dict)} if isinstance(found, dict) else {}


def entry_metrics(store: str, key: str) -> Dict[str, float]:
    try:
        artifacts = _artifacts(store, key)
    except HistoryError:
        return {}
    metrics = artifacts.get("metrics") or {}
    if metrics.get("type") != "system.Metrics":
        return {}
    return {
        k: float(v)
        for k, v in (metrics.get("metadata") or {}).items()
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    }


REPORT_TYPE = "system.HTML"  # the step's report: `report`, or `cellpipe_report` (docs/step-program.md)


def report_path(store: str, key: str) -> str:
    """The HTML file of the step's report output (a file, or a folder holding one)."""
    names = sorted(n for n, a in _artifacts(store, key).items() if a.get("type") == REPORT_TYPE)
    if not names:
        raise HistoryError("this step wrote no report", missing=True)
    name = _check(OUTPUT, "report" if "report" in names else names[0], "output name")
    path = confined(store, "cache", key, name)
    if os.path.isdir(path):
        pages = sorted(n for n in os.listdir(path) if n.endswith((".html", ".htm")))
        if not pages:
            raise HistoryError("this step's report holds no HTML page", missing=True)
        path = confined(store, "cache", key, name, "index.html" if "index.html" in pages else pages[0])
    if not os.path.isfile(path):
        raise HistoryError("this step wrote no report", missing=True)
    return path


def outputs(store: str, key: str) -> List[Dict[str, Any]]:
    """A preview of each output the step saved (its report aside), in name order."""
    found = []
    for name, artifact in sorted(_artifacts(store, key).items()):
        if artifact.get("type") == REPORT_TYPE:
            continue
        _check(OUTPUT, name, "output name")
        found.append(preview(confined(store, "cache", key, name), name, artifact))
    return found


def preview(path: str, name: str, artifact: Dict[str, Any]) -> Dict[str, Any]:
    found = artifact.get("metadata")
    meta: Dict[str, Any] = found if isinstance(found, dict) else {}
    if artifact.get("type") == "system.Metrics":
        values = {k: v for k, v in meta.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        return {"name": name, "kind": "metrics", "type": "metrics", "values": values}
    read = _read_json(os.path.join(path, "cellpipe.json")) if os.path.isdir(path) else None
    record: Dict[str, Any] = read if isinstance(read, dict) else {}
    backend = record.get("backend") or meta.get("cellpipe.backend")
    size = record.get("bytes") if isinstance(record.get("bytes"), int) else _size(artifact)
    out: Dict[str, Any] = {
        "name": name,
        "kind": "other",
        "type": record.get("type") or meta.get("cellpipe.type") or artifact.get("type") or "unknown",
        "backend": backend,
        "bytes": size,
    }
    if backend == "file":
        out.update(kind="file", type="file", path=meta.get("cellpipe.path"))
        return out
    data = record.get("file")
    if not isinstance(data, str) or os.sep in data or data.startswith("."):
        return out
    data_path = os.path.join(path, data)
    if os.path.islink(data_path):
        return out
    try:
        if backend == "numpy" and data.endswith(".npy"):
            out.update(kind="array", **_numpy(data_path))
        elif backend == "pandas-arrow" and data.endswith(".arrow"):
            out.update(kind="table", **_arrow(data_path))
        elif data.endswith(".parquet"):
            out.update(kind="table", **_parquet(data_path))
        elif backend == "json" and data.endswith(".json") and os.path.getsize(data_path) <= MAX_JSON_BYTES:
            with open(data_path, encoding="utf-8") as f:
                stored = json.load(f)  # {"value": v}, as the runtime's json backend writes it
            out.update(
                kind="value", value=_short(stored.get("value") if isinstance(stored, dict) else stored)
            )
    except ImportError:
        pass  # the server's Python lacks the library: type and size only
    except Exception as err:  # a damaged file: say so, never a 500
        out["problem"] = f"cannot preview: {type(err).__name__}: {err}"[:300]
    return out


def _size(artifact: Dict[str, Any]) -> Optional[int]:
    files = artifact.get("files")
    if not isinstance(files, dict):
        return None
    return sum(f[0] for f in files.values() if isinstance(f, list) and f and isinstance(f[0], int))


def _short(value: Any) -> Any:
    """A JSON-safe cell value, cut to a readable length."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _numpy(path: str) -> Dict[str, Any]:
    import numpy as np

    array = np.load(path, allow_pickle=False, mmap_mode="r")  # an object array is refused, never unpickled
    out: Dict[str, Any] = {"shape": list(array.shape), "dtype": str(array.dtype)}
    if array.size and array.dtype.kind in "biuf" and array.size <= MAX_STAT_ELEMENTS:
        low, high = (
            (np.nanmin(array), np.nanmax(array)) if array.dtype.kind == "f" else (array.min(), array.max())
        )
        out.update(min=_short(low.item()), max=_short(high.item()))
    return out


def _table(schema_names: List[str], rows: int, head: List[Dict[str, Any]]) -> Dict[str, Any]:
    columns = [c for c in schema_names if not re.fullmatch(r"__index_level_\d+__", c)]
    return {
        "shape": [rows, len(columns)],
        "columns": columns,
        "rows": [[_short(row.get(c)) for c in columns] for row in head],
    }


def _arrow(path: str) -> Dict[str, Any]:
    import pyarrow as pa

    with pa.memory_map(path) as source:
        reader = pa.ipc.open_file(source)
        rows = sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))
        head: List[Dict[str, Any]] = []
        for i in range(reader.num_record_batches):
            head += reader.get_batch(i).slice(0, HEAD_ROWS - len(head)).to_pylist()
            if len(head) >= HEAD_ROWS:
                break
        return _table(reader.schema.names, rows, head)


def _parquet(path: str) -> Dict[str, Any]:
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as source:
        head = next(source.iter_batches(batch_size=HEAD_ROWS), None)
        rows = source.metadata.num_rows
        return _table(source.schema_arrow.names, rows, head.to_pylist() if head is not None else [])
