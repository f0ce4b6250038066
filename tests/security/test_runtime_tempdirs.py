"""Issue 13 item 3: the shared temp directories a step executes from (the unpacked runtime, local-module
bundles, the local runner's python shim) are used only when this user made them private and they hold
exactly what their name says; a directory planted under that name by someone else is never executed."""

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from cellpipe.local import runner
from cellpipe.runtime import bundle, marshal, private_dir

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "cellpipe" / "runtime"
sys.path.insert(0, str(ROOT / "tests"))
from test_runtime_step import embedded_sources, executor_input, program, run  # noqa: E402

FILES = {"pkg/__init__.py": b"VALUE = 'ours'\n", "top.py": b"X = 1\n"}
NAME = "cellpipe-test-0123456789abcdef"


@pytest.fixture
def tmp(tmp_path, monkeypatch):
    """A fresh temp dir for tempfile, and no private directory remembered from another test."""
    base = tmp_path / "tmp"
    base.mkdir()
    base.chmod(0o1777)  # as /tmp: world-writable, sticky
    monkeypatch.setattr(tempfile, "tempdir", str(base))
    monkeypatch.setattr(private_dir._cellpipe_private_dir, "fallbacks", {}, raising=False)
    return base


def plant(base: Path, name: str, files: dict, mode: int = 0o700) -> Path:
    root = base / name
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    root.chmod(mode)
    return root


def snapshot(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_private_copy(path: str, base: Path, files: dict) -> None:
    info = os.lstat(path)
    assert stat.S_ISDIR(info.st_mode) and info.st_mode & 0o777 == 0o700
    assert Path(path).parent == base
    assert snapshot(Path(path)) == {k.replace("/", os.sep): v for k, v in files.items()}


def test_first_use_makes_a_private_shared_dir_and_the_next_reuses_it(tmp):
    first = private_dir._cellpipe_private_dir(NAME, FILES)
    assert first == str(tmp / NAME)
    assert_private_copy(first, tmp, FILES)
    (Path(first) / "pkg" / "__pycache__").mkdir()  # Python's own bytecode cache is allowed
    (Path(first) / "pkg" / "__pycache__" / "x.pyc").write_bytes(b"...")
    assert private_dir._cellpipe_private_dir(NAME, FILES) == first
    assert sorted(p.name for p in tmp.iterdir()) == [NAME]  # no staging dir left


@pytest.mark.parametrize(
    "damage",
    [
        "group/other writable",
        "group readable",
        "owned by another user",
        "a file changed",
        "an extra module",
        "a file missing",
        "a file is a symlink",
        "a subfolder is a symlink",
        "a symlinked __pycache__",
        "the dir is a symlink",
        "a file, not a dir",
    ],
)
def test_a_planted_dir_is_left_alone_and_a_private_one_is_used(tmp, tmp_path, monkeypatch, damage):
    elsewhere = plant(tmp_path, "elsewhere", FILES)  # a dir with the right content, owned by us, 0700
    if damage == "the dir is a symlink":
        (tmp / NAME).symlink_to(elsewhere)
    elif damage == "a file, not a dir":
        (tmp / NAME).write_bytes(b"#!/bin/sh\n")
    else:
        files = dict(FILES)
        mode = {"group/other writable": 0o777, "group readable": 0o740}.get(damage, 0o700)
        if damage == "a file changed":
            files["top.py"] = b"import os; os.system('touch /tmp/pwned')\n"
        elif damage == "an extra module":
            files["numpy.py"] = b"raise SystemExit('planted')\n"
        elif damage == "a file missing":
            del files["top.py"]
        planted = plant(tmp, NAME, files, mode)
        if damage == "a file is a symlink":
            (planted / "top.py").unlink()
            (planted / "top.py").symlink_to(elsewhere / "top.py")
        elif damage == "a subfolder is a symlink":
            (planted / "pkg" / "__init__.py").unlink()
            (planted / "pkg").rmdir()
            (planted / "pkg").symlink_to(elsewhere / "pkg")
        elif damage == "a symlinked __pycache__":
            (planted / "pkg" / "__pycache__").symlink_to(tmp_path)
        elif damage == "owned by another user":
            if os.getuid() == 0:
                os.chown(planted, 4242, 4242)
            else:  # the dir is ours: pretend this process runs as someone else
                uid = os.getuid()
                monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    before = os.lstat(tmp / NAME)
    content = snapshot(tmp / NAME) if (tmp / NAME).is_dir() and not (tmp / NAME).is_symlink() else None

    used = private_dir._cellpipe_private_dir(NAME, FILES)

    assert used != str(tmp / NAME) and not used.startswith(str(elsewhere))
    if damage == "owned by another user" and os.getuid() != 0:
        assert Path(used).parent == tmp and snapshot(Path(used)) == FILES  # (the uid check is what failed)
    else:
        assert_private_copy(used, tmp, FILES)
    after = os.lstat(tmp / NAME)  # the planted thing is not ours: untouched
    assert (after.st_ino, after.st_mode, after.st_uid) == (before.st_ino, before.st_mode, before.st_uid)
    if content is not None:
        assert snapshot(tmp / NAME) == content
    # the same process asks again: the same private dir, not one more
    assert private_dir._cellpipe_private_dir(NAME, FILES) == used


def _runtime_dir_name() -> str:
    import hashlib

    sources = embedded_sources()
    digest = hashlib.sha256()
    for path in sorted(sources):
        digest.update(path.encode() + b"\0" + sources[path].encode("utf-8") + b"\0")
    return "cellpipe-runtime-" + digest.hexdigest()[:16]


def test_a_step_never_runs_a_planted_runtime_or_bundle(tmp, tmp_path):
    """World-writable dirs under the runtime's and the bundle's names, holding code that leaves a marker."""
    marker = tmp_path / "planted-code-ran"
    evil = f"open({str(marker)!r}, 'w').write('ran')\n"
    runtime_files = {k: v.encode() for k, v in embedded_sources().items()}
    runtime_files["cellpipe/runtime/step.py"] = evil.encode() + runtime_files["cellpipe/runtime/step.py"]
    plant(tmp, _runtime_dir_name(), runtime_files, 0o777)
    project = tmp_path / "project"
    project.mkdir()
    (project / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    digest, data = bundle.make_bundle(str(project), ["helpers"])
    plant(
        tmp,
        "cellpipe-bundle-" + digest[:16],
        {"helpers.py": (evil + "def double(x):\n    return 0\n").encode()},
    )

    ex = executor_input(tmp_path, outputs=["out"])
    text, _ = program(
        "use",
        [(1, "import helpers\nout = helpers.double(21)\n")],
        after=['_cp.save("out", out)'],
        bundles=[[digest, data]],
    )
    done = run(tmp_path, text, ex, env={"TMPDIR": str(tmp)})
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert marshal.load(str(tmp_path / "out" / "out")) == 42
    # the planted dirs are still there, unchanged; the step's private copies were removed at its exit
    assert sorted(p.name for p in tmp.iterdir()) == sorted(
        [_runtime_dir_name(), "cellpipe-bundle-" + digest[:16]]
    )


def test_a_step_shares_its_runtime_and_bundle_dirs_when_they_are_ours(tmp, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    digest, data = bundle.make_bundle(str(project), ["helpers"])
    ex = executor_input(tmp_path, outputs=["out"])
    text, _ = program(
        "use",
        [(1, "import helpers\nout = helpers.double(21)\n")],
        after=['_cp.save("out", out)'],
        bundles=[[digest, data]],
    )
    for _ in range(2):
        done = run(tmp_path, text, ex, env={"TMPDIR": str(tmp)})
        assert done.returncode == 0, done.stderr
        names = sorted(p.name for p in tmp.iterdir())
        assert names == sorted([_runtime_dir_name(), "cellpipe-bundle-" + digest[:16]])
        assert all(os.lstat(tmp / n).st_mode & 0o777 == 0o700 for n in names)


def test_the_local_runner_never_puts_a_planted_python_shim_on_path(tmp, tmp_path):
    python = sys.executable
    script = f'#!/bin/sh\nexec "{python}" "$@"\n'.encode()
    import hashlib

    name = "cellpipe-python-v2-" + hashlib.sha256(python.encode()).hexdigest()[:12]
    marker = tmp_path / "planted-python-ran"
    evil = f'#!/bin/sh\ntouch "{marker}"\nexec "{python}" "$@"\n'.encode()
    planted = plant(tmp, name, {"python3": evil, "python": evil}, 0o777)
    for f in ("python3", "python"):
        (planted / f).chmod(0o755)

    shim = runner._python_shim(python)

    assert shim != str(planted)
    assert_private_copy(shim, tmp, {"python3": script, "python": script})
    done = subprocess.run(
        ["python3", "-c", "import sys; print(sys.executable)"],
        env={**os.environ, "PATH": shim + os.pathsep + os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert (planted / "python3").read_bytes() == evil


def test_the_python_shim_is_shared_when_ours(tmp):
    shim = runner._python_shim(sys.executable)
    assert shim == str(tmp / Path(shim).name)
    assert all(os.access(Path(shim) / f, os.X_OK) for f in ("python3", "python"))
    assert runner._python_shim(sys.executable) == shim


def test_concurrent_first_uses_agree_on_one_shared_dir(tmp):
    """The local runner's worker threads (and concurrent steps) create the same dir at once: one wins the
    rename, the others verify it and drop their staging copies. Repeated: a lost race shows up as a second
    dir, a private fallback or a staging dir left behind."""
    from concurrent.futures import ThreadPoolExecutor

    for round_ in range(30):
        name = f"{NAME}-{round_}"
        with ThreadPoolExecutor(4) as pool:
            used = set(pool.map(private_dir._cellpipe_private_dir, [name] * 4, [FILES] * 4))
        assert used == {str(tmp / name)}
    assert sorted(p.name for p in tmp.iterdir()) == sorted(f"{NAME}-{i}" for i in range(30))
