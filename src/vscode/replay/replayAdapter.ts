// The replay debug adapter inside the extension host (DebugAdapterInlineImplementation), for replay
// sessions of the `runnable` type; the debugpy factory hands these sessions here.
import * as vscode from 'vscode';
import { ReplaySession } from '../../replay/replaySession';
import type { Services } from '../services';
import { ServicesRunSource } from './servicesRunSource';

/** What a replay config says in launch.json; the configuration provider turns it into `request: "launch", replay: true`
 * (VS Code starts only launch/attach requests). */
export const REPLAY_REQUEST = 'replay';

export function replayAdapterDescriptor(services: Services): vscode.DebugAdapterDescriptor {
  services.log.info('Starting the replay debug adapter (in the extension host; nothing is executed).');
  // ReplaySession speaks the same handleMessage/onDidSendMessage protocol the inline implementation expects.
  return new vscode.DebugAdapterInlineImplementation(new ReplaySession(new ServicesRunSource(services.runs)) as unknown as vscode.DebugAdapter);
}
