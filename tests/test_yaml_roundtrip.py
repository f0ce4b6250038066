"""The compiler's YAML emitter (src/compiler/yaml.ts) writes strings that PyYAML, which KFP uses, reads
back unchanged: a seeded generator of arbitrary strings, weighted toward YAML's edge cases (indentation
after empty lines, comments, indicators, control characters), emitted by the real emitter in node."""

import json
import random
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

STRUCTURAL = [" ", "\n", "\t", "\r", ":", "#", "-", "|", ">", "'", '"', "\\"]
WORDLIKE = ["a", "b", "0", "1", ".", "e", "y", "n", "~", "{", "[", "&", "*", "!", "%", "@"]
INDENTS = ["", " ", "  ", "    ", "\t"]
# Found by hand before: each of these was written as invalid YAML or read back as something else.
KNOWN = ["\n  a\nb", "\n\n  \na", "\n -", "e1", "-E5", " leading", "a\n  \n", "\n\ta"]


def any_char(rng: random.Random) -> str:
    """A code point PyYAML can hold in a str: anything but a lone surrogate half."""
    while True:
        point = rng.choice([rng.randrange(0x20), rng.randrange(0x80, 0x100), rng.randrange(0x110000)])
        if not 0xD800 <= point <= 0xDFFF:
            return chr(point)


def yamlish(rng: random.Random) -> str:
    pick = [STRUCTURAL, WORDLIKE, None]
    out = []
    for _ in range(rng.randrange(25)):
        pool = rng.choice(pick)
        out.append(any_char(rng) if pool is None else rng.choice(pool))
    return "".join(out)


def lines(rng: random.Random) -> str:
    return "\n".join(rng.choice(INDENTS) + yamlish(rng) for _ in range(rng.randrange(7)))


def strings(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return KNOWN + [rng.choice([yamlish, lines])(rng) for _ in range(count)]


@pytest.fixture(scope="module")
def emitter(tmp_path_factory) -> Path:
    """src/compiler/yaml.ts alone, bundled for node (the same source the CLI bundle carries)."""
    out = tmp_path_factory.mktemp("yaml_emitter") / "yaml.cjs"
    build = (
        "require('esbuild').buildSync({entryPoints: ['src/compiler/yaml.ts'], bundle: true,"
        f" platform: 'node', format: 'cjs', logLevel: 'warning', outfile: {json.dumps(str(out))}}})"
    )
    subprocess.run(["node", "-e", build], cwd=ROOT, check=True, timeout=120)
    return out


def to_yaml(emitter: Path, value) -> str:
    script = (
        f"const {{ toYaml }} = require({json.dumps(str(emitter))});"
        "let input = ''; process.stdin.setEncoding('utf8');"
        "process.stdin.on('data', c => (input += c));"
        "process.stdin.on('end', () => process.stdout.write(toYaml(JSON.parse(input))));"
    )
    done = subprocess.run(
        ["node", "-e", script],
        input=json.dumps(value).encode(),
        capture_output=True,
        check=True,
        timeout=120,
    )
    return done.stdout.decode("utf-8")


def reads_back(emitter: Path, text: str) -> bool:
    try:
        return yaml.safe_load(to_yaml(emitter, {"v": [text]})) == {"v": [text]}
    except yaml.YAMLError:
        return False


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pyyaml_reads_back_every_string(emitter, seed):
    texts = strings(1500, seed)
    value = {
        "values": texts,
        "keyed": [{text: text} for text in texts],
        "nested": [{"inner": [text, {"deeper": text}]} for text in texts],
    }
    try:
        loaded = yaml.safe_load(to_yaml(emitter, value))
    except yaml.YAMLError:
        bad = next(t for t in texts if not reads_back(emitter, t))
        pytest.fail(f"invalid YAML for {bad!r}: {to_yaml(emitter, {'v': [bad]})!r}")
    for index, original in enumerate(texts):
        # One string at a time, so a failure names the string rather than a 4000-item diff.
        assert loaded["values"][index] == original, repr(original)
        assert loaded["keyed"][index] == {original: original}, repr(original)
        assert loaded["nested"][index] == {"inner": [original, {"deeper": original}]}, repr(original)
