// The credentials port (core/config/credentials.ts) in VS Code: S3 keys the user entered, kept in SecretStorage (the OS
// keychain), one entry per store id, and the AWS profile chosen per store (user setting `runnable.awsProfiles`). The
// Runs view opens its stores with this; a change to one store's keys or profile fires onDidChange with that store's
// id, and the Runs view re-lists that store only. Values go from here to the store's S3 client only: never to a log,
// label, tooltip or message.
import * as vscode from 'vscode';
import { credentialsDigest, type CredentialSource, type StoreCredentials } from '../../core/config/credentials';
import { awsProfileFor, type S3Credentials } from '../../core/stores/s3/credentials';
import { Disposable } from '../disposable';
import { readSettings } from '../settings';

const PREFIX = 'runnable.s3Credentials:';

export class CredentialStore extends Disposable implements CredentialSource {
  private readonly changed = this.register(new vscode.EventEmitter<string>());
  /** Entered keys by store id, as last read from SecretStorage (a store asks before every read). */
  private readonly entered = new Map<string, Promise<S3Credentials | undefined>>();
  /**
   * The credentials each store that asked was last said to have (a digest, never values): set on its first ask, then
   * only by a change event, so a change fires once even when a store asked again in between.
   */
  private readonly announced = new Map<string, string>();

  constructor(private readonly secrets: vscode.SecretStorage, private readonly profiles: () => Record<string, string> = () => readSettings().settings.awsProfiles) {
    super();
    this.register(
      secrets.onDidChange((e) => {
        if (!e.key.startsWith(PREFIX)) return;
        const storeId = e.key.slice(PREFIX.length);
        this.entered.delete(storeId);
        void this.recheck(storeId);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('runnable.awsProfiles')) for (const storeId of [...this.announced.keys()]) void this.recheck(storeId);
      }),
    );
  }

  onDidChange(listener: (storeId: string) => void): vscode.Disposable {
    return this.changed.event(listener);
  }

  async get(storeId: string): Promise<StoreCredentials | undefined> {
    const entered = await this.enteredKeys(storeId);
    const profile = awsProfileFor(this.profiles(), storeId);
    const c = entered || profile ? { ...(entered ? { entered } : {}), ...(profile ? { profile } : {}) } : undefined;
    if (!this.announced.has(storeId)) this.announced.set(storeId, credentialsDigest(c));
    return c;
  }

  /** The keys entered for this store (SecretStorage), read once until they change. */
  enteredKeys(storeId: string): Promise<S3Credentials | undefined> {
    let p = this.entered.get(storeId);
    if (!p) {
      p = this.read(storeId);
      this.entered.set(storeId, p);
      p.catch(() => this.entered.delete(storeId));
    }
    return p;
  }

  async set(storeId: string, c: S3Credentials): Promise<void> {
    this.entered.set(storeId, Promise.resolve(c));
    await this.secrets.store(PREFIX + storeId, JSON.stringify(c));
    await this.recheck(storeId);
  }

  async delete(storeId: string): Promise<void> {
    this.entered.set(storeId, Promise.resolve(undefined));
    await this.secrets.delete(PREFIX + storeId);
    await this.recheck(storeId);
  }

  /**
   * Fires onDidChange(storeId) when the store's credentials now differ from what it was last told. One check at a time
   * per store: a save here and SecretStorage's own event for it are one change, not two.
   */
  private recheck(storeId: string): Promise<void> {
    const next = (this.checks.get(storeId) ?? Promise.resolve()).then(async () => {
      const before = this.announced.get(storeId);
      // A store never asked has nothing to re-read: its first listing asks.
      if (before === undefined) return;
      const now = credentialsDigest(await this.get(storeId));
      if (before === now) return;
      this.announced.set(storeId, now);
      this.changed.fire(storeId);
    }).catch(() => undefined);
    this.checks.set(storeId, next);
    return next;
  }

  private readonly checks = new Map<string, Promise<void>>();

  private async read(storeId: string): Promise<S3Credentials | undefined> {
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
}
