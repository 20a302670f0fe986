// Remote stores in VS Code: "Set S3 Credentials" (SecretStorage), "Pull Run to Local Sandbox", and keeping entered
// credentials applied to the S3 stores the Runs view opens. Called from extension.ts.
import * as vscode from 'vscode';
import { Commands } from '../commands/ids';
import type { Services } from '../services';
import { CredentialStore } from './credentialStore';
import { pullRunCommand } from './pullRunCommand';
import { applyEnteredCredentials } from './remoteStores';
import { setCredentialsCommand } from './setCredentialsCommand';

export function registerRemote(services: Services): void {
  const { context } = services;
  const creds = new CredentialStore(context.secrets);
  const applied = new WeakSet<object>();
  const refreshedFor = new Set<string>();

  const apply = async (): Promise<void> => {
    try {
      if (await applyEnteredCredentials(services, creds, applied)) {
        // A store listed before its saved keys were applied: re-read once (the set guards against loops).
        const key = (await services.runs.descriptors()).map((d) => d.id).join('|');
        if (!refreshedFor.has(key)) {
          refreshedFor.add(key);
          services.runs.refresh();
        }
      }
    } catch (e) {
      services.log.warn(`Could not apply saved S3 credentials: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.setCredentials, setCredentialsCommand(services, creds)),
    vscode.commands.registerCommand(Commands.pullRun, pullRunCommand(services)),
    services.runs.onDidChange(() => void apply()),
    context.secrets.onDidChange((e) => {
      if (e.key.startsWith('runnable.s3Credentials:')) services.runs.refresh();
    }),
  );
  void apply();
}
