"""What `make test-install` asks of the wheel: `python scripts/check_wheel.py dist/cellpipe-*.whl`.

It carries the labextension once (under share/, where Jupyter finds it; not a second copy in the
cellpipe package), as a production build (minified, no source maps), beside the node compiler and the
server config. Exits with the list of what is wrong.
"""

import re
import sys
import zipfile

LABEXT = "share/jupyter/labextensions/cellpipe/"
NEEDED = [
    LABEXT + "package.json",
    "etc/jupyter/jupyter_server_config.d/cellpipe.json",
    "cellpipe/compiler_js/cellpipe.cjs",
    "cellpipe/compiler_js/tree-sitter-python.wasm",
]
# webpack's development output: a banner line per module and its runtime, never in a minified build
DEV_BANNER = b"/******/"
MIN_AVERAGE_LINE = 400


def problems(wheel: str) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        found = []
        for need in NEEDED:
            if not any(n.endswith(need) for n in names):
                found.append(f"lacks {need}")
        maps = [n for n in names if n.endswith(".map")]
        if maps:
            found.append(f"{len(maps)} source maps, e.g. {maps[0]}")
        copies = sorted({n.split("static/remoteEntry.")[0] for n in names if "static/remoteEntry." in n})
        if len(copies) != 1:
            found.append(f"the labextension {len(copies)} times: {copies}")
        static = [n for n in names if re.search(r"/labextensions?/(cellpipe/)?static/[^/]+\.js$", n)]
        for name in static:
            body = zf.read(name)
            lines = body.count(b"\n")
            # Minified code is a few very long lines; a development build averages ~40 characters a line.
            # Template literals (the embedded Python of the step runtime and the Katib trial runner) keep
            # their newlines when minified, so count the average line, not the lines.
            if len(body) > 4096 and (DEV_BANNER in body or len(body) / (lines + 1) < MIN_AVERAGE_LINE):
                found.append(f"{name} is not minified ({len(body)} bytes, {lines} lines)")
        return found


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: check_wheel.py WHEEL")
    found = problems(sys.argv[1])
    if found:
        sys.exit("the wheel " + sys.argv[1] + ":\n  " + "\n  ".join(found))
    print(f"{sys.argv[1]}: labextension once, minified, no source maps")


if __name__ == "__main__":
    main()
