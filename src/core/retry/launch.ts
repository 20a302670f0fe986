// What to run after the interpreter so runnable retries a run: the recorded definition, launched the
// way that works for each kind (observed on the fixtures; see the comments per kind).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Run } from '../runlog/model';
import { moduleCandidates } from '../python/staticLocate';

export interface Launch {
  argv: string[];
  /** Absolute file that defines the pipeline/job (for the parameters-file check and messages). */
  definitionPath: string | undefined;
  /** Set when the definition is missing from cwd: runnable could not load it there. */
  problem?: string;
}

/**
 * `module.function` (SDK pipelines and jobs): import the module and call the function, which builds the
 * pipeline and calls `.execute()`. The observed retry ran `python pipeline.py`, which only works when the
 * file calls the function under `if __name__ == "__main__"`; calling it ourselves works either way, and
 * runnable's get_caller() still records `pipeline.main` (it reads the caller's file and function name).
 */
export function sdkArgv(definition: string): string[] {
  const dot = definition.lastIndexOf('.');
  const mod = definition.slice(0, dot);
  const fn = definition.slice(dot + 1);
  return ['-c', `import importlib, os, sys; sys.path.insert(0, os.getcwd()); getattr(importlib.import_module(${JSON.stringify(mod)}), ${JSON.stringify(fn)})()`];
}

/**
 * YAML pipelines: `runnable retry RUN_ID` fails for them in this runnable (fixture yaml-etl: "No module
 * named 'pipeline'", exit 0); `runnable execute FILE` with RUNNABLE_RETRY_RUN_ID set retries them.
 * `-m runnable.cli` is that same command run by the chosen interpreter (runnable/cli.py ends in app()).
 */
export function yamlArgv(file: string): string[] {
  return ['-m', 'runnable.cli', 'execute', file];
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

export async function launchFor(run: Run, cwd: string): Promise<Launch> {
  const def = run.definitionFile;
  if (!def) return { argv: [], definitionPath: undefined, problem: `Run ${run.runId} records no pipeline definition file, so there is nothing to re-run.` };
  if (run.executionMode === 'yaml') {
    const abs = path.resolve(cwd, def);
    const problem = (await isFile(abs)) ? undefined : `${def} (the run's pipeline definition) is not in ${cwd}: retry from the folder the run was started in.`;
    return { argv: yamlArgv(def), definitionPath: abs, problem };
  }
  if (!/^[\w.]+\.\w+$/.test(def)) return { argv: [], definitionPath: undefined, problem: `Run ${run.runId} records "${def}" as its definition, which is not a module.function path.` };
  const mod = def.slice(0, def.lastIndexOf('.'));
  let found: string | undefined;
  for (const c of moduleCandidates(cwd, mod)) if (await isFile(c)) { found = c; break; }
  const problem = found ? undefined : `Module ${mod} (from the run's definition ${def}) is not in ${cwd}: retry from the folder the run was started in.`;
  return { argv: sdkArgv(def), definitionPath: found, problem };
}
