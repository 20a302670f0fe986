"""Stand-in retry executor, mirroring runnable's rules (extensions/pipeline_executor/__init__.py):
validate the dag hash, restore the original parameters, skip steps whose last attempt succeeded
(composites when SUCCESS; terminal nodes always run), call the failed task's function with the
parameters in scope filtered by its signature (objects unpickled from the catalog; map iterations
get their iterate_as value), go on with the following steps and append attempts to the run log."""
import asyncio
import datetime
import glob
import hashlib
import importlib
import inspect
import json
import os
import pickle
import shutil
import subprocess
import sys
import traceback

import yaml

SUCCESS, FAIL = "SUCCESS", "FAIL"


def now():
    return str(datetime.datetime.now())


class Store:
    """file-system (<folder>/<id>.json, branches nested) or chunked-fs (<folder>/<id>/RunLog.json + BranchLog-*.json)."""

    def __init__(self, kind, folder, run_id):
        self.kind, self.folder, self.run_id = kind, folder, run_id
        if "/test/fixtures/" in os.path.abspath(folder).replace(os.sep, "/"):
            raise SystemExit("runnable test stand-in: refusing to write into the fixtures (%s); copy the workspace first" % folder)
        if kind == "chunked-fs":
            base = os.path.join(folder, run_id)
            self.run_log = self._read(os.path.join(base, "RunLog.json"))
            self.branches = {}
            for f in glob.glob(os.path.join(base, "BranchLog-*.json")):
                b = self._read(f)
                self.branches[b["internal_name"]] = b
        else:
            self.run_log = self._read(os.path.join(folder, run_id + ".json"))

    @staticmethod
    def _read(path):
        if not os.path.exists(path):
            raise SystemExit("RetryValidationError: Original run log not found: %s" % path)
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)

    def branch(self, internal):
        """The branch log (status, parameters, steps) of a branch internal name; created when missing."""
        if self.kind == "chunked-fs":
            return self.branches.setdefault(internal, {"internal_name": internal, "status": "CREATED", "steps": {}, "parameters": {}})
        parent = self.step(internal.rsplit(".", 1)[0])
        return parent["branches"].setdefault(internal, {"internal_name": internal, "status": "CREATED", "steps": {}, "parameters": {}})

    def steps_of(self, branch_internal):
        return self.run_log["steps"] if not branch_internal else self.branch(branch_internal)["steps"]

    def step(self, internal):
        branch_internal = internal.rsplit(".", 1)[0] if "." in internal else ""
        # a step inside a map iteration whose value has dots: search the known branches
        steps = self.steps_of(branch_internal)
        return steps.get(internal)

    def new_step(self, name, internal, step_type, branch_internal):
        s = {"name": name, "internal_name": internal, "status": "CREATED", "step_type": step_type, "message": "",
             "mock": False, "attempts": [], "branches": {}, "data_catalog": []}
        self.steps_of(branch_internal)[internal] = s
        return s

    def save(self):
        if self.kind == "chunked-fs":
            base = os.path.join(self.folder, self.run_id)
            self._write(os.path.join(base, "RunLog.json"), self.run_log)
            for internal, b in self.branches.items():
                self._write(os.path.join(base, "BranchLog-%s.json" % internal), b)
        else:
            self._write(os.path.join(self.folder, self.run_id + ".json"), self.run_log)

    @staticmethod
    def _write(path, value):
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(value, fh, indent=4)


class Retry:
    def __init__(self, store, catalog, indicator, mocked=False):
        self.store, self.catalog, self.indicator, self.mocked = store, catalog, indicator, mocked
        self.secret = lambda name: os.environ[name]  # env-secrets; retry_pipeline sets the config's service

    def say(self, msg):
        print("[runnable stand-in] " + msg, flush=True)

    def params(self, branch_internal):
        return self.store.run_log["parameters"] if not branch_internal else self.store.branch(branch_internal)["parameters"]

    def attempt(self, step, status, message="", inputs=None, outputs=None, indicator=None):
        step["attempts"].append({"attempt_number": len(step["attempts"]) + 1, "start_time": now(), "end_time": now(),
                                 "status": status, "message": message, "input_parameters": inputs or {},
                                 "output_parameters": outputs or {}, "user_defined_metrics": {},
                                 "retry_indicator": self.indicator if indicator is None else indicator,
                                 "code_identities": []})
        step["status"] = status

    def run_graph(self, graph, branch_internal, iter_vars):
        name = graph["start_at"]
        while True:
            node = graph["nodes"][name]
            internal = (branch_internal + "." if branch_internal else "") + name
            status = self.run_node(node, internal, branch_internal, iter_vars)
            if node["node_type"] in ("success", "fail"):
                return SUCCESS if node["node_type"] == "success" else FAIL
            name = node["next_node"] if status == SUCCESS else (node.get("on_failure") or "fail")

    def run_node(self, node, internal, branch_internal, iter_vars):
        kind = node["node_type"]
        step = self.store.step(internal)
        composite = kind in ("map", "parallel", "conditional", "loop")
        if self.mocked:  # runnable's mocked executor skips nothing: every step visited gets a new step log
            step = None
        elif step is not None and kind not in ("success", "fail"):
            if composite and step["status"] == SUCCESS or not composite and step["attempts"] and step["attempts"][-1]["status"] == SUCCESS:
                self.say("skipping %s (already successful)" % internal)
                return SUCCESS
        if step is None:
            step = self.store.new_step(node["name"], internal, kind, branch_internal)
        if kind in ("success", "fail"):
            self.attempt(step, SUCCESS)
            return SUCCESS
        if composite:
            step["status"] = getattr(self, "run_" + kind)(node, internal, branch_internal, iter_vars)
            return step["status"]
        if kind == "stub" or self.mocked:
            # runnable's Stub node records no retry indicator (extensions/nodes/stub.py); the mocked executor's do.
            self.attempt(step, SUCCESS, indicator="" if kind == "stub" and not self.mocked else None)
            self.store.save()
            return SUCCESS
        return self.run_task(node, step, internal, branch_internal, iter_vars)

    def run_branch(self, graph, internal, iter_vars):
        branch = self.store.branch(internal)
        branch["status"] = self.run_graph(graph, internal, iter_vars)
        return branch["status"]

    def run_map(self, node, internal, branch_internal, iter_vars):
        scope = self.params(branch_internal)
        if node["iterate_on"] not in scope:
            # runnable's map fan-out, outside any task: no attempt, the run stays PROCESSING (fixture map-no-parameter)
            raise Exception("Expected parameter %s" % node["iterate_on"], "not present in Run Log parameters", "was it ever set before?")
        values = scope[node["iterate_on"]]["value"]
        statuses = [self.run_branch(node["branch"], "%s.%s" % (internal, v), {**iter_vars, node["iterate_as"]: v}) for v in values]
        collected = {}  # fan-in: each iteration's outputs become a list in the parent scope
        for v in values:
            for k, p in self.store.branch("%s.%s" % (internal, v))["parameters"].items():
                collected.setdefault(k, []).append(p["value"])
        self.params(branch_internal).update({k: {"kind": "json", "value": vs} for k, vs in collected.items()})
        return SUCCESS if all(s == SUCCESS for s in statuses) else FAIL

    def run_loop(self, node, internal, branch_internal, iter_vars):
        """runnable's LoopNode: iteration i gets the parameters of the parent (i == 0) or of iteration i-1,
        the index as env var `index_as`; stops on a failed iteration, on parameter break_on == True or after
        max_iterations; the last iteration's parameters go back to the parent. A retry re-enters at 0."""
        parent, i = self.params(branch_internal), 0
        while True:
            branch = "%s.%d" % (internal, i)
            self.store.branch(branch)["parameters"].update(parent if i == 0 else self.store.branch("%s.%d" % (internal, i - 1))["parameters"])
            os.environ[node["index_as"]] = str(i)
            status = self.run_branch(node["branch"], branch, iter_vars)
            scope = self.store.branch(branch)["parameters"]
            done = (scope.get(node["break_on"]) or {}).get("value") is True
            if status != SUCCESS or done or i >= node["max_iterations"] - 1:
                parent.update(scope)
                return status
            i += 1

    def run_parallel(self, node, internal, branch_internal, iter_vars):
        statuses = [self.run_branch(g, "%s.%s" % (internal, k), iter_vars) for k, g in node["branches"].items()]
        return SUCCESS if all(s == SUCCESS for s in statuses) else FAIL

    def run_conditional(self, node, internal, branch_internal, iter_vars):
        case = str(self.params(branch_internal)[node["parameter"]]["value"])
        return self.run_branch(node["branches"][case], "%s.%s" % (internal, case), iter_vars)

    def value(self, name, p):
        if p["kind"] != "object":
            return p["value"]
        with open(os.path.join(self.catalog, self.store.run_id, p["value"] + ".dill"), "rb") as fh:
            return pickle.load(fh)  # runnable's NativePickler writes plain pickle (extension .dill)

    def bind(self, func, params):
        """runnable's parameters.filter_arguments_for_func, for the parameter shapes the fixtures use."""
        bound, catch_all = {}, None
        for name, p in inspect.signature(func).parameters.items():
            if p.kind == p.VAR_POSITIONAL:
                continue
            if p.kind == p.VAR_KEYWORD:
                catch_all = name
                continue
            if name in params:
                bound[name] = self.value(name, params[name])
            elif p.default is p.empty:
                raise ValueError("Function %s has required parameter '%s' that is not present in the parameters" % (func.__name__, name))
        if catch_all:
            bound.update({k: self.value(k, v) for k, v in params.items() if k not in bound})
        return bound

    def get_catalog(self, node, step):
        """runnable's executor gets the node's catalog files before the task runs (pipeline_executor _sync_catalog,
        catalog/any_path.py get): each glob matched under <catalog>/<run_id>/, copied into the working folder; one that
        matches nothing stops the run there, the step left PROCESSING without a new attempt, the run FAIL."""
        base = os.path.join(self.catalog, self.store.run_id)
        for pattern in ((node.get("catalog") or {}).get("get") or []):
            found = [f for f in glob.glob(os.path.join(base, pattern), recursive=True)
                     if os.path.isfile(f) and not f.endswith(".execution.log")]
            if not found:
                step["status"] = "PROCESSING"
                self.store.run_log["status"] = FAIL
                self.store.save()
                print("Did not find any files matching %s in %s" % (pattern, base), file=sys.stderr, flush=True)
                sys.exit(1)
            for f in found:
                rel = os.path.relpath(f, base)
                os.makedirs(os.path.dirname(rel) or ".", exist_ok=True)
                shutil.copyfile(f, rel)

    def put_catalog(self, node):
        """After the task: each put glob's files copied from the working folder into <catalog>/<run_id>/."""
        base = os.path.join(self.catalog, self.store.run_id)
        for pattern in ((node.get("catalog") or {}).get("put") or []):
            for f in glob.glob(pattern, recursive=True):
                if os.path.isfile(f):
                    os.makedirs(os.path.join(base, os.path.dirname(f)), exist_ok=True)
                    shutil.copyfile(f, os.path.join(base, f))

    def run_task(self, node, step, internal, branch_internal, iter_vars):
        self.get_catalog(node, step)
        scope = self.params(branch_internal)
        inputs = dict(scope, **{k: {"kind": "json", "value": v} for k, v in iter_vars.items()})
        command, outputs = node["command"], {}
        try:
            if node.get("command_type") == "notebook":
                # runnable imports ploomber_engine first (tasks.py NotebookTaskType): without it the attempt fails with
                # an empty message. The stand-in runs no notebook: that import is all it mirrors.
                try:
                    import ploomber_engine  # noqa: F401
                except ImportError:
                    traceback.print_exc()
                    self.attempt(step, FAIL, "", inputs=inputs)
                    self.store.save()
                    return step["status"]
                raise NotImplementedError("the stand-in does not run notebooks")
            if node.get("command_type", "python") == "shell":
                self.say("running %s: %s" % (internal, command))
                subprocess.run(command, shell=True, check=True)
                result = None
            else:
                module, _, func_name = command.rpartition(".")
                sys.path.insert(0, os.getcwd())
                try:
                    # runnable imports the function and sets the step's secrets as env vars before the call; an error
                    # there is printed and swallowed (tasks.py execution_context): FAIL, no message, no inputs.
                    func = getattr(importlib.import_module(module), func_name)
                    for name in node.get("secrets") or []:
                        os.environ[name] = self.secret(name)
                except Exception:
                    traceback.print_exc()
                    self.attempt(step, FAIL, "")
                    self.store.save()
                    return step["status"]
                kwargs = self.bind(func, inputs)
                self.say("calling %s(%s) for %s" % (command, ", ".join("%s=%r" % kv for kv in kwargs.items()), internal))
                result = func(**kwargs)
                if inspect.isawaitable(result):  # async-python tasks
                    result = asyncio.run(result)
            returns = node.get("returns") or []
            values = result if isinstance(result, tuple) else (result,)
            for r, v in zip(returns, values if returns else ()):
                kind = r.get("kind", "json")
                if kind == "object":
                    with open(os.path.join(self.catalog, self.store.run_id, r["name"] + ".dill"), "wb") as fh:
                        pickle.dump(v, fh)
                    v = r["name"]
                outputs[r["name"]] = {"kind": kind, "value": v}
            scope.update(outputs)
            self.put_catalog(node)
            self.attempt(step, SUCCESS, inputs=inputs, outputs=outputs)
        except Exception:
            traceback.print_exc()
            self.attempt(step, FAIL, "Call to the function %s did not succeed.\n" % command, inputs=inputs)
        self.store.save()
        return step["status"]


def _secrets(cfg):
    """The config's secrets service as runnable reads it: env-secrets (the environment) or dotenv (its file)."""
    service = cfg.get("secrets") or {}
    if service.get("type") != "dotenv":
        return lambda name: os.environ[name]
    location = (service.get("config") or {}).get("location", ".env")
    values = {}
    if os.path.exists(location):
        with open(location, encoding="utf-8") as fh:
            for line in fh:
                key, eq, value = line.strip().partition("=")
                if key and not key.startswith("#"):
                    values[key.replace("export ", "", 1).strip()] = value.strip() if eq else None
    def get(name):
        if name not in values:
            raise KeyError("No secret found by name:%s in %s" % (name, location))
        return values[name]
    return get


def _config(configuration_file):
    path = os.environ.get("RUNNABLE_CONFIGURATION_FILE") or configuration_file or (
        "runnable-config.yaml" if os.path.exists("runnable-config.yaml") else "")
    if not path:
        return {}
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def retry_pipeline(dag, mode, definition, configuration_file="", parameters_file=""):
    run_id = os.environ.get("RUNNABLE_RETRY_RUN_ID")
    if not run_id:
        raise SystemExit("runnable test stand-in: only retries are implemented; set RUNNABLE_RETRY_RUN_ID")
    cfg = _config(configuration_file)
    executor = (cfg.get("pipeline-executor") or {}).get("type", "local")  # runnable ignores `executor:` keys
    if executor == "argo":
        return _argo(cfg)
    if executor not in ("local", "mocked"):
        raise SystemExit("runnable test stand-in: the %s executor is not implemented" % executor)
    store_cfg = cfg.get("run-log-store") or {}
    catalog_cfg = (cfg.get("catalog") or {}).get("config") or {}
    store = Store(store_cfg.get("type", "file-system"), (store_cfg.get("config") or {}).get("log_folder", ".run_log_store"), run_id)
    current = hashlib.sha1(json.dumps(dag.model_dump(), sort_keys=True, ensure_ascii=True).encode("utf-8")).hexdigest()
    if store.run_log["dag_hash"] != current:
        raise SystemExit("RetryValidationError: DAG structure has changed since original run. Original hash: %s, Current hash: %s. "
                         "Retry is not allowed when DAG structure changes." % (store.run_log["dag_hash"], current))
    retry = Retry(store, catalog_cfg.get("catalog_location", ".catalog"), os.environ.get("RUNNABLE_RETRY_INDICATOR", ""),
                  mocked=executor == "mocked")
    retry.secret = _secrets(cfg)
    if parameters_file:
        retry.say("RETRY MODE: ignoring parameters file %s, using the original run's parameters" % parameters_file)
    retry.say("retrying %s (indicator %r)" % (run_id, retry.indicator))
    store.run_log["status"] = retry.run_graph(dag.model_dump(), "", {})
    store.save()
    retry.say("run %s finished: %s" % (run_id, store.run_log["status"]))
    if store.run_log["status"] != SUCCESS:
        raise SystemExit(1)


def _argo(cfg):
    """runnable's argo executor only renders the workflow (argo-pipeline.yaml) and exits 0; the run log is
    not touched. The stand-in writes a placeholder with the workflow metadata, not a real workflow."""
    executor_cfg = cfg["pipeline-executor"].get("config") or {}
    path = executor_cfg.get("output_file", "argo-pipeline.yaml")
    if "/test/fixtures/" in os.path.abspath(path).replace(os.sep, "/"):
        raise SystemExit("runnable test stand-in: refusing to write into the fixtures (%s)" % path)
    metadata = (executor_cfg.get("argoWorkflow") or {}).get("metadata") or {}
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("# runnable test stand-in: placeholder, not a renderable workflow\n")
        yaml.safe_dump({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": metadata}, fh)
    print("[runnable stand-in] wrote %s (argo: nothing executed)" % path, flush=True)
