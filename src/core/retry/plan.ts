// planRetry: run id -> RetryPlan. Reads the run through the workspace's configs, applies runnable's
// retry rules (skip / re-run, next indicator), locates the failed function, and runs the pre-flight.
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import { findRun, retryRunOf } from './findRun';
import { launchFor } from './launch';
import { mapLevels, pyLiteral } from './mapLevels';
import { judgeDag } from './dagCheck';
import { codeDrift } from './codeDrift';
import { mapMissingIterable } from './mapParameter';
import { stuckFanInSentence, stuckNestedFanIn } from './nestedFanIn';
import { runProbe, type ProbeAnswer, type ProbeRequest } from './probe';
import type { ProbeCache } from './probeCache';
import { parametersFileWarning } from './paramsWarning';
import type { FirstFailed, RetryBreakpoint, RetryInput, RetryPlan } from './types';
import { firstFailedTask, isPythonCommand, nextRetryIndicator, retrySkipPlan, walkSteps } from '../runlog/rules';
import type { Branch, ParamValue, Run, Step } from '../runlog/model';
import type { StoreDescriptor } from '../stores/runLogStore';
import type { FoundRun } from '../stores/storeRegistry';
import { preferPython, type FunctionLocation } from '../python/locate';
import { performance } from 'node:perf_hooks';
import { bindParameters } from '../python/signature';
import { chooseRetryConfig } from './retryConfig';
import { retryNeeds } from './needs';
import { catalogGets } from './catalogGets';
import { secretsNotFound } from './secretsCheck';
import { findModules, installCommand, type ModuleFacts } from '../python/environment';
import { firstUnfinishedTask, lastWriteMs, runLayout } from './deadRun';

export interface PlanRetryOptions {
  /** The workspace folder the run was started from (its relative paths resolve here). */
  cwd: string;
  runId: string;
  /**
   * The run as whoever holds the stores open found it (`{run, store, config}`: the Runs view's model through
   * RetryPreparation), or the sentence saying why it was not found. Given, the planner discovers, opens and reads
   * nothing again; `configFile` is then only the config launch.json named (checked to read the run's layout).
   * Absent (the CLI, tests): the planner finds the run itself (findRun.ts).
   */
  found?: FoundRun | { error: string };
  /** Config to read the run through (else runnable's resolution order, then every config in cwd). */
  configFile?: string;
  /** A config the user named for the retry itself (launch.json `configFile`, CLI `--config`); default: chosen from
   * the run (retryConfig.ts). One with a non-local executor comes back as `plan.config.confirm`. */
  retryConfigFile?: string;
  /** A PROCESSING run whose log has not changed for this long is taken as dead and offered for retry (default 10 min). */
  deadAfterMs?: number;
  /** Now, for the dead-run check (tests). */
  now?: number;
  /** `__main__` runs: the script to re-run, when the workspace has several that fit (plan.scriptChoices). */
  script?: string;
  /** Where a config written for the retry goes (default: the OS temp folder). */
  generatedConfigDir?: string;
  /** RUNNABLE_VAR_* values for config templating (also passed on to the retry). */
  variables?: Record<string, string>;
  /** The environment the retry will inherit (RUNNABLE_PRM_* etc. are checked here). */
  env: Record<string, string | undefined>;
  /** Interpreter used to locate the function and compute the current dag; default `python3`. */
  python?: string;
  /** Default: the next unused indicator. */
  retryIndicator?: string;
  /** Untrusted (false): nothing is imported or run; the function is found from its source text. Default true. */
  trusted?: boolean;
  /** Compute the current dag and compare hashes (default true). It runs in the same Python probe as the locator
   * (probe.ts); without it runnable itself still refuses a changed dag, but only after the launch. */
  checkDag?: boolean;
  /** Reuses probe answers while the interpreter and the files they came from are unchanged (probeCache.ts). */
  probeCache?: ProbeCache;
  /** Filled in when given: where the time went (for the bench and the session's log line). */
  timings?: PlanTimings;
  signal?: AbortSignal;
}

export interface PlanTimings {
  /** Time planRetry spent waiting on the probe after its own work was done (0 on a cache hit). */
  probeBlockedMs: number;
  /** The probe subprocess's wall time, spawn to exit (0 on a cache hit or when no probe ran). */
  probeWallMs: number;
  /** The probe process's own CPU time as Python reports it (undefined when no process answered). */
  probeCpuMs?: number;
  probeCached: boolean;
  /** Whether a probe was asked for at all (false: untrusted, or nothing to locate or check). */
  probed: boolean;
  /** Reading the run through the configs (findRun): config discovery, store read, parse. */
  findRunMs?: number;
}

const PARAMETER_PREFIX = 'RUNNABLE_PRM_';
// Statuses of a run still being written (runnable/defaults.py).
const RUNNING = new Set(['PROCESSING', 'CREATED', 'TRIGGERED']);
export const DEAD_AFTER_MS = 10 * 60 * 1000;

function emptyPlan(opts: PlanRetryOptions, cwd: string): RetryPlan {
  return {
    runId: opts.runId,
    retryIndicator: opts.retryIndicator ?? '',
    cwd,
    env: {},
    argv: [],
    skipped: [],
    rerun: [],
    notReached: [],
    firstFailed: null,
    breakpoints: [],
    warnings: [],
    blocked: null,
  };
}

function relOrAbs(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

/** Where runnable's pickler left an object parameter: `<catalog>/<run_id>/<name><ext>`. */
function catalogFile(store: StoreDescriptor, runId: string, p: ParamValue, cwd: string, ext: string): string | undefined {
  const name = p.catalogFile ?? `${String(p.value)}${ext}`;
  const loc = store.catalog?.location;
  if (!loc) return undefined;
  if (/^[a-z0-9]+:\/\//i.test(loc)) return `${loc.replace(/\/$/, '')}/${runId}/${name}`;
  return relOrAbs(cwd, path.join(loc, runId, name));
}

function toInput(p: ParamValue, store: StoreDescriptor, run: Run, cwd: string): RetryInput {
  if (p.kind === 'object') {
    const cf = catalogFile(store, run.runId, p, cwd, run.pickleExtension);
    return cf ? { kind: 'object', catalogFile: cf } : { kind: 'object' };
  }
  return { kind: p.kind, value: p.value };
}

/** Other steps of the run that call the same function (they may hit the same breakpoint). */
function sameFunctionElsewhere(run: Run, failed: Step): Step[] {
  if (!failed.command) return [];
  return walkSteps(run)
    .map((w) => w.step)
    .filter((s) => s !== failed && s.command === failed.command && s.commandType === failed.commandType);
}

function usedIndicators(run: Run): Set<string> {
  const used = new Set<string>();
  for (const { step } of walkSteps(run)) for (const a of step.attempts) used.add(a.retryIndicator);
  for (const a of run.job?.attempts ?? []) used.add(a.retryIndicator);
  return used;
}

export async function planRetry(opts: PlanRetryOptions): Promise<RetryPlan> {
  const cwd = path.resolve(opts.cwd);
  const trusted = opts.trusted ?? true;
  const python = opts.python ?? 'python3';
  const plan = emptyPlan(opts, cwd);

  const tFind = performance.now();
  const given = opts.found;
  const found = !given
    ? await findRun({ cwd, runId: opts.runId, configFile: opts.configFile, variables: opts.variables, env: opts.env, signal: opts.signal })
    : 'error' in given ? given : await retryRunOf(given, { cwd, explicitConfig: opts.configFile && path.resolve(cwd, opts.configFile), env: opts.env, variables: opts.variables });
  if (opts.timings) opts.timings.findRunMs = performance.now() - tFind;
  if ('error' in found) {
    plan.blocked = found.error;
    return plan;
  }
  const { run, store } = found;

  // env: only what the retry needs; the launcher lays it over the user's environment.
  plan.retryIndicator = opts.retryIndicator ?? nextRetryIndicator(run);
  plan.env.RUNNABLE_RETRY_RUN_ID = run.runId;
  plan.env.RUNNABLE_RETRY_INDICATOR = plan.retryIndicator;
  // The config the retry runs with is chosen from the run (executor and layout it recorded), never just "the first
  // config naming this store" (retryConfig.ts says what runnable records and why).
  const layout = runLayout(run, store);
  const choice = await chooseRetryConfig({
    cwd, run, store, layout, explicit: opts.retryConfigFile, env: opts.env, variables: opts.variables, configs: found.configs, generatedDir: opts.generatedConfigDir,
  });
  plan.config = {
    file: choice.configFile ? relOrAbs(cwd, choice.configFile) : null,
    reason: choice.reason,
    ...(choice.generated ? { generated: choice.generated } : {}),
    ...(choice.confirm ? { confirm: choice.confirm } : {}),
  };
  if (choice.configFile) plan.env.RUNNABLE_CONFIGURATION_FILE = relOrAbs(cwd, choice.configFile);
  for (const [k, v] of Object.entries(opts.variables ?? {})) plan.env[`RUNNABLE_VAR_${k}`] = v;

  if (opts.retryIndicator !== undefined && usedIndicators(run).has(opts.retryIndicator)) {
    plan.warnings.push(`Retry indicator "${opts.retryIndicator}" is already on attempts of ${run.runId}: this retry's attempts will not be told apart from those (the next unused one is ${nextRetryIndicator(run)}).`);
  }

  const skip = retrySkipPlan(run);
  plan.skipped = skip.skipped;
  plan.rerun = skip.rerun;
  plan.notReached = skip.notReached;
  if (skip.loopsGoOn.length) plan.loopsGoOn = skip.loopsGoOn;
  if (run.executor === 'mocked' && skip.skipped.length) {
    // extensions/pipeline_executor/mocked.py runs a step only when its config patches it and marks every other task
    // SUCCESS without running it (an attempt of a few microseconds, no outputs); the run log does not record the
    // patches. A retry skips whatever succeeded (observed: a mocked run retried with the local executor skipped its
    // mocked step 1, whose function never ran).
    plan.warnings.push(`Run ${run.runId} was made by the mocked executor, which runs only the steps its config patches and marks the others SUCCESS without running them (the run log does not say which were patched): the retry skips ${skip.skipped.join(', ')} as succeeded, so a skipped step that was mocked never ran and returned nothing the steps after it may need.`);
  }

  const launch = await launchFor(run, cwd, opts.script);
  plan.argv = launch.argv;
  if (launch.script) plan.script = relOrAbs(cwd, launch.script);
  if (launch.scriptChoices) plan.scriptChoices = launch.scriptChoices.map((f) => relOrAbs(cwd, f));
  if (launch.note) plan.warnings.push(launch.note);
  // The script's task functions come from the project's modules (pipelines.steps): the project folder must be
  // importable, as it was for the run. A definition in a folder below cwd imported its siblings from there
  // (launch.ts scriptDir). Prepended to the PYTHONPATH the retry would have anyway; the probe runs with it too.
  const onPath = [...(launch.projectOnPath ? [cwd] : []), ...(launch.scriptDir ? [launch.scriptDir] : [])];
  if (onPath.length) plan.env.PYTHONPATH = [...onPath, ...(opts.env.PYTHONPATH ? [opts.env.PYTHONPATH] : [])].join(path.delimiter);

  const secrets = run.kind === 'pipeline' ? await secretsNotFound(run, skip, choice.secrets, { ...opts.env, ...plan.env }, cwd) : undefined;
  if (secrets) {
    plan.warnings.push(secrets.warning);
    plan.missingSecrets = secrets.missing;
  }

  // Packages the steps to run (a notebook task) or the store written (S3) need beside runnable: asked of the
  // interpreter now, in its own short process (find_spec, nothing imported), while the rest is worked out.
  const needs = run.kind === 'pipeline' ? retryNeeds(run, skip, store) : [];
  const modules: Promise<ModuleFacts | undefined> = needs.length
    ? findModules(python, { ...opts.env, ...plan.env }, cwd, needs.map((n) => n.module)).catch(() => undefined)
    : Promise.resolve(undefined);

  const blockers: string[] = [];
  let dead = false;
  // A map that never started for want of its parameter: runnable stopped there, whatever the log's age says.
  const noIterable = run.kind === 'pipeline' && run.status !== 'SUCCESS' ? mapMissingIterable(run) : undefined;
  if (RUNNING.has(run.status) && !noIterable) {
    const lastWrite = await lastWriteMs(store, run, layout);
    const now = opts.now ?? Date.now();
    const deadAfter = opts.deadAfterMs ?? DEAD_AFTER_MS;
    const when = lastWrite === undefined ? 'at an unknown time' : `at ${new Date(lastWrite).toLocaleString()} (${Math.round((now - lastWrite) / 60000)} min ago)`;
    const unfinished = firstUnfinishedTask(run);
    if (lastWrite !== undefined && now - lastWrite >= deadAfter) {
      dead = true;
      plan.warnings.push(`Run ${run.runId} is still ${run.status} in its log, but the log last changed ${when}: it looks dead (a killed process or an orchestration error). The retry re-runs ${unfinished ? `the unfinished step ${unfinished.internalName}` : 'its unfinished steps'}; runnable skips the finished ones.`);
    } else {
      blockers.push(`Run ${run.runId} is still ${run.status}: its log last changed ${when}. Wait for it to finish (or fail) before retrying it; a run whose log has not changed for ${Math.round(deadAfter / 60000)} min is offered as dead. A process that is known to be gone (killed, crashed) can be retried at once: set runnable.deadRunMinutes (the CLI: --dead-after) to 0.`);
    }
  }
  if (plan.config.confirm === undefined && opts.retryConfigFile && choice.configFile !== path.resolve(cwd, opts.retryConfigFile)) {
    plan.warnings.push(choice.reason);
  }
  if (run.kind === 'job') {
    plan.job = true;
    // extensions/job_executor: _set_up_run_log has no retry path and raises RunLogExistsError for a known run id.
    blockers.push(`Run ${run.runId} is a job: runnable retries pipelines only (a job re-run with the same run id is refused). Run the job again instead.`);
  }
  if (launch.problem) blockers.push(launch.problem);
  const stuck = stuckNestedFanIn(run);
  if (stuck) blockers.push(stuckFanInSentence(run.runId, stuck));
  if (noIterable?.setIn) {
    blockers.push(`Map ${noIterable.step} iterates on the parameter ${noIterable.iterateOn}, which a step of branch ${noIterable.setIn} returned: runnable keeps a value returned inside a branch in that branch's parameters, and a map reads ${noIterable.iterateOn} from the run's own parameters only, so it stopped before the first iteration ("Expected parameter ${noIterable.iterateOn} not present in Run Log parameters"). A retry skips the finished step and stops there again. Return ${noIterable.iterateOn} from a step before the composite that holds the map (a new pipeline shape: run it anew, a retry refuses a changed DAG).`);
  } else if (noIterable) {
    const had = Object.keys(run.parameters);
    blockers.push(`Map ${noIterable.step} iterates on the parameter ${noIterable.iterateOn}, which run ${run.runId} never had (its parameters: ${had.length ? had.join(', ') : 'none'}): runnable stopped there before the first iteration ("Expected parameter ${noIterable.iterateOn} not present in Run Log parameters"). A retry restores the run's own parameters (a parameters file given now is ignored), so it would stop there again. Run the pipeline again with ${noIterable.iterateOn} set (e.g. its parameters file: \`runnable execute … -p params.yaml\` or RUNNABLE_PARAMETERS_FILE).`);
  }

  // warnings that do not depend on the failed step
  const prm = Object.keys(opts.env).filter((k) => k.startsWith(PARAMETER_PREFIX) && opts.env[k] !== undefined);
  if (prm.length) {
    plan.warnings.push(`${prm.join(', ')} will be ignored: a retry uses the parameters of the original run.`);
  }
  if (opts.env.RUNNABLE_PARAMETERS_FILE) {
    plan.warnings.push(`RUNNABLE_PARAMETERS_FILE (${opts.env.RUNNABLE_PARAMETERS_FILE}) will be ignored: a retry uses the parameters of the original run.`);
  }
  const failed = firstFailedTask(run) ?? (dead ? firstUnfinishedTask(run) : null);
  if (!failed) {
    if (run.status === 'SUCCESS') blockers.push(`Run ${run.runId} succeeded: there is nothing to retry.`);
    else if (!RUNNING.has(run.status)) blockers.push(`Run ${run.runId} has no failed task in its log: there is no step to retry.`);
  }

  // One Python probe (probe.ts) locates the failed function and computes the current dag; it starts now and
  // runs while the rest of the plan is worked out here. Only when trusted: it imports the project's code.
  const wantDag = run.kind === 'pipeline' && !!run.dagHash && !blockers.length && opts.checkDag !== false;
  if (wantDag && !run.definitionFile && trusted) {
    plan.warnings.push(`Not checked whether the pipeline changed since the run: ${run.runId} records no pipeline definition (an AsyncPipeline run as a script); runnable itself refuses the retry if its dag changed.`);
  }
  if (wantDag && !trusted) {
    plan.warnings.push('Not checked whether the pipeline changed since the run: the workspace is not trusted, so its code was not imported.');
  }
  const locateCommand = failed && isPythonCommand(failed.step.commandType) && failed.step.command
    ? (launch.script && failed.step.command.startsWith('__main__.') ? `${launch.scriptModule}.${failed.step.command.slice('__main__.'.length)}` : failed.step.command)
    : undefined;
  const req: ProbeRequest = {
    cwd,
    python,
    env: { ...opts.env, ...plan.env },
    ...(locateCommand ? { locate: locateCommand } : {}),
    ...(wantDag && run.definitionFile ? { dag: { mode: run.executionMode === 'yaml' ? 'yaml' : 'python', definition: run.definitionFile } } : {}),
    signal: opts.signal,
  } as ProbeRequest;
  const probing: Promise<ProbeAnswer> | undefined = trusted && (req.locate || req.dag)
    ? (opts.probeCache ? opts.probeCache.probe(req, launch.definitionPath ? [launch.definitionPath] : []) : runProbe(req))
    : undefined;
  let blockedMs = 0;
  const awaitProbe = async (): Promise<ProbeAnswer | undefined> => {
    if (!probing) return undefined;
    const t = performance.now();
    const a = await probing;
    blockedMs += performance.now() - t;
    return a;
  };

  let paramNames: string[] = [];
  if (failed) {
    const located = async () => preferPython(trusted ? (await awaitProbe())?.locate : undefined, cwd, locateCommand ?? failed.step.command!, launch.scriptDir ? [launch.scriptDir] : []);
    const restored = inputsOnRetry(run, failed.step, failed.attempt.inputs);
    const described = await describeFailed(run, store, failed.step, restored.inputs, cwd, located, trusted, plan);
    if (restored.from) described.ff.inputsFrom = restored.from;
    plan.firstFailed = described.ff;
    // A mocked run's patched step ran the patch's command, which only the attempt's message names (runnable records
    // the dag's command); a retry with the local executor runs the dag's (observed: fixture mocked-run).
    const ran = /^Call to the function (\S+) did not succeed/.exec(failed.attempt.message)?.[1];
    if (ran && failed.step.command && ran !== failed.step.command) {
      plan.warnings.push(`The failed attempt of ${failed.step.internalName} ran ${ran}${run.executor === 'mocked' ? ' (the mocked executor\'s patch)' : ''}, not ${failed.step.command}: the retry runs ${failed.step.command}, where the breakpoint is.`);
    }
    paramNames = described.paramNames;
    const gets = await catalogGets(run, failed.step.internalName, found.opened, cwd).catch(() => undefined);
    if (gets) {
      plan.firstFailed.catalogGets = gets.gets;
      for (const g of gets.folder ? gets.gets.filter((x) => !x.files.length) : []) {
        plan.warnings.push(`${failed.step.internalName} gets ${g.pattern} from the catalog, but ${gets.folder} holds no file matching it: runnable stops the step before its function is called ("Did not find any files matching ${g.pattern}"). Restore the run's catalog folder (or pull the run with its catalog) first.`);
      }
    }
  }

  const pw = await parametersFileWarning(run, cwd, launch.definitionPath, new Set(paramNames));
  if (pw) plan.warnings.push(pw);
  // git reads the repository's config (fsmonitor, hooks): only in a trusted workspace.
  if (trusted && failed && plan.firstFailed?.file) {
    const drift = await codeDrift(cwd, failed.attempt.codeIdentities, [path.resolve(cwd, plan.firstFailed.file)]).catch(() => undefined);
    if (drift) {
      plan.codeDrift = drift.text;
      plan.codeDriftKind = drift.kind;
    }
  }

  const have = await modules;
  for (const need of needs) {
    if (!have || have.found[need.module] !== false) continue;
    const command = installCommand(python, have, [need.install], [need.condaInstall ?? need.install]).command;
    plan.warnings.push(`${need.module} is not importable in ${python}, and ${need.why}: ${need.effect}. Install it first: ${command}`);
    (plan.missingPackages ??= []).push({ module: need.module, install: need.install, command, effect: need.effect });
  }

  const answer = await awaitProbe();
  if (answer?.dag) {
    const dag = judgeDag(run, answer.dag, python);
    if (dag.blocked) blockers.push(dag.blocked);
    if (dag.warning) plan.warnings.push(dag.warning);
  }
  if (opts.timings) {
    Object.assign(opts.timings, {
      findRunMs: opts.timings.findRunMs,
      probeBlockedMs: blockedMs,
      probeWallMs: answer?.wallMs ?? 0,
      probeCpuMs: answer?.cpuMs,
      probeCached: answer?.cached ?? false,
      probed: !!probing,
    } satisfies PlanTimings);
  }

  plan.blocked = blockers.length ? blockers.join(' ') : null;
  return plan;
}

async function describeFailed(
  run: Run,
  store: StoreDescriptor,
  step: Step,
  recorded: Record<string, ParamValue>,
  cwd: string,
  locate: () => Promise<{ location?: FunctionLocation; notes: string[] }>,
  trusted: boolean,
  plan: RetryPlan,
): Promise<{ ff: FirstFailed; paramNames: string[] }> {
  const ff: FirstFailed = {
    internalName: step.internalName,
    command: step.command ?? null,
    commandType: step.commandType ?? null,
    file: null,
    defLine: null,
    line: null,
    inputs: {},
  };
  const all = (names: string[]) => {
    for (const n of names) ff.inputs[n] = toInput(recorded[n], store, run, cwd);
  };
  const type = step.commandType ?? 'python';
  if (!isPythonCommand(type)) {
    plan.warnings.push(`The failed step ${step.internalName} is a ${type} task: there is no Python line to stop at; the retry runs it again without a breakpoint.`);
    all(Object.keys(recorded));
    return { ff, paramNames: [] };
  }
  if (!step.command) {
    plan.warnings.push(`The run log does not say which function ${step.internalName} calls: no breakpoint.`);
    all(Object.keys(recorded));
    return { ff, paramNames: [] };
  }
  const { location, notes } = await locate();
  if (!location) {
    plan.warnings.push(`Could not find ${step.command}: ${notes.join(' ')} No breakpoint is set.`);
    all(Object.keys(recorded));
    return { ff, paramNames: [] };
  }
  if (trusted && notes.length) plan.warnings.push(notes.join(' '));
  ff.file = location.file;
  ff.defLine = location.defLine;
  ff.line = location.line;
  const { bound, missing } = bindParameters(location.params, Object.keys(recorded));
  all(bound);
  if (missing.length) {
    plan.warnings.push(
      `${step.command} requires ${missing.join(', ')}, which the failed attempt's recorded inputs do not hold: runnable will fail before calling it.${branchScopeNote(run, step, missing)}`,
    );
  }

  const bp: RetryBreakpoint = { file: location.file, line: location.line };
  const others = sameFunctionElsewhere(run, step);
  if (others.length) {
    const levels = mapLevels(run, step);
    // The condition is evaluated in the function's frame: name the iteration variable as the function sees it.
    const kwargs = location.params.find((p) => p.kind === 'var_keyword')?.name;
    // The condition runs in the function's frame: use the module's `os` when it imports it (the common case).
    const importsOs = levels.some((l) => l.kind === 'loop') && /^import[ \t]+os\b|^import[ \t][^\n]*,[ \t]*os\b/m.test(await readFile(location.absFile, 'utf8').catch(() => ''));
    const terms = levels.map((l) => {
      if (l.kind === 'loop') return `${importsOs ? 'os' : '__import__("os")'}.environ.get(${JSON.stringify(l.iterateAs)}) == ${JSON.stringify(l.branchValue)}`;
      const rec = recorded[l.iterateAs];
      const value = pyLiteral(rec && rec.kind !== 'object' ? rec.value : l.branchValue);
      if (location.params.some((p) => p.name === l.iterateAs && p.kind !== 'var_keyword' && p.kind !== 'var_positional')) return `${l.iterateAs} == ${value}`;
      if (kwargs) return `${kwargs}.get(${JSON.stringify(l.iterateAs)}) == ${value}`;
      return undefined;
    });
    if (levels.length && terms.every((t) => t !== undefined)) {
      bp.condition = terms.join(' and ');
    } else {
      plan.warnings.push(`${step.command} is also called by ${others.map((s) => s.internalName).join(', ')}: the debugger may stop there too.`);
    }
  }
  plan.breakpoints.push(bp);
  return { ff, paramNames: location.params.map((p) => p.name) };
}

/** The branch a step runs in (the innermost, for nested composites); undefined for a step at the top. */
function innermostBranch(run: Run, step: Step): Branch | undefined {
  const walked = walkSteps(run).find((w) => w.step === step);
  return walked?.branchPath[walked.branchPath.length - 1];
}

/**
 * The parameters the retry's call of the failed step gets. runnable records an attempt's input_parameters in the
 * `finally` around the function call (runnable/tasks.py); an attempt that stopped before the call (a secret the step
 * asks for was missing, its module did not import, the function is not in it) records none, while its parameters
 * were there: the retry's execution_context loads them again from the run log, the run's parameters for a step at the
 * top, its branch's inside a composite (observed: fixture never-called, nc-secret-0002's s3 got x and y).
 */
function inputsOnRetry(run: Run, step: Step, recorded: Record<string, ParamValue>): { inputs: Record<string, ParamValue>; from?: string } {
  // Python tasks only: what a notebook or shell task would have been given is not the question its attempt answers.
  if (Object.keys(recorded).length || !isPythonCommand(step.commandType)) return { inputs: recorded };
  const branch = innermostBranch(run, step);
  const scope = branch ? branch.parameters : run.parameters;
  if (!Object.keys(scope).length) return { inputs: recorded };
  return {
    inputs: scope,
    from: `the attempt stopped before ${step.command ?? step.internalName} was called and recorded no inputs; these are ${branch ? `branch ${branch.internalName}'s` : "the run's"} parameters, which the retry gives it`,
  };
}

/**
 * Why a task inside a branch lacks parameters the run has: runnable (a597927) gives a task only its branch's
 * parameters (tasks.py reads get_parameters(run_id, internal_branch_name)), and a Parallel or Map branch log starts
 * empty (extensions/nodes/parallel.py and map.py fan_out call create_branch_log without parameters; a Loop copies
 * them). Seen running runnable's own examples/tutorials/model_comparison: every training branch fails on X_train.
 */
function branchScopeNote(run: Run, step: Step, missing: string[]): string {
  const walked = walkSteps(run).find((w) => w.step === step);
  const inner = walked?.branchPath[walked.branchPath.length - 1];
  if (!walked || !inner) return '';
  const parent = walked.branchPath.length > 1 ? walked.branchPath[walked.branchPath.length - 2].steps : run.steps;
  const owner = parent.find((s) => s.branches.includes(inner));
  if (!owner || (owner.type !== 'parallel' && owner.type !== 'map')) return '';
  const atRoot = missing.filter((n) => Object.hasOwn(run.parameters, n));
  if (!atRoot.length) return '';
  const kind = owner.type === 'parallel' ? 'Parallel' : 'Map';
  return ` ${atRoot.join(', ')} ${atRoot.length > 1 ? 'are parameters' : 'is a parameter'} of the run, but runnable starts each branch of a ${kind} (${owner.internalName}) with none of the run's parameters and a task reads only its branch's. A retry (which keeps the pipeline's shape) fails the same way unless the function stops requiring ${atRoot.length > 1 ? 'them' : 'it'}.`;
}
