// "Retry locally" and "Copy Retry Command" on a run of a minio / chunked-minio store: retry in the local sandbox
// (default; pulls first, the pull fetches only what changed, production is never written) or against the original
// store (a retry asks an explicit confirmation, since runnable appends the new attempts there). Local stores pass through.
import * as vscode from 'vscode';
import type { StoreDescriptor } from '../../core/stores/runLogStore';
import { Commands } from '../../core/commandIds';
import type { RunRef, Services } from '../services';
import type { PullCommandOptions, PullCommandResult } from './pullRunCommand';
import { isRemote } from './remoteStores';

export type RemoteRetryTarget = 'sandbox' | 'original';

/** What the target is for: starting a retry now, or copying the command that retries later (nothing written yet). */
export type RetryPurpose = 'retry' | 'copy';

/** Launch overrides may carry `remoteTarget` (tests, callers that chose already); it never reaches the launch config. */
export interface RetryTargetResult {
  ref: RunRef;
  overrides: Record<string, unknown> | undefined;
  /** Set for a run of a remote store: which way it goes, the original store, and the sandbox folder when pulled. */
  remote?: { target: RemoteRetryTarget; store: StoreDescriptor; sandboxDir?: string };
}

async function askTarget(ref: RunRef, storeLabel: string, purpose: RetryPurpose): Promise<RemoteRetryTarget | undefined> {
  type Item = vscode.QuickPickItem & { target: RemoteRetryTarget };
  const copy = purpose === 'copy';
  const items: Item[] = [
    {
      label: copy ? '$(folder-library) Command for the sandbox' : '$(folder-library) Retry in sandbox',
      description: 'default',
      detail: copy
        ? `Pulls ${ref.runId} into the local sandbox first if needed; the copied command retries there and never writes the production store.`
        : `Pulls ${ref.runId} into the local sandbox first if needed; the production store is never written.`,
      target: 'sandbox',
    },
    {
      label: copy ? '$(cloud-upload) Command for the original store' : '$(cloud-upload) Retry against the original store',
      detail: copy
        ? `When run, runnable will append the new attempts to ${ref.runId} in ${storeLabel}.`
        : `runnable will append the new attempts to ${ref.runId} in ${storeLabel}.`,
      target: 'original',
    },
  ];
  const title = copy ? `Copy the retry command of ${ref.runId} (a remote run)` : `Retry ${ref.runId} (a remote run)`;
  const picked = await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true });
  return picked?.target;
}

/**
 * The confirmation is a quick pick whose default is Cancel rather than a modal dialog: VS Code refuses modal dialogs
 * inside extension tests (its DialogService throws there), so a modal could never be answered by the integration
 * tier, while a pick that stays open until answered is as explicit for the user and is answered like any other.
 */
async function confirmOriginal(ref: RunRef, storeLabel: string): Promise<boolean> {
  type Item = vscode.QuickPickItem & { go: boolean };
  const items: Item[] = [
    { label: '$(close) Cancel', description: 'default', detail: 'Nothing is retried. "Retry in sandbox" leaves the production store untouched.', go: false },
    {
      label: '$(warning) Retry Against Original Store',
      detail: `runnable will append attempts to the production run log (and may write catalog objects) in ${storeLabel}.`,
      go: true,
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Retry ${ref.runId} against ${storeLabel}?`,
    placeHolder: 'This writes to the production store',
    ignoreFocusOut: true,
  });
  return picked?.go === true;
}

/**
 * The run to retry: `ref` itself for a local store; for a remote store, the pulled copy in the sandbox or, once
 * confirmed, the original. undefined when the user cancelled or the pull failed (the pull said why). For `copy`
 * the original store needs no confirmation: copying writes nothing, and the copied text says where it would write.
 */
export async function retryTarget(services: Services, ref: RunRef, overrides?: Record<string, unknown>, purpose: RetryPurpose = 'retry'): Promise<RetryTargetResult | undefined> {
  const { remoteTarget, sandbox, ...rest } = overrides ?? {};
  const launchOverrides = overrides ? rest : undefined;
  const d = (await services.runs.descriptors()).find((x) => x.id === ref.storeId);
  if (!d || !isRemote(d)) return { ref, overrides: launchOverrides };
  const chosen = remoteTarget === 'sandbox' || remoteTarget === 'original' ? remoteTarget : await askTarget(ref, d.label, purpose);
  if (!chosen) return undefined;
  if (chosen === 'original') {
    // A caller passing remoteTarget 'original' has decided already; the interactive path asks once more.
    if (purpose === 'retry' && remoteTarget !== 'original' && !(await confirmOriginal(ref, d.label))) return undefined;
    if (purpose === 'retry') services.log.info(`Retry of ${ref.runId} against the original store ${d.label}: runnable appends attempts there.`);
    // The user chose this store for the retry: its config is the retry's own (launch `configFile`), not one the
    // planner would choose from the run. A caller's explicit configFile stays.
    return { ref, overrides: { ...(d.configFiles[0] ? { configFile: d.configFiles[0] } : {}), ...launchOverrides }, remote: { target: 'original', store: d } };
  }
  const pullOptions: PullCommandOptions = { quiet: true, ...(typeof sandbox === 'string' ? { to: sandbox } : {}) };
  const pulled = await vscode.commands.executeCommand<PullCommandResult | undefined>(Commands.pullRun, ref, pullOptions);
  if (!pulled) return undefined;
  if (!pulled.sandboxRef) {
    void vscode.window.showErrorMessage(`Pulled ${ref.runId} into ${pulled.to}, but the Runs view does not list its sandbox config ${pulled.configFile}; refresh the Runs view and retry the run under its Sandbox root.`);
    return undefined;
  }
  services.log.info(`${purpose === 'copy' ? 'Retry command' : 'Retry'} of ${ref.runId} in the sandbox ${pulled.to} (production is not written).`);
  return {
    ref: { ...pulled.sandboxRef, ...(ref.stepInternalName ? { stepInternalName: ref.stepInternalName } : {}) },
    // The sandbox's config, written by the pull for this retry (local executor on the copy): the user chose it.
    overrides: { configFile: pulled.configFile, ...launchOverrides },
    remote: { target: 'sandbox', store: d, sandboxDir: pulled.to },
  };
}
