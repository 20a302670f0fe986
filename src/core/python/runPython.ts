// Runs a short Python helper (locate a function, compute a dag) with a timeout and an AbortSignal;
// never throws: spawn failures and timeouts come back as `error` sentences.
import { spawn } from 'node:child_process';

export interface RunPythonOptions {
  python: string;
  args: string[];
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs: number;
  signal?: AbortSignal;
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
    let settled = false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const child = spawn(opts.python, opts.args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
