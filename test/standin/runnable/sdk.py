"""Stand-in SDK: builds the dag exactly as runnable's model_dump() records it (same dag_hash)."""
import asyncio
import importlib
import inspect
import os
import sys

_defining = []  # non-empty while a definition is imported: execute() then only returns (as runnable does)


class TaskReturns:
    def __init__(self, name, kind="json"):
        self.name, self.kind = name, kind


def pickled(name):
    return TaskReturns(name, "object")


def metric(name):
    return TaskReturns(name, "metric")


def _returns(returns):
    out = []
    for r in returns or []:
        r = r if isinstance(r, TaskReturns) else TaskReturns(r)
        out.append({"name": r.name, "kind": r.kind})
    return out


class Catalog:
    """runnable.Catalog: the globs a task gets from / puts into the run's catalog folder."""
    def __init__(self, get=None, put=None, store_copy=True):
        self.get, self.put, self.store_copy = list(get or []), list(put or []), store_copy


def _catalog(catalog):
    return None if catalog is None else {"get": catalog.get, "put": catalog.put, "store_copy": catalog.store_copy}


def _graph(steps, description=""):
    nodes = {}
    for i, step in enumerate(steps):
        nxt = steps[i + 1].name if i + 1 < len(steps) else "success"
        nodes[step.name] = step.node(nxt)
    nodes["success"] = {"node_type": "success", "name": "success"}
    nodes["fail"] = {"node_type": "fail", "name": "fail"}
    return {"start_at": steps[0].name, "name": "", "description": description, "nodes": nodes}


class _Step:
    def as_pipeline(self):
        return Pipeline(steps=[self])

    def _base(self, node_type, nxt):
        return {"node_type": node_type, "name": self.name, "next_node": nxt, "on_failure": "", "overrides": {}}


class _Task(_Step):
    """A task node as runnable records it; `command_type` and the command are the subclass's."""
    command_type = ""

    def __init__(self, name, returns=None, catalog=None, secrets=None):
        self.name, self.returns, self.catalog, self.secrets = name, returns, catalog, list(secrets or [])

    def command_text(self):
        raise NotImplementedError

    def node(self, nxt):
        return {**self._base("task", nxt), "catalog": _catalog(self.catalog), "max_attempts": 1, "returns": _returns(self.returns),
                "secrets": self.secrets, "command_type": self.command_type, "command": self.command_text()}


class PythonTask(_Task):
    command_type = "python"

    def __init__(self, function, name, returns=None, catalog=None, secrets=None, **_):
        super().__init__(name, returns, catalog, secrets)
        self.function = function

    def command_text(self):
        return "%s.%s" % (self.function.__module__, self.function.__name__)


class AsyncPythonTask(PythonTask):
    command_type = "async-python"

    def __init__(self, function, name, returns=None, stream_end_type="done", **_):
        super().__init__(function, name, returns)
        self.stream_end_type = stream_end_type

    def node(self, nxt):
        return {**super().node(nxt), "stream_end_type": self.stream_end_type}


class _TextTask(_Task):
    """A task whose command is the text it is given: a shell command, a notebook's path."""

    def __init__(self, command, name, returns=None, catalog=None, secrets=None, **_):
        super().__init__(name, returns, catalog, secrets)
        self.command = command

    def command_text(self):
        return self.command


class ShellTask(_TextTask):
    command_type = "shell"


class NotebookTask(_TextTask):
    command_type = "notebook"

    def __init__(self, notebook, name, **kwargs):
        super().__init__(notebook, name, **kwargs)


class Stub(_Step):
    def __init__(self, name, **_):
        self.name = name

    def node(self, nxt):
        return {**self._base("stub", nxt), "catalog": None, "max_attempts": 1}


class Map(_Step):
    def __init__(self, name, iterate_on, iterate_as, branch, reducer=None, **_):
        self.name, self.iterate_on, self.iterate_as, self.branch, self.reducer = name, iterate_on, iterate_as, branch, reducer

    def node(self, nxt):
        return {**self._base("map", nxt), "is_composite": True, "iterate_on": self.iterate_on, "iterate_as": self.iterate_as,
                "reducer": self.reducer, "branch": self.branch.return_dag()}


class Loop(_Step):
    def __init__(self, name, branch, max_iterations, break_on, index_as, **_):
        self.name, self.branch, self.max_iterations, self.break_on, self.index_as = name, branch, max_iterations, break_on, index_as

    def node(self, nxt):
        return {**self._base("loop", nxt), "is_composite": True, "branch": self.branch.return_dag(),
                "max_iterations": self.max_iterations, "break_on": self.break_on, "index_as": self.index_as}


class Parallel(_Step):
    def __init__(self, name, branches, **_):
        self.name, self.branches = name, branches

    def node(self, nxt):
        return {**self._base("parallel", nxt), "is_composite": True,
                "branches": {k: p.return_dag() for k, p in self.branches.items()}}


class Conditional(_Step):
    def __init__(self, name, branches, parameter, default=None, **_):
        self.name, self.branches, self.parameter, self.default = name, branches, parameter, default

    def node(self, nxt):
        return {**self._base("conditional", nxt), "is_composite": True, "parameter": self.parameter, "default": self.default,
                "branches": {k: p.return_dag() for k, p in self.branches.items()}}


class Dag(dict):
    """A dag dump with runnable's Graph API surface that the helpers use."""

    def model_dump(self):
        return dict(self)


class Pipeline:
    def __init__(self, steps, name="", description="", **_):
        self.steps, self.description = steps, description

    def return_dag(self):
        return Dag(_graph(self.steps, self.description))

    def execute(self, configuration_file="", run_id="", tag="", parameters_file="", **_):
        if _defining:
            return {}
        from runnable.retry import retry_pipeline

        caller = inspect.stack()[1]  # as runnable's get_caller: the file relative to cwd + the function
        module = os.path.splitext(os.path.relpath(caller.filename))[0].replace(os.sep, ".")
        definition = "%s.%s" % (module, caller.function)
        retry_pipeline(_dag_of(definition), "python", definition, configuration_file, parameters_file)
        return self


def _dag_of(definition):
    """Like runnable, the dag comes from importing the recorded `module.function` (not from the running
    __main__), so commands name the module path, e.g. examples.09-retry.linear.gate (a namespace package)."""
    module, _, func = definition.rpartition(".")
    sys.path.insert(0, os.getcwd())
    _defining.append(definition)
    try:
        return getattr(importlib.import_module(module), func)().return_dag()
    finally:
        _defining.pop()


class AsyncPipeline:
    """runnable's AsyncPipeline (no execute(), only execute_streaming()): the dag is taken as built (commands
    `__main__.fn` when run as a script) and no pipeline_definition_file is recorded."""

    __init__, return_dag = Pipeline.__init__, Pipeline.return_dag

    async def execute_streaming(self, configuration_file="", run_id="", tag="", parameters_file="", **_):
        from runnable.retry import retry_pipeline

        # the retry is synchronous; it runs in a thread so that the tasks' coroutines get their own event loop
        await asyncio.to_thread(retry_pipeline, self.return_dag(), "python", None, configuration_file, parameters_file)
        return
        yield  # an async generator; the stand-in streams no events


class PythonJob:
    def __init__(self, function, **_):
        self.function = function

    def execute(self, *args, **kwargs):
        raise SystemExit("runnable test stand-in: jobs are not retried (runnable retries pipelines only).")
