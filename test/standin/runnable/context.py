"""Stand-in for runnable.context: only the YAML pipeline reader the dag pre-flight uses."""
import yaml

from runnable.sdk import Dag

_BASE_KEYS = ("type", "next", "next_node", "on_failure", "overrides", "catalog", "max_attempts")


def _yaml_graph(spec):
    nodes = {}
    for name, raw in spec["steps"].items():
        kind = raw.get("type", "task")
        node = {"node_type": kind, "name": name, "next_node": raw.get("next", ""), "on_failure": raw.get("on_failure", ""),
                "overrides": raw.get("overrides", {})}
        if kind in ("task", "stub"):
            node.update({"catalog": raw.get("catalog"), "max_attempts": raw.get("max_attempts", 1)})
        node.update({k: v for k, v in raw.items() if k not in _BASE_KEYS})
        nodes[name] = node
    nodes["success"] = {"node_type": "success", "name": "success"}
    nodes["fail"] = {"node_type": "fail", "name": "fail"}
    return Dag({"start_at": spec["start_at"], "name": "", "description": spec.get("description"), "nodes": nodes})


def get_pipeline_spec_from_yaml(pipeline_file):
    with open(pipeline_file, encoding="utf-8") as fh:
        return _yaml_graph(yaml.safe_load(fh)["dag"])
