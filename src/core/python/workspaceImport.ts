// The one way the Python helpers (locator, dag check, retry probe) import a module whose name comes from a run log.
//
// A run log is data, and a production one comes from S3 or a container: its `command` (`module.function` of a task)
// and `pipeline_executor.definition` name a module to import while planning a retry. Importing runs the module's
// top level, so `venv.__main__.x` in a run log would create virtualenvs, `pip.__main__.main` would run pip. The
// helpers therefore import a run-log name only when it resolves, level by level and WITHOUT running anything, to
// files the workspace holds: every package on the way and the module itself must be a source file under the
// workspace folder (real paths, so a link out of it does not count), and not inside a site-packages or
// dist-packages folder (a `.venv` in the workspace holds installed code, not the project's). Resolution asks the
// finders on sys.meta_path (`find_spec(name, parent.__path__)`), which is what `import` asks, so a `PYTHONPATH=src`
// layout, a namespace package and an editable install (`pip install -e .`, its .pth entry or its meta-path finder)
// resolve as the retry will; only a package's own `__init__` would run, and it is checked before anything is
// imported. Anything else (the standard library, an installed package, a built-in) is refused with
// `OutsideWorkspace: <sentence>`; the caller then reads the source without importing (staticLocate.ts).
//
// WORKSPACE_IMPORT_PY defines `workspace_import(name)`, `OutsideWorkspace`, and `WORKSPACE` (a one-item list the
// script sets to its workspace folder right after chdir).
export const OUTSIDE_WORKSPACE = 'OutsideWorkspace';

export const WORKSPACE_IMPORT_PY = String.raw`
WORKSPACE = [None]
class ${OUTSIDE_WORKSPACE}(Exception):
    pass
def _ws_holds(p):
    import os
    root = os.path.realpath(WORKSPACE[0] or os.getcwd())
    real = os.path.realpath(p)
    if real != root and not real.startswith(root + os.sep):
        return False
    parts = real[len(root):].split(os.sep)
    return "site-packages" not in parts and "dist-packages" not in parts
def _ws_spec(full, search):
    import sys
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        if find is None:
            continue
        spec = find(full, search)
        if spec is not None:
            return spec
    return None
def _ws_locations(locations):
    # A namespace package's _NamespacePath recomputes from its parent module, which is not imported yet: its _path.
    if locations is None:
        return []
    try:
        return list(locations)
    except Exception:
        return list(getattr(locations, "_path", None) or [])
def workspace_import(name):
    import importlib, sys
    if not name or name.startswith(".") or ".." in name:
        raise ${OUTSIDE_WORKSPACE}("%r is not a module name" % name)
    parts = name.split(".")
    search = None
    for i in range(len(parts)):
        full = ".".join(parts[: i + 1])
        mod = sys.modules.get(full)
        if mod is not None:
            origin = getattr(mod, "__file__", None)
            locations = list(getattr(mod, "__path__", None) or [])
        else:
            try:
                spec = _ws_spec(full, search)
            except KeyError:
                # A namespace package under its parent is found only with the parent imported (_NamespacePath
                # reads it): the parent is checked already, and a namespace parent runs no code at all.
                importlib.import_module(".".join(parts[:i]))
                spec = _ws_spec(full, search)
            if spec is None:
                raise ModuleNotFoundError("No module named %r" % full)
            origin = spec.origin if spec.has_location else None
            locations = _ws_locations(spec.submodule_search_locations)
        where = [origin] if origin else locations
        if not where or not all(isinstance(w, str) and _ws_holds(w) for w in where):
            shown = origin or (", ".join(str(w) for w in where) if where else "built into Python")
            raise ${OUTSIDE_WORKSPACE}(
                "the run log names %s, which resolves to %s, outside the workspace %s; while planning, only modules the "
                "workspace holds are imported, so it was not imported" % (full, shown, WORKSPACE[0] or "."))
        search = locations
    return importlib.import_module(name)
`;
