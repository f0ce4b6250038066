"""Start Stoplight Prism as a validating mock of the Kubeflow Pipelines REST API v2beta1.

The contract is the official swagger in `../shared/kfp-api/` (relative to the repo root), read in
place. Prism serves one spec per process, so the main API and the multipart upload API are merged
into one temporary spec (paths are disjoint; a definition named alike but different is renamed). One change is made, to responses only:
Prism's generator fills `protobufAny.value` (format `byte`) with text its own validator then rejects,
which `--errors` turns into a 500 for any response that carries a google.rpc.Status; the format is
dropped there. Requests are validated against the unchanged schemas.

Usage as a program (the Galata web server): `python tests/kfp_mock/prism.py --port 4010`.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
API_DIR = REPO / ".." / "shared" / "kfp-api"
SPECS = ("kfp_api_single_file.swagger.json", "pipeline.upload.swagger.json")
PRISM = REPO / "node_modules" / ".bin" / "prism"

# A Prism log line for a request it found invalid (`[VALIDATOR] ✖ error  <message>`).
_VIOLATION = re.compile(r"\[VALIDATOR\]\s+\S+\s+error\s+(.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def merged_spec() -> dict:
    """Both swagger files as one, with the response-only workaround described above."""
    specs = [json.loads((API_DIR / name).read_text()) for name in SPECS]
    out = copy.deepcopy(specs[0])
    for index, extra in enumerate(specs[1:], 1):
        # A definition both files name differently is kept apart under a prefixed name.
        clash = {
            name
            for name, value in extra.get("definitions", {}).items()
            if name in out["definitions"] and out["definitions"][name] != value
        }
        text = json.dumps(extra)
        for name in clash:
            text = text.replace(f'"#/definitions/{name}"', f'"#/definitions/spec{index}_{name}"')
        extra = json.loads(text)
        for name, value in extra.get("definitions", {}).items():
            out["definitions"][f"spec{index}_{name}" if name in clash else name] = value
        out["paths"].update(extra.get("paths", {}))
    for name, value in out["definitions"].items():
        if name.endswith("protobufAny"):
            value["properties"].get("value", {}).pop("format", None)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrismMock:
    """A running Prism (`with PrismMock() as prism: prism.url`); `violations()` lists its validation errors."""

    def __init__(self, port: int = 0, dynamic: bool = True):
        self.port = port or free_port()
        self.dynamic = dynamic
        self.url = f"http://127.0.0.1:{self.port}"
        self._dir = None
        self._proc = None
        self._log = None

    def start(self, timeout: float = 90.0) -> PrismMock:
        if not PRISM.exists():
            raise RuntimeError(f"{PRISM} is missing: run `npm ci`")
        self._dir = tempfile.mkdtemp(prefix="cellpipe-prism-")
        spec = Path(self._dir) / "kfp-api.json"
        spec.write_text(json.dumps(merged_spec()))
        self._log = Path(self._dir) / "prism.log"
        args = [str(PRISM), "mock", "--errors", "-h", "127.0.0.1", "-p", str(self.port), str(spec)]
        if self.dynamic:
            args.insert(2, "-d")
        with open(self._log, "wb") as log:
            self._proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"Prism exited at start:\n{self.log_text()}")
            if self._answers():
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Prism did not start in {timeout}s:\n{self.log_text()}")

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.url}/apis/v2beta1/healthz", timeout=2)
        except urllib.error.HTTPError:
            return True  # any HTTP answer means it is listening
        except OSError:
            return False
        return True

    def log_text(self) -> str:
        if self._log is None or not self._log.exists():
            return ""
        return _ANSI.sub("", self._log.read_text(errors="replace"))

    def mark(self) -> int:
        """A position in the log; `violations(since=mark)` reads only what came after it."""
        return len(self.log_text())

    def violations(self, since: int = 0) -> list:
        found = []
        for line in self.log_text()[since:].splitlines():
            m = _VIOLATION.search(line)
            if m:
                found.append(m.group(1).strip())
        return found

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._proc = None
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> PrismMock:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("CELLPIPE_PRISM_PORT", "4010")))
    args = parser.parse_args()
    mock = PrismMock(args.port).start()
    print(f"Prism mock of the KFP API at {mock.url}", flush=True)
    try:
        mock._proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        mock.stop()


if __name__ == "__main__":
    main()
