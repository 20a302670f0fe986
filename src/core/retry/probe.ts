// The retry probe: ONE Python process that both locates the failed function (import + inspect) and computes the
// current dag (Pipeline.execute patched away), instead of one interpreter start for each. It also names the
// workspace files its answer depends on, so ProbeCache (probeCache.ts) can reuse it until one of them changes.
import { performance } from 'node:perf_hooks';
import { LOCATE_FUNCTION_PY, toLocation, type FunctionLocation, type LocateAnswer } from '../python/locate';
import { runPython } from '../python/runPython';
import { WORKSPACE_IMPORT_PY } from '../python/workspaceImport';
import { DAG_FUNCTION_PY, DAG_MARK, toCurrentDag, type CurrentDag } from './dagCheck';

export interface ProbeRequest {
  cwd: string;
  python: string;
  /** The retry variables (RUNNABLE_RETRY_*) are removed: the probe only inspects, it never retries. */
  env: Record<string, string | undefined>;
  /** `module.function` of the failed task to locate. */
  locate?: string;
  /** The run's definition to build the current dag from. */
  dag?: { mode: 'yaml' | 'python'; definition: string };
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ProbeAnswer {
  locate?: FunctionLocation | { error: string };
  dag?: CurrentDag | { error: string };
  /** Absolute workspace files the answer depends on: modules imported from cwd, the parameters file given to execute(). */
  files: string[];
  /**
   * Each of `files` as the probe saw it before its first read: [st_mtime_ns, st_size]. The import hooks in
   * PROBE_SCRIPT stat a module when the loader first touches it (path_stats before a .pyc is trusted, get_data before
   * the source is read); files the probe never read (the parameters file) are stat'ed at its end. ProbeCache keeps
   * an answer only when the files still look like this afterwards, so a save during the probe is never cached.
   */
  seen: Record<string, [string, number]>;
  /** The probe process's own CPU time (Python's time.process_time at the end); undefined when served from the cache. */
  cpuMs?: number;
  /** Wall time of the subprocess, spawn to exit (0 when served from the cache). */
  wallMs: number;
  cached: boolean;
  /** Set when the process itself failed (not started, timed out, cancelled): such answers are never cached. */
  failed?: string;
}

// Order matters: execute() is patched before anything user-defined is imported, so no module import can run a pipeline.
// The process starts in an empty folder (runPython's `workspace`) and loads the standard library the helpers use
// before it chdirs into the workspace, so a workspace `json.py` or `inspect.py` never runs in the probe's place.
// Run-log names are imported only when the workspace holds them (workspaceImport.ts).
export const PROBE_SCRIPT = String.raw`
import json, os, sys, time, ast, argparse, hashlib, importlib, importlib.machinery, importlib.util, inspect
${WORKSPACE_IMPORT_PY}
${LOCATE_FUNCTION_PY}
${DAG_FUNCTION_PY}
def err(e):
    return {"error": "%s: %s" % (type(e).__name__, e)}
seen = {}
def note(p):
    try:
        p = os.path.abspath(p)
        if p not in seen:
            st = os.stat(p)
            seen[p] = [str(st.st_mtime_ns), st.st_size]
    except (OSError, TypeError, ValueError):
        pass
def watch_reads():
    import importlib.machinery as m
    path_stats, get_data = m.SourceFileLoader.path_stats, m.SourceFileLoader.get_data
    def stats_hook(self, p):
        note(p)
        return path_stats(self, p)
    def data_hook(self, p):
        note(p)
        return get_data(self, p)
    m.SourceFileLoader.path_stats = stats_hook
    m.SourceFileLoader.get_data = data_hook
def main():
    cwd, command, mode, definition = sys.argv[1:5]
    if definition:
        preload_runnable(mode)
    os.chdir(cwd)
    WORKSPACE[0] = cwd
    sys.path.insert(0, cwd)
    watch_reads()
    if mode == "yaml" and definition:
        note(definition)
    out = {}
    captured = []
    patch_error = None
    if definition and mode != "yaml":
        try:
            patch_execute(captured)
        except BaseException as e:
            patch_error = err(e)
    if command:
        try:
            out["locate"] = locate(command)
        except BaseException as e:
            out["locate"] = err(e)
    if definition:
        try:
            out["dag"] = patch_error or dag_answer(mode, definition, captured)
        except BaseException as e:
            out["dag"] = err(e)
    files = set()
    for m in list(sys.modules.values()):
        f = getattr(m, "__file__", None)
        if isinstance(f, str):
            f = os.path.abspath(f)
            if f.startswith(cwd + os.sep) and "site-packages" not in f and "dist-packages" not in f:
                files.add(f)
    if mode == "yaml" and definition:
        files.add(os.path.abspath(definition))
    for _, kwargs in captured:
        pf = kwargs.get("parameters_file")
        if isinstance(pf, str) and pf:
            files.add(os.path.abspath(pf))
    out["files"] = sorted(files)
    for f in out["files"]:
        note(f)
    out["seen"] = {f: seen[f] for f in out["files"] if f in seen}
    out["cpuMs"] = time.process_time() * 1000
    print("${DAG_MARK}" + json.dumps(out))
main()
`;

/** Runs the probe (never throws: a process failure comes back as `failed` and as both answers' error). */
export async function runProbe(req: ProbeRequest): Promise<ProbeAnswer> {
  const env = { ...req.env };
  delete env.RUNNABLE_RETRY_RUN_ID;
  delete env.RUNNABLE_RETRY_INDICATOR;
  const t0 = performance.now();
  const res = await runPython({
    python: req.python,
    args: ['-c', PROBE_SCRIPT, req.cwd, req.locate ?? '', req.dag?.mode ?? '', req.dag?.definition ?? ''],
    cwd: req.cwd,
    workspace: req.cwd,
    env,
    timeoutMs: req.timeoutMs ?? 30000,
    signal: req.signal,
  });
  const wallMs = performance.now() - t0;
  const fail = (why: string): ProbeAnswer => ({
    ...(req.locate ? { locate: { error: why } } : {}),
    ...(req.dag ? { dag: { error: why } } : {}),
    files: [],
    seen: {},
    wallMs,
    cached: false,
    failed: why,
  });
  if (res.error) return fail(res.error);
  const line = res.stdout.split('\n').reverse().find((l) => l.startsWith(DAG_MARK));
  if (!line) return fail(`${req.python} printed no answer (exit ${res.code}; ${res.stderr.trim().split('\n').pop() ?? ''})`);
  let out: { locate?: LocateAnswer; dag?: { hash?: string; dag?: string; error?: string }; files?: string[]; seen?: Record<string, [string, number]>; cpuMs?: number };
  try {
    out = JSON.parse(line.slice(DAG_MARK.length));
  } catch (e) {
    return fail(`the probe's output was not JSON (${(e as Error).message})`);
  }
  const answer: ProbeAnswer = { files: out.files ?? [], seen: out.seen ?? {}, cpuMs: out.cpuMs, wallMs, cached: false };
  if (req.locate) answer.locate = toLocation(out.locate ?? { error: 'no answer' }, req.cwd, req.locate);
  if (req.dag) {
    try {
      answer.dag = toCurrentDag(out.dag ?? { error: 'no answer' });
    } catch (e) {
      answer.dag = { error: `the dag was not JSON (${(e as Error).message})` };
    }
  }
  return answer;
}
