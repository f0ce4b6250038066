"""What both command modules use (`cli.py`: run; `cli_kfp.py`: submit, schedule): the error type, the state
marks and the bundled node compiler. Imports neither, so neither imports the other back."""

import os
import shutil
import subprocess

COMPILER_JS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compiler_js", "cellpipe.cjs")
STATE_MARK = {"running": "▶", "succeeded": "✔", "cached": "⚡", "failed": "✘", "skipped": "–"}


class CliError(Exception):
    pass


def compile_notebook(notebook: str, out_path: str, data_imports: bool = False) -> None:
    """Compile with the same TypeScript compiler the browser uses (bundled in the wheel, run by node).

    A local run reads data files from the notebook's folder: no importer tasks unless `data_imports` (KFP)."""
    node = shutil.which("node")
    if not node or not os.path.exists(COMPILER_JS):
        missing = "node is not on PATH" if not node else f"the compiler bundle is missing ({COMPILER_JS})"
        raise CliError(
            f"cannot compile {notebook}: {missing}. Compile it in JupyterLab (Pipeline panel → YAML) "
            "and pass the YAML: cellpipe run pipeline.yaml"
        )
    done = subprocess.run(
        [
            node,
            COMPILER_JS,
            "compile",
            notebook,
            "-o",
            out_path,
            *([] if data_imports else ["--no-data-imports"]),
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise CliError(done.stderr.strip() or done.stdout.strip() or f"compiling {notebook} failed")
