"""The user guide and the README stay true: every picture and file they link exists (the pictures small,
made by `make docs-images`), every `make` target, `cellpipe` command and option they name exists, and every
KFP setting, environment variable and JupyterLab setting they name is one cellpipe reads."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cellpipe.server.config import AUTH_MODES, CellpipeKFP

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "user-guide.md"
README = ROOT / "README.md"
IMAGES = ROOT / "docs" / "images"
MAX_IMAGE_BYTES = 200 * 1024

# ![alt](target) and [text](target); <img src="target">
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_IMG_TAG = re.compile(r"<img\s[^>]*src=\"([^\"]+)\"")
_CODE_BLOCK = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
# a line of code that is a cellpipe command: cellpipe, .venv/bin/cellpipe or npx cellpipe, then its words
_CELLPIPE = re.compile(r"^\s*((?:npx |\S*/)?cellpipe(?: (?:[^\s#`'\"]+|'[^']*'|\"[^\"]*\"))*)")


def _text(path: Path) -> str:
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    return path.read_text(encoding="utf-8")


def _code(text: str) -> list[str]:
    """The lines of the fenced code blocks and the inline code spans: where commands are written."""
    lines = [line for block in _CODE_BLOCK.findall(text) for line in block.splitlines()]
    prose = _CODE_BLOCK.sub("", text)
    return lines + _CODE_SPAN.findall(prose)


def _links(path: Path) -> list[str]:
    text = _text(path)
    return _LINK.findall(text) + _IMG_TAG.findall(text)


def _local(target: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:|^#", target)


@pytest.mark.parametrize("doc", [GUIDE, README], ids=lambda p: p.name)
def test_every_linked_file_exists(doc):
    missing = [t for t in _links(doc) if _local(t) and not (doc.parent / t.split("#")[0]).exists()]
    assert not missing, f"{doc.name} links files that do not exist: {missing}"


@pytest.mark.parametrize("doc", [GUIDE, README], ids=lambda p: p.name)
def test_pictures_are_small_pngs_made_by_docs_images(doc):
    pictures = [t for t in _links(doc) if _local(t) and t.lower().endswith((".png", ".jpg", ".gif", ".svg"))]
    assert pictures, f"{doc.name} shows no picture"
    for target in pictures:
        file = (doc.parent / target).resolve()
        assert file.parent == IMAGES, f"{doc.name}: {target} is not in docs/images (made by make docs-images)"
        assert file.suffix == ".png", f"{doc.name}: {target} is not a PNG"
        assert file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{target} is not a PNG file"
        size = file.stat().st_size
        assert size < MAX_IMAGE_BYTES, f"{target} is {size} bytes, over {MAX_IMAGE_BYTES}: crop it"


def test_the_readme_shows_the_panel_and_two_run_view_pictures_and_links_the_guide():
    links = _links(README)
    for name in ("panel.png", "run-report.png", "runs-compared.png"):
        assert f"docs/images/{name}" in links, f"README does not show docs/images/{name}"
    assert "docs/user-guide.md" in links


def _make_targets() -> set[str]:
    makefile = _text(ROOT / "Makefile")
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", makefile, re.M))


@pytest.mark.parametrize("doc", [GUIDE, README], ids=lambda p: p.name)
def test_every_make_target_named_exists(doc):
    targets = _make_targets()
    named = {m for line in _code(_text(doc)) for m in re.findall(r"\bmake ([a-z][a-z0-9_-]*)", line)}
    assert named, f"{doc.name} names no make target"
    assert named <= targets, f"{doc.name} names make targets the Makefile lacks: {sorted(named - targets)}"


def _commands(text: str) -> list[tuple[str, list[str]]]:
    """Each cellpipe command line written in code: ("node" for `npx cellpipe`, else "python"; its words)."""
    out = []
    for line in _code(text):
        for command in _CELLPIPE.findall(line)[:1]:
            words = [w.strip("'\"") for w in re.findall(r"'[^']*'|\"[^\"]*\"|\S+", command)]
            node = words[0] == "npx"
            if words[node + 1 :]:
                out.append(("node" if node else "python", words[node + 1 :]))
    return out


def _python_help(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cellpipe.cli", *args, "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _helps(cellpipe_cli) -> dict[tuple[str, str], str]:
    """The help of every command of both CLIs: the node one (`npx cellpipe`: compile, ...) and the Python one
    (`cellpipe`: run, submit, ...), keyed by (CLI, command)."""
    node_top = cellpipe_cli("--help")
    assert node_top.returncode == 0, node_top.stderr
    helps = {}
    for sub in re.findall(r"^\s*(?:usage: )?cellpipe ([a-z]+) ", node_top.stdout, re.M):
        done = cellpipe_cli(sub, "--help")
        assert done.returncode == 0, done.stderr
        helps["node", sub] = done.stdout
    for sub in re.findall(r"\{([a-z,]+)\}", _python_help())[0].split(","):
        helps["python", sub] = _python_help(sub)
    return helps


@pytest.mark.parametrize("doc", [GUIDE, README], ids=lambda p: p.name)
def test_every_cellpipe_command_and_option_named_exists(doc, cellpipe_cli):
    commands = _commands(_text(doc))
    assert ("node", "compile") in {(cli, words[0]) for cli, words in commands}
    assert ("python", "run") in {(cli, words[0]) for cli, words in commands}
    helps = _helps(cellpipe_cli)
    wrong = []
    for cli, (sub, *args) in commands:
        program = "npx cellpipe" if cli == "node" else "cellpipe"
        if sub.startswith("-"):
            continue  # `cellpipe --help`, `cellpipe --version`
        if (cli, sub) not in helps and cli == "python" and ("node", sub) in helps:
            cli = "node"  # a bare `cellpipe compile` names the node CLI (its bin is called cellpipe too)
        if (cli, sub) not in helps:
            wrong.append(f"{program} {sub}: no such command")
            continue
        for option in (w.split("=")[0] for w in args if w.startswith("--")):
            if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", helps[cli, sub]):
                wrong.append(f"{program} {sub} {option}: no such option")
    # an option written alone (`--store`) belongs to one of the commands
    for span in _code(_text(doc)):
        option = re.match(r"^(--[a-z][a-z-]*)", span)
        if option and not any(re.search(rf"(?<![\w-]){option[1]}(?![\w-])", h) for h in helps.values()):
            wrong.append(f"{option[1]}: no cellpipe command has it")
    assert not wrong, f"{doc.name} names commands or options that do not exist: {wrong}"


def test_every_kfp_setting_and_variable_the_guide_names_is_read():
    text = _text(GUIDE)
    config = _text(ROOT / "cellpipe" / "server" / "config.py")
    traits = set(CellpipeKFP.class_trait_names())
    settings = set(re.findall(r"c\.CellpipeKFP\.([a-z_]+)", text))
    assert settings, "the guide names no c.CellpipeKFP setting"
    assert settings <= traits, f"no such c.CellpipeKFP settings: {sorted(settings - traits)}"
    variables = set(re.findall(r"\bKF_PIPELINES_[A-Z_]+", text))
    unread = sorted(v for v in variables if v not in config)
    assert not unread, f"the guide names variables config.py does not read: {unread}"
    for mode in AUTH_MODES:
        assert f"`{mode}`" in text, f"the guide does not describe the auth mode {mode!r}"


def test_every_jupyterlab_setting_the_guide_names_exists():
    schema = json.loads(_text(ROOT / "schema" / "plugin.json"))
    titles = {p.get("title") for p in schema["properties"].values()}
    named = set(re.findall(r"Settings → cellpipe → ([^*`.,;:)\n]+?)(?:\*|`|[.,;:)]|\n| \()", _text(GUIDE)))
    assert named, "the guide names no JupyterLab setting"
    assert named <= titles, (
        f"no such cellpipe settings: {sorted(named - titles)} (there are {sorted(titles)})"
    )
