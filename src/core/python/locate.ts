// Resolves a task's `module.function` to its file, `def` line and first body line (where the
// debugger should stop): by importing it with the project's interpreter, else by reading the source.
import * as path from 'node:path';
import { runPython } from './runPython';
import { OUTSIDE_WORKSPACE, WORKSPACE_IMPORT_PY } from './workspaceImport';
import { locateStatically } from './staticLocate';
import type { FunctionLocation } from './functionLocation';
import type { SignatureParam } from './signature';

export type { FunctionLocation } from './functionLocation';

export interface LocateOptions {
  cwd: string;
  /** `module.function` as recorded in the dag (`functions.deploy_model`). */
  command: string;
  /** Interpreter; default `python3`. */
  python?: string;
  /** Only a trusted workspace may import user code. Untrusted: source text only. */
  trusted: boolean;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

// Imports the module (workspace first on sys.path, as runnable's tasks.py does; only a module the workspace holds:
// workspaceImport.ts), unwraps decorators
// and reads the def's body from the AST of the defining file. `locate(command)` returns a dict; shared with the
// retry probe (core/retry/probe.ts), which runs it in the same process as the dag check.
export const LOCATE_FUNCTION_PY = String.raw`
def locate(command):
    import ast, argparse, importlib, inspect
    module_name, _, func_name = command.rpartition(".")
    f = getattr(workspace_import(module_name), func_name)
    f = inspect.unwrap(f)
    src_file = os.path.abspath(inspect.getsourcefile(f))
    first = f.__code__.co_firstlineno
    with open(src_file, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    target = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == f.__name__:
            starts = [d.lineno for d in node.decorator_list] + [node.lineno]
            if first in starts:
                target = node
                break
    if target is None:
        raise LookupError("def %s not found in %s" % (f.__name__, src_file))
    body = target.body
    stmt = body[0]
    is_doc = isinstance(stmt, ast.Expr) and isinstance(getattr(stmt, "value", None), ast.Constant) and isinstance(stmt.value.value, str)
    if is_doc and len(body) > 1:
        stmt = body[1]
    line = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
    kinds = {0: "positional_only", 1: "positional_or_keyword", 2: "var_positional", 3: "keyword_only", 4: "var_keyword"}
    params = []
    for p in inspect.signature(f).parameters.values():
        params.append({"name": p.name, "kind": kinds[int(p.kind)], "hasDefault": p.default is not inspect.Parameter.empty,
                       "namespace": p.annotation is argparse.Namespace})
    return {"absFile": src_file, "defLine": target.lineno, "line": line, "params": params}
`;

export const LOCATE_SCRIPT = String.raw`
import json, os, sys, ast, argparse, importlib, importlib.util, inspect
${WORKSPACE_IMPORT_PY}
${LOCATE_FUNCTION_PY}
try:
    os.chdir(sys.argv[1])
    WORKSPACE[0] = sys.argv[1]
    sys.path.insert(0, sys.argv[1])
    print(json.dumps(locate(sys.argv[2])))
except BaseException as e:
    print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}))
`;

export interface LocateAnswer {
  error?: string;
  absFile?: string;
  defLine?: number;
  line?: number;
  params?: SignatureParam[];
}

/** The Python side's answer (a `locate()` dict or `{error}`) as a location, or a sentence saying why not. */
export function toLocation(parsed: LocateAnswer, cwd: string, command: string): FunctionLocation | { error: string } {
  if (parsed.error?.startsWith(`${OUTSIDE_WORKSPACE}: `)) return { error: `Did not import ${command}: ${parsed.error.slice(OUTSIDE_WORKSPACE.length + 2)}` };
  if (parsed.error || !parsed.absFile) return { error: `Importing ${command} failed: ${parsed.error ?? 'no file'}` };
  const rel = path.relative(cwd, parsed.absFile);
  return {
    absFile: parsed.absFile,
    file: rel.startsWith('..') || path.isAbsolute(rel) ? parsed.absFile : rel,
    defLine: parsed.defLine!,
    line: parsed.line!,
    params: parsed.params ?? [],
    via: 'python',
  };
}

/** Imports and inspects the function with `python`; `{error}` when that fails. */
export async function locateWithPython(opts: LocateOptions): Promise<FunctionLocation | { error: string }> {
  const res = await runPython({
    python: opts.python ?? 'python3',
    args: ['-c', LOCATE_SCRIPT, opts.cwd, opts.command],
    cwd: opts.cwd,
    workspace: opts.cwd,
    env: opts.env,
    timeoutMs: opts.timeoutMs ?? 15000,
    signal: opts.signal,
  });
  if (res.error) return { error: res.error };
  const lastLine = res.stdout.trim().split('\n').pop() ?? '';
  let parsed: LocateAnswer;
  try {
    parsed = JSON.parse(lastLine);
  } catch {
    return { error: `The interpreter printed no location for ${opts.command} (stderr: ${res.stderr.trim().slice(-300)})` };
  }
  return toLocation(parsed, opts.cwd, opts.command);
}

/**
 * Python first when trusted, the static reader otherwise or when importing fails.
 * `notes` says why the fallback was used (surfaced as plan warnings by the caller when useful).
 */
export async function locateFunction(opts: LocateOptions): Promise<{ location?: FunctionLocation; notes: string[] }> {
  return preferPython(opts.trusted ? await locateWithPython(opts) : undefined, opts.cwd, opts.command);
}

/** The interpreter's answer when it has one (`undefined`: not asked, untrusted), else the source text's, with notes. */
export async function preferPython(
  viaPython: FunctionLocation | { error: string } | undefined,
  cwd: string,
  command: string,
  /** Folders beside cwd the run imported from (launch.ts scriptDir), searched after it. */
  roots: string[] = [],
): Promise<{ location?: FunctionLocation; notes: string[] }> {
  const notes: string[] = [];
  if (viaPython) {
    if ('absFile' in viaPython) return { location: viaPython, notes };
    notes.push(`${viaPython.error}; found the function by reading the source instead.`);
  }
  const viaSource = await locateStatically(cwd, command, roots);
  if ('absFile' in viaSource) return { location: viaSource, notes };
  notes.push(viaSource.error);
  return { notes };
}
