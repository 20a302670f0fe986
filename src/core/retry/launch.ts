// What to run after the interpreter so runnable retries a run: the recorded definition, launched the
// way that works for each kind (observed on the fixtures; see the comments per kind).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Run } from '../runlog/model';
import { findConfigFiles } from '../config/findConfigFiles';
import { moduleCandidates } from '../python/staticLocate';

export interface Launch {
  argv: string[];
  /** Absolute file that defines the pipeline/job (for the parameters-file check and messages). */
  definitionPath: string | undefined;
  /** Set when the definition is missing from cwd: runnable could not load it there. */
  problem?: string;
  /** `__main__` runs: the script re-run (absolute) and the module name it is imported as to locate functions. */
  script?: string;
  scriptModule?: string;
  /** `__main__` runs with several fitting scripts and none chosen: the candidates (absolute). */
  scriptChoices?: string[];
  /** Something the pre-flight should say (how the script was found). */
  note?: string;
}

/**
 * A runnable definition or command as runnable resolves it: split at the LAST dot, the module part is whatever
 * `importlib.import_module` accepts (runnable records `examples.09-retry.linear.main` for a documented example run
 * as `python examples/09-retry/linear.py`: folder names with hyphens or a leading digit are fine for importlib, as
 * namespace packages). Only the function part must be an identifier.
 */
export function splitModulePath(def: string): { module: string; fn: string } | undefined {
  const dot = def.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const module = def.slice(0, dot);
  const fn = def.slice(dot + 1);
  if (!/^[A-Za-z_]\w*$/.test(fn)) return undefined;
  if (module.split('.').some((seg) => !seg || /[\s/\\]/.test(seg))) return undefined;
  return { module, fn };
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

export async function launchFor(run: Run, cwd: string, chosenScript?: string): Promise<Launch> {
  const def = run.definitionFile;
  if (!def && mainFunctions(run).length) return scriptLaunch(run, cwd, chosenScript);
  if (!def) return { argv: [], definitionPath: undefined, problem: `Run ${run.runId} records no pipeline definition file, so there is nothing to re-run.` };
  if (run.executionMode === 'yaml') {
    const abs = path.resolve(cwd, def);
    const problem = (await isFile(abs)) ? undefined : `${def} (the run's pipeline definition) is not in ${cwd}: retry from the folder the run was started in.`;
    return { argv: yamlArgv(def), definitionPath: abs, problem };
  }
  const split = splitModulePath(def);
  if (!split) return { argv: [], definitionPath: undefined, problem: `Run ${run.runId} records "${def}" as its definition, which is not a module.function path.` };
  const mod = split.module;
  let found: string | undefined;
  for (const c of moduleCandidates(cwd, mod)) if (await isFile(c)) { found = c; break; }
  const problem = found ? undefined : `Module ${mod} (from the run's definition ${def}) is not in ${cwd}: retry from the folder the run was started in.`;
  return { argv: sdkArgv(def), definitionPath: found, problem };
}

/** Functions the run's tasks call as `__main__.<fn>` (an AsyncPipeline run as a script records its tasks so). */
export function mainFunctions(run: Run): string[] {
  const out = new Set<string>();
  const dag = run.runConfig.dag as { nodes?: Record<string, unknown> } | undefined;
  const visit = (nodes: Record<string, unknown> | undefined) => {
    for (const n of Object.values(nodes ?? {})) {
      if (!n || typeof n !== 'object') continue;
      const node = n as { command?: unknown; branches?: Record<string, { nodes?: Record<string, unknown> }>; branch?: { nodes?: Record<string, unknown> } };
      if (typeof node.command === 'string' && node.command.startsWith('__main__.')) out.add(node.command.slice('__main__.'.length));
      for (const b of Object.values(node.branches ?? {})) visit(b?.nodes);
      visit(node.branch?.nodes);
    }
  };
  visit(dag?.nodes);
  return [...out].sort();
}

/** The workspace scripts that define every `__main__` function of the run and build a runnable pipeline. */
export async function scriptsForRun(run: Run, cwd: string): Promise<string[]> {
  const fns = mainFunctions(run);
  const found: string[] = [];
  // The same bounded walk that finds configs (dependency, VCS, virtualenv and store folders skipped).
  for (const file of await findConfigFiles(cwd, ['**/*.py'])) {
    let src: string;
    try { src = await fs.readFile(file, 'utf8'); } catch { continue; }
    if (!/\bPipeline\s*\(|\bAsyncPipeline\s*\(/.test(src)) continue;
    if (fns.every((fn) => new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${fn}[ \\t]*\\(`, 'm').test(src))) found.push(file);
  }
  return found;
}

/**
 * `__main__` runs (an AsyncPipeline run as `python flows/x.py`): no definition is recorded, so the script that defines
 * the tasks' functions is found in the workspace and re-run as a script, as the user ran it (observed: runnable
 * retries it when the script runs again with RUNNABLE_RETRY_RUN_ID). Several fitting scripts: the caller picks one.
 */
async function scriptLaunch(run: Run, cwd: string, chosen: string | undefined): Promise<Launch> {
  const fns = mainFunctions(run);
  if (chosen) {
    const abs = path.resolve(cwd, chosen);
    if (!(await isFile(abs))) return { argv: [], definitionPath: undefined, problem: `${chosen} (the script chosen for ${run.runId}) is not in ${cwd}.` };
    return withScript(abs, cwd, `Re-runs ${path.relative(cwd, abs)} as a script (the run records no definition; its tasks call ${fns.map((f) => `__main__.${f}`).join(', ')}).`);
  }
  const found = await scriptsForRun(run, cwd);
  if (!found.length) {
    return { argv: [], definitionPath: undefined, problem: `Run ${run.runId} records no pipeline definition and its tasks call ${fns.map((f) => `__main__.${f}`).join(', ')} (a script run as __main__), but no Python file in ${cwd} defines ${fns.join(', ')} and builds a pipeline: retry from the folder the script is in.` };
  }
  if (found.length > 1) {
    return { argv: [], definitionPath: undefined, scriptChoices: found, problem: `Run ${run.runId} records no pipeline definition; ${found.length} scripts define ${fns.join(', ')}: ${found.map((f) => path.relative(cwd, f)).join(', ')}. Pick the one the run came from.` };
  }
  return withScript(found[0], cwd, `Re-runs ${path.relative(cwd, found[0])} as a script: the run records no definition, and it is the one workspace file that defines ${fns.join(', ')} and builds a pipeline.`);
}

function withScript(abs: string, cwd: string, note: string): Launch {
  const rel = path.relative(cwd, abs);
  const scriptModule = rel.replace(/\.py$/, '').split(path.sep).join('.');
  return { argv: [rel], definitionPath: abs, script: abs, scriptModule, note };
}
