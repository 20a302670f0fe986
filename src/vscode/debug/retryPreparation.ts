// Turns a `runnable` launch configuration into a debugpy launch: finds the run's store and config, computes the
// retry plan (core/retry), checks the interpreter, adds the failed step's breakpoints and writes the banner.
// Shared by the DebugConfigurationProvider (F5, launch.json) and the commands (Retry locally, Copy Retry Command).
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { planRetry, type PlanTimings } from '../../core/retry/plan';
import { ProbeCache } from '../../core/retry/probeCache';
import { attemptHistory } from '../../core/retry/history';
import { firstFailedTask } from '../../core/runlog/rules';
import type { RetryPlan } from '../../core/retry/types';
import type { RunLogStore } from '../../core/stores/runLogStore';
import { findRunIn, type FoundRun } from '../../core/stores/storeRegistry';
import { findRun, retryFindError } from '../../core/retry/findRun';
import { errorMessage } from '../../core/text/errorMessage';
import { discoverStores } from '../../core/config/discover';
import { openStore } from '../../core/stores/openStore';
import { storeSourceOf, type Services } from '../services';
import type { EnvironmentChecker } from '../python/environmentCheck';
import { resolveInterpreter, type Interpreter } from '../python/interpreter';
import { readSettings } from '../settings';
import { describeDebugpy } from '../../core/python/debugpySource';
import { readEnvFile } from '../../core/retry/envFile';
import { argvToLaunch, DEBUGPY_PACKAGE_KEY, describeLaunchArgsError, launchArgsSchema, SESSION_KEY, withoutSessionKey, type RunnableLaunchArgs } from '../../core/retry/launchArgs';
import { readOriginalFailure } from '../../core/retry/originalFailure';
import type { OriginalFailure } from '../../core/retry/retryBanner';
import { retryBanner } from '../../core/retry/retryBanner';
import { Commands } from '../../core/commandIds';
import type { RetryOutcome, RetrySessions } from './retrySessions';

const VARIABLE_PREFIX = 'RUNNABLE_VAR_';

export interface Located {
  store: RunLogStore | undefined;
  /**
   * The run as the Runs view's model found it (`{run, store, config}`), handed to the planner as it is; `{error}`:
   * the sentence saying why no store of the view has it; undefined: the launch names a folder or config the view
   * does not show, and the planner looks there itself.
   */
  found?: FoundRun | { error: string };
  /** Whether `store` is one of the Runs view's (its end report can then open the run there). */
  fromView?: boolean;
  configFile: string | undefined;
  /** The config launch.json named for the retry itself (absolute); undefined: chosen from the run. */
  explicitConfig?: string;
  cwd: string;
}

export interface PlannedRetry {
  args: RunnableLaunchArgs;
  located: Located;
  plan: RetryPlan;
  interpreter: Interpreter;
  /** What the user asked for: the envFile's values, and the configuration's env + RUNNABLE_VAR_* from `variables`. */
  userEnv: { fromFile: Record<string, string>; explicit: Record<string, string> };
  planMs: number;
  /** Where planRetry's time went (probe subprocess vs our own work). */
  planTimings: PlanTimings;
  /** The original failure for the banner (message + captured output tail), read from the store while the plan runs. */
  failure: Promise<OriginalFailure>;
}

export class RetryPreparation {
  /** Probe answers (function location + current dag) reused while the interpreter and source files are unchanged. */
  private readonly probes = new ProbeCache();

  constructor(
    private readonly services: Services,
    private readonly checker: EnvironmentChecker,
    private readonly sessions: RetrySessions,
  ) {}

  /** Validates a substituted configuration; a string is the user-facing reason it is wrong. */
  parseArgs(config: vscode.DebugConfiguration): RunnableLaunchArgs | string {
    const parsed = launchArgsSchema.safeParse(config);
    if (!parsed.success) return `The runnable launch configuration "${config.name ?? ''}" is not valid: ${describeLaunchArgsError(parsed.error)}.`;
    return parsed.data;
  }

  /**
   * Which store holds the run, which config reads it, and where runnable should run. `viewOnly`: the run is read
   * from the Runs view's stores even when the launch has a folder or config of its own (Debug Step writes nothing).
   */
  async locate(args: RunnableLaunchArgs, folder: vscode.WorkspaceFolder | undefined, signal?: AbortSignal, viewOnly = false): Promise<Located> {
    const baseDir = args.cwd ?? folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const configFile = args.configFile ? path.resolve(baseDir, args.configFile) : undefined;
    const cwdGiven = args.cwd ? path.resolve(baseDir, args.cwd) : undefined;
    const found = await this.find(args.runId, args.storeId, configFile, viewOnly ? undefined : cwdGiven, signal, viewOnly);
    const run = found && 'run' in found ? found : undefined;
    const store = run?.store;
    // A config of the run's layout that reads it (the planner reads the run through it; the retry's own config is chosen later).
    const chosenConfig = configFile ?? (run ? (run.config ? run.config.configFile : run.store.descriptor.configFiles[0]) : undefined);
    // runnable resolves a config's relative paths from its working directory: the workspace folder holding the config.
    const anchor = chosenConfig ?? store?.descriptor.location;
    const anchorFolder = anchor ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(anchor)) : undefined;
    const cwd = cwdGiven ?? (anchorFolder?.uri.fsPath ?? folder?.uri.fsPath ?? (chosenConfig ? path.dirname(chosenConfig) : baseDir));
    return { store, found, fromView: !!store, configFile: chosenConfig, explicitConfig: configFile, cwd };
  }

  /**
   * The run among the Runs view's stores (core/stores/storeRegistry.ts, through the model's open stores and run
   * cache): in the launch's store, else in the stores of its config, else in any. `{error}` when none of them has it
   * or it cannot be read; undefined when the launch names a config the view does not show, or a folder outside the
   * workspace where the view has no such run (a launch.json of its own): the planner then finds the run there itself.
   */
  private async find(runId: string, storeId: string | undefined, configFile: string | undefined, cwd: string | undefined, signal?: AbortSignal, viewOnly = false): Promise<FoundRun | { error: string } | undefined> {
    const source = storeSourceOf(this.services.runs);
    const descriptors = await source.descriptors();
    const knownConfig = configFile && descriptors.some((d) => d.configFiles.includes(configFile));
    // A launch with a config of its own (a copy of the workspace): runnable will read the run through it, so the
    // planner finds it there, whatever store the view picked it from.
    if (!viewOnly && ((configFile && !knownConfig) || !descriptors.length)) return undefined;
    const scope = storeId && descriptors.some((d) => d.id === storeId) ? { storeId } : knownConfig ? { configFile } : {};
    try {
      return await findRunIn(source, runId, { ...scope, signal });
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      this.services.log.debug(`Retry of ${runId}: ${errorMessage(e)}`);
      // A launch.json with a folder of its own outside the workspace: the run may be in that folder's stores.
      if (!viewOnly && cwd && !vscode.workspace.getWorkspaceFolder(vscode.Uri.file(cwd))) return undefined;
      try {
        return retryFindError(e, runId);
      } catch {
        return { error: `The run log of ${runId} cannot be read: ${errorMessage(e)}` };
      }
    }
  }

  /** The run read through the launch's own config from its folder (as runnable will read it); sets `located`. */
  private async findInLaunchFolder(located: Located, runId: string, env: Record<string, string | undefined>, variables: Record<string, string>, signal?: AbortSignal): Promise<void> {
    const r = await findRun({ cwd: located.cwd, runId, configFile: located.configFile, env, variables, signal });
    if ('error' in r) {
      located.found = r;
      return;
    }
    located.store = r.opened;
    located.found = { run: r.run, store: r.opened, config: { configFile: r.configFile } };
  }

  async userEnv(args: RunnableLaunchArgs, cwd: string): Promise<PlannedRetry['userEnv']> {
    const fromFile = args.envFile ? await readEnvFile(path.resolve(cwd, args.envFile)) : {};
    const vars = Object.fromEntries(Object.entries(args.variables ?? {}).map(([k, v]) => [VARIABLE_PREFIX + k, v]));
    return { fromFile, explicit: { ...(args.env ?? {}), ...vars } };
  }

  /** `located`: the run found already (a second plan of the same launch, after the user picked a script). */
  async plan(args: RunnableLaunchArgs, folder: vscode.WorkspaceFolder | undefined, signal?: AbortSignal, locatedAlready?: Located): Promise<PlannedRetry> {
    const t0 = performance.now();
    // Independent work starts together: the interpreter (may ask the Python extension) while the store is located.
    const interpreting = resolveInterpreter(folder?.uri, args.python, this.services.log);
    const located = locatedAlready ?? (await this.locate(args, folder, signal));
    const [userEnv, interpreter] = await Promise.all([this.userEnv(args, located.cwd), interpreting]);
    const env = { ...process.env, ...userEnv.fromFile, ...userEnv.explicit };
    // Probe the interpreter (debugpy, runnable) while the plan is computed; the pre-flight later reads the cached answer.
    this.checker.facts(interpreter.path, env, located.cwd).catch(() => undefined);
    const planTimings: PlanTimings = { probeBlockedMs: 0, probeWallMs: 0, probeCached: false, probed: false };
    const settings = readSettings(folder?.uri).settings;
    // The same templating values the Runs view used to find the store (setting, then the configuration's).
    const variables = { ...settings.variables, ...(args.variables ?? {}) };
    // A launch with a config of its own outside the view: the run is found once, there (core/retry/findRun.ts), and
    // handed on like the model's.
    if (!located.found) await this.findInLaunchFolder(located, args.runId, env, variables, signal);
    // The banner's original failure (run log + catalog tail) is read while the plan is computed.
    const failure = this.readFailure(located, args.runId);
    const plan = await planRetry({
      cwd: located.cwd,
      runId: args.runId,
      // The run found is handed on as it is: the planner neither rediscovers nor reopens nor rereads.
      found: located.found,
      configFile: located.explicitConfig,
      retryConfigFile: located.explicitConfig,
      script: args.script ?? this.services.context.workspaceState.get<string>(`runnable.retryScript:${args.runId}`),
      deadAfterMs: settings.deadRunMinutes * 60_000,
      variables,
      env,
      python: interpreter.path,
      retryIndicator: args.retryIndicator,
      trusted: vscode.workspace.isTrusted,
      probeCache: this.probes,
      timings: planTimings,
      signal,
    });
    return { args, located, plan, interpreter, userEnv, planMs: performance.now() - t0, planTimings, failure };
  }

  /**
   * The store runnable writes the retry's attempts to: the one of the config the retry runs with, from its cwd (a
   * copy of the workspace, a sandbox, another folder), which is where the end report re-reads the run. The located
   * store when it is that one or when that store is remote (opened with its credentials by the model).
   */
  private async storeWritten(plan: RetryPlan, env: Record<string, string>, located: Located): Promise<RunLogStore | undefined> {
    const store = located.store;
    const file = plan.config?.file ? path.resolve(plan.cwd, plan.config.file) : undefined;
    // The retry runs where the run was found, with a config naming the store it was found in: that store (no discovery).
    // (A folder holding both local layouts: the config must read the run's layout, as the planner checked.)
    const layout = located.found && 'run' in located.found ? located.found.run.layout : undefined;
    const layouts = store?.descriptor.layouts;
    const readsLayout = !layouts || !layout || !!layouts[layout]?.configFiles.includes(file ?? '');
    if (store && file && plan.cwd === located.cwd && store.descriptor.configFiles.includes(file) && readsLayout) return store;
    return this.discoverStoreWritten(plan, env, file, store);
  }

  private async discoverStoreWritten(plan: RetryPlan, env: Record<string, string>, file: string | undefined, located: RunLogStore | undefined): Promise<RunLogStore | undefined> {
    try {
      const found = await discoverStores({ cwd: plan.cwd, configFile: file, env: { ...process.env, ...env }, globs: [] });
      const d = found.stores.find((s) => (file ? s.configFiles.includes(file) : s.configFiles.length === 0)) ?? found.stores[0];
      if (!d || (located && located.descriptor.type === d.type && path.resolve(located.descriptor.location) === path.resolve(d.location))) return located;
      return d.type === 'file-system' || d.type === 'chunked-fs' ? openStore(d) : located;
    } catch {
      return located;
    }
  }

  /** The first failed step's original failure, or nothing (logged) when the store cannot say. Never rejects. */
  private readFailure(located: Located, runId: string): Promise<OriginalFailure> {
    const found = located.found && 'run' in located.found ? located.found : undefined;
    const failed = found && firstFailedTask(found.run);
    if (!found || !failed) return Promise.resolve({});
    return readOriginalFailure(found.store, found.run, failed.step.internalName).catch((e: unknown) => {
      this.services.log.warn(`Could not read the original failure of ${runId}: ${errorMessage(e)}`);
      return {};
    });
  }

  /**
   * Second resolve phase: the debugpy launch configuration, or undefined (after telling the user why) when the
   * retry cannot work. Adds the session's breakpoints when it returns a configuration.
   */
  async toDebugpyLaunch(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration, cancel?: vscode.CancellationToken): Promise<vscode.DebugConfiguration | undefined> {
    const token = typeof config[SESSION_KEY] === 'string' ? (config[SESSION_KEY] as string) : randomUUID();
    /** `shown`: the message (with its buttons) was shown already. */
    const refuse = (reason: string, actions?: string[], shown = false): undefined => {
      this.sessions.refuse(token, reason, actions);
      this.services.log.warn(`Retry refused: ${reason}`);
      if (!shown) void vscode.window.showErrorMessage(reason);
      return undefined;
    };
    if (!vscode.workspace.isTrusted) {
      return refuse('Retry locally runs the pipeline\'s code, so it is disabled in an untrusted workspace. Trust this workspace (Manage Workspace Trust) to retry runs.');
    }
    const args = this.parseArgs(config);
    if (typeof args === 'string') return refuse(args);

    const t0 = performance.now();
    // CPU time of the extension host while preparing: on a loaded machine the wall time mostly measures waiting for a core.
    const cpu0 = process.cpuUsage();
    const abort = new AbortController();
    const sub = cancel?.onCancellationRequested(() => abort.abort());
    let planned: PlannedRetry;
    try {
      planned = await this.plan(args, folder, abort.signal);
    } catch (e) {
      return refuse(`The retry of run ${args.runId} could not be planned: ${errorMessage(e)}`);
    } finally {
      sub?.dispose();
    }
    let { plan } = planned;
    const { interpreter, located, userEnv } = planned;
    // An async run as a script, with several scripts that fit: the user picks one; it is remembered for the run.
    if (plan.scriptChoices?.length && !args.script) {
      const picked = await vscode.window.showQuickPick(plan.scriptChoices, {
        title: `Which script made run ${plan.runId}?`,
        placeHolder: 'The run records no pipeline definition; these scripts define its functions',
        ignoreFocusOut: true,
      });
      if (!picked) return refuse(`Run ${plan.runId} cannot be retried: no script was picked.`);
      await this.services.context.workspaceState.update(`runnable.retryScript:${args.runId}`, picked);
      try {
        plan = (await this.plan({ ...args, script: picked }, folder, abort.signal, located)).plan;
      } catch (e) {
        return refuse(`The retry of run ${args.runId} could not be planned: ${errorMessage(e)}`);
      }
    }
    if (plan.blocked) return refuse(`Run ${plan.runId} cannot be retried: ${plan.blocked}`);
    // A config the user named that would not retry under the debugger (mocked, argo, container): ask first.
    if (plan.config?.confirm) {
      const runAnyway = 'Run it anyway';
      // Cancel first: Enter on the highlighted row keeps the run log as it is. The consequence is the rows' detail
      // (a placeholder would cut it off).
      const answer = await vscode.window.showQuickPick([
        { label: 'Cancel', detail: 'Nothing runs; the run log stays as it is. Remove `configFile` to retry with a config chosen from the run.' },
        { label: runAnyway, detail: plan.config.confirm },
      ], { title: `Retry ${plan.runId} with ${plan.config.file ?? 'this config'}?`, ignoreFocusOut: true });
      if (answer?.label !== runAnyway) return refuse(`Retry of ${plan.runId} cancelled: ${plan.config.confirm}`);
    }
    this.services.log.info(`Retry ${plan.runId}: ${plan.config?.reason ?? 'config not chosen'}`);
    // Every attempt before the retry, to check afterwards that none was rewritten (history.ts).
    // The run the plan was made from (the model's read): the history the retry must only append to.
    const historyBefore = located.found && 'run' in located.found ? attemptHistory(located.found.run) : undefined;

    // The launch's env, lowest first: envFile, the plan's retry variables, the configuration's env, RUNNABLE_VAR_*.
    const launchEnv: Record<string, string> = { ...userEnv.fromFile, ...plan.env, ...userEnv.explicit };
    // A plan that puts the project folder on PYTHONPATH (a script importing the project's modules) was planned over
    // this same env: its PYTHONPATH already holds the configuration's, after the folder. Keep both.
    if (plan.env.PYTHONPATH) launchEnv.PYTHONPATH = plan.env.PYTHONPATH;
    const writesTo = await this.storeWritten(plan, launchEnv, located);
    const t1 = performance.now();
    const [ready, failure] = await Promise.all([
      this.checker.ensureReady(interpreter, { ...process.env, ...launchEnv }, located.cwd, true, true, {
        resource: folder?.uri,
        again: () => vscode.debug.startDebugging(folder, withoutSessionKey(config)),
      }),
      planned.failure,
    ]);
    const preflightMs = performance.now() - t1;
    if (!ready.ok) return refuse(ready.problem ?? 'The Python interpreter is not ready.', ready.actions, true);

    // A package the steps to run need (a notebook task's ploomber_engine, boto3 for an S3 store) is missing: the retry
    // would fail there, after re-running the steps before it. Asked before anything runs; Install is the default.
    const missing = plan.missingPackages ?? [];
    const missingWarnings = new Set(plan.warnings.filter((w) => missing.some((m) => w.startsWith(`${m.module} is not importable`))));
    if (missing.length) {
      const installLabel = `Install ${missing.map((m) => m.install).join(' and ')}`;
      const anyway = 'Retry Anyway';
      const commands = missing.map((m) => m.command);
      const answer = await vscode.window.showQuickPick([
        { label: installLabel, detail: `Runs ${commands.join(' && ')} in a terminal; the retry does not start. Retry again once it is installed.` },
        { label: anyway, detail: `${missing.map((m) => m.effect).join('; ')}.` },
        { label: 'Cancel', detail: 'Nothing runs; the run log stays as it is.' },
      ], { title: `Retry ${plan.runId}: ${missing.map((m) => m.module).join(' and ')} not importable in ${interpreter.path}`, ignoreFocusOut: true });
      if (answer?.label === installLabel) {
        this.checker.install(commands.join(' && '));
        return refuse(`Retry of ${plan.runId} not started: installing ${missing.map((m) => m.install).join(' and ')} in the terminal "Runnable: install"; retry again once it is done.`, undefined, true);
      }
      if (answer?.label !== anyway) return refuse(`Retry of ${plan.runId} cancelled: ${[...missingWarnings].join(' ')}`, undefined, true);
      this.services.log.warn(`Retry ${plan.runId} started without ${missing.map((m) => m.module).join(', ')}, as asked.`);
    }

    // A secret a step to run asks for that the retry's secrets service will not have: runnable would stop that step
    // before calling it, so the debugger would never pause there. Asked before anything runs; Retry With… (set the
    // variables for this run) is the default.
    const secrets = plan.missingSecrets ?? [];
    if (secrets.length) {
      const names = [...new Set(secrets.flatMap((m) => m.names))];
      const steps = secrets.map((m) => m.step);
      const retryWith = 'Retry With…';
      const anyway = 'Retry Anyway';
      const answer = await vscode.window.showQuickPick([
        { label: retryWith, detail: `Set ${names.join(', ')} for this retry (the answers are remembered for this run).` },
        { label: anyway, detail: `runnable stops ${steps.join(', ')} before calling ${steps.length > 1 ? 'them' : 'it'}, as the run did; the run log keeps no error.` },
        { label: 'Cancel', detail: 'Nothing runs; the run log stays as it is.' },
      ], { title: `Retry ${plan.runId}: ${names.join(', ')} not found by the retry's secrets service`, ignoreFocusOut: true });
      const secretsWarning = plan.warnings.find((w) => w.startsWith("The retry's secrets service"));
      if (secretsWarning) missingWarnings.add(secretsWarning);
      if (answer?.label === retryWith) {
        const ref = { storeId: (args as { storeId?: string }).storeId ?? located.store?.descriptor.id ?? '', runId: plan.runId };
        void vscode.commands.executeCommand(Commands.retryWith, ref);
        return refuse(`Retry of ${plan.runId} not started: set ${names.join(', ')} in Retry With….`, undefined, true);
      }
      if (answer?.label !== anyway) return refuse(`Retry of ${plan.runId} cancelled: ${secretsWarning ?? ''}`, undefined, true);
      this.services.log.warn(`Retry ${plan.runId} started without ${names.join(', ')}, as asked.`);
    }

    // One toast for the plan's other warnings (each is in the Debug Console banner and the log too).
    const warnings = plan.warnings.map(String).filter((w) => !missingWarnings.has(w));
    if (warnings.length) {
      const more = warnings.length > 1 ? ` (and ${warnings.length - 1} more warning${warnings.length > 2 ? 's' : ''} in the Debug Console)` : '';
      void vscode.window.showWarningMessage(`Retry of ${plan.runId}: ${warnings[0]}${more}`);
    }

    // The failed function's file changed since the run's commit: the diff (and a retry at that commit) one click away.
    // Not for a retry that already runs at the commit (its cwd is the worktree, where nothing changed).
    if (plan.codeDrift && plan.codeDriftKind === 'changed') {
      const ref = { storeId: (args as { storeId?: string }).storeId ?? located.store?.descriptor.id ?? '', runId: plan.runId };
      void vscode.window.showInformationMessage(`Retry of ${plan.runId}: ${plan.codeDrift}`, 'Show Changes').then((choice) => {
        if (choice === 'Show Changes') void vscode.commands.executeCommand(Commands.showChangesSinceRun, ref, { cwd: plan.cwd });
      });
    }

    const launch: vscode.DebugConfiguration = {
      ...config,
      ...argvToLaunch(plan.argv, plan.cwd),
      type: config.type,
      request: 'launch',
      name: config.name,
      python: interpreter.path,
      cwd: plan.cwd,
      env: launchEnv,
      justMyCode: args.justMyCode,
      // runnable is library code wherever it is installed (site-packages, an editable clone, PYTHONPATH): its frames
      // are skipped by justMyCode and an exception leaving the user's step into runnable stops at the user's raise.
      rules: [...(Array.isArray(config.rules) ? config.rules as unknown[] : []), { module: 'runnable', include: false }],
      console: args.console,
      stopAtFailedStep: args.stopAtFailedStep,
      retryIndicator: plan.retryIndicator,
      [SESSION_KEY]: token,
      ...(ready.debugpy?.packageDir ? { [DEBUGPY_PACKAGE_KEY]: ready.debugpy.packageDir } : {}),
    };
    // debugpy does not read envFile: it is already merged into env.
    delete launch.envFile;
    delete launch.variables;

    const breakpoints = args.stopAtFailedStep && !args.noDebug
      ? plan.breakpoints.map((b) => new vscode.SourceBreakpoint(
          new vscode.Location(vscode.Uri.file(path.resolve(plan.cwd, b.file)), new vscode.Position(b.line - 1, 0)),
          true,
          b.condition || undefined,
          // A task runs once in a retry: stop on its first hit only (on Python 3.11 a comprehension on the first body
          // line is a frame of its own that would stop again per element). Map and loop iterations keep their condition.
          b.condition ? undefined : '1',
        ))
      : [];
    const outcome: RetryOutcome = {
      plan,
      history: historyBefore && writesTo ? { before: historyBefore, store: writesTo, ...(writesTo === located.store && located.fromView ? { storeId: writesTo.descriptor.id } : {}) } : undefined,
      python: interpreter.path,
      banner: [
        ...retryBanner(plan, failure, interpreter.path),
        ...(ready.debugpy?.packageDir ? [`Debugging with ${describeDebugpy(ready.debugpy)}; nothing is installed into ${interpreter.path}.`] : []),
      ],
      warnings,
      timings: {
        planMs: planned.planMs,
        preflightMs,
        totalMs: performance.now() - t0,
        probeBlockedMs: planned.planTimings.probeBlockedMs,
        probeWallMs: planned.planTimings.probeWallMs,
        probeCpuMs: planned.planTimings.probeCpuMs,
        probeCached: planned.planTimings.probeCached,
        findRunMs: planned.planTimings.findRunMs,
        cpuMs: (() => { const c = process.cpuUsage(cpu0); return (c.user + c.system) / 1000; })(),
      },
    };
    this.sessions.prepare(token, outcome, breakpoints);

    const spawned = [interpreter.path, ...plan.argv].join(' ');
    this.services.log.info(`Retry ${plan.runId} (indicator ${plan.retryIndicator}) in ${plan.cwd}: ${spawned} under debugpy${args.noDebug ? ' (no debugging)' : ''}; env keys: ${Object.keys(launchEnv).sort().join(', ')}; breakpoints: ${plan.breakpoints.map((b) => `${b.file}:${b.line}${b.condition ? ` if ${b.condition}` : ''}`).join(', ') || 'none'}; prepared in ${outcome.timings!.totalMs.toFixed(0)} ms (of which waiting on the Python probe ${planned.planTimings.probeBlockedMs.toFixed(0)} ms${planned.planTimings.probeCached ? ', probe answer reused' : ''})`);
    return launch;
  }
}
