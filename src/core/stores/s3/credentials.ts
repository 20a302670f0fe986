// Where an S3 store's credentials come from, in order: the config's keys, keys the user entered (SecretStorage),
// the AWS environment / shared profile, then runnable's own default (minioadmin). Values never leave this module
// except inside the SDK client; callers see only `source` and the secrets list used for redaction.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUNNABLE_S3_DEFAULTS } from './s3Settings';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type CredentialSource = 'config' | 'entered' | 'aws-environment' | 'aws-profile' | 'runnable-default';

export interface ResolvedCredentials {
  source: CredentialSource;
  /** For `aws-profile`: the profile name; the SDK reads the shared files itself. */
  profile?: string;
  /** Undefined only for `aws-profile`, where the SDK's ini provider supplies them. */
  credentials?: S3Credentials;
}

/** What the user sees about the source, never a value. */
export function describeCredentialSource(r: ResolvedCredentials): string {
  switch (r.source) {
    case 'config':
      return 'the keys in the config file';
    case 'entered':
      return 'the credentials entered with "Runnable: Set S3 Credentials"';
    case 'aws-environment':
      return 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment';
    case 'aws-profile':
      return `the AWS shared profile "${r.profile ?? 'default'}"`;
    case 'runnable-default':
      return "runnable's default credentials (minioadmin)";
  }
}

export interface CredentialInputs {
  config: S3Credentials | undefined;
  entered: S3Credentials | undefined;
  env: Record<string, string | undefined>;
  /** Home folder for ~/.aws (tests point it elsewhere). */
  home?: string;
}

/**
 * Picks the credentials. The SDK's full default chain would also try instance metadata (IMDS), which hangs for
 * seconds off EC2; we only take the environment and shared files from it and otherwise use runnable's default,
 * which is what runnable itself sends when the config has no keys.
 */
export function resolveCredentials(inp: CredentialInputs): ResolvedCredentials {
  if (inp.config) return { source: 'config', credentials: inp.config };
  if (inp.entered) return { source: 'entered', credentials: inp.entered };
  const env = inp.env;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      source: 'aws-environment',
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined },
    };
  }
  const home = inp.home ?? os.homedir();
  const credFile = env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials');
  const configFile = env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config');
  if (env.AWS_PROFILE || fs.existsSync(credFile) || fs.existsSync(configFile)) {
    return { source: 'aws-profile', profile: env.AWS_PROFILE || 'default' };
  }
  return {
    source: 'runnable-default',
    credentials: { accessKeyId: RUNNABLE_S3_DEFAULTS.accessKeyId, secretAccessKey: RUNNABLE_S3_DEFAULTS.secretAccessKey },
  };
}

/** Every secret string that must never appear in a message. runnable's documented default (minioadmin) is public. */
export function secretsOf(r: ResolvedCredentials, extra: Array<S3Credentials | undefined> = []): string[] {
  const out: string[] = [];
  for (const c of [r.credentials, ...extra]) {
    if (!c) continue;
    for (const v of [c.accessKeyId, c.secretAccessKey, c.sessionToken]) {
      if (v && v.length >= 3 && v !== RUNNABLE_S3_DEFAULTS.accessKeyId && v !== RUNNABLE_S3_DEFAULTS.secretAccessKey) out.push(v);
    }
  }
  return out;
}

/** Replaces every secret in `text` with `****`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s) out = out.split(s).join('****');
  }
  return out;
}
