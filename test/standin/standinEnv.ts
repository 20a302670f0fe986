// Test helper: the environment under which the retry tests run Python. Adds the runnable stand-in
// (test/standin) to PYTHONPATH only when the real runnable is not importable by `python`.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { testPython } from '../helpers/python';

export const STANDIN_DIR = path.resolve(__dirname, '../../../test/standin');

export interface PythonEnv {
  env: Record<string, string | undefined>;
  /** true when the stand-in is used, false when the real runnable is importable. */
  standin: boolean;
  /** The interpreter's own executable (sys.executable): skips launcher shims such as pyenv's, which cost seconds. */
  python: string;
}

export function pythonEnv(python = testPython(), base: Record<string, string | undefined> = process.env): PythonEnv {
  const exe = spawnSync(python, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim() || python;
  const probe = spawnSync(exe, ['-c', 'import runnable, sys; sys.exit(0 if not getattr(runnable, "STANDIN", False) else 3)'], { env: stripStandin(base), encoding: 'utf8' });
  if (probe.status === 0) return { env: stripStandin(base), standin: false, python: exe };
  const prior = stripStandin(base).PYTHONPATH;
  return { env: { ...base, PYTHONPATH: prior ? `${STANDIN_DIR}${path.delimiter}${prior}` : STANDIN_DIR }, standin: true, python: exe };
}

function stripStandin(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const pp = (env.PYTHONPATH ?? '').split(path.delimiter).filter((p) => p && path.resolve(p) !== STANDIN_DIR);
  const out = { ...env };
  if (pp.length) out.PYTHONPATH = pp.join(path.delimiter);
  else delete out.PYTHONPATH;
  return out;
}
