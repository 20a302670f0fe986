// Remote stores in VS Code: "Set S3 Credentials" (SecretStorage), "Choose AWS Profile", "Pull Run to Local Sandbox",
// the poll of remote roots, and re-listing the one store whose credentials changed. Called from extension.ts.
import * as vscode from 'vscode';
import { Commands } from '../../core/commandIds';
import type { Services } from '../services';
import { chooseProfileCommand } from './chooseProfileCommand';
import { CredentialStore } from './credentialStore';
import { pullRunCommand } from './pullRunCommand';
import { remoteDescriptors, s3StoreOf } from './remoteStores';
import { startRemotePoll } from './remotePoll';
import { setCredentialsCommand } from './setCredentialsCommand';
import { errorMessage } from '../../core/text/errorMessage';
import { registerCommand } from '../commands/registerCommand';

export function registerRemote(services: Services): void {
  const { context } = services;
  // activate() opens the stores with services.credentials; a bare Services (a test's) gets its own here.
  const creds = services.credentials ?? new CredentialStore(context.secrets);
  if (!services.credentials) context.subscriptions.push(creds);

  const warned = new Set<string>();
  const warn = async (): Promise<void> => {
    try {
      // Config keys runnable ignores (endpoint, bucket_name...): said once per store, in the log and a warning.
      for (const d of await remoteDescriptors(services)) {
        const store = s3StoreOf(services, d.id);
        if (!store || warned.has(d.id) || !store.warnings.length) continue;
        warned.add(d.id);
        store.warnings.forEach((w) => services.log.warn(w));
        void vscode.window.showWarningMessage(store.warnings[0] + (store.warnings.length > 1 ? ` (and ${store.warnings.length - 1} more in the Runnable log)` : ''));
      }
    } catch (e) {
      services.log.warn(`Could not check the remote stores' settings: ${errorMessage(e)}`);
    }
  };

  context.subscriptions.push(
    registerCommand(Commands.setCredentials, setCredentialsCommand(services, creds), services.log),
    registerCommand(Commands.chooseAwsProfile, chooseProfileCommand(services), services.log),
    registerCommand(Commands.pullRun, pullRunCommand(services), services.log),
    services.runs.onDidChange(() => void warn()),
    // Keys entered or cleared, another profile chosen (here, in another window, in settings.json): that store only.
    creds.onDidChange((storeId) => {
      services.log.info(`${storeId.replace(/^(chunked-)?minio:/, '')}: credentials changed; listing that store again.`);
      services.runs.refresh(storeId);
    }),
    startRemotePoll(services),
  );
  void warn();
}
