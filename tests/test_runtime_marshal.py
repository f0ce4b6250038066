"""Round trips through every marshal backend, with the real libraries."""

import json
import os
import pickle
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cellpipe.runtime import marshal
from cellpipe.runtime.marshal import MarshalError

ROOT = Path(__file__).resolve().parent.parent


def roundtrip(value, tmp_path, name="x"):
    meta = marshal.save(value, str(tmp_path / name), step="s", name=name)
    with open(tmp_path / name / "cellpipe.json") as f:
        assert json.load(f) == meta
    return marshal.load(str(tmp_path / name), step="t", name=name), meta


@pytest.mark.parametrize("value", [0, -3, 2.5, float("inf"), "héllo", True, None])
def test_scalars_go_to_json(value, tmp_path):
    back, meta = roundtrip(value, tmp_path)
    assert back == value and type(back) is type(value)
    assert meta["backend"] == "json"


def test_big_int_and_tuple_keep_their_type(tmp_path):
    back, meta = roundtrip(2**80, tmp_path, "big")
    assert back == 2**80 and meta["backend"] == "cloudpickle"
    back, _ = roundtrip((1, "a"), tmp_path, "tup")
    assert back == (1, "a")


@pytest.mark.parametrize(
    "array",
    [
        np.arange(12, dtype=np.float32).reshape(3, 4),
        np.array(3.5),  # 0-d
        np.array(["a", "bc"]),
        np.zeros((0, 3)),
        np.asfortranarray(np.arange(6).reshape(2, 3)),
    ],
)
def test_numpy_arrays(array, tmp_path):
    back, meta = roundtrip(array, tmp_path)
    assert meta["backend"] == "numpy" and meta["file"] == "data.npy"
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)
    assert meta["libraries"]["numpy"] == np.__version__


def test_object_array_falls_back_to_pickle(tmp_path):
    array = np.array([{"a": 1}, None, "x"], dtype=object)
    back, meta = roundtrip(array, tmp_path)
    assert meta["backend"] == "cloudpickle"
    assert list(back) == list(array)


def test_large_array_is_memory_mapped_copy_on_write(tmp_path, monkeypatch):
    monkeypatch.setattr(marshal, "MMAP_THRESHOLD", 1024)
    array = np.arange(10_000, dtype=np.int64)
    back, _ = roundtrip(array, tmp_path)
    assert isinstance(back, np.memmap)
    back[0] = 42  # writable in this process, the file stays as saved
    assert marshal.load(str(tmp_path / "x"))[0] == 0


def test_dataframe_with_categorical_tz_and_index(tmp_path):
    frame = pd.DataFrame(
        {
            "cat": pd.Categorical(["a", "b", "a"]),
            "when": pd.date_range("2026-01-01", periods=3, tz="Europe/Paris"),
            "x": [1.5, None, 3.0],
            "s": ["u", None, "w"],
        },
        index=pd.Index([10, 20, 30], name="id"),
    )
    back, meta = roundtrip(frame, tmp_path)
    assert meta["backend"] == "pandas-arrow" and meta["file"] == "data.arrow"
    pd.testing.assert_frame_equal(back, frame)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": [1.0, np.nan, np.inf], "b": np.array([0.5, -0.0, np.nan], dtype=np.float32)}),
        pd.DataFrame(
            np.arange(12.0).reshape(4, 3), columns=["p", "q", "r"]
        ),  # one 2-D block: strided columns
        pd.DataFrame(
            {"h": np.array([1, 2], dtype=np.float16), "n": [1, 2], "f": [0.25, np.nan], "t": ["u", "v"]},
            index=pd.MultiIndex.from_tuples([(1, "a"), (2, "b")], names=["i", "j"]),
        ),
        pd.DataFrame({"x": pd.array([1.5, None], dtype="Float64"), "y": [2.5, 3.5]}),  # nullable Float64
    ],
)
def test_float_columns_keep_values_order_and_index(frame, tmp_path):
    back, meta = roundtrip(frame, tmp_path)
    assert meta["backend"] == "pandas-arrow"
    pd.testing.assert_frame_equal(back, frame)
    back.iloc[0, 0] = 9  # a loaded frame is the user's to change
    assert back.iloc[0, 0] == 9


def test_series_keeps_its_name(tmp_path):
    series = pd.Series([1, 2, 3], name="count", index=["a", "b", "c"])
    back, meta = roundtrip(series, tmp_path)
    assert meta["backend"] == "pandas-arrow"
    pd.testing.assert_series_equal(back, series)


def test_time_index_keeps_its_freq(tmp_path):
    series = pd.Series([1.0, np.nan, 3.0], name="v", index=pd.date_range("2026-01-01", periods=3, tz="UTC"))
    back, _ = roundtrip(series, tmp_path, "daily")
    pd.testing.assert_series_equal(back, series)
    assert back.index.freqstr == "D"
    frame = pd.DataFrame({"n": [1, 2]}, index=pd.timedelta_range("1h", periods=2, freq="30min"))
    back, _ = roundtrip(frame, tmp_path, "spans")
    pd.testing.assert_frame_equal(back, frame)


def test_frame_arrow_cannot_hold_falls_back(tmp_path):
    numeric_names = pd.DataFrame({0: [1, 2], 1: [3, 4]})
    back, meta = roundtrip(numeric_names, tmp_path, "num")
    assert meta["backend"] == "cloudpickle"
    pd.testing.assert_frame_equal(back, numeric_names)
    mixed = pd.DataFrame({"m": [1, "a", {"k": 1}]})
    back, meta = roundtrip(mixed, tmp_path, "mixed")
    assert meta["backend"] == "cloudpickle"
    assert sorted(os.listdir(tmp_path / "mixed")) == ["cellpipe.json", "data.pkl"]  # no half-written .arrow
    assert back["m"].tolist() == mixed["m"].tolist()


def test_sklearn_estimator(tmp_path):
    from sklearn.linear_model import LogisticRegression

    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    model = LogisticRegression().fit(X, y)
    back, meta = roundtrip(model, tmp_path)
    assert meta["backend"] == "sklearn-joblib"
    np.testing.assert_array_equal(back.predict(X), model.predict(X))


def test_xgboost_model(tmp_path):
    xgb = pytest.importorskip("xgboost")
    X = np.random.default_rng(0).normal(size=(50, 3))
    y = (X[:, 0] > 0).astype(int)
    model = xgb.XGBClassifier(n_estimators=5, max_depth=2).fit(X, y)
    back, meta = roundtrip(model, tmp_path)
    assert meta["backend"] == "xgboost" and meta["file"] == "data.ubj"
    np.testing.assert_array_equal(back.predict(X), model.predict(X))
    booster = model.get_booster()
    back, meta = roundtrip(booster, tmp_path, "booster")
    assert meta["backend"] == "xgboost"
    np.testing.assert_allclose(back.predict(xgb.DMatrix(X)), booster.predict(xgb.DMatrix(X)))


def test_torch_module_and_tensor(tmp_path):
    torch = pytest.importorskip("torch", reason="torch is not installed in this environment")
    tensor = torch.arange(6.0).reshape(2, 3)
    back, meta = roundtrip(tensor, tmp_path, "t")
    assert meta["backend"] == "torch" and torch.equal(back, tensor)
    module = torch.nn.Linear(3, 1)
    back, meta = roundtrip(module, tmp_path, "m")
    assert meta["backend"] == "torch"
    assert torch.equal(back(tensor), module(tensor))


def test_keras_model_on_the_torch_backend(tmp_path, monkeypatch):
    pytest.importorskip("torch", reason="Keras runs on the torch backend here; torch is not installed")
    if "keras" not in sys.modules:
        monkeypatch.setenv("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras", reason="keras is not installed in this environment")
    if keras.backend.backend() != "torch":
        pytest.skip(f"keras was imported earlier on the {keras.backend.backend()} backend")
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)]
    )
    x = np.arange(12, dtype="float32").reshape(4, 3)
    back, meta = roundtrip(model, tmp_path, "model")
    assert meta["backend"] == "keras"  # not torch, though a torch-backed Keras model is a torch Module
    expected = model.predict(x, verbose=0)
    np.testing.assert_allclose(back.predict(x, verbose=0), expected, rtol=1e-6)

    # A step whose image sets no KERAS_BACKEND loads the model on the backend that saved it.
    code = (
        "import sys, numpy as np; sys.path.insert(0, sys.argv[1])\n"
        "from cellpipe.runtime import marshal\n"
        "model = marshal.load(sys.argv[2])\n"
        "import keras; print(keras.backend.backend())\n"
        "print(model.predict(np.arange(12, dtype='float32').reshape(4, 3), verbose=0).ravel().tolist())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(tmp_path / "model")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    backend, values = done.stdout.strip().splitlines()[-2:]
    assert backend == "torch"
    np.testing.assert_allclose(json.loads(values), expected.ravel(), rtol=1e-6)


def test_nested_containers_of_arrays_use_out_of_band_buffers(tmp_path):
    value = {"a": [np.arange(1000), np.ones((10, 10))], "b": ({"c": np.array([1, 2])},)}
    back, meta = roundtrip(value, tmp_path)
    assert meta["backend"] == "cloudpickle"
    np.testing.assert_array_equal(back["a"][0], np.arange(1000))
    np.testing.assert_array_equal(back["b"][0]["c"], [1, 2])
    back["a"][0][0] = 7  # buffers come back writable


def test_recursive_structure(tmp_path):
    value = [1]
    value.append(value)
    back, _ = roundtrip(value, tmp_path)
    assert back[1] is back


def test_closures_and_lambdas_by_value(tmp_path):
    factor = 3

    def scale(x):
        return x * factor

    back, meta = roundtrip(scale, tmp_path, "f")
    assert meta["backend"] == "function" and back(2) == 6
    back, _ = roundtrip(lambda x: x + factor, tmp_path, "g")
    assert back(1) == 4


def test_function_capturing_a_huge_global_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(marshal, "FUNCTION_SIZE_WARNING", 10_000)
    big = list(range(100_000))
    with pytest.raises(MarshalError, match=r'variable "f".*captures large globals'):
        marshal.save(lambda: len(big), str(tmp_path / "f"), step="s", name="f")


@pytest.mark.parametrize(
    "make, hint",
    [
        (lambda p: open(p / "file.txt", "w"), "open file handle"),  # noqa: SIM115 (the open handle is the point)
        (lambda p: socket.socket(), "socket"),
        (lambda p: (i for i in range(3)), "generator"),
        (lambda p: threading.Lock(), "lock"),
        (lambda p: __import__("sqlite3").connect(":memory:"), "database connection"),
    ],
)
def test_unpassable_values_name_step_variable_and_hint(make, hint, tmp_path):
    value = make(tmp_path)
    with pytest.raises(MarshalError) as err:
        marshal.save(value, str(tmp_path / "v"), step="train", name="handle")
    message = str(err.value)
    assert 'step "train"' in message and 'variable "handle"' in message and hint in message


def test_unpicklable_value_error_is_clear(tmp_path):
    class Bad:
        def __reduce__(self):
            raise TypeError("no way")

    with pytest.raises(MarshalError, match=r'variable "b".*cannot be pickled.*register_backend'):
        marshal.save(Bad(), str(tmp_path / "b"), step="s", name="b")


def test_size_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("CELLPIPE_MAX_ARTIFACT_BYTES", "1000")
    with pytest.raises(MarshalError, match=r'variable "big".*over the limit'):
        marshal.save(np.zeros(10_000), str(tmp_path / "big"), step="s", name="big")


def test_register_backend_takes_precedence(tmp_path):
    class Point:
        def __init__(self, x, y):
            self.x, self.y = x, y

    def save(value, path):
        with open(path, "w") as f:
            f.write(f"{value.x},{value.y}")

    def load(path):
        with open(path) as f:
            return Point(*map(int, f.read().split(",")))

    marshal.register_backend(lambda v: isinstance(v, Point), save, load, "point-csv", ".csv")
    try:
        back, meta = roundtrip(Point(1, 2), tmp_path)
        assert meta["backend"] == "point-csv" and meta["file"] == "data.csv"
        assert (back.x, back.y) == (1, 2)
        with pytest.raises(ValueError):
            marshal.register_backend(lambda v: False, save, load, "point-csv", "csv")
    finally:
        marshal._user_backends.clear()


def test_a_backend_that_fails_midway_leaves_nothing_behind(tmp_path):
    def save(value, path):
        with open(path, "w") as f:
            f.write("half")
        raise OSError("disk says no")

    marshal.register_backend(lambda v: isinstance(v, dict), save, lambda p: None, "flaky", "txt")
    try:
        back, meta = roundtrip({"a": 1}, tmp_path)
    finally:
        marshal._user_backends.clear()
    assert meta["backend"] == "cloudpickle" and back == {"a": 1}
    assert sorted(os.listdir(tmp_path / "x")) == ["cellpipe.json", "data.pkl"]
    assert meta["bytes"] == os.path.getsize(tmp_path / "x" / "data.pkl")


def test_python_version_mismatch_warns(tmp_path, capsys):
    marshal.save([1, 2], str(tmp_path / "v"))
    meta_path = tmp_path / "v" / "cellpipe.json"
    meta = json.loads(meta_path.read_text())
    meta["python"] = "2.7.18"
    meta_path.write_text(json.dumps(meta))
    assert marshal.load(str(tmp_path / "v"), step="t", name="v") == [1, 2]
    assert 'input "v" was saved by Python 2.7.18' in capsys.readouterr().err


def test_library_major_mismatch_warns(tmp_path, capsys):
    marshal.save(np.arange(3), str(tmp_path / "a"))
    meta_path = tmp_path / "a" / "cellpipe.json"
    meta = json.loads(meta_path.read_text())
    assert meta["libraries"] == {"numpy": np.__version__}
    meta["libraries"]["numpy"] = "1.26.4"
    meta_path.write_text(json.dumps(meta))
    np.testing.assert_array_equal(marshal.load(str(tmp_path / "a"), step="t", name="a"), np.arange(3))
    err = capsys.readouterr().err
    assert f'input "a" was saved with numpy 1.26.4, this step has numpy {np.__version__}' in err
    meta["libraries"]["numpy"] = np.__version__.split(".")[0] + ".0.0"  # same major: quiet
    meta_path.write_text(json.dumps(meta))
    marshal.load(str(tmp_path / "a"))
    assert capsys.readouterr().err == ""


def test_missing_metadata_is_a_clear_error(tmp_path):
    os.makedirs(tmp_path / "empty")
    with pytest.raises(MarshalError, match=r'step "t": input "z" has no cellpipe.json'):
        marshal.load(str(tmp_path / "empty"), step="t", name="z")


def test_pickle_fallback_without_cloudpickle(tmp_path, monkeypatch):
    monkeypatch.setattr(marshal, "_pickler", lambda: pickle)
    back, meta = roundtrip({"k": np.arange(3)}, tmp_path)
    assert meta["backend"] == "cloudpickle"
    np.testing.assert_array_equal(back["k"], np.arange(3))


_FREEZE_PROBE = """
import gc, json, sys
sys.path.insert(0, {root!r})
from cellpipe.runtime import marshal
value = [{{"id": i, "tags": ["a", str(i)]}} for i in range(100_000)]
marshal.save(value, {path!r})
del value
marshal.FREEZE_LOADED = {freeze}
before = gc.get_freeze_count()
loaded = marshal.load({path!r})
print(json.dumps({{"frozen": gc.get_freeze_count() - before, "ok": loaded[99_999] == {{"id": 99_999, "tags": ["a", "99999"]}},
                  "gc_enabled": gc.isenabled()}}))
"""


@pytest.mark.parametrize("freeze", [True, False])
def test_a_step_moves_large_loaded_inputs_out_of_the_gcs_way(tmp_path, freeze):
    """In a step (FREEZE_LOADED), a large load ends in the permanent generation; elsewhere nothing is frozen."""
    code = _FREEZE_PROBE.format(root=str(ROOT), path=str(tmp_path / "v"), freeze=freeze)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    assert report["ok"] and report["gc_enabled"]
    if freeze:
        assert report["frozen"] >= 200_000  # the dicts and their lists at least
    else:
        assert report["frozen"] == 0
