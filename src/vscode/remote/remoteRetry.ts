// "Retry locally" on a run of a minio / chunked-minio store: retry in the local sandbox (default; pulls first, the
// pull fetches only what changed, production is never written) or, after an explicit confirmation, against the
// original store (runnable appends the new attempts there). Local stores pass through unchanged.
import * as vscode from 'vscode';
import { Commands } from '../commands/ids';
import type { RunRef, Services } from '../services';
import type { PullCommandOptions, PullCommandResult } from './pullRunCommand';
import { isRemote } from './remoteStores';

export type RemoteRetryTarget = 'sandbox' | 'original';

/** Launch overrides may carry `remoteTarget` (tests, callers that chose already); it never reaches the launch config. */
export interface RetryTargetResult {
  ref: RunRef;
  overrides: Record<string, unknown> | undefined;
}

async function askTarget(ref: RunRef, storeLabel: string): Promise<RemoteRetryTarget | undefined> {
  type Item = vscode.QuickPickItem & { target: RemoteRetryTarget };
  const items: Item[] = [
    {
      label: '$(folder-library) Retry in sandbox',
      description: 'default',
      detail: `Pulls ${ref.runId} into the local sandbox first if needed; the production store is never written.`,
      target: 'sandbox',
    },
    {
      label: '$(cloud-upload) Retry against the original store',
      detail: `runnable will append the new attempts to ${ref.runId} in ${storeLabel}.`,
      target: 'original',
    },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `Retry ${ref.runId} (a remote run)`, ignoreFocusOut: true });
  return picked?.target;
}

async function confirmOriginal(ref: RunRef, storeLabel: string): Promise<boolean> {
  const go = 'Retry Against Original Store';
  const answer = await vscode.window.showWarningMessage(
    `Retry ${ref.runId} against ${storeLabel}?`,
    { modal: true, detail: `runnable will append attempts to the production run log (and may write catalog objects) in ${storeLabel}. Retry in the sandbox to leave it untouched.` },
    go,
  );
  return answer === go;
}

/**
 * The run to retry: `ref` itself for a local store; for a remote store, the pulled copy in the sandbox or, once
 * confirmed, the original. undefined when the user cancelled or the pull failed (the pull said why).
 */
export async function retryTarget(services: Services, ref: RunRef, overrides?: Record<string, unknown>): Promise<RetryTargetResult | undefined> {
  const { remoteTarget, sandbox, ...rest } = overrides ?? {};
  const launchOverrides = overrides ? rest : undefined;
  const d = (await services.runs.descriptors()).find((x) => x.id === ref.storeId);
  if (!d || !isRemote(d)) return { ref, overrides: launchOverrides };
  const chosen = remoteTarget === 'sandbox' || remoteTarget === 'original' ? remoteTarget : await askTarget(ref, d.label);
  if (!chosen) return undefined;
  if (chosen === 'original') {
    // A caller passing remoteTarget 'original' has decided already; the interactive path asks once more.
    if (remoteTarget !== 'original' && !(await confirmOriginal(ref, d.label))) return undefined;
    services.log.info(`Retry of ${ref.runId} against the original store ${d.label}: runnable appends attempts there.`);
    return { ref, overrides: launchOverrides };
  }
  const pullOptions: PullCommandOptions = { quiet: true, ...(typeof sandbox === 'string' ? { to: sandbox } : {}) };
  const pulled = await vscode.commands.executeCommand<PullCommandResult | undefined>(Commands.pullRun, ref, pullOptions);
  if (!pulled) return undefined;
  if (!pulled.sandboxRef) {
    void vscode.window.showErrorMessage(`Pulled ${ref.runId} into ${pulled.to}, but the Runs view does not list its sandbox config ${pulled.configFile}; refresh the Runs view and retry the run under its Sandbox root.`);
    return undefined;
  }
  services.log.info(`Retry of ${ref.runId} in the sandbox ${pulled.to} (production is not written).`);
  return { ref: { ...pulled.sandboxRef, ...(ref.stepInternalName ? { stepInternalName: ref.stepInternalName } : {}) }, overrides: launchOverrides };
}
