// Wires the Runs view: the model (shared with the other features as RunsService), the tree, its documents and commands.
import * as vscode from 'vscode';
import { registerExplorerCommands } from '../commands/explorerCommands';
import type { CredentialSource } from '../../core/config/credentials';
import type { Logger } from '../logger';
import type { RunsService, Services } from '../services';
import { FailureSignals } from './failureSignals';
import { RunDocumentsProvider } from './runDocuments';
import { describeFilter, isFilterActive } from '../../core/explorer/runFilter';
import { RunsModel } from './runsModel';
import { RunsTreeProvider } from './runsTreeProvider';

export const RUNS_VIEW_ID = 'runnable.runs';

export function createRunsModel(context: vscode.ExtensionContext, log: Logger, credentials?: CredentialSource): RunsService {
  const model = new RunsModel(log, credentials);
  context.subscriptions.push(model);
  return model;
}

export function registerExplorer(services: Services): void {
  const { context, log } = services;
  if (!(services.runs instanceof RunsModel)) throw new Error('The Runs view needs the RunsModel made by createRunsModel.');
  const model = services.runs;
  const provider = new RunsTreeProvider(model);
  const treeView = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const showFilter = () => {
    const f = model.filter;
    treeView.description = isFilterActive(f) ? `filtered: ${describeFilter(f)}` : undefined;
    treeView.message = isFilterActive(f) ? `Showing runs matching ${describeFilter(f)}. Clear the filter to see every run.` : undefined;
  };
  void vscode.commands.executeCommand('setContext', 'runnable.filterActive', false);
  const signals = new FailureSignals(model, treeView as vscode.TreeView<unknown>, log);
  context.subscriptions.push(
    provider,
    treeView,
    signals,
    model.onDidChange(showFilter),
    RunDocumentsProvider.register(model),
    registerExplorerCommands(model, log),
  );
  services.explorer = { treeView: treeView as vscode.TreeView<unknown>, provider: provider as vscode.TreeDataProvider<unknown>, newFailedRuns: () => signals.pending };
}
