// Which identity an S3 store reads with, in order: the config's keys (runnable's own semantics), keys the user entered
// (SecretStorage), the AWS profile chosen for the store, then the AWS default chain (environment keys, AWS_PROFILE or
// the shared files' default profile, web identity, container, instance role) and last runnable's default (minioadmin),
// which is what runnable itself sends when the config has no keys. This file plans the order and describes it;
// credentialChain.ts runs the steps that need the SDK. Values never leave these two files except inside the SDK client.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUNNABLE_S3_DEFAULTS } from './s3Settings';
import type { Credentials } from '../../config/credentials';

/** Keys for S3 (an access key, its secret, and a session token for temporary ones): the port's own shape. */
export type S3Credentials = Credentials;

/** Where the credentials a store uses came from (not the port core/config/credentials.ts's CredentialSource). */
export type CredentialOrigin =
  | 'config'
  | 'entered'
  | 'aws-environment'
  | 'aws-profile'
  | 'aws-web-identity'
  | 'aws-container'
  | 'aws-instance-role'
  | 'runnable-default';

/** A step of the AWS default chain that needs the SDK (the others are plain values). */
export type ChainStep =
  | { kind: 'profile'; profile: string; from: 'setting' | 'AWS_PROFILE' | 'default' }
  | { kind: 'web-identity'; tokenFile: string; roleArn: string; roleSessionName?: string; stsEndpoint?: string }
  | { kind: 'container'; fullUri?: string; relativeUri?: string; authToken?: string; authTokenFile?: string }
  | { kind: 'instance-metadata'; endpoint: string };

export interface ResolvedCredentials {
  source: CredentialOrigin;
  /** For `aws-profile`: the profile name and who named it. */
  profile?: string;
  profileFrom?: 'setting' | 'AWS_PROFILE' | 'default';
  /** For `aws-web-identity`: the role assumed (an ARN, not a secret). */
  roleArn?: string;
  /** Fixed keys (config, entered, environment, runnable's default); undefined while `pending` steps decide. */
  credentials?: S3Credentials;
  /**
   * Steps still to try, in order, on the first request (the SDK is loaded then). While set, `source` is the first
   * step's, a forecast; the chain's outcome replaces it. Absent once the identity is known.
   */
  pending?: ChainStep[];
  /** Why earlier steps gave nothing ("instance metadata at … did not answer within 1 s"): sentences, no values. */
  notes?: string[];
  /** The shared files the profile steps read (for the SDK's ini provider). */
  files?: { credentials: string; config: string };
  region?: string;
}

/** A short name for a tree label: `profile dev`, `env keys`, `container`, `instance role`, ... */
export function identityLabel(r: ResolvedCredentials): string {
  const guess = r.pending ? '?' : '';
  switch (r.source) {
    case 'config':
      return 'config keys';
    case 'entered':
      return 'entered keys';
    case 'aws-environment':
      return 'env keys';
    case 'aws-profile':
      return `profile ${r.profile ?? 'default'}${guess}`;
    case 'aws-web-identity':
      return `web identity${guess}`;
    case 'aws-container':
      return `container${guess}`;
    case 'aws-instance-role':
      return `instance role${guess}`;
    case 'runnable-default':
      return 'minioadmin (runnable default)';
  }
}

const PROFILE_FROM = { setting: 'chosen for this store (runnable.awsProfiles)', AWS_PROFILE: 'from AWS_PROFILE', default: 'the shared files\' default' } as const;

/** What the user sees about the source, never a value: the sentence messages and tooltips use. */
export function describeCredentialSource(r: ResolvedCredentials): string {
  let text: string;
  switch (r.source) {
    case 'config':
      text = 'the keys in the config file';
      break;
    case 'entered':
      text = 'the credentials entered with "Runnable: Set S3 Credentials"';
      break;
    case 'aws-environment':
      text = 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment';
      break;
    case 'aws-profile':
      text = `the AWS profile "${r.profile ?? 'default'}" (${PROFILE_FROM[r.profileFrom ?? 'default']})`;
      break;
    case 'aws-web-identity':
      text = `web identity (AWS_WEB_IDENTITY_TOKEN_FILE, role ${r.roleArn ?? 'from AWS_ROLE_ARN'})`;
      break;
    case 'aws-container':
      text = 'container credentials (AWS_CONTAINER_CREDENTIALS_*_URI)';
      break;
    case 'aws-instance-role':
      text = 'the EC2 instance role (instance metadata)';
      break;
    case 'runnable-default':
      text = "runnable's default credentials (minioadmin)";
      break;
  }
  if (r.pending) text = `the AWS default chain, first ${text} (not tried yet)`;
  if (r.notes?.length) text += `; ${r.notes.join('; ')}`;
  return text;
}

export interface CredentialInputs {
  config: S3Credentials | undefined;
  entered: S3Credentials | undefined;
  /** The AWS profile chosen for this store (`runnable.awsProfiles`). */
  profile?: string;
  env: Record<string, string | undefined>;
  /** Home folder for ~/.aws (tests point it elsewhere). */
  home?: string;
  region?: string;
  /**
   * Whether the instance metadata step may run. The SDK reads its endpoint from the process environment only, so it
   * runs when `env` is that environment or names the same AWS_EC2_METADATA_SERVICE_ENDPOINT (default: decided so).
   */
  instanceMetadata?: boolean;
}

const on = (v: string | undefined): boolean => !!v && v.toLowerCase() !== 'false';

/** The SDK's rule: instance metadata is off when AWS_EC2_METADATA_DISABLED is set (and not "false"). */
function instanceMetadataAllowed(env: Record<string, string | undefined>): boolean {
  if (on(env.AWS_EC2_METADATA_DISABLED)) return false;
  if (env === process.env) return true;
  const endpoint = env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
  return !!endpoint && endpoint === process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT && !on(process.env.AWS_EC2_METADATA_DISABLED);
}

/**
 * Plans the credentials. Fixed keys are final at once; otherwise `pending` lists the AWS default chain's steps as
 * the SDK orders them (AWS_PROFILE wins over environment keys, as in the SDK), and the chain runs on the first request.
 */
export function resolveCredentials(inp: CredentialInputs): ResolvedCredentials {
  const env = inp.env;
  const home = inp.home ?? os.homedir();
  const files = {
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'),
    config: env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'),
  };
  const region = inp.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (inp.config) return { source: 'config', credentials: inp.config };
  if (inp.entered) return { source: 'entered', credentials: inp.entered };
  const steps: ChainStep[] = [];
  if (inp.profile) {
    // A chosen profile is the whole answer: when it cannot give keys the store says so rather than using another one.
    return plan([{ kind: 'profile', profile: inp.profile, from: 'setting' }], files, region);
  }
  if (env.AWS_PROFILE) {
    steps.push({ kind: 'profile', profile: env.AWS_PROFILE, from: 'AWS_PROFILE' });
  } else if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      source: 'aws-environment',
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined },
    };
  } else if (fs.existsSync(files.credentials) || fs.existsSync(files.config)) {
    steps.push({ kind: 'profile', profile: 'default', from: 'default' });
  }
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) {
    steps.push({
      kind: 'web-identity',
      tokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE,
      roleArn: env.AWS_ROLE_ARN,
      roleSessionName: env.AWS_ROLE_SESSION_NAME || undefined,
      stsEndpoint: env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined,
    });
  }
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    steps.push({
      kind: 'container',
      relativeUri: env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || undefined,
      fullUri: env.AWS_CONTAINER_CREDENTIALS_FULL_URI || undefined,
      authToken: env.AWS_CONTAINER_AUTHORIZATION_TOKEN || undefined,
      authTokenFile: env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE || undefined,
    });
  } else if (inp.instanceMetadata ?? instanceMetadataAllowed(env)) {
    steps.push({ kind: 'instance-metadata', endpoint: env.AWS_EC2_METADATA_SERVICE_ENDPOINT || 'http://169.254.169.254' });
  }
  return steps.length ? plan(steps, files, region) : runnableDefault();
}

export function runnableDefault(notes?: string[]): ResolvedCredentials {
  return {
    source: 'runnable-default',
    credentials: { accessKeyId: RUNNABLE_S3_DEFAULTS.accessKeyId, secretAccessKey: RUNNABLE_S3_DEFAULTS.secretAccessKey },
    ...(notes?.length ? { notes } : {}),
  };
}

function plan(steps: ChainStep[], files: { credentials: string; config: string }, region: string | undefined): ResolvedCredentials {
  return { ...forecast(steps[0]), pending: steps, files, region };
}

/** The identity a step gives when it succeeds (no keys: those come from the SDK). */
export function forecast(step: ChainStep): ResolvedCredentials {
  switch (step.kind) {
    case 'profile':
      return { source: 'aws-profile', profile: step.profile, profileFrom: step.from };
    case 'web-identity':
      return { source: 'aws-web-identity', roleArn: step.roleArn };
    case 'container':
      return { source: 'aws-container' };
    case 'instance-metadata':
      return { source: 'aws-instance-role' };
  }
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

/** Profile names in the shared files (`[name]` in credentials, `[profile name]` / `[default]` in config), sorted. */
export function listAwsProfiles(env: Record<string, string | undefined>, home: string = os.homedir()): string[] {
  const names = new Set<string>();
  const read = (file: string, isConfig: boolean): void => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return;
    }
    for (const m of text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]\s*$/gm)) {
      const header = m[1];
      if (!isConfig) names.add(header);
      else if (header === 'default') names.add(header);
      else if (header.startsWith('profile ')) names.add(header.slice(8).trim());
    }
  };
  read(env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'), false);
  read(env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'), true);
  return [...names].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
}

/**
 * The key of a store in `runnable.awsProfiles`: its endpoint and bucket (`http://minio:9000/runnable/run-logs`), the
 * store id without its type, so a minio and a chunked-minio config reading one bucket share the choice.
 */
export function awsProfileKey(storeId: string): string {
  return storeId.replace(/^(chunked-)?minio:/, '');
}

/** The profile `runnable.awsProfiles` names for this store (by key, or by the full store id). */
export function awsProfileFor(profiles: Record<string, string>, storeId: string): string | undefined {
  return profiles[awsProfileKey(storeId)] || profiles[storeId] || undefined;
}
