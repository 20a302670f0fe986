// Starting a `runnable` debug session for a run the Runs view shows, shared by Retry and Debug Step: the workspace
// folder that holds the run's store, a session token tying the session to its prepared outcome, and the release of
// the breakpoints of a launch that never started (a started session keeps them until it ends).
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { RunLogStore } from '../../core/stores/runLogStore';
import type { RunRef, Services } from '../services';
import { DEBUG_TYPE, SESSION_KEY } from '../../core/retry/launchArgs';
import type { RetryOutcome, RetrySessions } from './retrySessions';

/** The workspace folder holding a store (its first config, else its folder), else the first folder. */
export function folderOfStore(store: RunLogStore | undefined): vscode.WorkspaceFolder | undefined {
  const anchor = store?.descriptor.configFiles[0] ?? store?.descriptor.location;
  return (anchor && vscode.workspace.getWorkspaceFolder(vscode.Uri.file(anchor))) || vscode.workspace.workspaceFolders?.[0];
}

/** Starts the launch `{type: runnable, request: launch, name, runId, storeId, ...attributes}`; the outcome its preparation recorded. */
export async function startRunnableSession(
  services: Services,
  sessions: RetrySessions,
  ref: RunRef,
  name: string,
  attributes: Record<string, unknown>,
  options: vscode.DebugSessionOptions = {},
): Promise<RetryOutcome & { started: boolean }> {
  const token = randomUUID();
  const config: vscode.DebugConfiguration = { type: DEBUG_TYPE, request: 'launch', name, runId: ref.runId, storeId: ref.storeId, ...attributes, [SESSION_KEY]: token };
  try {
    const started = await vscode.debug.startDebugging(folderOfStore(services.runs.store(ref.storeId)), config, options);
    return { ...(sessions.outcome(token) ?? { banner: [], warnings: [] }), started };
  } finally {
    const outcome = sessions.outcome(token);
    if (outcome && !outcome.sessionId) sessions.release(token);
  }
}
