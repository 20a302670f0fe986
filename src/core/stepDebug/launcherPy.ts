// The Python side of "Debug Step with Recorded Inputs": a small launcher, written into a temporary folder with the
// attempt's inputs, that imports the step's function, binds the inputs as runnable binds parameters, calls it, and
// writes what it returned next to what the attempt recorded. It imports nothing of runnable's, so it runs in any
// interpreter the project uses and never touches a run log store or catalog.
//
// How runnable binds (read from runnable/parameters.py, filter_arguments_for_func, and tasks.py): parameters are
// matched by the signature's names; a missing one takes the signature's default, else runnable refuses the call; a
// pydantic-model annotation builds the model from the value (a non-dict value as `{name: value}`, unknown keys
// ignored); other annotations that can be called cast the value (`int(…)`, generics by their origin: `list(…)`); an
// object parameter is the unpickled catalog object, as is; `**kwargs` takes every parameter not named, an
// `argparse.Namespace` parameter takes them as attributes; `*args` is left alone. A map or loop iteration's value is
// already among the attempt's recorded inputs. A coroutine function is awaited (runnable's AsyncPythonTask runs it
// with asyncio); an async generator is drained, its last value being what it returned. Return values map onto the
// node's `returns` names: one name takes the value, several unpack a tuple.
export const STEP_LAUNCHER_PY = String.raw`
"""Debug one runnable step with the inputs an attempt recorded (written by the Runnable Retry & Recovery extension)."""
import argparse, asyncio, inspect, json, os, sys, traceback, typing


def _load_object(path):
    try:
        import dill as pickler  # runnable's NativePickler
    except ImportError:
        import pickle as pickler
    with open(path, "rb") as fh:
        return pickler.load(fh)


def _value(spec, here):
    if spec["kind"] == "object":
        return _load_object(os.path.join(here, spec["file"]))
    return spec["value"]


def _is_model(annotation):
    try:
        from pydantic import BaseModel
    except ImportError:
        return False
    return inspect.isclass(annotation) and issubclass(annotation, BaseModel)


def _cast(name, annotation, spec, value):
    if spec["kind"] == "object" or annotation is inspect.Parameter.empty:
        return value
    if _is_model(annotation):
        data = value if isinstance(value, dict) else {name: value}
        known = set(getattr(annotation, "model_fields", {}) or {})
        return annotation(**{k: v for k, v in data.items() if not known or k in known})
    if callable(annotation):
        origin = typing.get_origin(annotation)
        try:
            return (origin or annotation)(value)
        except (TypeError, ValueError) as e:
            raise ValueError("Cannot cast parameter %r to %s: %s" % (name, getattr(annotation, "__name__", annotation), e))
    return value


def bind(func, params, here):
    """The keyword arguments runnable would call func with, from the recorded parameter specs."""
    bound, catch_all, namespace = {}, None, None
    for name, p in inspect.signature(func).parameters.items():
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            catch_all = name
            continue
        if p.annotation is argparse.Namespace:
            namespace = name
            continue
        if name not in params:
            if p.default is inspect.Parameter.empty:
                raise TypeError("%s() needs parameter %r, which the attempt did not record as an input" % (func.__name__, name))
            bound[name] = p.default
            continue
        bound[name] = _cast(name, p.annotation, params[name], _value(params[name], here))
    rest = {k: s for k, s in params.items() if k not in bound}
    if catch_all is not None:
        for k, s in rest.items():
            bound[k] = _value(s, here)
    elif namespace is not None:
        bound[namespace] = argparse.Namespace(**{k: _value(s, here) for k, s in rest.items()})
    return bound


def _call(func, kwargs):
    result = func(**kwargs)
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    if inspect.isasyncgen(result):
        async def drain(gen):
            last = None
            async for item in gen:
                last = item
            return last
        return asyncio.run(drain(result))
    return result


def _jsonable(v):
    try:
        return json.loads(json.dumps(v))
    except (TypeError, ValueError):
        return None


def _short(v, limit=300):
    try:
        text = repr(v)
    except Exception as e:  # a broken __repr__ must not hide the result
        text = "<unrepresentable %s: %s>" % (type(v).__name__, e)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def compare(returned, returns, recorded, here):
    """Each named return value against the attempt's recorded output of that name."""
    names = [r["name"] for r in returns]
    if not names:
        return []
    if len(names) == 1:
        values = [returned]
    elif isinstance(returned, (tuple, list)) and len(returned) == len(names):
        values = list(returned)
    else:
        return [{"name": ", ".join(names), "value": _short(returned), "match": False,
                 "note": "the step declares %d returns but the function returned %s" % (len(names), type(returned).__name__)}]
    out = []
    for r, v in zip(returns, values):
        row = {"name": r["name"], "kind": r.get("kind", "json"), "value": _short(v)}
        rec = recorded.get(r["name"])
        if rec is None:
            row["match"] = None
            row["note"] = "the attempt recorded no output of this name"
        elif rec["kind"] == "object":
            if rec.get("file") and os.path.exists(os.path.join(here, rec["file"])):
                try:
                    before = _load_object(os.path.join(here, rec["file"]))
                    row["recorded"] = _short(before)
                    row["match"] = bool(before == v)
                except Exception as e:
                    row["match"] = None
                    row["note"] = "the recorded object could not be compared: %s" % e
            else:
                row["match"] = None
                row["note"] = "the recorded object is not in the catalog"
        else:
            row["recorded"] = _short(rec["value"])
            row["match"] = _jsonable(v) == rec["value"]
        out.append(row)
    return out


def main():
    spec_file = sys.argv[1]
    here = os.path.dirname(os.path.abspath(spec_file))
    with open(spec_file, encoding="utf-8") as fh:
        spec = json.load(fh)
    sys.path.insert(0, spec["workspace"])
    sys.argv = [spec["module"]]
    result = {"step": spec["step"], "attempt": spec["attempt"]}
    try:
        import importlib
        func = getattr(importlib.import_module(spec["module"]), spec["function"])
        kwargs = bind(inspect.unwrap(func), spec["params"], here)
        print("[runnable] %s (attempt %s of %s): calling %s.%s(%s)" % (
            spec["step"], spec["attempt"], spec["runId"], spec["module"], spec["function"],
            ", ".join("%s=%s" % (k, _short(v, 80)) for k, v in kwargs.items())), flush=True)
        returned = _call(func, kwargs)
    except BaseException as e:
        result["raised"] = {"type": type(e).__name__, "message": str(e), "traceback": traceback.format_exc()}
        print("[runnable] %s raised %s: %s" % (spec["step"], type(e).__name__, e), flush=True)
        code = 1
    else:
        result["returned"] = _short(returned)
        result["outputs"] = compare(returned, spec.get("returns", []), spec.get("recorded", {}), here)
        for row in result["outputs"]:
            verdict = {True: "same as recorded", False: "DIFFERS from the recorded %s" % row.get("recorded", "value"), None: row.get("note", "")}[row.get("match")]
            print("[runnable] %s = %s: %s" % (row["name"], row["value"], verdict), flush=True)
        code = 0
    with open(spec["resultFile"], "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    sys.exit(code)


if __name__ == "__main__":
    main()
`;
