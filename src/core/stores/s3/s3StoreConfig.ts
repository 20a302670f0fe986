// Builds the S3 access (settings + credentials) for a minio / chunked-minio store and its minio catalog from a
// StoreDescriptor (endpoint/bucket from its masked settings) and the store's credentials from the port
// (core/config/credentials.ts: the config's keys, keys the user entered, the AWS profile chosen).
import type { CredentialSource, StoreCredentials } from '../../config/credentials';
import { loadConfigFile } from '../../config/configFile';
import { serviceKwargs } from '../../config/storeSettings';
import { gatherVariables } from '../../config/templating';
import type { StoreDescriptor } from '../runLogStore';
import { resolveCredentials, secretsOf, type ResolvedCredentials, type S3Credentials } from './credentials';
import { readS3Settings, RUNNABLE_S3_DEFAULTS, splitBucket, type S3Settings } from './s3Settings';

export interface S3StoreOptions {
  env?: Record<string, string | undefined>;
  /**
   * Where the store's credentials come from (the config's keys, keys entered, the AWS profile chosen), asked before
   * each read: a change there is read with at the next listing, with no call into the open store. None: the AWS
   * default chain, then runnable's default.
   */
  credentials?: CredentialSource;
  timeoutMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Runs whose summary (status, tag, start) is read on listing, newest first; the rest list by id and date only. */
  summaryLimit?: number;
  /** Parallel GETs for summaries and pulls. */
  concurrency?: number;
  /** `runnable.variables`, for reading the catalog section of the config. */
  variables?: Record<string, string>;
  /** Home folder holding ~/.aws (tests). */
  home?: string;
}

export interface ResolvedS3 {
  settings: S3Settings;
  credentials: ResolvedCredentials;
  secrets: string[];
}

/**
 * discovery always fills runnable's defaults (minioadmin) into the secrets; a pair equal to those defaults is taken
 * as "the config sets no keys", so the user's entered keys and the AWS environment get their turn. runnable would
 * send minioadmin in that case, which is what the chain ends with.
 */
function configKeys(s: { accessKeyId: string; secretAccessKey: string } | undefined): S3Credentials | undefined {
  if (!s) return undefined;
  if (s.accessKeyId === RUNNABLE_S3_DEFAULTS.accessKeyId && s.secretAccessKey === RUNNABLE_S3_DEFAULTS.secretAccessKey) return undefined;
  return { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey };
}

export function resolveRunLogS3(d: StoreDescriptor, creds: StoreCredentials | undefined, opts: S3StoreOptions = {}): ResolvedS3 {
  const env = opts.env ?? process.env;
  const source = d.configFiles[0] ?? 'runnable defaults';
  const settings = readS3Settings(d.settings, 'run-log-store', source, env);
  const secrets = creds?.config?.runLogStore;
  const credentials = resolveCredentials({ config: configKeys(secrets), entered: creds?.entered, profile: creds?.profile, env, home: opts.home, region: settings.region });
  return { settings, credentials, secrets: secretsOf(credentials, [secrets, creds?.entered]) };
}

/**
 * The catalog's S3 settings. The descriptor carries only `s3://bucket` for the catalog, so the endpoint comes from
 * the config file's catalog section (placeholders filled from RUNNABLE_VAR_* and `variables`); when the file cannot
 * be read the run log store's endpoint is assumed (runnable configs use one endpoint for both in practice).
 */
export async function resolveCatalogS3(d: StoreDescriptor, runLog: ResolvedS3, creds: StoreCredentials | undefined, opts: S3StoreOptions = {}): Promise<ResolvedS3 | undefined> {
  if (!d.catalog || (d.catalog.type !== 'minio' && d.catalog.type !== 's3')) return undefined;
  const env = opts.env ?? process.env;
  const file = d.configFiles[0];
  let kw: Record<string, unknown> | undefined;
  if (file) {
    try {
      const cfg = await loadConfigFile(file, gatherVariables(env, opts.variables ?? {}));
      if (cfg.catalog) kw = serviceKwargs(cfg.catalog.raw);
    } catch {
      kw = undefined;
    }
  }
  if (!kw) {
    const { bucket, prefix } = splitBucket(d.catalog.location);
    kw = { endpoint_url: runLog.settings.endpointUrl, bucket: bucket + (prefix ? '/' + prefix : '') };
  }
  const settings = readS3Settings(kw, 'catalog', file ?? 'runnable defaults', env);
  const secrets = creds?.config?.catalog;
  const credentials = resolveCredentials({ config: configKeys(secrets), entered: creds?.entered, profile: creds?.profile, env, home: opts.home, region: settings.region });
  return { settings, credentials, secrets: [...secretsOf(credentials, [secrets, creds?.entered]), ...runLog.secrets] };
}
