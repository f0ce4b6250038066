"""Kale notebooks of every generation (tests/fixtures/kale/), compiled by the `cellpipe compile` bundle:
each is a package kfp accepts (strict proto parse of the pipeline and kfp-kubernetes platform specs, kfp
load), equal to its golden file, and maps each Kale key and tag as docs say; the broken ones are refused
naming the cell, the field or tag and the rule. Rewrite the golden files with `UPDATE_GOLDEN=1`."""

import os
from pathlib import Path

import pytest
import yaml
from google.protobuf import json_format
from kfp import compiler, components, dsl, kubernetes
from kfp.kubernetes import kubernetes_executor_config_pb2
from kfp.pipeline_spec import pipeline_spec_pb2

ROOT = Path(__file__).resolve().parent.parent
KALE = ROOT / "tests" / "fixtures" / "kale"
GOLDEN = KALE / "golden"
NOTEBOOKS = sorted(p for p in KALE.glob("*.ipynb") if not p.name.startswith("kale_error_"))
ERROR_NOTEBOOKS = sorted(KALE.glob("kale_error_*.ipynb"))
BOOT = "_cp = _cellpipe_boot("


@pytest.fixture(scope="module")
def compiled(tmp_path_factory, cellpipe_cli) -> dict:
    """Notebook name → (package path, the CLI's stderr)."""
    out = tmp_path_factory.mktemp("kale_packages")
    result = {}
    for notebook in NOTEBOOKS:
        target = out / f"{notebook.stem}.yaml"
        done = cellpipe_cli("compile", str(notebook.relative_to(ROOT)), "-o", str(target))
        assert done.returncode == 0, done.stderr
        result[notebook.name] = (target, done.stderr)
    return result


def documents(path: Path) -> list:
    with open(path) as f:
        return list(yaml.safe_load_all(f))


def golden_text(path: Path) -> str:
    """The package with each step's program cut to its own code (from the runtime's start line on): the
    embedded runtime and its line maps have their own tests."""
    docs = documents(path)
    for executor in docs[0]["deploymentSpec"]["executors"].values():
        args = executor["container"].get("args")
        if args:
            program = args[0]
            args[0] = program[program.index(BOOT) :]
    return "---\n".join(yaml.safe_dump(doc, sort_keys=True, allow_unicode=True, width=100) for doc in docs)


@pytest.mark.parametrize("notebook", [p.name for p in NOTEBOOKS])
def test_matches_golden(compiled, notebook):
    golden = GOLDEN / notebook.replace(".ipynb", ".yaml")
    text = golden_text(compiled[notebook][0])
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text)
    assert golden.exists(), f"no golden file {golden}: write it with UPDATE_GOLDEN=1"
    assert text == golden.read_text()


@pytest.mark.parametrize("notebook", [p.name for p in NOTEBOOKS])
def test_specs_parse_strictly_and_kfp_loads(compiled, notebook):
    path = compiled[notebook][0]
    docs = documents(path)
    spec = json_format.ParseDict(docs[0], pipeline_spec_pb2.PipelineSpec())
    for executor in docs[0]["deploymentSpec"]["executors"].values():
        json_format.ParseDict(executor, pipeline_spec_pb2.PipelineDeploymentConfig.ExecutorSpec())
    tasks = spec.root.dag.tasks
    for task in tasks.values():
        for upstream in task.dependent_tasks:
            assert upstream in tasks
        for parameter in task.inputs.parameters.values():
            if parameter.HasField("task_output_parameter"):
                assert parameter.task_output_parameter.producer_task in task.dependent_tasks
    if len(docs) > 1:
        platform = json_format.ParseDict(docs[1], pipeline_spec_pb2.PlatformSpec())
        executors = docs[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
        assert set(platform.platforms["kubernetes"].deployment_spec.executors) == set(executors)
        for label, config in executors.items():
            parsed = json_format.ParseDict(config, kubernetes_executor_config_pb2.KubernetesExecutorConfig())
            task = tasks[label.removeprefix("exec-")]
            for mount in parsed.pvc_mount:
                if mount.HasField("task_output_parameter"):
                    assert mount.task_output_parameter.producer_task in task.dependent_tasks
    pipeline = components.load_component_from_file(str(path))
    assert set(pipeline.pipeline_spec.root.dag.tasks) == set(tasks)


def _kfp_create_pvc_package(tmp_path: Path) -> dict:
    """What kfp-kubernetes itself writes for CreatePVC → mount → DeletePVC."""

    @dsl.component(base_image="python:3.11")
    def step():
        pass

    @dsl.pipeline(name="p")
    def p():
        pvc = kubernetes.CreatePVC(pvc_name_suffix="-scratch", access_modes=["ReadWriteOnce"], size="2Gi")
        t = step()
        kubernetes.mount_pvc(t, pvc_name=pvc.outputs["name"], mount_path="/scratch")
        kubernetes.DeletePVC(pvc_name=pvc.outputs["name"]).after(t)

    target = tmp_path / "kfp.yaml"
    compiler.Compiler().compile(p, str(target))
    return documents(target)


def test_new_pvc_is_created_and_deleted_as_kfp_kubernetes_does(compiled, tmp_path):
    ours = documents(compiled["kale0_blocks.ipynb"][0])
    theirs = _kfp_create_pvc_package(tmp_path)
    components_ = ours[0]["components"]
    kfp_components = theirs[0]["components"]
    strip = lambda defs: {k: {f: v for f, v in d.items() if f != "description"} for k, d in defs.items()}  # noqa: E731
    for ours_name, theirs_name in [("create-pvc-scratch", "createpvc"), ("delete-pvc-scratch", "deletepvc")]:
        mine = components_[f"comp-{ours_name}"]
        kfp = kfp_components[f"comp-{theirs_name}"]
        assert strip(mine["inputDefinitions"]["parameters"]) == strip(kfp["inputDefinitions"]["parameters"])
        assert mine.get("outputDefinitions") == kfp.get("outputDefinitions")
        assert (
            ours[0]["deploymentSpec"]["executors"][f"exec-{ours_name}"]
            == theirs[0]["deploymentSpec"]["executors"][f"exec-{theirs_name}"]
        )
    tasks = ours[0]["root"]["dag"]["tasks"]
    assert tasks["create-pvc-scratch"]["inputs"]["parameters"] == {
        "access_modes": {"runtimeValue": {"constant": ["ReadWriteOnce"]}},
        "annotations": {"runtimeValue": {"constant": {"backup": "none"}}},
        "pvc_name_suffix": {"runtimeValue": {"constant": "-scratch"}},
        "size": {"runtimeValue": {"constant": "2Gi"}},
        "storage_class_name": {"runtimeValue": {"constant": "standard"}},
    }
    steps = [name for name in tasks if "pvc" not in name]
    assert set(tasks["delete-pvc-scratch"]["dependentTasks"]) == {"create-pvc-scratch", *steps}
    mount = next(
        m
        for m in ours[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]["exec-load-data"][
            "pvcMount"
        ]
        if m["mountPath"] == "/scratch"
    )
    kfp_mount = theirs[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]["exec-step"]["pvcMount"][
        0
    ]
    rename = lambda m: yaml.safe_dump(m).replace("createpvc", "create-pvc-scratch")  # noqa: E731
    assert yaml.safe_dump(mount) == rename(kfp_mount)


def test_kale_0x_keys(compiled):
    path, stderr = compiled["kale0_blocks.ipynb"]
    docs = documents(path)
    spec, platform = docs[0], docs[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
    assert spec["pipelineInfo"] == {"description": "every Kale 0.x key", "name": "kale-0x-blocks"}
    tasks = spec["root"]["dag"]["tasks"]
    assert sorted(tasks) == sorted(
        ["load-data", "transform", "summarize", "metrics"]
        + [f"{verb}-pvc-{name}" for verb in ("create", "delete") for name in ("scratch", "archive-pv")]
    )
    # The empty block: continues load_data; skip runs nowhere.
    load = spec["deploymentSpec"]["executors"]["exec-load-data"]["container"]
    assert "values = values + [4]" in load["args"][0]
    assert all(
        "exploring" not in e["container"].get("args", [""])[0]
        for e in spec["deploymentSpec"]["executors"].values()
    )
    assert load["image"] == "gcr.io/arrikto/jupyter-kale:v0.5.0"
    transform = spec["deploymentSpec"]["executors"]["exec-transform"]["container"]["resources"]
    assert transform == {
        "accelerator": {"resourceCount": "1", "resourceType": "nvidia.com/gpu"},
        "resourceCpuLimit": "2",
        "resourceMemoryLimit": "1Gi",
    }
    for label, config in platform.items():
        assert config["activeDeadlineSeconds"] == "3600", label
        assert config["podMetadata"] == {
            "annotations": {"sidecar.istio.io/inject": "false"},
            "labels": {"team": "ml"},
        }
        assert [m["mountPath"] for m in config["pvcMount"]] == [
            "/data",
            "/scratch",
            "/home/jovyan",
            "/snap",
            "/archive",
        ]
    assert tasks["create-pvc-archive-pv"]["inputs"]["parameters"]["volume_name"] == {
        "runtimeValue": {"constant": "archive-pv"}
    }
    assert tasks["create-pvc-archive-pv"]["inputs"]["parameters"]["storage_class_name"] == {
        "runtimeValue": {"constant": ""}
    }
    # Every key cellpipe cannot carry over is named once, with what happens instead.
    for key in (
        "abs_working_dir",
        "autosnapshot",
        "kfp_host",
        "marshal_path",
        "marshal_volume",
        "snapshot_volumes",
        "timeout",
        'volumes[1] ("scratch")',
        'volumes[2] ("workspace-kale-nb")',
        "volumes[2].snapshot",
        'volumes[3] ("restored-data")',
        'volumes[4] ("archive-pv")',
    ):
        assert stderr.count(f"warning: notebook: kubeflow_notebook.{key}:") == 1, key
    assert "katib" not in stderr  # katib_run false: kept, nothing to say
    assert "tag hide-input: is not a Kale tag" in stderr


def test_kale_2x_tags_and_keys(compiled):
    path, stderr = compiled["kale2_steps.ipynb"]
    docs = documents(path)
    spec, platform = docs[0], docs[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
    tasks = spec["root"]["dag"]["tasks"]
    executors = spec["deploymentSpec"]["executors"]
    # enable_caching: false, except the step tagged cache:enabled.
    assert tasks["prepare"]["cachingOptions"] == {}
    assert tasks["evaluate"]["cachingOptions"] == {}
    assert tasks["train"]["cachingOptions"] == {"enableCache": True}
    assert executors["exec-prepare"]["container"]["image"] == "ghcr.io/example/notebook:2.0"
    assert executors["exec-train"]["container"]["image"] == "python:3.11-slim"
    for executor in executors.values():
        assert {"name": "KALE_VOLUME_MODEL_STORE", "value": "/models"} in executor["container"]["env"]
    assert platform["exec-train"]["secretAsEnv"][0]["secretName"] == "api-credentials"
    assert platform["exec-train"]["secretAsEnv"][0]["keyToEnv"] == [
        {"envVar": "API_TOKEN", "secretKey": "token"}
    ]
    assert platform["exec-prepare"]["podMetadata"] == {
        "annotations": {"owner.example.com/who": "data team"},
        "labels": {"stage": "prep"},
    }
    assert "tag notebook:evaluation: sub-pipelines (Kale notebook: steps) are not supported yet" in stderr
    assert stderr.count("tag my-team-tag: is not a Kale tag") == 1
    assert "report:" not in stderr  # stored, honoured when reports exist


def test_steps_defaults_as_a_tag_list(compiled):
    docs = documents(compiled["kale0_defaults_list.ipynb"][0])
    container = docs[0]["deploymentSpec"]["executors"]["exec-only"]["container"]
    assert container["image"] == "python:3.10"
    assert container["resources"] == {"resourceMemoryLimit": "512Mi"}
    config = docs[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]["exec-only"]
    assert config["podMetadata"] == {"annotations": {"note": "hi"}, "labels": {"team": "ml"}}


@pytest.mark.parametrize(
    "notebook, expected",
    [
        (
            "kale_error_names.ipynb",
            [
                # The analyzer refuses them first, with the editor's rule (the compiler's tag check says the same).
                'cell 1 (step "Train-Model"): Step name "Train-Model" must start',
                'cell 2 (step "1abc"): Step name "1abc" must start',
                'cell 3 (step "load data"): Step name "load data" must start',
                "^[a-z][a-z0-9_]*$",
            ],
        ),
        (
            "kale_error_metadata.ipynb",
            [
                "notebook: kubeflow_notebook.volumes: expected a list of volumes, got an object",
                'notebook: cellpipe.defaults.retries: expected a whole number of at least 0, got the string "3"',
                'cell 1 (step "make"): cellpipe.deploy.env: expected a list of objects',
                'cell 1 (step "make"): cellpipe.deploy.tolerations: expected a list of objects',
                'cell 1 (step "make"): cellpipe.deploy.image: expected a string, got the number 5',
                'cell 1 (step "make"): cellpipe.deploy.labels: expected an object of "key": "value" strings',
                'cell 2 (step "use"): cellpipe.deploy.imagePullSecrets: expected a list of strings, got the string "regcred"',
                'cell 2 (step "use"): cellpipe.deploy.caching: expected true or false (not in quotes), got the string "false"',
                'cell 2 (step "use"): cellpipe.deploy.volumes: expected a list of objects',
                'cell 2 (step "use"): cellpipe.deploy.secrets: expected a list of objects',
            ],
        ),
    ],
)
def test_broken_notebooks_are_refused_naming_cell_and_rule(cellpipe_cli, tmp_path, notebook, expected):
    assert notebook in [p.name for p in ERROR_NOTEBOOKS]
    target = tmp_path / "out.yaml"
    done = cellpipe_cli("compile", str(KALE / notebook), "-o", str(target))
    assert done.returncode == 1, done.stderr
    for text in expected:
        assert text in done.stderr
    assert "internal error" not in done.stderr and "    at " not in done.stderr
    assert not target.exists()
