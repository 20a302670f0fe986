// Placeholder until the run explorer lands; its owner replaces this file.
import * as vscode from 'vscode';
import type { Logger } from '../logger';
import type { RunsService, Services } from '../services';

export function createRunsModel(_context: vscode.ExtensionContext, _log: Logger): RunsService {
  throw new Error('run explorer not yet implemented');
}

export function registerExplorer(_services: Services): void {
  // not yet implemented
}
