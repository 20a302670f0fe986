// The replay debug adapter inside the extension host (DebugAdapterInlineImplementation), for `request: "replay"`
// sessions of the `runnable` type; the debugpy factory hands these sessions here.
import * as vscode from 'vscode';
import { ReplaySession } from '../../replay/replaySession';
import type { Services } from '../services';
import { ServicesRunSource } from './servicesRunSource';

export const REPLAY_REQUEST = 'replay';

export function isReplaySession(session: vscode.DebugSession): boolean {
  return session.configuration.request === REPLAY_REQUEST;
}

export function replayAdapterDescriptor(services: Services): vscode.DebugAdapterDescriptor {
  services.log.info('Starting the replay debug adapter (in the extension host; nothing is executed).');
  // ReplaySession speaks the same handleMessage/onDidSendMessage protocol the inline implementation expects.
  return new vscode.DebugAdapterInlineImplementation(new ReplaySession(new ServicesRunSource(services.runs)) as unknown as vscode.DebugAdapter);
}
