// "What changed since the run" and "Retry at the Recorded Commit": the diff editor of the failed step's function file
// at the git commit its attempt recorded (read-only documents of scheme runnable-git, `git show <commit>:<path>`)
// against the working file, and a retry run in a temporary `git worktree` of that commit (the user's working tree
// untouched), removed when the session ends. git runs only in a trusted workspace.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addWorktree, fileAtCommit, removeOrphanWorktrees, removeWorktree, type Worktree } from '../../core/git/git';
import { generatedConfigText } from '../../core/retry/retryConfig';
import { stepCodeDrift, type StepDrift } from '../../core/retry/stepDrift';
import type { Run } from '../../core/runlog/model';
import type { StoreDescriptor } from '../../core/stores/runLogStore';
import { StoreRegistry } from '../../core/stores/storeRegistry';
import { promises as fs } from 'node:fs';
import { folderOfStore, startRunnableSession } from '../debug/startSession';
import type { RetryOutcome, RetrySessions } from '../debug/retrySessions';
import { toRunRef, type RunRef, type Services } from '../services';
import { Commands } from '../../core/commandIds';
import { errorMessage } from '../../core/text/errorMessage';
import { registerCommand } from './registerCommand';

export const COMMIT_SCHEME = 'runnable-git';

/** `runnable-git:/abs/path/functions.py?<commit>`: the file as it was at the commit (the path keeps the language). */
export function commitUri(file: string, commit: string): vscode.Uri {
  return vscode.Uri.file(file).with({ scheme: COMMIT_SCHEME, query: commit });
}

/** Read-only: VS Code opens documents of a content provider's scheme read-only. */
class CommitContentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    if (!vscode.workspace.isTrusted) return '# git is not run in an untrusted workspace: trust it to see the file at the run\'s commit.\n';
    const text = await fileAtCommit(uri.fsPath, uri.query);
    return text ?? `# ${path.basename(uri.fsPath)} did not exist at commit ${uri.query.slice(0, 8)}.\n`;
  }
}

/** Launch attributes tests (or other commands) may pass: where the run's workspace is, and the config reading it. */
interface Where { cwd?: string; configFile?: string; env?: Record<string, string> }

export interface ShowChangesResult { drift?: StepDrift; error?: string; opened: boolean }
export interface RetryAtCommitResult extends RetryOutcome { started: boolean; worktree?: string; error?: string }

const UNTRUSTED = 'Comparing with the run\'s commit runs git, which reads the repository\'s configuration, so it is disabled in an untrusted workspace. Trust this workspace (Manage Workspace Trust) first.';

export function registerCodeAtRunCommands(services: Services, sessions: RetrySessions): vscode.Disposable[] {
  /** The run, the workspace folder its code is in, and the store reading it (the Runs view's, or the one `where.configFile` names). */
  const locate = async (ref: RunRef, where: Where): Promise<{ run: Run; cwd: string; store?: StoreDescriptor } | { error: string }> => {
    const store = services.runs.store(ref.storeId);
    const cwd = where.cwd ?? folderOfStore(store)?.uri.fsPath ?? (store ? path.dirname(store.descriptor.configFiles[0] ?? store.descriptor.location) : undefined);
    if (!cwd) return { error: 'Open the workspace folder of the run first.' };
    try {
      if (where.configFile) {
        const file = path.resolve(cwd, where.configFile);
        const registry = await StoreRegistry.discover({ cwd, configFile: file, env: { ...process.env, ...(where.env ?? {}) }, globs: [] });
        if (!registry.discovery.stores.some((s) => s.configFiles.includes(file))) return { error: `${file} names no run log store.` };
        const found = await registry.findRun(ref.runId, { configFile: file });
        return { run: found.run, cwd, store: found.store.descriptor };
      }
      return { run: await services.runs.getRun(ref), cwd, store: store?.descriptor };
    } catch (e) {
      return { error: `Run ${ref.runId} could not be read: ${errorMessage(e)}` };
    }
  };

  const stepOf = (arg: unknown, ref: RunRef): { step?: string; attempt?: number } => {
    const node = arg && typeof arg === 'object' ? (arg as { kind?: unknown; attempt?: { number?: unknown }; step?: { internalName?: unknown } }) : undefined;
    const step = ref.stepInternalName ?? (typeof node?.step?.internalName === 'string' ? node.step.internalName : undefined);
    const attempt = node?.kind === 'attempt' && typeof node.attempt?.number === 'number' ? node.attempt.number : undefined;
    return { step, attempt };
  };

  const showChanges = async (arg?: unknown, where: Where = {}): Promise<ShowChangesResult | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(UNTRUSTED);
      return { error: UNTRUSTED, opened: false };
    }
    const ref = toRunRef(arg) ?? (await services.runs.pickRun({ failedOnly: true, title: 'Show what changed since a failed run' }));
    if (!ref) return undefined;
    const found = await locate(ref, where);
    if ('error' in found) {
      void vscode.window.showErrorMessage(found.error);
      return { error: found.error, opened: false };
    }
    const { step, attempt } = stepOf(arg, ref);
    const drift = await stepCodeDrift(found.run, found.cwd, step, attempt);
    if ('error' in drift) {
      void vscode.window.showInformationMessage(drift.error);
      return { error: drift.error, opened: false };
    }
    services.log.info(`What changed since ${ref.runId} (${drift.step}, attempt ${drift.attempt}): ${drift.text}`);
    if (drift.kind === 'missing') {
      void vscode.window.showWarningMessage(drift.text);
      return { drift, opened: false };
    }
    const title = `${drift.relFile} (commit ${drift.commit.slice(0, 8)} of ${ref.runId}) ↔ now${drift.dirtyAtRun ? ' · dirty at run time' : ''}`;
    await vscode.commands.executeCommand('vscode.diff', commitUri(drift.file, drift.commit), vscode.Uri.file(drift.file), title, { preview: false });
    return { drift, opened: true };
  };

  /**
   * Retry at the Recorded Commit: the commit the failed attempt recorded is checked out into a temporary worktree and
   * the usual retry runs there (cwd and program in the worktree). The run's store stays the original one through a
   * config written beside the worktree with absolute store and catalog folders: runnable resolves a config's relative
   * `log_folder` / `catalog_location` from its working directory, which is now the worktree (where `.run_log_store`
   * is not: it is not committed). The worktree is removed when the session ends (or when the launch never starts).
   */
  const retryAtCommit = async (arg?: unknown, where: Where & Record<string, unknown> = {}): Promise<RetryAtCommitResult | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(UNTRUSTED);
      return { error: UNTRUSTED, started: false, banner: [], warnings: [] };
    }
    const ref = toRunRef(arg) ?? (await services.runs.pickRun({ failedOnly: true, title: 'Retry a failed run at the commit it recorded' }));
    if (!ref) return undefined;
    const fail = (error: string): RetryAtCommitResult => {
      void vscode.window.showErrorMessage(error);
      return { error, started: false, banner: [], warnings: [] };
    };
    const found = await locate(ref, where);
    if ('error' in found) return fail(found.error);
    const drift = await stepCodeDrift(found.run, found.cwd);
    if ('error' in drift) return fail(`Cannot retry ${ref.runId} at its recorded commit: ${drift.error}`);
    if (drift.kind === 'missing') return fail(`Cannot retry ${ref.runId} at its recorded commit: ${drift.text}`);
    // The store the run is in, written as absolute folders into a config the retry in the worktree uses.
    const descriptor = found.store;
    if (!descriptor) return fail(`The store of ${ref.runId} was not found.`);
    if (descriptor.type !== 'file-system' && descriptor.type !== 'chunked-fs') return fail(`Retry at the Recorded Commit works on local stores (file-system, chunked-fs); ${ref.runId} is in a ${descriptor.type} store: pull it to the sandbox and retry it there.`);
    for (const dir of await removeOrphanWorktrees(found.cwd)) services.log.info(`Removed a worktree left by an earlier Retry at the Recorded Commit whose VS Code is gone (${dir}).`);
    let worktree: Worktree;
    try {
      worktree = await addWorktree(found.cwd, drift.commit);
    } catch (e) {
      return fail(`Cannot retry ${ref.runId} at commit ${drift.commit.slice(0, 8)}: ${errorMessage(e)}`);
    }
    // The workspace folder's place inside the repository is the same inside the worktree.
    const cwd = path.join(worktree.dir, path.relative(worktree.repo, await fs.realpath(found.cwd)));
    const configFile = path.join(worktree.base, 'retry-config.yaml');
    await fs.writeFile(configFile, generatedConfigText(found.run, descriptor, found.run.layout ?? descriptor.type).replace(
      /^# Written by[^\n]*\n[^\n]*\n/,
      `# Written by Runnable Retry & Recovery: a retry of ${ref.runId} at its recorded commit ${drift.commit.slice(0, 8)}, run in the worktree\n# ${worktree.dir}; the run's own store and catalog, as absolute folders.\n`,
    ));
    services.log.info(`Retry of ${ref.runId} at commit ${drift.commit.slice(0, 8)}: git worktree ${worktree.dir} (config ${configFile}); ${drift.text}`);
    let cleaned = false;
    const cleanup = async (): Promise<void> => {
      if (cleaned) return;
      cleaned = true;
      await removeWorktree(worktree);
      services.log.info(`Removed the worktree of commit ${drift.commit.slice(0, 8)} (${worktree.dir}).`);
    };
    const rest = Object.fromEntries(Object.entries(where).filter(([k]) => k !== 'cwd' && k !== 'configFile'));
    // Subscribed before the launch: the session is the root `runnable` session running in the worktree.
    const sub = vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.parentSession || s.type !== 'runnable' || (s.configuration as { cwd?: unknown }).cwd !== cwd) return;
      sub.dispose();
      void cleanup();
    });
    let outcome: RetryOutcome & { started: boolean };
    try {
      outcome = await startRunnableSession(services, sessions, ref, `Retry ${ref.runId} at ${drift.commit.slice(0, 8)}`, { ...rest, cwd, configFile });
    } catch (e) {
      sub.dispose();
      await cleanup();
      throw e;
    }
    if (!outcome.started) {
      sub.dispose();
      await cleanup();
    }
    return { ...outcome, worktree: worktree.dir };
  };

  return [
    vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, new CommitContentProvider()),
    registerCommand(Commands.showChangesSinceRun, showChanges, services.log),
    registerCommand(Commands.retryAtRecordedCommit, retryAtCommit, services.log),
  ];
}
