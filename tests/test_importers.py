"""A package whose steps read data files through KFP importers (src/compiler/importers.ts) is one the kfp SDK
loads, and its importer is the IR kfp's own compiler writes for `dsl.importer(...)`."""

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from google.protobuf import json_format
from kfp import compiler, components, dsl
from kfp.pipeline_spec import pipeline_spec_pb2

ROOT = Path(__file__).resolve().parent.parent
URI = "minio://mlpipeline/cellpipe/data/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08/train.csv"

NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {"cellpipe": {"dataFiles": {"data/train.csv": {"source": "upload"}}}},
    "cells": [
        {"cell_type": "code", "metadata": {"tags": ["imports"]}, "source": "import pandas as pd\n"},
        {
            "cell_type": "code",
            "metadata": {"tags": ["step:load"]},
            "source": 'df = pd.read_csv("data/train.csv")\n',
        },
        {
            "cell_type": "code",
            "metadata": {"tags": ["step:train", "prev:load"]},
            "source": 'n = len(df) + len(open("data/train.csv").read())\n',
        },
    ],
}


def step(name, cell, reads, **fields):
    base = {
        "name": name,
        "kind": "step",
        "cellIndices": [cell],
        "depends": [],
        "inputs": [],
        "inputSources": {},
    }
    base.update({"outputs": [], "parameters": []}, **fields)
    base["files"] = {
        "reads": [{"path": p, "cellIndex": cell, "line": 0} for p in reads],
        "writes": [],
        "unresolved": [],
    }
    return base


# What the analyzer reports for NOTEBOOK (its file facts are src/analysis/files.ts's).
ANALYSIS = {
    "importsCells": [0],
    "functionsCells": [],
    "parameters": [],
    "steps": [
        step("load", 1, ["data/train.csv"], outputs=["df"]),
        step("train", 2, ["data/train.csv"], depends=["load"], inputs=["df"], inputSources={"df": "load"}),
    ],
    "edges": [{"from": "load", "to": "train", "passes": ["df"]}],
    "diagnostics": [],
}


@pytest.fixture(scope="module")
def package(cli_bundle) -> str:
    """The package, compiled by the same bundle `cellpipe compile` is, with the URI an upload answered."""
    script = (
        "const c = require(process.argv[1]); const [nb, analysis, uris] = JSON.parse(process.argv[2]);"
        "process.stdout.write(c.compile(c.fromNbformat(nb, 'data.ipynb'), analysis, {dataFileUris: uris}).yaml);"
    )
    args = json.dumps([NOTEBOOK, ANALYSIS, {"data/train.csv": URI}])
    result = subprocess.run(
        ["node", "-e", script, str(cli_bundle), args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def kfp_importer_ir(tmp_path) -> dict:
    """What kfp compiles for an importer feeding a component, with the same URI and metadata."""

    @dsl.container_component
    def read(data: dsl.Input[dsl.Artifact]):
        return dsl.ContainerSpec(image="python:3.11", command=["cat"], args=[data.path])

    @dsl.pipeline(name="reference")
    def reference():
        imported = dsl.importer(
            artifact_uri=URI, artifact_class=dsl.Artifact, metadata={"cellpipe.path": "data/train.csv"}
        )
        imported.set_display_name("import data/train.csv")
        read(data=imported.output)

    path = tmp_path / "reference.yaml"
    compiler.Compiler().compile(reference, str(path))
    return yaml.safe_load(path.read_text())


def test_the_package_loads_with_kfp(package, tmp_path):
    spec_doc = yaml.safe_load(package)
    spec = json_format.ParseDict(spec_doc, pipeline_spec_pb2.PipelineSpec())
    for executor in spec_doc["deploymentSpec"]["executors"].values():
        json_format.ParseDict(executor, pipeline_spec_pb2.PipelineDeploymentConfig.ExecutorSpec())
    assert set(spec.root.dag.tasks) == {"import-data-train-csv", "load", "train"}
    loaded = components.load_component_from_text(package)
    assert loaded.name == "data"

    # kfp accepts it inside a pipeline of its own, and compiles that again.
    @dsl.pipeline(name="outer")
    def outer():
        loaded()

    path = tmp_path / "outer.yaml"
    compiler.Compiler().compile(outer, str(path))
    executors = yaml.safe_load(path.read_text())["deploymentSpec"]["executors"]
    assert executors["exec-import-data-train-csv"]["importer"]["artifactUri"] == {"constant": URI}


def test_importer_is_what_kfp_writes(package, tmp_path):
    ours = yaml.safe_load(package)
    ref = kfp_importer_ir(tmp_path)
    assert (
        ours["deploymentSpec"]["executors"]["exec-import-data-train-csv"]
        == ref["deploymentSpec"]["executors"]["exec-importer"]
    )
    ref_component = dict(ref["components"]["comp-importer"], executorLabel="exec-import-data-train-csv")
    assert ours["components"]["comp-import-data-train-csv"] == ref_component
    ref_task = dict(
        ref["root"]["dag"]["tasks"]["importer"], componentRef={"name": "comp-import-data-train-csv"}
    )
    assert ours["root"]["dag"]["tasks"]["import-data-train-csv"] == ref_task
    # The reading steps take the importer's output as kfp wires it.
    ref_input = ref["root"]["dag"]["tasks"]["read"]["inputs"]["artifacts"]["data"]
    ref_input["taskOutputArtifact"]["producerTask"] = "import-data-train-csv"
    for name in ("load", "train"):
        task = ours["root"]["dag"]["tasks"][name]
        assert task["inputs"]["artifacts"]["cellpipe_file_data_train_csv"] == ref_input
        assert "import-data-train-csv" in task["dependentTasks"]
        assert task["inputs"]["parameters"]["cellpipe_data_files"] == {
            "runtimeValue": {"constant": {"cellpipe_file_data_train_csv": "data/train.csv"}}
        }
