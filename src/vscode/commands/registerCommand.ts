// The one way the extension registers a command: a handler that fails is logged with its command id and shown as one
// sentence (never an unhandled rejection); what a handler returns reaches its caller (tests, `${command:…}` variables).
import * as vscode from 'vscode';
import { errorMessage } from '../../core/text/errorMessage';
import type { Logger } from '../logger';

export function registerCommand<A extends unknown[], R>(id: string, handler: (...args: A) => R | Promise<R>, log: Pick<Logger, 'error'>): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]): Promise<R | undefined> => {
    try {
      return await handler(...(args as A));
    } catch (e) {
      log.error(`${id} failed: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(errorMessage(e));
      return undefined;
    }
  });
}
