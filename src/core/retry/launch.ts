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
  /**
   * SDK pipelines defined in a module below cwd (`flows.pipe.main`, run as `python flows/pipe.py`): that folder
   * (absolute). Running a script puts its own folder first on sys.path, so its `from steps import train` found
   * flows/steps.py, and runnable recorded the tasks as `steps.train`; the retry's `-c` import of `flows.pipe` only
   * has cwd, so the folder goes on PYTHONPATH (observed: runnable's tutorials/getting-started chapters 4-7 run from
   * the repository root; fixture nested-script).
   */
  scriptDir?: string;
  /** Script runs whose task functions are imported from the project's modules: cwd must be on PYTHONPATH. */
  projectOnPath?: boolean;
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
  if (!def && run.kind === 'pipeline' && taskFunctions(run).length) return scriptLaunch(run, cwd, chosenScript);
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
  const dir = found && path.dirname(found);
  return { argv: sdkArgv(def), definitionPath: found, problem, ...(dir && dir !== path.resolve(cwd) ? { scriptDir: dir } : {}) };
}

interface DagNode {
  node_type?: unknown;
  name?: unknown;
  command?: unknown;
  command_type?: unknown;
  branches?: Record<string, { nodes?: Record<string, unknown> }>;
  branch?: { nodes?: Record<string, unknown> };
}

function visitDag(run: Run, visit: (node: DagNode) => void): void {
  const walk = (nodes: Record<string, unknown> | undefined) => {
    for (const n of Object.values(nodes ?? {})) {
      if (!n || typeof n !== 'object') continue;
      const node = n as DagNode;
      visit(node);
      for (const b of Object.values(node.branches ?? {})) walk(b?.nodes);
      walk(node.branch?.nodes);
    }
  };
  walk((run.runConfig.dag as { nodes?: Record<string, unknown> } | undefined)?.nodes);
}

/**
 * The `module.function` every python / async-python task of the run's dag calls. An AsyncPipeline records no
 * definition: its tasks name `__main__.<fn>` when the script defines them, or the module they were imported from
 * (runnable's own examples/async scripts import theirs from examples.common.functions).
 */
export function taskFunctions(run: Run): { module: string; fn: string }[] {
  const out = new Map<string, { module: string; fn: string }>();
  visitDag(run, (node) => {
    if (typeof node.command !== 'string' || (node.command_type !== 'python' && node.command_type !== 'async-python')) return;
    const split = splitModulePath(node.command);
    if (split) out.set(node.command, { module: split.module, fn: split.fn });
  });
  return [...out.values()].sort((a, b) => (`${a.module}.${a.fn}` < `${b.module}.${b.fn}` ? -1 : 1));
}

/** Functions the run's tasks call as `__main__.<fn>` (an AsyncPipeline run as a script records its tasks so). */
export function mainFunctions(run: Run): string[] {
  return taskFunctions(run).filter((f) => f.module === '__main__').map((f) => f.fn);
}

/** The names of the run's task steps (branches included), as given to `PythonTask(name=...)`. */
function taskNames(run: Run): Set<string> {
  const out = new Set<string>();
  visitDag(run, (node) => { if (node.node_type === 'task' && typeof node.name === 'string') out.add(node.name); });
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Does this script source bring `fn` of `module` into play: defines it (`__main__`), imports it, or calls `module.fn`? */
function scriptUses(src: string, module: string, fn: string): boolean {
  const word = new RegExp(`\\b${escapeRe(fn)}\\b`);
  if (module === '__main__') return new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${escapeRe(fn)}[ \\t]*\\(`, 'm').test(src);
  const mod = escapeRe(module);
  // from pkg.mod import a, b / from pkg.mod import (\n a,\n b\n)
  for (const m of src.matchAll(new RegExp(`^[ \\t]*from[ \\t]+${mod}[ \\t]+import[ \\t]+(\\([^)]*\\)|[^\\n]*)`, 'gm'))) if (word.test(m[1])) return true;
  // import pkg.mod [as alias] ... pkg.mod.fn / alias.fn
  if (new RegExp(`\\b${mod}\\.${escapeRe(fn)}\\b`).test(src)) return true;
  for (const m of src.matchAll(new RegExp(`^[ \\t]*import[ \\t]+${mod}[ \\t]+as[ \\t]+(\\w+)`, 'gm'))) if (new RegExp(`\\b${m[1]}\\.${escapeRe(fn)}\\b`).test(src)) return true;
  return false;
}

/** The `name="..."` of every `...Task(`/`Stub(` call in a script (a rough read: enough to tell scripts apart). */
function scriptTaskNames(src: string): Set<string> {
  const out = new Set<string>();
  for (const m of src.matchAll(/\b(?:\w*Task|Stub)\s*\(/g)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < src.length && depth; i++) {
      if (src[i] === '(') depth++;
      else if (src[i] === ')') depth--;
    }
    const args = src.slice(start, i);
    const name = /\bname\s*=\s*(["'])((?:(?!\1).)*)\1/.exec(args);
    if (name) out.add(name[2]);
  }
  return out;
}

/**
 * The workspace scripts that build a runnable pipeline and use every task function of the run (define the
 * `__main__` ones, import the others). When several fit, the ones whose task names are exactly the run's come first:
 * runnable's examples/async has two scripts importing async_hello.
 */
export async function scriptsForRun(run: Run, cwd: string): Promise<string[]> {
  const fns = taskFunctions(run);
  const names = taskNames(run);
  const found: { file: string; exact: boolean }[] = [];
  // The same bounded walk that finds configs (dependency, VCS, virtualenv and store folders skipped).
  for (const file of await findConfigFiles(cwd, ['**/*.py'])) {
    let src: string;
    try { src = await fs.readFile(file, 'utf8'); } catch { continue; }
    if (!/\bPipeline\s*\(|\bAsyncPipeline\s*\(/.test(src)) continue;
    if (!fns.every((f) => scriptUses(src, f.module, f.fn))) continue;
    const inScript = scriptTaskNames(src);
    found.push({ file, exact: inScript.size === names.size && [...names].every((n) => inScript.has(n)) });
  }
  const exact = found.filter((f) => f.exact);
  return (exact.length ? exact : found).map((f) => f.file);
}

const commandsText = (fns: { module: string; fn: string }[]) => fns.map((f) => `${f.module}.${f.fn}`).join(', ');

/**
 * Pipelines that record no definition (an AsyncPipeline run as `python flows/x.py`): the script that builds the
 * pipeline from the tasks' functions is found in the workspace and re-run as a script, as the user ran it (observed:
 * runnable retries it when the script runs again with RUNNABLE_RETRY_RUN_ID). Several fitting scripts: the caller
 * picks one. When the functions are imported from the project's modules, the project folder goes on PYTHONPATH:
 * `python pipelines/x.py` puts only the script's own folder on sys.path, and the run could only import
 * `pipelines.steps` with the project root importable (as the `-c` launch of SDK pipelines makes it).
 */
async function scriptLaunch(run: Run, cwd: string, chosen: string | undefined): Promise<Launch> {
  const fns = taskFunctions(run);
  const imported = fns.some((f) => f.module !== '__main__');
  const what = `its tasks call ${commandsText(fns)}`;
  if (chosen) {
    const abs = path.resolve(cwd, chosen);
    if (!(await isFile(abs))) return { argv: [], definitionPath: undefined, problem: `${chosen} (the script chosen for ${run.runId}) is not in ${cwd}.` };
    return withScript(abs, cwd, imported, `Re-runs ${path.relative(cwd, abs)} as a script (the run records no definition; ${what}).`);
  }
  const found = await scriptsForRun(run, cwd);
  const uses = imported ? `imports ${fns.map((f) => f.fn).join(', ')}` : `defines ${fns.map((f) => f.fn).join(', ')}`;
  if (!found.length) {
    return { argv: [], definitionPath: undefined, problem: `Run ${run.runId} records no pipeline definition and ${what}${imported ? '' : ' (a script run as __main__)'}, but no Python file in ${cwd} ${uses} and builds a pipeline: retry from the folder the script is in.` };
  }
  if (found.length > 1) {
    return { argv: [], definitionPath: undefined, scriptChoices: found, problem: `Run ${run.runId} records no pipeline definition; ${found.length} scripts ${imported ? 'import' : 'define'} ${fns.map((f) => f.fn).join(', ')}: ${found.map((f) => path.relative(cwd, f)).join(', ')}. Pick the one the run came from.` };
  }
  return withScript(found[0], cwd, imported, `Re-runs ${path.relative(cwd, found[0])} as a script: the run records no definition, and it is the one workspace file that ${uses} and builds a pipeline${imported ? ' with these steps' : ''}.`);
}

function withScript(abs: string, cwd: string, importsProject: boolean, note: string): Launch {
  const rel = path.relative(cwd, abs);
  const scriptModule = rel.replace(/\.py$/, '').split(path.sep).join('.');
  return { argv: [rel], definitionPath: abs, script: abs, scriptModule, note, ...(importsProject ? { projectOnPath: true } : {}) };
}
