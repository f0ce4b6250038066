"""The /cellpipe/api/katib/ handlers in a real Jupyter server against a local mock of the Kubernetes API:
the Experiment posted to Kubernetes is a valid Katib v1beta1 Experiment (../shared/katib-api/swagger.json),
it carries the server's service-account token and namespace, never anything the browser chose; without
in-cluster credentials the status says why and create is refused naming it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest
from kfp_mock.recorder import Answer, Recorder, route
from tornado.httpclient import HTTPClientError

ROOT = Path(__file__).resolve().parent.parent
SWAGGER = ROOT.parent / "shared" / "katib-api" / "swagger.json"
TOKEN = "k8s-sa-token-0123456789"  # noqa: S105 (a test value)
NS = "team-a"
EXPERIMENTS = f"/apis/kubeflow.org/v1beta1/namespaces/{NS}/experiments"
TRIALS = f"/apis/kubeflow.org/v1beta1/namespaces/{NS}/trials"

EXPERIMENT = {
    "apiVersion": "kubeflow.org/v1beta1",
    "kind": "Experiment",
    "metadata": {"name": "tune-pipeline"},
    "spec": {
        "objective": {"type": "maximize", "objectiveMetricName": "best_accuracy"},
        "algorithm": {"algorithmName": "random"},
        "maxTrialCount": 4,
        "parallelTrialCount": 2,
        "parameters": [
            {"name": "n_estimators", "parameterType": "int", "feasibleSpace": {"min": "10", "max": "30"}}
        ],
        "trialTemplate": {
            "primaryContainerName": "trial",
            "trialParameters": [{"name": "n_estimators", "reference": "n_estimators"}],
            "trialSpec": {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "spec": {
                    "template": {
                        "spec": {
                            "restartPolicy": "Never",
                            "containers": [
                                {
                                    "name": "trial",
                                    "image": "python:3.11",
                                    "command": ["run", "--n_estimators=${trialParameters.n_estimators}"],
                                }
                            ],
                        }
                    }
                },
            },
        },
    },
}


def strict(schema):
    """Every object schema with properties refuses fields it does not name (as tests/test_katib_experiment.py)."""
    if isinstance(schema, dict):
        out = {k: strict(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def schema_errors(instance) -> list[str]:
    if not SWAGGER.exists():
        return []
    swagger = strict(json.loads(SWAGGER.read_text()))
    schema = {"$ref": "#/components/schemas/v1beta1.Experiment", "components": swagger["components"]}
    return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(instance)]


def kubernetes(req):
    """The mock Kubernetes API: 422 for an Experiment the schema refuses, else echoes it back."""
    if req.method == "POST" and req.path == EXPERIMENTS:
        posted = json.loads(req.body)
        errors = schema_errors(posted)
        if errors:
            return Answer(422, {"kind": "Status", "message": "; ".join(errors)})
        return Answer(201, posted)
    return route(
        {
            ("GET", f"{EXPERIMENTS}/tune-pipeline"): Answer(
                200, {**EXPERIMENT, "status": {"currentOptimalTrial": {"bestTrialName": "t1"}}}
            ),
            ("GET", TRIALS): Answer(200, {"items": [{"metadata": {"name": "t1"}}]}),
        }
    )(req)


@pytest.fixture
def k8s():
    with Recorder() as server:
        server.answer = kubernetes
        yield server


@pytest.fixture
def token_file(tmp_path):
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    return path


@pytest.fixture
def jp_server_config(k8s, token_file, tmp_path):
    return {
        "ServerApp": {"jpserver_extensions": {"cellpipe": True}},
        "CellpipeKFP": {"namespace": NS},
        "CellpipeKatib": {
            "api_server": k8s.url,
            "token_path": str(token_file),
            "ca_path": str(tmp_path / "no-ca.crt"),
        },
    }


async def fetch_json(jp_fetch, *parts, **kwargs) -> tuple[int, dict]:
    try:
        response = await jp_fetch("cellpipe", "api", "katib", *parts, **kwargs)
    except HTTPClientError as err:
        assert err.response is not None
        return err.code, json.loads(err.response.body)
    return response.code, json.loads(response.body)


async def test_status_says_submit_is_possible(jp_fetch, k8s):
    code, body = await fetch_json(jp_fetch, "status")
    assert code == 200
    assert body == {"available": True, "reason": "", "message": "", "namespace": NS}
    assert k8s.requests == []


async def test_create_posts_a_valid_experiment_with_the_server_token_and_namespace(jp_fetch, k8s):
    assert schema_errors(EXPERIMENT) == []
    code, body = await fetch_json(jp_fetch, "experiments", method="POST", body=json.dumps(EXPERIMENT))
    assert code == 201, body
    seen = k8s.last
    assert (seen.method, seen.path) == ("POST", EXPERIMENTS)
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    posted = json.loads(seen.body)
    assert posted["metadata"] == {"name": "tune-pipeline", "namespace": NS}
    assert posted["spec"] == EXPERIMENT["spec"]
    assert TOKEN not in json.dumps(body)


async def test_an_experiment_kubernetes_refuses_is_answered_with_its_message(jp_fetch, k8s):
    bad = copy.deepcopy(EXPERIMENT)
    bad["spec"]["unknownField"] = 1
    code, body = await fetch_json(jp_fetch, "experiments", method="POST", body=json.dumps(bad))
    if SWAGGER.exists():
        assert code == 422
        assert "unknownField" in body["message"]


def pod(experiment):
    return experiment["spec"]["trialTemplate"]["trialSpec"]["spec"]["template"]["spec"]


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda e: e.update(kind="Job"), "must be a Katib Experiment"),
        (lambda e: e["metadata"].update(namespace="kubeflow"), 'names namespace "kubeflow"'),
        (lambda e: e["metadata"].update(name="Bad_Name"), '"Bad_Name" is not a Kubernetes object name'),
        (lambda e: e.pop("spec"), "has no spec"),
        (lambda e: pod(e).update(hostNetwork=True), "hostNetwork) at spec.trialTemplate.trialSpec.spec"),
        (lambda e: pod(e).update(serviceAccountName="admin"), "another service account"),
        (
            lambda e: pod(e).update(volumes=[{"name": "root", "hostPath": {"path": "/"}}]),
            "a hostPath volume at spec.trialTemplate.trialSpec.spec.template.spec.volumes[0].hostPath",
        ),
        (
            lambda e: pod(e)["containers"][0].update(securityContext={"privileged": True}),
            "a privileged container",
        ),
        (
            lambda e: pod(e)["containers"][0].update(
                securityContext={"capabilities": {"add": ["SYS_ADMIN"]}}
            ),
            "added Linux capabilities",
        ),
    ],
)
async def test_a_bad_body_is_refused_before_kubernetes(jp_fetch, k8s, change, words):
    bad = copy.deepcopy(EXPERIMENT)
    change(bad)
    code, body = await fetch_json(jp_fetch, "experiments", method="POST", body=json.dumps(bad))
    assert code == 400 and words in body["message"]
    assert k8s.requests == []


async def test_get_experiment_and_its_trials_by_label(jp_fetch, k8s):
    code, body = await fetch_json(jp_fetch, "experiments", "tune-pipeline")
    assert code == 200 and body["status"]["currentOptimalTrial"]["bestTrialName"] == "t1"
    code, body = await fetch_json(jp_fetch, "experiments", "tune-pipeline", "trials")
    assert code == 200 and body["items"][0]["metadata"]["name"] == "t1"
    seen = k8s.last
    assert seen.path == f"{TRIALS}?labelSelector=katib.kubeflow.org%2Fexperiment%3Dtune-pipeline"
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"


async def test_without_a_token_status_says_why_and_create_is_refused(jp_fetch, k8s, token_file):
    token_file.unlink()
    code, body = await fetch_json(jp_fetch, "status")
    assert code == 200 and body["available"] is False and body["reason"] == "no_credentials"
    assert "c.CellpipeKatib.token_path" in body["message"]
    code, body = await fetch_json(jp_fetch, "experiments", method="POST", body=json.dumps(EXPERIMENT))
    assert code == 409 and body["reason"] == "no_credentials"
    assert str(token_file) in body["message"]
    assert k8s.requests == []


@pytest.mark.parametrize(
    "jp_server_config",
    [{"ServerApp": {"jpserver_extensions": {"cellpipe": True}}, "CellpipeKatib": {"api_server": ""}}],
)
async def test_outside_a_cluster_status_says_why_and_create_is_refused(jp_fetch, k8s):
    code, body = await fetch_json(jp_fetch, "status")
    assert body["available"] is False and body["reason"] == "no_api_server"
    assert "KUBERNETES_SERVICE_HOST" in body["message"]
    code, body = await fetch_json(jp_fetch, "experiments", method="POST", body=json.dumps(EXPERIMENT))
    assert code == 409 and "kubectl" in body["message"]
    assert k8s.requests == []


async def test_the_browser_cannot_choose_the_server_or_credential(jp_fetch, k8s):
    """Query arguments or body fields naming an API server or token are ignored: the server's own are used."""
    body = {**EXPERIMENT, "apiServer": "http://evil.example", "token": "x"}
    await fetch_json(jp_fetch, "experiments", method="POST", body=json.dumps(body))
    assert k8s.requests and k8s.last.headers["authorization"] == f"Bearer {TOKEN}"
