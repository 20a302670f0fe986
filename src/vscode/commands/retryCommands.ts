// Retry commands: Retry locally, Retry Without Debugging, Runnable: Retry Run, Copy Retry Command, and
// runnable.pickFailedRun (the `${command:…}` of launch configurations). Each takes a tree node, a RunRef or nothing.
import * as vscode from 'vscode';
import { AWS_CREDENTIAL_ENV, retryCommandNotes, withholdCredentials } from '../../core/retry/remoteCommandText';
import type { StoreDescriptor } from '../../core/stores/runLogStore';
import { DEBUG_TYPE } from '../../core/retry/launchArgs';
import { folderOfStore, startRunnableSession } from '../debug/startSession';
import { argoResubmitLine, retryShellLine } from '../../core/retry/retryCommandLine';
import type { RetryPreparation } from '../debug/retryPreparation';
import { formatEnvAssignments, parseEnvAssignments } from '../../core/retry/envAssignments';
import type { RetryOutcome, RetrySessions } from '../debug/retrySessions';
import { retryTarget } from '../remote/remoteRetry';
import { s3StoreOf } from '../remote/remoteStores';
import { toRunRef, type RunRef, type Services } from '../services';
import type { FailedRunPicker } from './failedRunPicker';
import { Commands } from '../../core/commandIds';
import { errorMessage } from '../../core/text/errorMessage';
import { registerCommand } from './registerCommand';

/** Extra launch attributes a caller may pass as the second argument (e.g. `cwd`, `configFile`, `env`, `python`). */
export type RetryOverrides = Record<string, unknown>;

export interface RetryCommandResult extends RetryOutcome {
  runId?: string;
  started: boolean;
}

export function registerRetryCommands(services: Services, preparation: RetryPreparation, sessions: RetrySessions, picker: FailedRunPicker): vscode.Disposable[] {
  const pick = async (arg: unknown, title: string): Promise<RunRef | undefined> =>
    toRunRef(arg) ?? (await services.runs.pickRun({ failedOnly: true, title }));

  // No `configFile` in the launch: that attribute is the user's own choice of config for the retry (a launch.json
  // line). The tree names the store; the retry's config is chosen from the run (core/retry/retryConfig.ts).
  const start = async (ref: RunRef, noDebug: boolean, overrides: RetryOverrides | undefined): Promise<RetryCommandResult> => {
    if (ref.stepInternalName) services.log.info(`Retry of ${ref.runId} asked from step ${ref.stepInternalName}: runnable resumes at the run's first failed step.`);
    const outcome = await startRunnableSession(services, sessions, ref, `Retry ${ref.runId}`, { ...(overrides ?? {}) }, { noDebug });
    return { ...outcome, runId: ref.runId };
  };

  const retry = (noDebug: boolean, title: string) => async (arg?: unknown, overrides?: RetryOverrides): Promise<RetryCommandResult | undefined> => {
    const picked = await pick(arg, title);
    // A remote run retries in the sandbox or (confirmed) against its store: src/vscode/remote/remoteRetry.ts.
    const target = picked && (await retryTarget(services, picked, overrides));
    return target ? start(target.ref, noDebug, target.overrides) : undefined;
  };

  /**
   * Retry With…: asks for this retry's environment (NAME=value words) and its retry indicator, offering last time's
   * answers for the same run again (workspaceState), then retries under the debugger; "Retry and Save" also appends
   * the launch configuration to the folder's launch.json. `answers` (tests, other commands) skips the questions.
   */
  const retryWith = async (arg?: unknown, overrides?: RetryOverrides, answers?: { env?: Record<string, string>; retryIndicator?: string; save?: boolean }): Promise<RetryCommandResult | undefined> => {
    const picked = await pick(arg, 'Retry a failed run with…');
    if (!picked) return undefined;
    const key = `runnable.retryWith:${picked.storeId}/${picked.runId}`;
    const last = services.context.workspaceState.get<{ env: Record<string, string>; retryIndicator: string }>(key);
    let env = answers?.env;
    if (!env) {
      const text = await vscode.window.showInputBox({
        title: `Retry ${picked.runId} with… (1/2)`,
        prompt: 'Environment variables for this retry, as NAME=value words (quote values with spaces). Empty: none.',
        placeHolder: 'should_pass=true DEPLOY_URL=https://…',
        value: last ? formatEnvAssignments(last.env) : '',
        ignoreFocusOut: true,
        validateInput: (v) => { const r = parseEnvAssignments(v); return 'error' in r ? r.error : undefined; },
      });
      if (text === undefined) return undefined;
      const r = parseEnvAssignments(text);
      if ('error' in r) return undefined;
      env = r.env;
    }
    let retryIndicator = answers?.retryIndicator;
    if (retryIndicator === undefined) {
      const text = await vscode.window.showInputBox({
        title: `Retry ${picked.runId} with… (2/2)`,
        prompt: 'RUNNABLE_RETRY_INDICATOR for this retry. Empty: the next one (one more than the run has used).',
        value: last?.retryIndicator ?? '',
        ignoreFocusOut: true,
        validateInput: (v) => (/^[A-Za-z0-9_.-]*$/.test(v.trim()) ? undefined : 'Letters, digits, _ . - only.'),
      });
      if (text === undefined) return undefined;
      retryIndicator = text.trim();
    }
    await services.context.workspaceState.update(key, { env, retryIndicator });
    const given = overrides ?? {};
    const launchOverrides: RetryOverrides = {
      ...given,
      env: { ...((given.env as Record<string, string> | undefined) ?? {}), ...env },
      ...(retryIndicator ? { retryIndicator } : {}),
    };
    let save = answers?.save;
    if (save === undefined && !answers) {
      const saveItem = { label: 'Retry and Save as a Launch Configuration', detail: 'Also appends this retry to launch.json, to run again with F5.' };
      const choice = await vscode.window.showQuickPick([{ label: 'Retry Now', detail: 'Under the debugger, with these values (offered again next time).' }, saveItem], { title: `Retry ${picked.runId} with ${formatEnvAssignments(env) || 'no extra environment'}`, ignoreFocusOut: true });
      if (!choice) return undefined;
      save = choice === saveItem;
    }
    if (save) await saveLaunchConfiguration(picked, env, retryIndicator);
    const target = await retryTarget(services, picked, launchOverrides);
    return target ? start(target.ref, false, target.overrides) : undefined;
  };

  /** Appends "Retry <run> with …" to the launch.json of the run's folder (the user asked for it). */
  const saveLaunchConfiguration = async (ref: RunRef, env: Record<string, string>, retryIndicator: string): Promise<void> => {
    const folder = folderOfStore(services.runs.store(ref.storeId));
    const launch = vscode.workspace.getConfiguration('launch', folder?.uri);
    const configurations = launch.get<vscode.DebugConfiguration[]>('configurations') ?? [];
    const name = `Retry ${ref.runId} with ${Object.keys(env).join(', ') || 'no extra env'}`;
    const config: vscode.DebugConfiguration = { type: DEBUG_TYPE, request: 'launch', name, runId: ref.runId, env, ...(retryIndicator ? { retryIndicator } : {}) };
    await launch.update('configurations', [...configurations.filter((c) => c.name !== name), config], folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace);
    services.log.info(`Saved the launch configuration "${name}" in ${folder ? folder.name : 'the workspace'}'s launch.json`);
  };

  /** Values that must never be copied: the keys the store reads with (its config's, entered) and this environment's AWS keys. */
  const secretsOf = (d: StoreDescriptor | undefined): string[] => {
    const fromStore = d ? s3StoreOf(services, d.id)?.secrets ?? [] : [];
    const fromEnv = AWS_CREDENTIAL_ENV.map((k) => process.env[k]).filter((v): v is string => !!v);
    return [...fromStore, ...fromEnv];
  };

  // A remote run is copied like Retry Locally retries it (src/vscode/remote/remoteRetry.ts): the sandbox (pulled first)
  // or the original store; the text then says in `#` lines where the retry writes. Credentials never reach the text.
  const copyRetryCommand = async (arg?: unknown, overrides?: RetryOverrides): Promise<string | undefined> => {
    // Building the command plans the retry, which starts the interpreter in the workspace (the probe, the
    // interpreter check): workspace code could run. Refused in an untrusted workspace, like Retry Locally.
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('Copy Retry Command plans the retry, which runs the workspace\'s Python, so it is disabled in an untrusted workspace. Trust this workspace (Manage Workspace Trust) to copy retry commands.');
      return undefined;
    }
    const picked = await pick(arg, 'Copy the retry command of a failed run');
    const target = picked && (await retryTarget(services, picked, overrides, 'copy'));
    if (!picked || !target) return undefined;
    const ref = target.ref;
    const store = services.runs.store(ref.storeId);
    const args = preparation.parseArgs({
      type: DEBUG_TYPE, request: 'launch', name: 'copy', runId: ref.runId, storeId: ref.storeId,
      ...(target.overrides ?? {}),
    });
    if (typeof args === 'string') {
      void vscode.window.showErrorMessage(args);
      return undefined;
    }
    try {
      const { plan, interpreter, located } = await preparation.plan(args, vscode.workspace.workspaceFolders?.[0]);
      if (plan.blocked) void vscode.window.showWarningMessage(`Run ${ref.runId} cannot be retried as it is: ${plan.blocked}`);
      const { env, withheld } = withholdCredentials(plan.env, secretsOf(target.remote?.store ?? store?.descriptor));
      const remote = target.remote && { runId: ref.runId, storeLabel: target.remote.store.label, target: target.remote.target, sandboxDir: target.remote.sandboxDir };
      const lines = [...retryCommandNotes(remote, withheld), retryShellLine({ ...plan, env }, interpreter.path, { cd: true })];
      // The argo resubmit line re-runs the workflow in production: it belongs to a command for the original store only.
      // The run the plan was made from (not read again).
      const run = target.remote?.target === 'sandbox' ? undefined
        : located.found && 'run' in located.found ? located.found.run : await services.runs.getRun(ref).catch(() => undefined);
      const argo = run?.executor === 'argo';
      if (argo) lines.push(argoResubmitLine(plan.runId, plan.retryIndicator));
      const text = lines.join('\n');
      await vscode.env.clipboard.writeText(text);
      const where = target.remote ? (target.remote.target === 'sandbox' ? ' (in the sandbox)' : ` (against ${target.remote.store.label})`) : '';
      services.log.info(`Copied the retry command of ${ref.runId}${where} (env keys: ${Object.keys(env).sort().join(', ')}${withheld.length ? `; withheld: ${withheld.join(', ')}` : ''})`);
      void vscode.window.showInformationMessage(`Copied the retry command of ${ref.runId}${where}${argo ? ' (and the argo resubmit line)' : ''}.`);
      return text;
    } catch (e) {
      void vscode.window.showErrorMessage(`The retry command of ${ref.runId} could not be built: ${errorMessage(e)}`);
      return undefined;
    }
  };

  return [
    registerCommand(Commands.retryLocally, retry(false, 'Retry a failed run locally'), services.log),
    registerCommand(Commands.retryWithoutDebugging, retry(true, 'Retry a failed run without debugging'), services.log),
    registerCommand(Commands.retryWith, retryWith, services.log),
    registerCommand(Commands.retryRun, retry(false, 'Runnable: Retry Run'), services.log),
    registerCommand(Commands.copyRetryCommand, copyRetryCommand, services.log),
    registerCommand(Commands.pickFailedRun, () => picker.pick(), services.log),
  ];
}
