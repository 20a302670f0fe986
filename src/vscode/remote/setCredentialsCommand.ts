// "Runnable: Set S3 Credentials": asks for an access key pair for one minio / chunked-minio store and keeps it in
// SecretStorage; used when the config has no keys of its own. Nothing typed here is logged or shown back.
import * as vscode from 'vscode';
import type { StoreDescriptor } from '../../core/stores/runLogStore';
import type { Services } from '../services';
import type { CredentialStore } from './credentialStore';
import { remoteDescriptors, s3StoreOf } from './remoteStores';

/** The store a command was invoked on: a store root node, a RunRef-like node, or nothing. */
export function storeIdOf(arg: unknown): string | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as { storeId?: unknown; root?: { descriptor?: { id?: unknown } }; descriptor?: { id?: unknown }; ref?: { storeId?: unknown } };
  const id = a.storeId ?? a.root?.descriptor?.id ?? a.descriptor?.id ?? a.ref?.storeId;
  return typeof id === 'string' ? id : undefined;
}

/** The S3 store a command applies to: the one it was invoked on, the only one, or one the user picks. */
export async function pickStore(services: Services, arg: unknown, title = 'Set S3 credentials for which store?'): Promise<StoreDescriptor | undefined> {
  const remote = await remoteDescriptors(services);
  if (!remote.length) {
    void vscode.window.showInformationMessage('No minio or chunked-minio run log store in this workspace: S3 credentials are only needed for those.');
    return undefined;
  }
  const id = storeIdOf(arg);
  const given = id ? remote.find((d) => d.id === id) : undefined;
  if (given) return given;
  if (remote.length === 1) return remote[0];
  const picked = await vscode.window.showQuickPick(
    remote.map((d) => ({ label: d.label, description: s3StoreOf(services, d.id)?.displayLocation ?? d.location, d })),
    { title },
  );
  return picked?.d;
}

export function setCredentialsCommand(services: Services, creds: CredentialStore) {
  return async (arg?: unknown): Promise<boolean> => {
    const d = await pickStore(services, arg);
    if (!d) return false;
    const accessKeyId = await vscode.window.showInputBox({
      title: `S3 access key id for ${d.label}`,
      prompt: 'Kept in VS Code secret storage (the OS keychain), never written to settings or logs. Leave empty to forget saved credentials.',
      password: true,
      ignoreFocusOut: true,
    });
    if (accessKeyId === undefined) return false;
    if (accessKeyId.trim() === '') {
      // The store re-lists without them (CredentialStore.onDidChange → RunsService.refresh of this store).
      await creds.delete(d.id);
      void vscode.window.showInformationMessage(`Forgot the saved S3 credentials of ${d.label}.`);
      return true;
    }
    const secretAccessKey = await vscode.window.showInputBox({
      title: `S3 secret access key for ${d.label}`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter the secret access key.'),
    });
    if (!secretAccessKey) return false;
    const entered = { accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim() };
    // The store re-lists with them (CredentialStore.onDidChange → RunsService.refresh of this store).
    await creds.set(d.id, entered);
    const store = s3StoreOf(services, d.id);
    services.log.info(`S3 credentials saved for ${d.label} (secret storage).`);
    const configWins = store?.credentialSource === 'config';
    void vscode.window.showInformationMessage(
      configWins
        ? `Saved, but ${d.configFiles[0] ?? 'the config'} sets aws_access_key_id / aws_secret_access_key, which take precedence (as in runnable). Remove them from the config to use the saved ones.`
        : `Saved the S3 credentials of ${d.label} in VS Code's secret storage.`,
    );
    return true;
  };
}
