// Debug Step with Recorded Inputs, VS Code half: a `runnable` launch with `step` becomes a debugpy launch of the
// step launcher (core/stepDebug) with a session-only breakpoint on the function's first body line. The run is read
// through the Runs view's open store (local, sandbox or S3: catalog pickles are only read); nothing is written to it.
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { locateFunction } from '../../core/python/locate';
import { chooseStepTarget, exactInputs, localRunLogFiles, prepareStepSession } from '../../core/stepDebug/stepDebug';
import type { Services } from '../services';
import type { EnvironmentChecker } from '../python/environmentCheck';
import { resolveInterpreter } from '../python/interpreter';
import { DEBUGPY_PACKAGE_KEY, SESSION_KEY, withoutSessionKey } from '../../core/retry/launchArgs';
import { describeDebugpy } from '../../core/python/debugpySource';
import type { RetryPreparation } from './retryPreparation';
import type { RetrySessions } from './retrySessions';

export class StepPreparation {
  constructor(
    private readonly services: Services,
    private readonly checker: EnvironmentChecker,
    private readonly sessions: RetrySessions,
    private readonly retry: RetryPreparation,
  ) {}

  async toDebugpyLaunch(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    const token = typeof config[SESSION_KEY] === 'string' ? (config[SESSION_KEY] as string) : randomUUID();
    const refuse = (reason: string, actions?: string[], shown = false): undefined => {
      this.sessions.refuse(token, reason, actions);
      this.services.log.warn(`Debug Step refused: ${reason}`);
      if (!shown) void vscode.window.showErrorMessage(reason);
      return undefined;
    };
    if (!vscode.workspace.isTrusted) {
      return refuse('Debug Step runs the step\'s code, so it is disabled in an untrusted workspace. Trust this workspace (Manage Workspace Trust) to debug steps.');
    }
    const args = this.retry.parseArgs(config);
    if (typeof args === 'string') return refuse(args);
    const step = typeof config.step === 'string' ? config.step : '';
    const attemptNumber = typeof config.attempt === 'number' ? config.attempt : undefined;
    const located = await this.retry.locate(args, folder, undefined, true);
    const store = located.store;
    // The run as locating it read it (the model's run cache): not read again.
    const run = located.found && 'run' in located.found ? located.found.run : undefined;
    if (!store || !run) {
      // The finder's sentence (not in any store, or unreadable) when the Runs view's stores were searched.
      const why = located.found && 'error' in located.found ? ` ${located.found.error}` : '';
      return refuse(`Debug Step cannot read run ${args.runId} from the stores the Runs view shows: open the folder that holds it, or give \`storeId\`.${why}`);
    }
    const workspace = located.cwd;
    const target = await chooseStepTarget(run, step, attemptNumber, workspace, args.script);
    if ('error' in target) return refuse(`Cannot debug ${step || 'the step'} of ${args.runId}: ${target.error}`);

    const interpreter = await resolveInterpreter(folder?.uri, args.python, this.services.log);
    const userEnv = await this.retry.userEnv(args, workspace);
    const env: Record<string, string> = { ...userEnv.fromFile, ...userEnv.explicit };
    const again = () => vscode.debug.startDebugging(folder, withoutSessionKey(config));
    const ready = await this.checker.ensureReady(interpreter, { ...process.env, ...env }, workspace, true, false, { resource: folder?.uri, again });
    if (!ready.ok) return refuse(ready.problem ?? 'The Python interpreter is not ready.', ready.actions, true);

    const command = `${target.module}.${target.func}`;
    const [located2, session] = await Promise.all([
      locateFunction({ cwd: workspace, command, trusted: true, python: interpreter.path, env: { ...process.env, ...env } }),
      prepareStepSession(target, store, workspace, { exact: await exactInputs(await localRunLogFiles(store.descriptor, run.runId, run.layout), target.step.internalName, target.attempt.number) }),
    ]);
    const where = located2.location;
    const breakpoints = where && !args.noDebug
      // Hit condition 1: the function runs once, and on Python 3.11 a comprehension on its first line is a frame of
      // its own that would stop on the same line again for every element (seen on train_model's `[… for x in …]`).
      ? [new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(where.absFile), new vscode.Position(where.line - 1, 0)), true, undefined, '1')]
      : [];
    const a = target.attempt;
    const banner = [
      `Debug Step: ${target.step.internalName} of run ${run.runId}, attempt ${a.number} (${a.status}${a.retryIndicator ? `, retry ${a.retryIndicator}` : ''}), calling ${command}${where ? ` (${where.file}:${where.line})` : ''}.`,
      ...(target.note ? [target.note] : []),
      `Inputs the attempt recorded: ${session.inputs.map((i) => `${i.name} (${i.shown})`).join(', ') || 'none'}; only the names the signature takes are passed, as runnable does (the call line below shows their values).`,
      ...(session.missingObjects.length ? [`Not in the catalog: ${session.missingObjects.join(', ')}.`] : []),
      `Nothing downstream runs and nothing is written to the store or catalog; the function's working folder is ${config.cwd ? String(config.cwd) : session.workDir} (what it writes stays there).`,
      ...located2.notes.map((n) => `Note: ${n}`),
      ...(ready.debugpy?.packageDir ? [`Debugging with ${describeDebugpy(ready.debugpy)}; nothing is installed into ${interpreter.path}.`] : []),
    ];
    this.sessions.prepare(token, { banner, warnings: [], stepDebug: { target, resultFile: session.resultFile, dir: session.dir, ref: { storeId: store.descriptor.id, runId: run.runId } } }, breakpoints);
    this.services.log.info(`Debug Step ${target.step.internalName} of ${run.runId} attempt ${a.number}: ${interpreter.path} ${session.launcher} ${session.specFile}; breakpoint ${where ? `${where.file}:${where.line}` : 'none (function not located)'}`);
    const launch: vscode.DebugConfiguration = {
      ...config,
      type: config.type,
      request: 'launch',
      name: config.name,
      program: session.launcher,
      args: [session.specFile],
      python: interpreter.path,
      cwd: typeof config.cwd === 'string' ? path.resolve(workspace, config.cwd) : session.workDir,
      env,
      justMyCode: args.justMyCode,
      // The launcher is library code: an exception leaving the step's function stops where the function raised.
      rules: [...(Array.isArray(config.rules) ? config.rules as unknown[] : []), { path: session.dir, include: false }],
      console: args.console,
      [SESSION_KEY]: token,
      ...(ready.debugpy?.packageDir ? { [DEBUGPY_PACKAGE_KEY]: ready.debugpy.packageDir } : {}),
    };
    delete launch.envFile;
    delete launch.variables;
    return launch;
  }
}
