"""Stand-in for runnable.context: only the YAML pipeline reader the dag pre-flight uses.

What runnable records in run_config.dag for a YAML pipeline (seen with real runnable on its examples/01-tasks,
04-catalog, 06-parallel and 07-map YAML files and on test/fixtures/runnable/map-no-parameter): task keys as written
(`returns` and a missing `command_type` are not filled in); a `catalog` gets runnable's defaults (get [], put [],
store_copy true); a stub keeps only runnable's node fields (its arbitrary keys are dropped); composite nodes carry
`is_composite: true` and no catalog/max_attempts, and their branches are graphs of their own (name "", description
as written or None); a map records `reducer` (None when absent)."""
import yaml

from runnable.sdk import Dag

_BASE_KEYS = ("type", "next", "next_node", "on_failure", "overrides", "catalog", "max_attempts")


def _catalog(raw):
    catalog = raw.get("catalog")
    return None if catalog is None else {"get": [], "put": [], "store_copy": True, **catalog}


def _yaml_graph(spec):
    nodes = {}
    for name, raw in spec["steps"].items():
        kind = raw.get("type", "task")
        node = {"node_type": kind, "name": name}
        if kind in ("map", "parallel", "conditional", "loop"):
            node["is_composite"] = True
        node.update({"next_node": raw.get("next", ""), "on_failure": raw.get("on_failure", ""), "overrides": raw.get("overrides", {})})
        if kind == "task":
            node.update({"catalog": _catalog(raw), "max_attempts": raw.get("max_attempts", 1)})
            node.update({k: v for k, v in raw.items() if k not in _BASE_KEYS})
        elif kind == "stub":
            node.update({"catalog": _catalog(raw), "max_attempts": raw.get("max_attempts", 1)})
        elif kind == "map":
            node.update({"iterate_on": raw["iterate_on"], "iterate_as": raw["iterate_as"], "reducer": raw.get("reducer"),
                         "branch": _yaml_graph(raw["branch"])})
        elif kind == "loop":
            node.update({"branch": _yaml_graph(raw["branch"]), "max_iterations": raw.get("max_iterations"),
                         "break_on": raw.get("break_on"), "index_as": raw.get("index_as")})
        elif kind == "conditional":
            node.update({"parameter": raw.get("parameter"), "default": raw.get("default"),
                         "branches": {k: _yaml_graph(v) for k, v in raw.get("branches", {}).items()}})
        elif kind == "parallel":
            node["branches"] = {k: _yaml_graph(v) for k, v in raw.get("branches", {}).items()}
        else:
            node.update({k: v for k, v in raw.items() if k not in _BASE_KEYS})
        nodes[name] = node
    nodes["success"] = {"node_type": "success", "name": "success"}
    nodes["fail"] = {"node_type": "fail", "name": "fail"}
    return Dag({"start_at": spec["start_at"], "name": "", "description": spec.get("description"), "nodes": nodes})


def get_pipeline_spec_from_yaml(pipeline_file):
    with open(pipeline_file, encoding="utf-8") as fh:
        return _yaml_graph(yaml.safe_load(fh)["dag"])
