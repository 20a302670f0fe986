// "Debug Step with Recorded Inputs": run ONE task step's Python function with the inputs one of its attempts recorded,
// without runnable and without the rest of the pipeline. Core half (no `vscode`): which step and attempt, which
// function, the inputs as the launcher (launcherPy.ts) binds them, and the session folder holding all of it.
//
// Nothing is written to the store or the catalog: object inputs (pickles) are copied out of the catalog into the
// session folder, and the function runs with a working folder of its own there, so whatever the step writes stays in
// that folder. Values come from the run as normalised (values nested deeper than 64 levels read truncated there).
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Attempt, ParamValue, Run, Step } from '../runlog/model';
import { walkSteps } from '../runlog/rules';
import { isPythonCommand } from '../runlog/rules';
import { launchFor, splitModulePath } from '../retry/launch';
import { STEP_LAUNCHER_PY } from './launcherPy';
import { pyDumps, PyNumber, readPyJsonFiles, type PyJson } from '../retry/pyJson';

/** What reads a catalog file of the run (every RunLogStore does). */
export interface CatalogReader {
  readCatalogFile(runId: string, name: string, signal?: AbortSignal): Promise<Buffer | undefined>;
}

export interface StepChoice {
  step: Step;
  /** ' › '-joined branch path for labels (`score_all › 2`), '' at the top level. */
  where: string;
}

/** Task steps whose function Debug Step can call: Python tasks with a `module.function` command and an attempt. */
export function debuggableSteps(run: Run): StepChoice[] {
  return walkSteps(run)
    .filter(({ step }) => step.type === 'task' && isPythonCommand(step.commandType) && !!step.command && step.attempts.length > 0)
    .map(({ step, branchPath }) => ({ step, where: branchPath.map((b) => b.name).join(' › ') }));
}

export interface StepDebugTarget {
  runId: string;
  step: Step;
  attempt: Attempt;
  /** The module to import and the function in it (`__main__` tasks resolved to their workspace script). */
  module: string;
  func: string;
  /** A sentence for the Debug Console when the module had to be worked out (an AsyncPipeline script). */
  note?: string;
}

/**
 * The step and attempt to debug, or a sentence saying why it cannot be. `attemptNumber` defaults to the last
 * attempt (the one runnable's retry looks at). `cwd` and `script` resolve `__main__.<fn>` commands, which an
 * AsyncPipeline run as a script records, to the workspace script that defines them (as Retry does).
 */
export async function chooseStepTarget(run: Run, stepName: string, attemptNumber: number | undefined, cwd: string, script?: string): Promise<StepDebugTarget | { error: string }> {
  const walked = walkSteps(run).find((w) => w.step.internalName === stepName || (w.step.name === stepName && w.depth === 0));
  if (!walked) {
    const nodes = (run.runConfig.dag as { nodes?: Record<string, unknown> } | undefined)?.nodes ?? {};
    if (Object.prototype.hasOwnProperty.call(nodes, stepName)) return { error: `${stepName} has no attempt in run ${run.runId}: it never ran, so no inputs were recorded.` };
    return { error: `Run ${run.runId} has no step "${stepName}".` };
  }
  const step = walked.step;
  if (step.type !== 'task') return { error: `${step.internalName} is a ${step.type} step: only task steps call a function (debug one of the tasks inside it).` };
  if (!isPythonCommand(step.commandType) || !step.command) {
    return { error: `${step.internalName} is a ${step.commandType ?? 'non-Python'} task: Debug Step calls Python functions (use Show Step Output for its captured output).` };
  }
  if (!step.attempts.length) return { error: `${step.internalName} has no attempt in run ${run.runId}: it never ran, so no inputs were recorded.` };
  const attempt = attemptNumber === undefined ? step.attempts[step.attempts.length - 1] : step.attempts.find((a) => a.number === attemptNumber);
  if (!attempt) return { error: `${step.internalName} has no attempt ${attemptNumber} (it has ${step.attempts.map((a) => a.number).join(', ')}).` };
  let command = step.command;
  let note: string | undefined;
  if (command.startsWith('__main__.')) {
    const launch = await launchFor(run, cwd, script);
    if (!launch.scriptModule) return { error: launch.problem ?? `${step.internalName} calls ${command}, and no workspace script defines it.` };
    command = `${launch.scriptModule}.${command.slice('__main__.'.length)}`;
    note = `${step.command} is ${command}: ${launch.note ?? ''}`.trim();
  }
  const split = splitModulePath(command);
  if (!split) return { error: `${step.internalName} records "${step.command}" as its function, which is not a module.function path.` };
  return { runId: run.runId, step, attempt, module: split.module, func: split.fn, ...(note ? { note } : {}) };
}

interface ParamSpec { kind: string; value?: unknown; file?: string }

export interface StepSession {
  /** The session folder (launcher, inputs, copied objects, `work/`, result). */
  dir: string;
  launcher: string;
  specFile: string;
  /** The function's working folder: what the step writes stays here. */
  workDir: string;
  resultFile: string;
  /** Input names the launcher will offer, with what each is (for the Debug Console). */
  inputs: { name: string; kind: string; shown: string }[];
  /** Object inputs or outputs whose pickle the catalog did not have (the launcher then fails or skips the comparison). */
  missingObjects: string[];
}

/**
 * Writes the session folder for one target: the launcher, `inputs.json` (workspace, module, function, each input
 * as recorded, the node's returns, the recorded outputs), and the object parameters' pickles copied from the catalog.
 * `exact`: the inputs' values from the run log files (exactInputs), so numbers keep their literal.
 */
/**
 * The local files that hold the run's log (a file-system `<id>.json`; a chunked-fs `RunLog.json` and its
 * `BranchLog-*.json`), to read the inputs' exact values from (exactInputs); [] for a remote store (pull the run
 * first to get exact numbers: JSON read in JavaScript turns 1.0 into 1).
 */
export async function localRunLogFiles(store: { type: string; location: string }, runId: string, layout: string | undefined): Promise<string[]> {
  const kind = layout ?? store.type;
  if (kind === 'file-system') return [path.join(store.location, `${runId}.json`)];
  if (kind !== 'chunked-fs') return [];
  const dir = path.join(store.location, runId);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return [path.join(dir, 'RunLog.json'), ...names.filter((n) => n.startsWith('BranchLog-') && n.endsWith('.json')).sort().map((n) => path.join(dir, n))];
}

export async function prepareStepSession(target: StepDebugTarget, catalog: CatalogReader, workspace: string, opts: { tmpRoot?: string; signal?: AbortSignal; exact?: Record<string, PyJson> } = {}): Promise<StepSession> {
  const dir = await fs.mkdtemp(path.join(opts.tmpRoot ?? os.tmpdir(), 'runnable-step-'));
  const objects = path.join(dir, 'objects');
  const workDir = path.join(dir, 'work');
  await fs.mkdir(objects);
  await fs.mkdir(workDir);
  const missingObjects: string[] = [];
  const copyObject = async (p: ParamValue, role: string): Promise<string | undefined> => {
    if (!p.catalogFile) return undefined;
    const bytes = await catalog.readCatalogFile(target.runId, p.catalogFile, opts.signal).catch(() => undefined);
    if (!bytes) {
      missingObjects.push(`${role} ${String(p.value)} (${p.catalogFile})`);
      return undefined;
    }
    // One file per role and name: an output may have the same name as an input (a step updating `model`).
    const local = `${role}-${path.basename(p.catalogFile)}`;
    await fs.writeFile(path.join(objects, local), bytes);
    return `objects/${local}`;
  };
  const params: Record<string, ParamSpec> = {};
  const inputs: StepSession['inputs'] = [];
  for (const [name, p] of Object.entries(target.attempt.inputs)) {
    if (p.kind === 'object') {
      const file = await copyObject(p, 'input');
      params[name] = { kind: 'object', file: file ?? `objects/missing-${name}` };
      inputs.push({ name, kind: 'object', shown: file ? `unpickled from ${p.catalogFile}` : `${p.catalogFile} is not in the catalog` });
    } else {
      params[name] = { kind: p.kind, value: p.value };
      // The value itself is printed by the launcher as Python holds it (JSON read here turns 0.0 into 0).
      inputs.push({ name, kind: p.kind, shown: p.kind });
    }
  }
  const recorded: Record<string, ParamSpec> = {};
  for (const [name, p] of Object.entries({ ...target.attempt.outputs, ...target.attempt.metrics })) {
    if (p.kind === 'object') recorded[name] = { kind: 'object', file: await copyObject(p, 'output') };
    else recorded[name] = { kind: p.kind, value: p.value };
  }
  const launcher = path.join(dir, 'runnable_step_launcher.py');
  const specFile = path.join(dir, 'inputs.json');
  const resultFile = path.join(dir, 'result.json');
  await fs.writeFile(launcher, STEP_LAUNCHER_PY);
  // json values through pyDumps: the exact literals (exactInputs) reach Python as recorded, 0.0 staying a float.
  const paramsText = `{${Object.entries(params).map(([name, p]) => {
    const exact = p.kind !== 'object' && opts.exact && name in opts.exact ? opts.exact[name] : undefined;
    const body = p.kind === 'object' ? `"file": ${JSON.stringify(p.file)}` : `"value": ${pyDumps(exact !== undefined ? exact : p.value, { sortKeys: false })}`;
    return `${JSON.stringify(name)}: {"kind": ${JSON.stringify(p.kind)}, ${body}}`;
  }).join(', ')}}`;
  const PARAMS = '"@@PARAMS@@"';
  await fs.writeFile(specFile, JSON.stringify({
    runId: target.runId,
    step: target.step.internalName,
    attempt: target.attempt.number,
    workspace,
    module: target.module,
    function: target.func,
    params: '@@PARAMS@@',
    returns: target.step.returns ?? [],
    recorded,
    resultFile,
  }, null, 2).replace(PARAMS, paramsText));
  return { dir, launcher, specFile, workDir, resultFile, inputs, missingObjects };
}

export interface StepResult {
  raised?: { type: string; message: string; traceback: string };
  returned?: string;
  outputs?: { name: string; kind?: string; value: string; recorded?: string; match: boolean | null; note?: string }[];
}

/** The launcher's result file, or undefined when the function never finished (stopped, crashed, not started). */
export async function readStepResult(file: string): Promise<StepResult | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as StepResult;
  } catch {
    return undefined;
  }
}

/** One sentence: how the call ended against what the attempt recorded. */
export function describeStepResult(target: { step: Step; attempt: Attempt }, result: StepResult | undefined): string {
  const name = target.step.internalName;
  const recorded = `attempt ${target.attempt.number} recorded ${target.attempt.status}`;
  if (!result) return `${name} did not finish (the session ended before the function returned).`;
  if (result.raised) return `${name} raised ${result.raised.type}: ${result.raised.message} (${recorded}${target.attempt.message ? `: ${target.attempt.message}` : ''}).`;
  const rows = result.outputs ?? [];
  if (!rows.length) return `${name} returned ${result.returned ?? 'None'} (${recorded}; the step declares no returns to compare).`;
  const differ = rows.filter((r) => r.match === false);
  const unknown = rows.filter((r) => r.match === null);
  if (!differ.length && !unknown.length) return `${name} returned the recorded outputs (${rows.map((r) => r.name).join(', ')}); ${recorded}.`;
  const parts = differ.map((r) => `${r.name} = ${r.value}, recorded ${r.recorded ?? '?'}`);
  const same = rows.filter((r) => r.match === true).map((r) => r.name);
  return `${name} returned ${differ.length ? `different outputs: ${parts.join('; ')}` : 'its outputs'}${same.length ? ` (same: ${same.join(', ')})` : ''}${unknown.length ? `; not compared: ${unknown.map((r) => `${r.name} (${r.note ?? '?'})`).join(', ')}` : ''}; ${recorded}.`;
}

/**
 * The attempt's input values exactly as the run log files hold them (numbers keep their literal: `0.0` stays a
 * float for Python), by input name; undefined when no file here holds the step (a remote store).
 */
export async function exactInputs(files: string[], step: string, attempt: number): Promise<Record<string, PyJson> | undefined> {
  const find = (d: PyJson, depth: number): PyJson | undefined => {
    if (depth > 200 || d === null || typeof d !== 'object' || d instanceof PyNumber) return undefined;
    if (!Array.isArray(d)) {
      const steps = d.steps;
      if (steps && typeof steps === 'object' && !Array.isArray(steps) && !(steps instanceof PyNumber) && steps[step] && typeof steps[step] === 'object') return steps[step];
    }
    for (const v of Array.isArray(d) ? d : Object.values(d)) {
      const f = find(v, depth + 1);
      if (f !== undefined) return f;
    }
    return undefined;
  };
  for await (const { parsed } of readPyJsonFiles(files)) {
    const s = find(parsed, 0) as { attempts?: PyJson } | undefined;
    if (!s || !Array.isArray(s.attempts)) continue;
    for (const a of s.attempts) {
      if (!a || typeof a !== 'object' || Array.isArray(a) || a instanceof PyNumber) continue;
      const n = a.attempt_number;
      if (!(n instanceof PyNumber ? Number(n.literal) === attempt : n === attempt)) continue;
      const params = a.input_parameters;
      if (!params || typeof params !== 'object' || Array.isArray(params) || params instanceof PyNumber) return {};
      const out: Record<string, PyJson> = {};
      for (const [k, v] of Object.entries(params)) if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyNumber) && 'value' in v) out[k] = v.value;
      return out;
    }
  }
  return undefined;
}

/**
 * After the session: the session folder is removed unless the function wrote something into its working folder
 * (then it is kept for the user to look at; returns that folder).
 */
export async function cleanStepSession(dir: string): Promise<string | undefined> {
  const work = path.join(dir, 'work');
  const written = await fs.readdir(work).catch(() => [] as string[]);
  if (written.length) return work;
  await fs.rm(dir, { recursive: true, force: true });
  return undefined;
}
