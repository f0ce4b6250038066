"""`make test > log 2>&1` keeps every line in the log: no step of it reopens the log and truncates it.

`tee /dev/stderr` did (issue 17 item 8): it opens /dev/stderr anew, with O_TRUNC, so when stderr is the log
file, everything written before it (lint, jest, pytest) was gone. Here the log already holds a marker line
when the step starts, as it would after the earlier suites, and the step's stdout and stderr both go to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MARKER = "MARKER: written before this step, must survive it\n"


def run_into_log(log: Path, *command: str) -> subprocess.CompletedProcess:
    """`command` with stdout and stderr on `log` (one open file, at its end, as `> log 2>&1` leaves it)."""
    with open(log, "w") as out:
        out.write(MARKER)
        out.flush()
        return subprocess.run(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, timeout=120)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
@pytest.mark.skipif(not (REPO / ".venv" / "bin" / "jupyter").exists(), reason="needs the project's .venv")
def test_the_installed_extension_check_keeps_the_log(tmp_path):
    log = tmp_path / "make.log"
    # -o: the install is what this test runs in; only the check itself runs here.
    done = run_into_log(log, "make", "--no-print-directory", "-o", ".make/install", "installed")
    text = log.read_text(errors="replace")
    assert text.startswith(MARKER), f"the log lost what came before `make installed`:\n{text[:2000]}"
    assert done.returncode == 0, text
    # Each list is still printed whole, after the marker.
    assert "labextensions" in text and "Validating cellpipe" in text


def test_no_recipe_reopens_stdout_or_stderr():
    """A command that opens /dev/stdout, /dev/stderr or /proc/self/fd/N itself truncates the log they lead to."""
    sources = [
        REPO / "Makefile",
        REPO / ".ci" / "run",
        *sorted((REPO / "ui-tests").glob("playwright.config.*")),
    ]
    for source in sources:
        for number, line in enumerate(source.read_text().splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for device in ("/dev/stdout", "/dev/stderr", "/proc/self/fd/", "/dev/fd/"):
                assert device not in line, (
                    f"{os.path.relpath(source, REPO)}:{number} opens {device}: {line.strip()}"
                )
