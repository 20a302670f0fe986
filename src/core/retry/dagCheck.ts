// Pre-flight: has the pipeline's structure changed since the run? runnable refuses such a retry
// (pipeline_executor._validate_retry_prerequisites compares dag_hash). The current dag is computed by
// the project's own runnable WITHOUT executing the pipeline: the helper patches Pipeline.execute away,
// calls the definition function, and dumps `return_dag().model_dump()` exactly as context.dag_hash does.
import { createHash } from 'node:crypto';
import { runPython } from '../python/runPython';
import { OUTSIDE_WORKSPACE, WORKSPACE_IMPORT_PY } from '../python/workspaceImport';
import type { Run } from '../runlog/model';
import { pyDumps } from './pyJson';

export const DAG_MARK = '@@RUNNABLE_DAG@@';

// `patch_execute(captured)` swaps Pipeline.execute for a recorder (which also notes the parameters_file it was given);
// `dag_answer(mode, definition, captured)` returns {"hash", "dag"} with the dag text exactly as context.dag_hash
// dumps it. Shared with the retry probe (probe.ts), which runs it in the same process as the locator.
export const DAG_FUNCTION_PY = String.raw`
def preload_runnable(mode):
    # Called before the workspace is on sys.path: runnable and all it imports (pydantic, rich, its own extensions
    # package, the standard library) load from the interpreter's folders, so a workspace file that happens to share
    # a name (inspect.py, extensions/) cannot stand in for them. A runnable only the workspace holds (a checkout of
    # runnable itself) fails here and is imported later, from the workspace, as the retry would.
    try:
        if mode == "yaml":
            import runnable.context
        else:
            import runnable.sdk
    except Exception:
        pass
def patch_execute(captured):
    from runnable import sdk
    def no_execute(self, *args, **kwargs):
        captured.append((self, kwargs))
        return {}
    for name in ("Pipeline", "AsyncPipeline"):
        cls = getattr(sdk, name, None)
        if cls is not None and hasattr(cls, "execute"):
            setattr(cls, "execute", no_execute)
def current_dag(mode, definition, captured):
    import importlib
    if mode == "yaml":
        from runnable.context import get_pipeline_spec_from_yaml
        return get_pipeline_spec_from_yaml(definition)
    module, _, func = definition.rpartition(".")
    result = getattr(workspace_import(module), func)()
    pipeline = result if hasattr(result, "return_dag") else (captured[-1][0] if captured else None)
    if pipeline is None:
        raise RuntimeError("%s() neither returned a pipeline nor called .execute() on one" % definition)
    return pipeline.return_dag()
def dag_answer(mode, definition, captured):
    import hashlib, json
    text = json.dumps(current_dag(mode, definition, captured).model_dump(), sort_keys=True, ensure_ascii=True)
    return {"hash": hashlib.sha1(text.encode("utf-8")).hexdigest(), "dag": text}
`;

export const DAG_SCRIPT = String.raw`
import json, os, sys, hashlib, importlib, importlib.util
${WORKSPACE_IMPORT_PY}
${DAG_FUNCTION_PY}
try:
    cwd, mode, definition = sys.argv[1:4]
    preload_runnable(mode)
    os.chdir(cwd)
    WORKSPACE[0] = cwd
    sys.path.insert(0, cwd)
    captured = []
    if mode != "yaml":
        patch_execute(captured)
    print("${DAG_MARK}" + json.dumps(dag_answer(mode, definition, captured)))
except BaseException as e:
    print("${DAG_MARK}" + json.dumps({"error": "%s: %s" % (type(e).__name__, e)}))
`;

export interface CurrentDag {
  hash: string;
  dag: unknown;
}

/** Computes the current dag with the project's interpreter; `{error}` when runnable or the module cannot be imported. */
export async function currentDag(opts: { run: Run; cwd: string; python: string; env: Record<string, string | undefined>; signal?: AbortSignal }): Promise<CurrentDag | { error: string }> {
  const mode = opts.run.executionMode === 'yaml' ? 'yaml' : 'python';
  // The retry variables must not be set while computing: the helper only builds the dag.
  const env = { ...opts.env };
  delete env.RUNNABLE_RETRY_RUN_ID;
  delete env.RUNNABLE_RETRY_INDICATOR;
  const res = await runPython({ python: opts.python, args: ['-c', DAG_SCRIPT, opts.cwd, mode, opts.run.definitionFile], cwd: opts.cwd, workspace: opts.cwd, env, timeoutMs: 30000, signal: opts.signal });
  if (res.error) return { error: res.error };
  const line = res.stdout.split('\n').reverse().find((l) => l.startsWith(DAG_MARK));
  if (!line) return { error: `the helper printed nothing (exit ${res.code}; ${res.stderr.trim().split('\n').pop() ?? ''})` };
  try {
    return toCurrentDag(JSON.parse(line.slice(DAG_MARK.length)));
  } catch (e) {
    return { error: `the helper's output was not JSON (${(e as Error).message})` };
  }
}

/** The Python side's `dag_answer()` dict (or `{error}`) as the current dag; throws when the dag text is not JSON. */
export function toCurrentDag(out: { hash?: string; dag?: string; error?: string }): CurrentDag | { error: string } {
  if (out.error || !out.hash || out.dag === undefined) return { error: out.error ?? 'no dag' };
  // The hash is sha1 of exactly the text Python printed.
  const hash = createHash('sha1').update(out.dag, 'utf8').digest('hex');
  return { hash, dag: JSON.parse(out.dag) };
}

type Graph = { nodes?: Record<string, Node> };
type Node = Record<string, unknown> & { branch?: Graph; branches?: Record<string, Graph> };

/** Every node by a dotted path (map: `map.step`, parallel/conditional: `node.branch.step`), without its sub-graphs. */
function flatten(graph: Graph | undefined, prefix: string, out: Map<string, string>): Map<string, string> {
  for (const [name, node] of Object.entries(graph?.nodes ?? {})) {
    const key = prefix + name;
    const { branch, branches, ...own } = node;
    out.set(key, pyDumps(own));
    if (branch) flatten(branch, `${key}.`, out);
    for (const [b, g] of Object.entries(branches ?? {})) flatten(g, `${key}.${b}.`, out);
  }
  return out;
}

/** Names the added, removed and changed steps between the recorded and the current dag. */
export function describeDagChange(recorded: unknown, current: unknown): string {
  const a = flatten(recorded as Graph, '', new Map());
  const b = flatten(current as Graph, '', new Map());
  const added = [...b.keys()].filter((k) => !a.has(k));
  const removed = [...a.keys()].filter((k) => !b.has(k));
  const changed = [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k));
  const parts: string[] = [];
  if (added.length) parts.push(`added ${added.join(', ')}`);
  if (removed.length) parts.push(`removed ${removed.join(', ')}`);
  if (changed.length) parts.push(`changed ${changed.join(', ')}`);
  if (!parts.length) parts.push('the pipeline-level settings (start, name or description) changed');
  return parts.join('; ');
}

export async function checkDag(opts: { run: Run; cwd: string; python: string; env: Record<string, string | undefined>; signal?: AbortSignal }): Promise<{ blocked?: string; warning?: string }> {
  return judgeDag(opts.run, await currentDag(opts), opts.python);
}

/** The pre-flight's verdict on the current dag: blocked (naming the steps) when it differs from the recorded one. */
export function judgeDag(run: Run, cur: CurrentDag | { error: string }, python: string): { blocked?: string; warning?: string } {
  if ('error' in cur) {
    const why = /No module named 'runnable'/.test(cur.error)
      ? `runnable is not importable with ${python}`
      : cur.error.startsWith(`${OUTSIDE_WORKSPACE}: `) ? cur.error.slice(OUTSIDE_WORKSPACE.length + 2) : cur.error;
    return { warning: `Could not check whether the pipeline changed since the run (${why}); runnable itself refuses the retry if it did.` };
  }
  if (cur.hash === run.dagHash) return {};
  const what = describeDagChange(run.runConfig.dag, cur.dag);
  return {
    blocked: `The pipeline changed since run ${run.runId} (${what}; dag hash ${run.dagHash} now ${cur.hash}): runnable refuses to retry a run whose structure changed. Restore the pipeline as it was, or start a new run.`,
  };
}
