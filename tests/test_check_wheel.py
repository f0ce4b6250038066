"""scripts/check_wheel.py (make test-install): what it accepts and refuses, on small made-up wheels."""

import importlib.util
import zipfile
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "check_wheel.py"
spec = importlib.util.spec_from_file_location("check_wheel", SCRIPT)
check_wheel = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_wheel)

STATIC = "cellpipe-0.1.0.data/data/share/jupyter/labextensions/cellpipe/static/"
BASE = {name: b"x" for name in check_wheel.NEEDED}
# a minified chunk whose template literals (embedded Python) keep their newlines: ~100 lines, long on average
MINIFIED = b"var a=1;" * 30000 + b"`\nimport os\nprint(1)\n`" * 100
# webpack's development output: short lines, one module after another
DEVELOPMENT = b"/******/ (() => {\n" + b"  const x = require('./y');\n" * 20000


def wheel(tmp_path: Path, files: dict) -> str:
    path = tmp_path / "cellpipe-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, body in {**{f"x/{k}": v for k, v in BASE.items()}, **files}.items():
            zf.writestr(name, body)
    return str(path)


def test_a_production_build_once_passes_even_with_multi_line_template_literals(tmp_path):
    files = {STATIC + "remoteEntry.abc.js": b"var e=1;", STATIC + "800.abc.js": MINIFIED}
    assert check_wheel.problems(wheel(tmp_path, files)) == []


def test_a_development_build_source_maps_and_a_second_copy_are_named(tmp_path):
    files = {
        STATIC + "remoteEntry.abc.js": b"var e=1;",
        STATIC + "800.abc.js": DEVELOPMENT.replace(b"/******/", b""),
        STATIC + "800.abc.js.map": b"{}",
        "cellpipe/labextension/static/remoteEntry.abc.js": b"var e=1;",
    }
    found = check_wheel.problems(wheel(tmp_path, files))
    assert any("800.abc.js is not minified" in f for f in found)
    assert any("source maps" in f for f in found)
    assert any("the labextension 2 times" in f for f in found)
