// The S3 settings of a minio / chunked-minio run log store or minio catalog, read as runnable reads them.
// runnable (extensions/run_log_store/minio.py, chunked_minio.py, extensions/catalog/minio.py) accepts exactly
// endpoint_url, aws_access_key_id, aws_secret_access_key and bucket; everything else is rejected by pydantic.
import { withoutUserInfo } from '../../text/url';

/** runnable's defaults (pydantic Field defaults in the three classes above). */
export const RUNNABLE_S3_DEFAULTS = {
  endpointUrl: 'http://localhost:9002',
  accessKeyId: 'minioadmin',
  secretAccessKey: 'minioadmin',
  runLogBucket: 'runnable/run-logs',
  catalogBucket: 'runnable',
} as const;

/** Keys runnable's docs page shows but its code rejects, with the key that works. */
const WRONG_KEYS: Record<string, string> = {
  endpoint: 'endpoint_url',
  access_key: 'aws_access_key_id',
  secret_key: 'aws_secret_access_key',
  bucket_name: 'bucket',
};

export interface S3Location {
  endpointUrl: string;
  /** The real S3 bucket name (first segment of runnable's `bucket`). */
  bucket: string;
  /**
   * Key prefix inside the bucket, '' or ending in '/'. runnable builds `s3://{bucket}/{run_id}/` with cloudpathlib,
   * so its default bucket `runnable/run-logs` means bucket `runnable`, keys under `run-logs/`.
   */
  prefix: string;
  region: string;
}

export interface S3Settings extends S3Location {
  /** Keys from the config (after `${name}` substitution); undefined when the config leaves them to defaults. */
  configCredentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Sentences about the config (wrong keys, half-set credentials, unfilled placeholders). */
  warnings: string[];
}

export type S3Role = 'run-log-store' | 'catalog';

/** Splits runnable's `bucket` value (`name` or `name/some/prefix`) into bucket and key prefix. */
export function splitBucket(value: string): { bucket: string; prefix: string } {
  const trimmed = value.replace(/^s3:\/\//, '').replace(/^\/+|\/+$/g, '');
  const slash = trimmed.indexOf('/');
  if (slash < 0) return { bucket: trimmed, prefix: '' };
  return { bucket: trimmed.slice(0, slash), prefix: trimmed.slice(slash + 1) + '/' };
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number') return String(v);
  return undefined;
}

/**
 * Reads the `config:` block of a minio store/catalog. `source` names the config file for warnings.
 * Values are taken as given (placeholders already filled by the caller); secrets are never put into warnings.
 */
export function readS3Settings(
  config: Record<string, unknown> | undefined,
  role: S3Role,
  source: string,
  env: Record<string, string | undefined> = {},
): S3Settings {
  const c = config ?? {};
  const warnings: string[] = [];
  const section = role === 'catalog' ? 'catalog' : 'run-log-store';
  for (const [wrong, right] of Object.entries(WRONG_KEYS)) {
    if (wrong in c) {
      // Discovery fills runnable's defaults into the settings, so whether `right` was also written is not known here.
      warnings.push(
        `${source}: runnable does not read \`${section}.config.${wrong}\` (its docs show it, its code expects \`${right}\`); ` +
          `rename it to \`${right}\`. As written it is ignored and runnable uses \`${right}\` or its default.`,
      );
    }
  }
  // Userinfo is never used to sign (the keys are) and never kept (see storeSettings).
  const endpointUrl = withoutUserInfo(str(c.endpoint_url) ?? RUNNABLE_S3_DEFAULTS.endpointUrl);
  const bucketValue = str(c.bucket) ?? (role === 'catalog' ? RUNNABLE_S3_DEFAULTS.catalogBucket : RUNNABLE_S3_DEFAULTS.runLogBucket);
  const { bucket, prefix } = splitBucket(bucketValue);
  const accessKeyId = str(c.aws_access_key_id);
  const secretAccessKey = str(c.aws_secret_access_key);
  let configCredentials: S3Settings['configCredentials'];
  if (accessKeyId && secretAccessKey) {
    configCredentials = { accessKeyId, secretAccessKey };
  } else if (accessKeyId || secretAccessKey) {
    // runnable would pair the one given with its default for the other; we do the same and say so.
    configCredentials = {
      accessKeyId: accessKeyId ?? RUNNABLE_S3_DEFAULTS.accessKeyId,
      secretAccessKey: secretAccessKey ?? RUNNABLE_S3_DEFAULTS.secretAccessKey,
    };
    warnings.push(
      `${source}: only one of \`aws_access_key_id\` / \`aws_secret_access_key\` is set for the ${section}; runnable uses its default ` +
        `(minioadmin) for the other. Set both.`,
    );
  }
  for (const [key, value] of [['endpoint_url', endpointUrl], ['bucket', bucketValue], ['aws_access_key_id', accessKeyId], ['aws_secret_access_key', secretAccessKey]] as const) {
    if (value && /\$\{?[A-Za-z_]/.test(value)) {
      warnings.push(`${source}: \`${section}.config.${key}\` still holds an unfilled \`\${...}\` placeholder; set RUNNABLE_VAR_<name> or the \`runnable.variables\` setting.`);
    }
  }
  if (!/^https?:\/\//i.test(endpointUrl)) {
    warnings.push(`${source}: \`${section}.config.endpoint_url\` should start with http:// or https:// (got a value without a scheme).`);
  }
  const region = str(c.region) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return { endpointUrl, bucket, prefix, region, configCredentials, warnings };
}

/** Human-readable location, never containing credentials: `http://host:9002/bucket/prefix`. */
export function describeLocation(loc: S3Location): string {
  return `${withoutUserInfo(loc.endpointUrl).replace(/\/+$/, '')}/${loc.bucket}${loc.prefix ? '/' + loc.prefix.replace(/\/$/, '') : ''}`;
}

export { withoutUserInfo };
