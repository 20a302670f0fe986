// Runs the AWS default chain steps credentials.ts planned, with the SDK's own providers (ini profiles, web identity
// through STS, container HTTP credentials, instance metadata), each tagged so the store can say which one answered.
// Instance metadata and container requests have short timeouts and an overall deadline: off EC2 the chain ends in
// about a second with a sentence instead of hanging. Temporary credentials are refreshed before they expire.
import { forecast, runnableDefault, type ChainStep, type ResolvedCredentials } from './credentials';
import type { Sdk } from './loadSdk';
import { withoutUserInfo } from './s3Settings';
import { errorMessage } from '../../text/errorMessage';

/** What the SDK's providers return (the shape S3Client's `credentials` takes). */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Per request of the instance metadata and container endpoints (the SDK's default is 1 s too). */
export const METADATA_TIMEOUT_MS = 1000;
/** The whole instance metadata step (token, role name, credentials: up to three requests). */
export const METADATA_DEADLINE_MS = 2500;
/** Temporary credentials are fetched again this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export class CredentialChainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialChainError';
  }
}

function deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** The first line of a provider's error, without URL userinfo; provider messages carry no key values. */
function reason(e: unknown): string {
  const m = errorMessage(e);
  return withoutUserInfo(m.split('\n')[0].trim()).replace(/\.$/, '') || 'no answer';
}

function stepName(step: ChainStep): string {
  switch (step.kind) {
    case 'profile':
      return `the AWS profile "${step.profile}"`;
    case 'web-identity':
      return `web identity (role ${step.roleArn})`;
    case 'container':
      return `container credentials at ${withoutUserInfo(step.fullUri ?? `169.254.170.2${step.relativeUri ?? ''}`)}`;
    case 'instance-metadata':
      return `instance metadata at ${withoutUserInfo(step.endpoint)}`;
  }
}

async function runStep(sdk: Sdk, step: ChainStep, r: ResolvedCredentials): Promise<AwsCredentialIdentity> {
  switch (step.kind) {
    case 'profile':
      return sdk.fromIni({
        profile: step.profile,
        filepath: r.files?.credentials,
        configFilepath: r.files?.config,
        ignoreCache: true,
        ...(r.region ? { clientConfig: { region: r.region } } : {}),
      })();
    case 'web-identity':
      return sdk.fromTokenFile({
        webIdentityTokenFile: step.tokenFile,
        roleArn: step.roleArn,
        roleSessionName: step.roleSessionName,
        clientConfig: { region: r.region ?? 'us-east-1', ...(step.stsEndpoint ? { endpoint: step.stsEndpoint } : {}) },
      })();
    case 'container':
      return sdk.fromHttp({
        awsContainerCredentialsFullUri: step.fullUri,
        awsContainerCredentialsRelativeUri: step.relativeUri,
        awsContainerAuthorizationToken: step.authToken,
        awsContainerAuthorizationTokenFile: step.authTokenFile,
        timeout: METADATA_TIMEOUT_MS,
        maxRetries: 1,
      })();
    case 'instance-metadata':
      return deadline(sdk.fromInstanceMetadata({ timeout: METADATA_TIMEOUT_MS, maxRetries: 0 })(), METADATA_DEADLINE_MS, 'instance metadata');
  }
}

export interface ChainOutcome {
  resolved: ResolvedCredentials;
  identity: AwsCredentialIdentity;
}

/**
 * Tries the pending steps in order. The first that gives keys decides; a failed step adds a note and the next one
 * runs; with none left, runnable's default keys are used, the notes saying what was tried. A profile chosen for the
 * store is the only step, and its failure is an error sentence (using other keys would read as someone else).
 */
export async function runChain(sdk: Sdk, r: ResolvedCredentials): Promise<ChainOutcome> {
  const notes: string[] = [];
  for (const step of r.pending ?? []) {
    try {
      const identity = await runStep(sdk, step, r);
      return { resolved: { ...forecast(step), ...(notes.length ? { notes } : {}) }, identity };
    } catch (e) {
      const why = step.kind === 'instance-metadata' && /did not answer|timeout/i.test(reason(e)) ? `did not answer within ${METADATA_DEADLINE_MS / 1000} s` : reason(e);
      if (step.kind === 'profile' && step.from === 'setting') {
        throw new CredentialChainError(
          `${stepName(step)}, chosen for this store, gives no credentials (${why}). Check it in ${r.files?.credentials ?? '~/.aws/credentials'} / ${r.files?.config ?? '~/.aws/config'}, or choose another with "Runnable: Choose AWS Profile".`,
        );
      }
      notes.push(`${stepName(step)}: ${why}`);
    }
  }
  const fallback = runnableDefault(notes.length ? [`the AWS default chain found none (${notes.join('; ')})`] : undefined);
  return { resolved: fallback, identity: fallback.credentials! };
}

export type ChainRunner = (sdk: Sdk, plan: ResolvedCredentials) => Promise<ChainOutcome>;

/**
 * Runs each distinct plan once for the accesses that share this runner (a store's run logs and its catalog), so the
 * chain's waits (a metadata endpoint that does not answer) are paid once; again when the keys near their expiry.
 */
export function sharedChainRunner(): ChainRunner {
  const runs = new Map<string, { outcome: Promise<ChainOutcome>; expiresAt: number }>();
  return (sdk, plan) => {
    const key = JSON.stringify(plan);
    const seen = runs.get(key);
    if (seen && Date.now() <= seen.expiresAt - REFRESH_MARGIN_MS) return seen.outcome;
    const entry = { outcome: runChain(sdk, plan), expiresAt: Infinity };
    runs.set(key, entry);
    entry.outcome.then(
      (o) => (entry.expiresAt = o.identity.expiration?.getTime() ?? Infinity),
      () => runs.get(key) === entry && runs.delete(key),
    );
    return entry.outcome;
  };
}

/**
 * An SDK credential provider over the plan: fixed keys as they are, pending steps run once (concurrent requests share
 * the run) and again when temporary keys near their expiry. `onResolved` sees each outcome (for labels and messages).
 */
export function chainProvider(
  sdk: Sdk,
  plan: ResolvedCredentials,
  onResolved: (r: ResolvedCredentials, identity: AwsCredentialIdentity) => void,
  run: ChainRunner = runChain,
): () => Promise<AwsCredentialIdentity> {
  if (!plan.pending) {
    const c = plan.credentials!;
    return async () => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken });
  }
  let current: Promise<AwsCredentialIdentity> | undefined;
  let expiresAt = Infinity;
  return () => {
    if (!current || Date.now() > expiresAt - REFRESH_MARGIN_MS) {
      current = run(sdk, plan).then(
        ({ resolved, identity }) => {
          expiresAt = identity.expiration?.getTime() ?? Infinity;
          onResolved(resolved, identity);
          return identity;
        },
        (e: unknown) => {
          current = undefined; // the next request tries again (a fixed profile, a container that came up)
          throw e;
        },
      );
    }
    return current;
  };
}
