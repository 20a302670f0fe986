// The replay feature: "Replay Run in Debugger" (tree, palette) starts a `request: "replay"` session of the
// `runnable` debug type (served by the inline replay adapter), and from a paused failed attempt one action
// starts Retry locally for that run.
import * as vscode from 'vscode';
import { Commands } from '../commands/ids';
import { DEBUG_TYPE } from '../debug/launchArgs';
import { toRunRef, type Services } from '../services';
import { REPLAY_REQUEST } from './replayAdapter';
import { ReplayStops } from './replayStops';

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

  const retryFromReplay = async (): Promise<unknown> => {
    const stop = stops.of(vscode.debug.activeDebugSession);
    if (!stop?.failedAttempt) {
      void vscode.window.showInformationMessage('Pause the replay on a failed attempt first (the "Failed attempts" breakpoint stops there), then retry that run locally.');
      return undefined;
    }
    if (!stop.storeId) {
      void vscode.window.showErrorMessage(`The replay of ${stop.runId} does not know its run log store: use "Runnable: Retry Locally" from the Runs view.`);
      return undefined;
    }
    return vscode.commands.executeCommand(Commands.retryLocally, { storeId: stop.storeId, runId: stop.runId, stepInternalName: stop.stepInternalName });
  };

  context.subscriptions.push(
    stops,
    vscode.commands.registerCommand(Commands.replayRun, replayRun),
    vscode.commands.registerCommand(Commands.retryFromReplay, retryFromReplay),
  );
  return stops;
}
