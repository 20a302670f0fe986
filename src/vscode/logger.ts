// The one logger: a LogOutputChannel named "Runnable". Log commands and env KEYS, never values or credentials.
import * as vscode from 'vscode';

export type Logger = Pick<vscode.LogOutputChannel, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'show'>;

export function createLogger(context: vscode.ExtensionContext): vscode.LogOutputChannel {
  const channel = vscode.window.createOutputChannel('Runnable', { log: true });
  context.subscriptions.push(channel);
  return channel;
}
