// activate/deactivate only: logger, services, then each feature registers itself.
import * as vscode from 'vscode';
import { createLogger } from './vscode/logger';
import { createRunsModel } from './vscode/explorer/register';
import { registerExplorer } from './vscode/explorer/register';
import { registerRetry } from './vscode/debug/register';
import { registerLanguage } from './vscode/language/register';
import { registerDetails } from './vscode/details/register';
import { registerReplay } from './vscode/replay/register';
import { registerRemote } from './vscode/remote/register';
import { CredentialStore } from './vscode/remote/credentialStore';
import { registerPipelines } from './vscode/pipelines/register';
import type { Services } from './vscode/services';
import { errorMessage } from './core/text/errorMessage';

export async function activate(context: vscode.ExtensionContext): Promise<Services> {
  const log = createLogger(context);
  try {
    // The S3 stores are opened with the credentials entered and the profiles chosen (SecretStorage, settings).
    const credentials = new CredentialStore(context.secrets);
    context.subscriptions.push(credentials);
    const runs = createRunsModel(context, log, credentials);
    const services: Services = { context, log, runs, credentials };
    registerExplorer(services);
    registerRemote(services);
    registerRetry(services);
    registerLanguage(services);
    registerDetails(services);
    registerReplay(services);
    registerPipelines(services);
    log.info(`Runnable extension activated (VS Code ${vscode.version})`);
    return services;
  } catch (e) {
    log.error(`Activation failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    void vscode.window.showErrorMessage(`Runnable could not start: ${errorMessage(e)}`);
    throw e;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
