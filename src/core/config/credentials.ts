// The credentials port: what an S3 store reads with, asked by store id each time the store starts a read. Stores are
// opened with a CredentialSource (openStore, StoreRegistry); nothing patches keys into an open store. Discovery gives
// the config files' keys (configCredentials), the VS Code glue the keys the user entered and the AWS profile chosen
// (src/vscode/remote/credentialStore.ts); layerCredentials stacks them. Values go to the S3 client only, never to a log.
import type { S3Secrets } from './storeSettings';

/** An access key pair (with a session token for temporary keys). */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Everything that decides one store's identity; core/stores/s3/credentials.ts orders them (config keys first). */
export interface StoreCredentials {
  /** Keys the store's config file sets for the run log store and its catalog (runnable's own: they come first). */
  config?: { runLogStore?: S3Secrets; catalog?: S3Secrets };
  /** Keys the user entered for this store ("Runnable: Set S3 Credentials"). */
  entered?: Credentials;
  /** The AWS profile chosen for this store (`runnable.awsProfiles`). */
  profile?: string;
}

export interface CredentialSource {
  /**
   * This store's credentials as they stand now; undefined when the source has none for it. A source that knows them
   * without waiting (the config's keys, a test's) answers directly, so a store opened with it names its identity at
   * once (the root's label before the first request); the SecretStorage glue answers with a promise.
   */
  get(storeId: string): StoreCredentials | undefined | Promise<StoreCredentials | undefined>;
  /** Fires with the id of a store whose credentials changed (the reader then re-lists that store only). */
  onDidChange?(listener: (storeId: string) => void): { dispose(): void };
}

/** No credentials at all: S3 stores fall back to the AWS default chain and runnable's default. */
export const NO_CREDENTIALS: CredentialSource = { get: () => undefined };

/** The config files' keys, by store id (what discovery read; the first config naming a store wins). */
export function configCredentials(keys: ReadonlyMap<string, NonNullable<StoreCredentials['config']>>): CredentialSource {
  return { get: (storeId) => (keys.has(storeId) ? { config: keys.get(storeId) } : undefined) };
}

/** Fixed credentials for every store (the CLI's, a test's). */
export function fixedCredentials(c: StoreCredentials): CredentialSource {
  return { get: () => c };
}

/** Several sources as one: each field from the first source that sets it; a change in any of them is a change. */
export function layerCredentials(...sources: Array<CredentialSource | undefined>): CredentialSource {
  const all = sources.filter((s): s is CredentialSource => !!s);
  if (all.length === 1) return all[0];
  const merge = (parts: Array<StoreCredentials | undefined>): StoreCredentials | undefined => {
    const out: StoreCredentials = {};
    for (const p of parts) {
      if (!p) continue;
      if (!out.config && p.config) out.config = p.config;
      if (!out.entered && p.entered) out.entered = p.entered;
      if (!out.profile && p.profile) out.profile = p.profile;
    }
    return out.config || out.entered || out.profile ? out : undefined;
  };
  return {
    get(storeId) {
      const parts = all.map((s) => s.get(storeId));
      // Answers directly when every layer does (see CredentialSource.get).
      return parts.some(isPromise) ? Promise.all(parts).then(merge) : merge(parts as Array<StoreCredentials | undefined>);
    },
    onDidChange(listener) {
      const subs = all.flatMap((s) => (s.onDidChange ? [s.onDidChange(listener)] : []));
      return { dispose: () => subs.forEach((d) => d.dispose()) };
    },
  };
}

/**
 * A digest of the credentials (sha256, never the values): equal digests read with the same identity, so a store
 * compares digests to know when to drop its client and caches, and a registry to know when to reopen a store.
 */
export function credentialsDigest(c: StoreCredentials | undefined): string {
  if (!c) return '';
  const pair = (k: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined) =>
    k ? [k.accessKeyId, k.secretAccessKey, k.sessionToken ?? ''] : null;
  const canonical = JSON.stringify([pair(c.config?.runLogStore), pair(c.config?.catalog), pair(c.entered), c.profile ?? null]);
  // node:crypto on first use: most processes (a CLI `list` of a local store) never hash credentials, and loading it
  // costs a whole-process list several ms (scripts/bench/list-show.mjs).
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(canonical).digest('hex');
}

export function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return !!v && typeof (v as { then?: unknown }).then === 'function';
}
