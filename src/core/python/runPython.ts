// Runs a short Python helper (locate a function, compute a dag) with a timeout and an AbortSignal;
// never throws: spawn failures and timeouts come back as `error` sentences.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RunPythonOptions {
  python: string;
  args: string[];
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * The workspace the helper works in, when it imports workspace code: the process then starts in an empty folder
   * of its own (neutralDir), so `python -c` does not put the workspace first on sys.path while the helper's own
   * standard-library imports load (a workspace `json.py` or `inspect.py` would run); the helper script chdirs to the
   * workspace and puts it on sys.path itself once those are loaded. Relative PYTHONPATH entries (`PYTHONPATH=src`
   * from a .env) are anchored at the workspace, as they would be for a retry started there (site.py makes them
   * absolute against the start folder), and a relative interpreter path is resolved against it.
   */
  workspace?: string;
}

export interface RunPythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not start, timed out or was cancelled. */
  error?: string;
}

export function runPython(opts: RunPythonOptions): Promise<RunPythonResult> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(opts.env ?? process.env)) if (v !== undefined) env[k] = v;
    env.PYTHONDONTWRITEBYTECODE = '1'; // helpers must not leave __pycache__ in the user's workspace
    let python = opts.python;
    let cwd = opts.cwd;
    if (opts.workspace !== undefined) {
      if (env.PYTHONPATH) env.PYTHONPATH = anchorPythonPath(env.PYTHONPATH, opts.workspace);
      if (!path.isAbsolute(python) && python.includes('/')) python = path.resolve(opts.workspace, python);
      cwd = neutralDir();
    }
    let settled = false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const child = spawn(python, opts.args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const done = (r: RunPythonResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const collect = () => ({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ code: null, ...collect(), error: `${opts.python} did not answer within ${Math.round(opts.timeoutMs / 1000)} s.` });
    }, opts.timeoutMs);
    const onAbort = () => {
      child.kill('SIGKILL');
      done({ code: null, ...collect(), error: 'Cancelled.' });
    };
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) =>
      done({
        code: null,
        ...collect(),
        error: e.code === 'ENOENT' ? `Python interpreter "${opts.python}" not found: set runnable.pythonPath or select an interpreter.` : `Could not start ${opts.python}: ${e.message}`,
      }),
    );
    child.on('close', (code) => done({ code, ...collect() }));
  });
}

let neutral: string | undefined;
/** An empty folder only this process made: a start folder that puts nothing on sys.path. */
export function neutralDir(): string {
  if (!neutral || !fs.existsSync(neutral)) {
    // mkdtemp, not a fixed name: on a shared machine another user could plant a json.py in a folder they made first.
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-probe-'));
    if (neutral === undefined) process.once('exit', () => fs.rmSync(neutral ?? made, { recursive: true, force: true }));
    neutral = made;
  }
  return neutral;
}

/** PYTHONPATH with its relative entries (an empty entry is the start folder) made absolute against `workspace`. */
export function anchorPythonPath(value: string, workspace: string): string {
  return value.split(path.delimiter).map((e) => (path.isAbsolute(e) ? e : path.resolve(workspace, e))).join(path.delimiter);
}
