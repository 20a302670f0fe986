// "Pull Run to Local Sandbox": copies a minio / chunked-minio run into `<workspace>/.runnable-sandbox/` with progress
// (objects, bytes) and cancellation, refreshes the Runs view so the sandbox root shows it, and offers the retry there.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_SANDBOX, pullRun, type PullResult } from '../../core/pull/pullRun';
import { Commands } from '../../core/commandIds';
import { toRunRef, type RunRef, type Services } from '../services';
import { isRemote, s3StoreOf } from './remoteStores';
import { errorMessage } from '../../core/text/errorMessage';
import { relistStoreOf } from '../explorer/configStore';

export interface PullCommandOptions {
  /** Sandbox folder (default `<workspace folder>/.runnable-sandbox`). */
  to?: string;
  /** Start "Retry locally" in the sandbox when done, without asking. */
  retry?: boolean;
  /** Do not ask anything when done (tests, callers that chain). */
  quiet?: boolean;
}

export interface PullCommandResult extends PullResult {
  /** The sandbox store's RunRef, once the Runs view found it. */
  sandboxRef: RunRef | undefined;
}

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

export function pullRunCommand(services: Services) {
  return async (arg?: unknown, options: PullCommandOptions = {}): Promise<PullCommandResult | undefined> => {
    // A pull writes into the workspace (.runnable-sandbox/, whose symlinks and manifest the workspace controls) and
    // prepares a retry there: not in an untrusted workspace.
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('Pull Run writes a sandbox copy into this workspace to retry it, so it is disabled in an untrusted workspace. Trust this workspace (Manage Workspace Trust) to pull runs.');
      return undefined;
    }
    const ref = toRunRef(arg) ?? (await services.runs.pickRun({ title: 'Pull a run to the local sandbox' }));
    if (!ref) return undefined;
    const d = (await services.runs.descriptors()).find((x) => x.id === ref.storeId);
    if (!d || !isRemote(d)) {
      void vscode.window.showInformationMessage(
        `${ref.runId} is in a local store${d ? ` (${d.label})` : ''}: retry it in place. Pulling copies runs from minio / chunked-minio stores.`,
      );
      return undefined;
    }
    const anchor = d.configFiles[0];
    const folder = (anchor && vscode.workspace.getWorkspaceFolder(vscode.Uri.file(anchor))) || vscode.workspace.workspaceFolders?.[0];
    if (!folder && !options.to) {
      void vscode.window.showErrorMessage('Open a workspace folder first: the sandbox is created inside it.');
      return undefined;
    }
    const to = options.to ?? path.join(folder!.uri.fsPath, DEFAULT_SANDBOX);
    let result: PullResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Pulling ${ref.runId}`, cancellable: true },
        async (progress, token) => {
          const ac = new AbortController();
          const sub = token.onCancellationRequested(() => ac.abort());
          let reported = 0;
          try {
            return await pullRun({
              descriptor: d,
              runId: ref.runId,
              to,
              store: s3StoreOf(services, d.id),
              signal: ac.signal,
              onProgress: (p) => {
                const pct = p.totalBytes ? (p.bytes / p.totalBytes) * 100 : p.totalObjects ? (p.objects / p.totalObjects) * 100 : 0;
                progress.report({ increment: Math.max(0, pct - reported), message: `${p.objects}/${p.totalObjects} objects, ${kb(p.bytes)} of ${kb(p.totalBytes)}` });
                reported = Math.max(reported, pct);
              },
            });
          } finally {
            sub.dispose();
          }
        },
      );
    } catch (e) {
      if (isAbort(e)) {
        void vscode.window.showInformationMessage(`Pull of ${ref.runId} cancelled; pulling again resumes with what is missing.`);
        return undefined;
      }
      // Messages from the pull are sentences without credentials (redacted at the source).
      const message = errorMessage(e);
      services.log.error(`Pull of ${ref.runId} failed: ${message}`);
      void vscode.window.showErrorMessage(`Could not pull ${ref.runId}: ${message}`);
      return undefined;
    }
    services.log.info(`Pulled ${ref.runId} from ${result.source} to ${result.to}: ${result.fetched} fetched (${result.bytes} bytes), ${result.unchanged} unchanged`);
    for (const w of result.warnings) services.log.warn(w);
    const sandbox = await relistStoreOf(services.runs, result.configFile);
    const sandboxRef: RunRef | undefined = sandbox ? { storeId: sandbox.id, runId: ref.runId } : undefined;
    const out: PullCommandResult = { ...result, sandboxRef };
    if (options.quiet) return out;
    const where = folder ? path.relative(folder.uri.fsPath, result.to) || '.' : result.to;
    const retry = 'Retry in Sandbox';
    const choice = options.retry
      ? retry
      : await vscode.window.showInformationMessage(
          `Pulled ${ref.runId} into ${where}: ${result.fetched} objects fetched (${kb(result.bytes)}), ${result.unchanged} unchanged. Production is not touched by a retry there.${result.warnings.length ? ` ${result.warnings.length} item(s) skipped as unsafe; see the Runnable output.` : ''}`,
          ...(sandboxRef ? [retry] : []),
          'Open Sandbox Config',
        );
    if (choice === retry && sandboxRef) await vscode.commands.executeCommand(Commands.retryLocally, sandboxRef);
    else if (choice === 'Open Sandbox Config') await vscode.window.showTextDocument(vscode.Uri.file(result.configFile));
    return out;
  };
}
