// What a retry needs from the chosen interpreter (debugpy to debug, runnable to run the pipeline) and, when one is
// missing, the install command that fits how that environment is managed. No `vscode` import.
//
// Why not always `python -m pip install`: runnable's docs use uv (`uv run`), and a uv-made venv has no pip, so that
// command fails there; a conda environment should be changed with conda. The kind is read from the environment
// itself: `<prefix>/conda-meta` (conda), `uv = …` in `<prefix>/pyvenv.cfg` (uv writes it), pip importable or not.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shellQuote } from '../text/shell';
import { neutralDir } from './runPython';

export interface EnvironmentFacts {
  version: string;
  debugpy: boolean;
  runnable: boolean;
  /** sys.prefix and whether pip is importable: how to install into it. Absent from older probes. */
  prefix?: string;
  pip?: boolean;
}

/** What `findModules` learns: which of the names the interpreter can import, its version, and how its environment is managed. */
export interface ModuleFacts {
  found: Record<string, boolean>;
  version: string;
  prefix?: string;
  pip?: boolean;
}

// find_spec locates a package without importing (running) it; top-level names only (a dotted name would import its
// parents). The probe runs from an empty folder of its own, so `python -c` does not put the workspace first on
// sys.path while the standard library loads (a workspace `json.py` would run); the retry's folder is added afterwards
// (argv[1]), so a package that only the retry's folder holds is found as the retry will find it, without running
// anything from it.
const PROBE =
  'import json, sys, importlib.util as u\n' +
  'sys.path.insert(0, sys.argv[1]) if sys.argv[1] else None\n' +
  'print(json.dumps({"found": {m: u.find_spec(m) is not None for m in sys.argv[2:]}, "version": sys.version.split()[0], ' +
  '"prefix": sys.prefix, "pip": u.find_spec("pip") is not None}))';

/** Which of `modules` (top-level names) `python` can import with `env`, the retry's folder `cwd` first on its path. */
export function findModules(python: string, env: NodeJS.ProcessEnv, cwd: string | undefined, modules: string[], timeoutMs = 15_000): Promise<ModuleFacts> {
  const bad = modules.find((m) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(m));
  if (bad) return Promise.reject(new Error(`not a top-level module name: ${bad}`));
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', PROBE, cwd ?? '', ...modules], { env, cwd: neutralDir(), timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it was not found' : (stderr.trim().split('\n').pop() ?? err.message)));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as ModuleFacts);
      } catch {
        reject(new Error(`it printed something unexpected: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

/** What a retry needs from the interpreter: runnable to run it, debugpy to debug it (findModules for those two). */
export async function probeEnvironment(python: string, env: NodeJS.ProcessEnv, cwd: string | undefined, timeoutMs = 15_000): Promise<EnvironmentFacts> {
  const { found, version, prefix, pip } = await findModules(python, env, cwd, ['debugpy', 'runnable'], timeoutMs);
  return { version, debugpy: found.debugpy, runnable: found.runnable, prefix, pip };
}

export type EnvironmentKind = 'conda' | 'uv' | 'pip' | 'no-pip';

export function environmentKind(facts: Pick<EnvironmentFacts, 'prefix' | 'pip'>): EnvironmentKind {
  const prefix = facts.prefix;
  if (prefix && fs.existsSync(path.join(prefix, 'conda-meta'))) return 'conda';
  if (prefix) {
    try {
      if (/^\s*uv\s*=/m.test(fs.readFileSync(path.join(prefix, 'pyvenv.cfg'), 'utf8'))) return 'uv';
    } catch { /* not a venv */ }
  }
  return facts.pip === false ? 'no-pip' : 'pip';
}


/** The packages a retry needs that the interpreter lacks, in install order. */
export function missingPackages(facts: EnvironmentFacts, needDebugpy: boolean): string[] {
  return [...(facts.runnable ? [] : ['runnable']), ...(needDebugpy && !facts.debugpy ? ['debugpy'] : [])];
}

/** A shell command that installs `packages` (pip's names; `condaPackages`: conda-forge's, when they differ) into this interpreter's environment, by how it is managed. */
export function installCommand(python: string, facts: Pick<EnvironmentFacts, 'prefix' | 'pip'>, packages: string[], condaPackages: string[] = packages): { kind: EnvironmentKind; command: string } {
  const kind = environmentKind(facts);
  const pkgs = packages.map((p) => shellQuote(p)).join(' ');
  switch (kind) {
    case 'conda': return { kind, command: `conda install -y -p ${shellQuote(facts.prefix!)} -c conda-forge ${condaPackages.map((p) => shellQuote(p)).join(' ')}` };
    case 'uv': return { kind, command: `uv pip install --python ${shellQuote(python)} ${pkgs}` };
    case 'no-pip': return { kind, command: `${shellQuote(python)} -m ensurepip && ${shellQuote(python)} -m pip install ${pkgs}` };
    default: return { kind, command: `${shellQuote(python)} -m pip install ${pkgs}` };
  }
}

/** One sentence for what is missing: "runnable and debugpy are not importable in /p/python (from …)". */
export function missingSentence(python: string, source: string, missing: string[]): string {
  const what = missing.length === 2 ? `${missing[0]} and ${missing[1]} are` : `${missing[0]} is`;
  const why = missing.map((m) => m === 'runnable' ? 'runnable runs the retry' : 'debugpy debugs it').join(', ');
  return `${what} not importable in ${python} (from ${source}): ${why}.`;
}
