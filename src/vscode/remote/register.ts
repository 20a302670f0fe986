// Remote stores in VS Code: "Set S3 Credentials" (SecretStorage), "Pull Run to Local Sandbox", and keeping entered
// credentials applied to the S3 stores the Runs view opens. Called from extension.ts.
import * as vscode from 'vscode';
import { Commands } from '../../core/commandIds';
import type { Services } from '../services';
import { awsProfileFor } from '../../core/stores/s3/credentials';
import { readSettings } from '../settings';
import { chooseProfileCommand } from './chooseProfileCommand';
import { CredentialStore } from './credentialStore';
import { pullRunCommand } from './pullRunCommand';
import { applyEnteredCredentials, remoteDescriptors, s3StoreOf } from './remoteStores';
import { startRemotePoll } from './remotePoll';
import { setCredentialsCommand } from './setCredentialsCommand';
import { errorMessage } from '../../core/text/errorMessage';
import { registerCommand } from '../commands/registerCommand';

export function registerRemote(services: Services): void {
  const { context } = services;
  const creds = new CredentialStore(context.secrets);
  const applied = new WeakSet<object>();
  const refreshedFor = new Set<string>();

  const warned = new Set<string>();
  const apply = async (): Promise<void> => {
    try {
      // Config keys runnable ignores (endpoint, bucket_name...): said once per store, in the log and a warning.
      for (const d of await remoteDescriptors(services)) {
        const store = s3StoreOf(services, d.id);
        if (!store || warned.has(d.id) || !store.warnings.length) continue;
        warned.add(d.id);
        store.warnings.forEach((w) => services.log.warn(w));
        void vscode.window.showWarningMessage(store.warnings[0] + (store.warnings.length > 1 ? ` (and ${store.warnings.length - 1} more in the Runnable log)` : ''));
      }
      // The profile chosen per store (runnable.awsProfiles); a store that already read with another identity re-lists.
      let stale = false;
      for (const d of await remoteDescriptors(services)) {
        const store = s3StoreOf(services, d.id);
        if (!store) continue;
        const profile = awsProfileFor(readSettings().settings.awsProfiles, d.id);
        if (store.profile !== profile) {
          if (store.requestCount > 0) stale = true;
          store.setProfile(profile);
        }
      }
      // A changed profile re-lists at once (the next apply finds it set, so this does not repeat).
      const enteredStale = await applyEnteredCredentials(services, creds, applied);
      if (stale) services.runs.refresh();
      else if (enteredStale) {
        // A store listed before its saved keys were applied: re-read once (the set guards against loops).
        const key = (await services.runs.descriptors()).map((d) => d.id).join('|');
        if (!refreshedFor.has(key)) {
          refreshedFor.add(key);
          services.runs.refresh();
        }
      }
    } catch (e) {
      services.log.warn(`Could not apply saved S3 credentials: ${errorMessage(e)}`);
    }
  };

  context.subscriptions.push(
    registerCommand(Commands.setCredentials, setCredentialsCommand(services, creds), services.log),
    registerCommand(Commands.chooseAwsProfile, chooseProfileCommand(services), services.log),
    registerCommand(Commands.pullRun, pullRunCommand(services), services.log),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('runnable.awsProfiles')) void apply();
    }),
    services.runs.onDidChange(() => void apply()),
    startRemotePoll(services),
    context.secrets.onDidChange((e) => {
      if (e.key.startsWith('runnable.s3Credentials:')) services.runs.refresh();
    }),
  );
  void apply();
}
