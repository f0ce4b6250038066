"""Every Experiment `cellpipe tune` writes is a Katib v1beta1 Experiment: it validates against Katib's
OpenAPI schema with no unknown fields (../shared/katib-api/swagger.json), obeys the rules of Katib's
admission webhook (kubeflow/katib pkg/webhook/v1beta1/experiment/validator, checked below), and its
trial really runs: the container command, with a trial's values substituted as Katib does, runs the
example's steps here and prints the metrics Katib's StdOut collector reads."""

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]  # installed with jupyter (nbformat)
import pytest
import yaml

from cellpipe.server.katib_client import check_trial_pod

ROOT = Path(__file__).resolve().parent.parent
SWAGGER = ROOT.parent / "shared" / "katib-api" / "swagger.json"
EXAMPLE = ROOT / "examples" / "pipeline.ipynb"

# Katib's default StdOut filter (pkg/metricscollector/v1beta1/common/const.go, DefaultFilter).
KATIB_DEFAULT_FILTER = r"([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)"
# consts.TrialTemplateParamReplaceFormat / ...Regex
REPLACE_FORMAT = "${trialParameters.%s}"
REPLACE_REGEX = re.compile(r"\$\{trialParameters[^}]+\}")
ALGORITHMS = {"random", "grid", "bayesianoptimization", "tpe", "cmaes", "hyperopt", "multivariate-tpe"}

if not SWAGGER.exists():
    pytest.skip("../shared/katib-api/swagger.json is not beside the project", allow_module_level=True)

# (name, notebook, cellpipe tune options)
CASES = [
    (
        "ranges",
        EXAMPLE,
        [
            "--space",
            "n_estimators=10:30:10",
            "--space",
            "test_size=0.2:0.4",
            "--objective",
            "best_accuracy",
            "--maximize",
            "--max-trials",
            "4",
            "--parallel-trials",
            "2",
        ],
    ),
    (
        "lists",
        EXAMPLE,
        [
            "--space",
            "seed=1,2,3",
            "--space",
            "n_samples=300,600",
            "--objective",
            "logreg_accuracy",
            "--minimize",
            "--algorithm",
            "grid",
            "--goal",
            "0.99",
            "--max-failed-trials",
            "0",
        ],
    ),
    (
        "bayes",
        EXAMPLE,
        [
            "--space",
            "n_estimators=5:40",
            "--objective",
            "forest_accuracy",
            "--algorithm",
            "bayesianoptimization",
            "--name",
            "tune-forest",
            "--namespace",
            "team-a",
        ],
    ),
]


def strict(schema):
    """Every object schema with properties refuses fields it does not name (no unknown fields)."""
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


@pytest.fixture(scope="module")
def swagger():
    return strict(json.loads(SWAGGER.read_text()))


def validate(swagger, instance, name):
    schema = {"$ref": f"#/components/schemas/{name}", "components": swagger["components"]}
    jsonschema.Draft7Validator(schema).validate(instance)


@pytest.fixture(scope="module")
def experiments(cellpipe_cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("experiments")
    made = {}
    for name, notebook, options in CASES:
        target = out / f"{name}.yaml"
        done = cellpipe_cli("tune", str(notebook), "-o", str(target), *options)
        assert done.returncode == 0, done.stderr
        made[name] = yaml.safe_load(target.read_text())
    return made


def webhook_problems(experiment):
    """Katib's ValidateExperiment for a new Experiment, as far as it applies without a cluster."""
    problems = []
    spec = experiment["spec"]
    if not re.match(r"^[a-z]([-a-z0-9]*[a-z0-9])?", experiment["metadata"]["name"]):
        problems.append("metadata.name")
    max_trials, parallel, max_failed = (
        spec.get(k) for k in ("maxTrialCount", "parallelTrialCount", "maxFailedTrialCount")
    )
    if max_failed is not None and max_failed < 0:
        problems.append("maxFailedTrialCount < 0")
    if max_trials is not None and max_trials <= 0:
        problems.append("maxTrialCount <= 0")
    if parallel is not None and parallel <= 0:
        problems.append("parallelTrialCount <= 0")
    if None not in (max_failed, max_trials) and max_failed > max_trials:
        problems.append("maxFailedTrialCount > maxTrialCount")
    if None not in (parallel, max_trials) and parallel > max_trials:
        problems.append("parallelTrialCount > maxTrialCount")
    objective = spec.get("objective")
    if not objective:
        return problems + ["objective"]
    if objective.get("type") not in ("minimize", "maximize"):
        problems.append("objective.type")
    if not objective.get("objectiveMetricName"):
        problems.append("objective.objectiveMetricName")
    if objective.get("objectiveMetricName") in (objective.get("additionalMetricNames") or []):
        problems.append("additionalMetricNames holds the objective")
    if spec.get("algorithm", {}).get("algorithmName") not in ALGORITHMS:
        problems.append("algorithm.algorithmName")
    parameters = spec.get("parameters") or []
    if not parameters:
        problems.append("spec.parameters")
    for i, p in enumerate(parameters):
        space = p.get("feasibleSpace") or {}
        if p.get("parameterType") not in ("int", "double", "categorical", "discrete", ""):
            problems.append(f"parameters[{i}].parameterType")
        if not space:
            problems.append(f"parameters[{i}].feasibleSpace")
        elif p["parameterType"] in ("int", "double"):
            if space.get("list"):
                problems.append(f"parameters[{i}] list for a range type")
            if not space.get("min") or not space.get("max"):
                problems.append(f"parameters[{i}] min/max")
        elif any(space.get(k) for k in ("min", "max", "step")):
            problems.append(f"parameters[{i}] min/max/step for a list type")
    template = spec.get("trialTemplate") or {}
    if not template.get("primaryContainerName"):
        problems.append("primaryContainerName")
    if not template.get("successCondition") or not template.get("failureCondition"):
        problems.append("success/failure condition")
    if template.get("trialParameters") is None:
        return problems + ["trialParameters"]
    if ("trialSpec" in template) == ("configMap" in template):
        return problems + ["exactly one of trialSpec and configMap"]
    text = json.dumps(template["trialSpec"])
    names, refs = set(), set()
    experiment_parameters = {p["name"] for p in parameters}
    for tp in template["trialParameters"]:
        name, ref = tp.get("name", ""), tp.get("reference", "")
        if not name or not ref or "{" in name or "}" in name:
            problems.append(f"trialParameter {tp}")
            continue
        if name in names or ref in refs:
            problems.append(f"trialParameter {name} twice")
            continue
        names.add(name)
        refs.add(ref)
        if ref not in experiment_parameters:
            problems.append(f"trialParameter {name}: reference {ref} not in spec.parameters")
        if REPLACE_FORMAT % name not in text:
            return problems + [f"trialParameter {name} not in the trial template"]
        text = text.replace(REPLACE_FORMAT % name, "test-value")
    if REPLACE_REGEX.findall(text):
        problems.append(f"template references {REPLACE_REGEX.findall(text)} not in trialParameters")
    job = json.loads(text)
    if job.get("metadata", {}).get("name") or job.get("metadata", {}).get("namespace"):
        problems.append("trialSpec metadata.name/namespace")
    if not job.get("apiVersion") or not job.get("kind"):
        problems.append("trialSpec apiVersion/kind")
    containers = job["spec"]["template"]["spec"]["containers"]
    if template.get("primaryContainerName") not in [c["name"] for c in containers]:
        problems.append("primaryContainerName names no container")
    collector = spec.get("metricsCollectorSpec", {})
    if collector.get("collector", {}).get("kind") not in ("StdOut", "Push"):
        problems.append("metricsCollectorSpec.collector.kind")
    for fmt in ((collector.get("source") or {}).get("filter") or {}).get("metricsFormat") or []:
        re.compile(fmt)
        if not re.match(r".*\(.*\).*\(.*\).*", fmt):
            problems.append(f"filter {fmt}: two top subexpressions are required")
    return problems


JOB_KEYS = {"apiVersion", "kind", "spec"}
JOB_SPEC_KEYS = {"backoffLimit", "template"}


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_schema_and_webhook_rules(experiments, swagger, case):
    experiment = experiments[case]
    validate(swagger, experiment, "v1beta1.Experiment")
    assert experiment["apiVersion"] == "kubeflow.org/v1beta1" and experiment["kind"] == "Experiment"
    assert webhook_problems(experiment) == []
    # The trial Job (unstructured in Katib's schema): batch/v1 fields only, its pod a strict PodSpec.
    job = experiment["spec"]["trialTemplate"]["trialSpec"]
    assert set(job) <= JOB_KEYS and set(job["spec"]) <= JOB_SPEC_KEYS
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    assert set(job["spec"]["template"]) <= {"metadata", "spec"}
    validate(swagger, job["spec"]["template"]["spec"], "io.k8s.api.core.v1.PodSpec")
    assert len(job["spec"]["template"]["spec"]["containers"]) == 1
    # what the server creates with its service account: nothing of the node or another identity
    check_trial_pod(experiment["spec"]["trialTemplate"])


def test_the_checks_catch_what_the_webhook_refuses(experiments, swagger):
    """The rules above are not vacuous: each broken copy is refused."""
    good = experiments["ranges"]

    def broken(change):
        copied = copy.deepcopy(good)
        change(copied)
        return webhook_problems(copied)

    assert broken(lambda e: e["spec"].update(parallelTrialCount=9))
    assert broken(lambda e: e["spec"]["trialTemplate"].update(primaryContainerName="main"))
    assert broken(
        lambda e: e["spec"]["trialTemplate"]["trialParameters"].append({"name": "seed", "reference": "seed"})
    )
    assert broken(lambda e: e["spec"]["parameters"][0]["feasibleSpace"].update(list=["1"]))
    assert broken(lambda e: e["spec"]["objective"].update(additionalMetricNames=["best_accuracy"]))
    unknown = copy.deepcopy(good)
    unknown["spec"]["objective"]["direction"] = "up"
    with pytest.raises(jsonschema.ValidationError):
        validate(swagger, unknown, "v1beta1.Experiment")


def test_trial_pod_asks_for_the_largest_step_resources(cellpipe_cli, tmp_path, swagger):
    notebook = json.loads(EXAMPLE.read_text())
    asks = {
        "step:train_forest": {
            "requests": {"cpu": "500m"},
            "limits": {"memory": "2Gi"},
            "gpu": {"count": 1, "type": "nvidia.com/gpu"},
        },
        "step:evaluate": {
            "requests": {"cpu": "2"},
            "limits": {"memory": "1500Mi"},
            "gpu": {"count": 2, "type": "nvidia.com/gpu"},
        },
    }
    for cell in notebook["cells"]:
        for tag, deploy in asks.items():
            if tag in (cell.get("metadata", {}).get("tags") or []):
                cell["metadata"]["cellpipe"] = {"deploy": deploy}
    path = tmp_path / "gpus.ipynb"
    path.write_text(json.dumps(notebook))
    target = tmp_path / "gpus.yaml"
    done = cellpipe_cli(
        "tune", str(path), "-o", str(target), "--space", "seed=1:9", "--objective", "best_accuracy"
    )
    assert done.returncode == 0, done.stderr
    experiment = yaml.safe_load(target.read_text())
    validate(swagger, experiment, "v1beta1.Experiment")
    assert webhook_problems(experiment) == []
    pod = experiment["spec"]["trialTemplate"]["trialSpec"]["spec"]["template"]["spec"]
    validate(swagger, pod, "io.k8s.api.core.v1.PodSpec")
    assert pod["containers"][0]["resources"] == {
        "requests": {"cpu": "2"},
        "limits": {"memory": "2Gi", "nvidia.com/gpu": "2"},
    }


def substituted(experiment, values):
    """The trial Job as Katib makes it: each ${trialParameters.x} replaced in the template's text."""
    text = json.dumps(experiment["spec"]["trialTemplate"]["trialSpec"])
    for tp in experiment["spec"]["trialTemplate"]["trialParameters"]:
        text = text.replace(REPLACE_FORMAT % tp["name"], values[tp["reference"]])
    assert not REPLACE_REGEX.findall(text)
    return json.loads(text)


class Trial:
    def __init__(self, returncode: int, log: str, completed: bool):
        self.returncode, self.log, self.completed = returncode, log, completed


def run_trial(experiment, values, tmp_path) -> Trial:
    """The trial's container as Katib's pod webhook rewrites it for the StdOut collector
    (wrapWorkerContainer: a leading `sh -c` kept, the rest joined by spaces, then the redirect into the
    metrics file and the completion mark), run with this machine's python as the image's `python3`."""
    job = substituted(experiment, values)
    command = job["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[:2] == ["sh", "-c"] and len(command) == 3
    assert len(command[2].encode()) < 128 * 1024, "one argument must stay under Linux's MAX_ARG_STRLEN"
    katib = tmp_path / "katib"
    katib.mkdir(parents=True, exist_ok=True)
    metrics = katib / "metrics.log"
    args = [*command[2:], f"1>{metrics} 2>&1", "&&", f"echo completed > {katib}/$$$$.pid"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["sh", "-c", " ".join(args)], env=env, timeout=600)
    log = metrics.read_text() if metrics.exists() else ""
    return Trial(done.returncode, log, any(p.suffix == ".pid" for p in katib.iterdir()))


def collected(log: str) -> dict:
    """What Katib's StdOut collector records with the `latest` strategy: the last value of each name."""
    return {m.group(1): float(m.group(2)) for m in re.finditer(KATIB_DEFAULT_FILTER, log)}


def test_a_trial_runs_the_steps_and_prints_the_objective(experiments, tmp_path):
    experiment = experiments["ranges"]
    done = run_trial(experiment, {"n_estimators": "20", "test_size": "0.3"}, tmp_path)
    assert done.returncode == 0 and done.completed, done.log[-3000:]
    assert "cellpipe trial: step train-forest" in done.log
    found = collected(done.log)
    metrics = {"best_accuracy", "forest_accuracy", "logreg_accuracy"}
    assert metrics <= set(found)
    assert 0.5 < found["best_accuracy"] <= 1.0
    assert found["best_accuracy"] == max(found["forest_accuracy"], found["logreg_accuracy"])
    # The metric lines come last, after every step's own output.
    tail = done.log.strip().splitlines()[-3:]
    assert sorted(line.split("=")[0] for line in tail) == sorted(metrics)


def test_a_trial_value_changes_the_run(experiments, tmp_path):
    experiment = experiments["lists"]
    a = run_trial(experiment, {"seed": "1", "n_samples": "300"}, tmp_path / "a")
    b = run_trial(experiment, {"seed": "2", "n_samples": "600"}, tmp_path / "b")
    assert a.returncode == 0 and b.returncode == 0, (a.log + b.log)[-3000:]
    assert "seed=1" not in a.log  # the values reach the steps, not the metric lines
    assert "train rows: 225" in a.log and "train rows: 450" in b.log


def test_a_bad_trial_value_names_the_parameter(experiments, tmp_path):
    done = run_trial(experiments["ranges"], {"n_estimators": "twenty", "test_size": "0.3"}, tmp_path)
    assert done.returncode != 0 and not done.completed
    assert "parameter 'n_estimators' = 'twenty' is not a NUMBER_INTEGER" in done.log


def test_cli_refuses_a_notebook_without_metrics(cellpipe_cli, tmp_path):
    notebook = json.loads(EXAMPLE.read_text())
    notebook["cells"] = [
        c for c in notebook["cells"] if "pipeline-metrics" not in (c.get("metadata", {}).get("tags") or [])
    ]
    path = tmp_path / "nometrics.ipynb"
    path.write_text(json.dumps(notebook))
    done = cellpipe_cli("tune", str(path), "-o", "-", "--space", "seed=1:5")
    assert done.returncode == 1
    assert "the notebook has no pipeline-metrics cell" in done.stderr
