// The interpreter a headless command (the CLI's plan-retry) uses when none is given: the project's own environment,
// as the Python extension would pick it in VS Code. runnable's docs run everything with `uv run`, which keeps the
// environment in `<project>/.venv` and never activates it, so `python3` on PATH is usually one without runnable
// (then the dag check and the import of the failed function cannot run). No `vscode` import.
import * as fs from 'node:fs';
import * as path from 'node:path';

const WINDOWS = process.platform === 'win32';

/** `<env>/bin/python` (`<env>\Scripts\python.exe` on Windows). */
function inEnv(envDir: string): string {
  return WINDOWS ? path.join(envDir, 'Scripts', 'python.exe') : path.join(envDir, 'bin', 'python');
}

/**
 * The active virtual environment's interpreter (VIRTUAL_ENV), else `<cwd>/.venv` or `<cwd>/venv` when one holds an
 * interpreter, else `python3` (`python` on Windows) from PATH.
 */
export function projectPython(cwd: string, env: Record<string, string | undefined>): string {
  const candidates = [env.VIRTUAL_ENV, path.join(cwd, '.venv'), path.join(cwd, 'venv')];
  for (const dir of candidates) {
    if (!dir) continue;
    const python = inEnv(dir);
    if (fs.existsSync(python)) return python;
  }
  return WINDOWS ? 'python' : 'python3';
}
