/**
 * The trial's runner: a small Python program (standard library only) that runs the compiled package's
 * steps one after another inside the trial pod, with the trial's parameter values, then prints the
 * pipeline metrics as `name=value` lines, the form Katib's StdOut metrics collector reads.
 * It travels in the Job's command as the step runtime travels in a step's (docs/tuning.md).
 */

/** The plan the runner follows: the steps in order, what each reads and writes (JSON). */
export const SOURCES_MARK = '# cellpipe trial: the shared runtime line';

export interface TrialPlan {
  pipeline: string;
  /** The runtime line every program embeds, once; in the programs it is SOURCES_MARK. */
  sources: string;
  /** Root parameters: KFP type and default value. */
  parameters: Record<string, { type: string; default: unknown }>;
  tasks: {
    task: string;
    program: string;
    /** Parameter inputs the step reads (names of root parameters). */
    parameters: string[];
    /** Input artifact → [producer task, its output]. */
    inputs: Record<string, [string, string]>;
    /** Output artifact → schemaTitle. */
    outputs: Record<string, string>;
  }[];
  /** The task whose `metrics` output holds the pipeline metrics. */
  metricsTask: string;
  metrics: string[];
}

/**
 * argv: the plan's file (JSON), then `name=value` per trial parameter. Every step's output goes to
 * stderr so that only the metric lines are on stdout; a failed step ends the trial with its exit code.
 */
export const RUNNER_SOURCE = String.raw`# cellpipe Katib trial runner (generated; standard library only)
import json, math, os, subprocess, sys, tempfile

MARK = "# cellpipe trial: the shared runtime line"

def _value(name, text, kind):
    try:
        if kind == "NUMBER_INTEGER":
            number = float(text)
            if number != int(number):
                raise ValueError("not a whole number")
            return int(number)
        if kind == "NUMBER_DOUBLE":
            return float(text)
        if kind == "BOOLEAN":
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError("not true or false")
            return text.lower() in ("true", "1")
        if kind in ("LIST", "STRUCT"):
            return json.loads(text)
        return text
    except ValueError as err:
        sys.exit("cellpipe trial: parameter %r = %r is not a %s (%s)" % (name, text, kind, err))

def main(argv):
    with open(argv[0], encoding="utf-8") as f:
        plan = json.load(f)
    values = {name: spec["default"] for name, spec in plan["parameters"].items()}
    for arg in argv[1:]:
        name, sep, text = arg.partition("=")
        if not sep or name not in plan["parameters"]:
            sys.exit("cellpipe trial: %r is not name=value of a pipeline parameter (%s)"
                     % (arg, ", ".join(sorted(plan["parameters"]))))
        values[name] = _value(name, text, plan["parameters"][name]["type"])
    root = tempfile.mkdtemp(prefix="cellpipe-trial-")
    produced = {}
    for task in plan["tasks"]:
        name = task["task"]
        here = os.path.join(root, name)
        os.makedirs(here)
        program = os.path.join(here, "cellpipe_step.py")
        with open(program, "w", encoding="utf-8") as f:
            f.write(task["program"].replace(MARK, plan["sources"], 1))
        def artifact(key, kind, uri, metadata):
            return {"artifacts": [{"name": key, "type": {"schemaTitle": kind, "schemaVersion": "0.0.1"},
                                   "uri": uri, "metadata": metadata}]}
        inputs = {}
        for key, (producer, output) in task["inputs"].items():
            kind, uri, metadata = produced[(producer, output)]
            inputs[key] = artifact(key, kind, uri, metadata)
        outputs = {key: artifact(key, kind, os.path.join(here, key), {})
                   for key, kind in task["outputs"].items()}
        output_file = os.path.join(here, "executor_output.json")
        executor_input = {"inputs": {"parameterValues": {p: values[p] for p in task["parameters"]},
                                     "artifacts": inputs},
                          "outputs": {"artifacts": outputs, "outputFile": output_file}}
        sys.stderr.write("cellpipe trial: step %s\n" % name)
        sys.stderr.flush()
        code = subprocess.call([sys.executable, "-u", program, "--executor-input", json.dumps(executor_input)],
                               stdout=sys.stderr, cwd=here)
        if code != 0:
            sys.stderr.write("cellpipe trial: step %s failed (exit code %d)\n" % (name, code))
            return code
        reported = {}
        if os.path.exists(output_file):
            with open(output_file, encoding="utf-8") as f:
                reported = json.load(f).get("artifacts") or {}
        for key, kind in task["outputs"].items():
            entry = ((reported.get(key) or {}).get("artifacts") or [{}])[0]
            produced[(name, key)] = (kind, os.path.join(here, key), entry.get("metadata") or {})
    metadata = produced.get((plan["metricsTask"], "metrics"), (None, None, {}))[2]
    missing = []
    for metric in plan["metrics"]:
        value = metadata.get(metric)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            missing.append(metric)
            continue
        sys.stdout.write("%s=%r\n" % (metric, float(value)))
    sys.stdout.flush()
    if missing:
        sys.stderr.write("cellpipe trial: no numeric value for metric(s) %s\n" % ", ".join(missing))
        return 1
    return 0

sys.exit(main(sys.argv[1:]))
`;
