// S3 credentials the user entered, kept in VS Code's SecretStorage (OS keychain), one entry per store id.
// Values go from here to the store's S3 client only: never to a log, label, tooltip or message.
import type * as vscode from 'vscode';
import type { S3Credentials } from '../../core/stores/s3/credentials';

const PREFIX = 'runnable.s3Credentials:';

export class CredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(storeId: string): Promise<S3Credentials | undefined> {
    const raw = await this.secrets.get(PREFIX + storeId);
    if (!raw) return undefined;
    try {
      const c = JSON.parse(raw) as Partial<S3Credentials>;
      return typeof c.accessKeyId === 'string' && typeof c.secretAccessKey === 'string'
        ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) }
        : undefined;
    } catch {
      return undefined;
    }
  }

  async set(storeId: string, c: S3Credentials): Promise<void> {
    await this.secrets.store(PREFIX + storeId, JSON.stringify(c));
  }

  async delete(storeId: string): Promise<void> {
    await this.secrets.delete(PREFIX + storeId);
  }
}
