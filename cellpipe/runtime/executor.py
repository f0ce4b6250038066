"""The KFP executor contract: read the executor input, map artifact URIs to paths, write the output file.

Matches what the KFP launcher gives a container (its executor-input placeholder) and what `kfp.dsl.executor` writes back.
"""

import json
import os
from typing import Optional

# The launcher mounts remote stores at these local prefixes (kfp.dsl.types.artifact_types).
URI_PREFIXES = (("gs://", "/gcs/"), ("s3://", "/s3/"), ("minio://", "/minio/"))
# An artifact the backend already placed in the pipeline workspace (metadata `_kfp_workspace`).
WORKSPACE_MOUNT_PATH = "/kfp-workspace"


def local_path(uri: str, metadata: Optional[dict] = None) -> str:
    """The local path of an artifact URI, as the KFP launcher mounts it (kfp `Artifact.path`)."""
    path = uri
    for prefix, mount in URI_PREFIXES:
        if uri.startswith(prefix):
            path = mount + uri[len(prefix) :]
            break
    else:
        if uri.startswith("oci://"):  # a model image: one flat directory name
            path = "/oci/" + uri[len("oci://") :].replace("/", "_")
        elif uri.startswith("file://"):  # our local runner; KFP itself never hands out file:// URIs
            path = uri[len("file://") :]
    if (metadata or {}).get("_kfp_workspace") is True:
        path = os.path.join(WORKSPACE_MOUNT_PATH, ".artifacts", path.lstrip("/"))
    return path


class ExecutorInput:
    """The parts of the executor input JSON a step uses."""

    def __init__(self, data: dict):
        inputs = data.get("inputs") or {}
        outputs = data.get("outputs") or {}
        self.raw = data
        self.parameters = dict(inputs.get("parameterValues") or {})
        self.input_artifacts = {k: _first(v, k) for k, v in (inputs.get("artifacts") or {}).items()}
        self.output_artifacts = {k: _first(v, k) for k, v in (outputs.get("artifacts") or {}).items()}
        self.output_parameters = dict(outputs.get("parameters") or {})
        self.output_file = outputs.get("outputFile")

    @classmethod
    def from_argv(cls, argv) -> "ExecutorInput":
        argv = list(argv)
        if "--executor-input" not in argv or argv.index("--executor-input") + 1 >= len(argv):
            raise SystemExit(
                "cellpipe: the step program expects --executor-input '<json>' (KFP passes the executor input placeholder)"
            )
        text = argv[argv.index("--executor-input") + 1]
        if text.startswith("@"):  # a file, handy when running a step by hand
            with open(text[1:], encoding="utf-8") as handle:
                text = handle.read()
        try:
            return cls(json.loads(text))
        except json.JSONDecodeError as err:
            raise SystemExit(f"cellpipe: --executor-input is not valid JSON: {err}") from None


def _first(entry: dict, name: str) -> dict:
    artifacts = (entry or {}).get("artifacts") or []
    if not artifacts:
        raise SystemExit(f"cellpipe: the executor input lists no artifact for {name!r}")
    return artifacts[0]


def write_executor_output(
    executor: ExecutorInput, artifact_metadata: dict, parameters: Optional[dict] = None
) -> None:
    """Write the file the launcher reads back: each output artifact with its metadata (as kfp does)."""
    if not executor.output_file:
        return
    out = {}
    if executor.output_artifacts:
        out["artifacts"] = {
            name: {
                "artifacts": [
                    {
                        "name": art.get("name", name),
                        "uri": art.get("uri", ""),
                        "metadata": {**(art.get("metadata") or {}), **artifact_metadata.get(name, {})},
                    }
                ]
            }
            for name, art in executor.output_artifacts.items()
        }
    if parameters:
        out["parameterValues"] = parameters
    os.makedirs(os.path.dirname(executor.output_file) or ".", exist_ok=True)
    with open(executor.output_file, "w", encoding="utf-8") as handle:
        json.dump(out, handle)
