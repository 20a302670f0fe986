// The replay feature: "Replay Run in Debugger" (tree, palette) starts a `request: "replay"` session of the
// `runnable` debug type (served by the inline replay adapter), and from a paused failed attempt one action
// starts Retry locally for that run.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../core/commandIds';
import { DEBUG_TYPE } from '../../core/retry/launchArgs';
import { toRunRef, type Services } from '../services';
import { REPLAY_REQUEST } from './replayAdapter';
import { ReplayStops } from './replayStops';
import { registerCommand } from '../commands/registerCommand';

export function registerReplay(services: Services): ReplayStops {
  const { context, log, runs } = services;
  const stops = new ReplayStops();

  const replayRun = async (arg?: unknown): Promise<boolean> => {
    const ref = toRunRef(arg) ?? (await runs.pickRun({ title: 'Replay a run in the debugger' }));
    if (!ref) return false;
    const store = (await runs.descriptors()).find((d) => d.id === ref.storeId);
    const configFile = store?.configFiles[0];
    const folder = (configFile ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(configFile)) : undefined) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showErrorMessage('Replay needs a workspace folder: open the folder that holds your runnable config.');
      return false;
    }
    log.info(`Replaying run ${ref.runId} of store ${store?.label ?? ref.storeId} in the debugger.`);
    return vscode.debug.startDebugging(folder, {
      type: DEBUG_TYPE,
      request: REPLAY_REQUEST,
      name: `Replay ${ref.runId}`,
      runId: ref.runId,
      storeId: ref.storeId,
      cwd: folder.uri.fsPath,
    });
  };

  /**
   * The replay the action is about. VS Code calls the debug toolbar's entry with `null` (the focused session is meant)
   * and the call stack menu's with (the clicked item's id or source, `{ sessionId, threadId?, frameId? }`), so a
   * right-click on another replay's frame retries that replay's run, not the focused one's.
   */
  const replayFor = (arg: unknown, menuContext: unknown): vscode.DebugSession | undefined => {
    const fromMenu = menuContext && typeof menuContext === 'object' ? (menuContext as { sessionId?: unknown }).sessionId : undefined;
    const id = typeof fromMenu === 'string' ? fromMenu : typeof arg === 'string' ? arg : undefined;
    return (id !== undefined ? stops.session(id) : undefined) ?? vscode.debug.activeDebugSession;
  };

  // The replay session is left paused where it is: it only reads the recording, and the recorded failure stays
  // beside the live retry for comparison. The retry is a session of its own (debugpy through the `runnable` type).
  const retryFromReplay = async (arg?: unknown, menuContext?: unknown): Promise<unknown> => {
    const session = replayFor(arg, menuContext);
    const stop = stops.of(session);
    if (!session || !stop?.failedAttempt) {
      void vscode.window.showInformationMessage('Pause the replay on a failed attempt first (the "Failed attempts" breakpoint stops there), then retry that run locally.');
      return undefined;
    }
    if (!stop.storeId) {
      void vscode.window.showErrorMessage(`The replay of ${stop.runId} does not know its run log store: use "Runnable: Retry Locally" from the Runs view.`);
      return undefined;
    }
    const ref = { storeId: stop.storeId, runId: stop.runId, stepInternalName: stop.stepInternalName };
    // A store of the workspace: the retry finds its config (and, for a remote store, offers the sandbox) by itself.
    // A replay read through a config outside the workspace's stores: the retry must use that config and folder too.
    if (runs.store(stop.storeId)) return vscode.commands.executeCommand(Commands.retryLocally, ref);
    const { cwd, configFile } = session.configuration as { cwd?: string; configFile?: string };
    return vscode.commands.executeCommand(Commands.retryLocally, ref, {
      ...(cwd ? { cwd } : {}),
      ...(configFile ? { configFile: cwd ? path.resolve(cwd, configFile) : configFile } : {}),
    });
  };

  context.subscriptions.push(
    stops,
    registerCommand(Commands.replayRun, replayRun, log),
    registerCommand(Commands.retryFromReplay, retryFromReplay, log),
  );
  return stops;
}
