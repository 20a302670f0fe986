// Turns an S3 SDK / network failure into one sentence saying what happened and what to do next.
// Every sentence passes through redact(): credentials never reach a message.
import { RunLogError } from '../runLogStore';
import { redact } from './credentials';
import { withoutUserInfo } from './s3Settings';

export type S3FailureKind =
  | 'unreachable'
  | 'timeout'
  | 'forbidden'
  | 'no-such-bucket'
  | 'no-such-key'
  | 'throttled'
  | 'aborted'
  /** No credentials: the AWS profile chosen for the store gives none (the sentence is the chain's). */
  | 'credentials'
  | 'other';

export interface S3ErrorContext {
  /** `http://host:port` as configured. */
  endpointUrl: string;
  bucket: string;
  /** Object key or prefix being read, for the message. */
  key?: string;
  /** Config file the settings came from (for "fix it in ..."). */
  configFile?: string;
  /** How the credentials were obtained (describeCredentialSource), never their value. */
  credentialSource?: string;
  timeoutMs?: number;
  attempts?: number;
  secrets: readonly string[];
}

/**
 * An S3 failure the user reads. A RunLogError, so every caller of the store port (tree, CLI) shows the sentence;
 * `kind` lets callers (and tests) branch without parsing text. A cancellation is named AbortError, as fetch does.
 */
export class S3StoreError extends RunLogError {
  constructor(
    message: string,
    readonly kind: S3FailureKind,
    readonly code: string | undefined,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = kind === 'aborted' ? 'AbortError' : 'S3StoreError';
  }
}

interface ErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  errors?: unknown[];
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const THROTTLE_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'TooManyRequestsException', 'RequestLimitExceeded', 'ServiceUnavailable', 'RequestThrottled']);
const FORBIDDEN_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'InvalidToken', 'ExpiredToken', 'Forbidden', 'AllAccessDisabled']);

function codeOf(e: ErrorLike): string | undefined {
  if (typeof e.code === 'string') return e.code;
  if (typeof e.Code === 'string') return e.Code;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const c = inner && typeof inner === 'object' ? codeOf(inner as ErrorLike) : undefined;
      if (c) return c;
    }
  }
  if (e.cause && typeof e.cause === 'object') return codeOf(e.cause as ErrorLike);
  return undefined;
}

export function classifyS3Error(err: unknown): { kind: S3FailureKind; code: string | undefined; status: number | undefined } {
  if (err instanceof S3StoreError) return { kind: err.kind, code: err.code, status: err.status };
  if (err instanceof Error && err.name === 'CredentialChainError') return { kind: 'credentials', code: undefined, status: undefined };
  const e = (err && typeof err === 'object' ? err : {}) as ErrorLike;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const name = e.name;
  const code = codeOf(e) ?? name;
  if (name === 'AbortError' || code === 'ABORT_ERR') return { kind: 'aborted', code, status };
  if (code && NETWORK_CODES.has(code)) return { kind: 'unreachable', code, status };
  if ((code && TIMEOUT_CODES.has(code)) || (name && TIMEOUT_CODES.has(name))) return { kind: 'timeout', code, status };
  if ((name && THROTTLE_CODES.has(name)) || (code && THROTTLE_CODES.has(code)) || status === 429 || status === 503) {
    return { kind: 'throttled', code: name ?? code, status };
  }
  if (name === 'NoSuchBucket' || code === 'NoSuchBucket') return { kind: 'no-such-bucket', code: 'NoSuchBucket', status };
  if (name === 'NoSuchKey' || code === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchBucket')) {
    return { kind: 'no-such-key', code: name ?? code, status };
  }
  if ((name && FORBIDDEN_CODES.has(name)) || status === 403 || status === 401) return { kind: 'forbidden', code: name ?? code, status };
  return { kind: 'other', code, status };
}

/** True for failures worth retrying with backoff (throttling, 5xx, dropped connections mid-request). */
export function isRetryable(err: unknown): boolean {
  const c = classifyS3Error(err);
  if (c.kind === 'throttled') return true;
  if (c.kind === 'unreachable' && c.code === 'ECONNRESET') return true;
  return c.kind === 'other' && c.status !== undefined && c.status >= 500;
}

export function toS3StoreError(err: unknown, ctx: S3ErrorContext): S3StoreError {
  if (err instanceof S3StoreError) return err;
  const { kind, code, status } = classifyS3Error(err);
  const where = withoutUserInfo(ctx.endpointUrl).replace(/\/+$/, '');
  const fix = ctx.configFile ? ` in ${ctx.configFile}` : ' in the runnable config';
  const what = ctx.key ? `s3://${ctx.bucket}/${ctx.key}` : `bucket "${ctx.bucket}"`;
  let msg: string;
  switch (kind) {
    case 'aborted':
      msg = 'Cancelled.';
      break;
    case 'unreachable':
      msg =
        `Cannot reach the S3 endpoint ${where} (${code ?? 'connection failed'}). ` +
        `Check that the server is running and that \`endpoint_url\`${fix} is right, then refresh.`;
      break;
    case 'timeout':
      msg =
        `The S3 endpoint ${where} did not answer${ctx.timeoutMs ? ` within ${ctx.timeoutMs >= 1000 ? `${Math.round(ctx.timeoutMs / 1000)} s` : `${ctx.timeoutMs} ms`}` : ''}. ` +
        'Check the network (VPN, proxy) and the `runnable.s3.timeoutSeconds` setting, then refresh.';
      break;
    case 'forbidden':
      msg =
        `The S3 endpoint ${where} refused access to ${what} (403 ${code ?? 'Forbidden'}) with ${ctx.credentialSource ?? 'the configured credentials'}. ` +
        'Set `aws_access_key_id` / `aws_secret_access_key`' + fix + ', run "Runnable: Set S3 Credentials" or "Runnable: Choose AWS Profile", then refresh.';
      break;
    case 'credentials':
      msg = (err as Error).message;
      break;
    case 'no-such-bucket':
      msg = `Bucket "${ctx.bucket}" does not exist at ${where}. Check \`bucket\`${fix} (runnable's default is runnable/run-logs).`;
      break;
    case 'no-such-key':
      msg = `${what} was not found at ${where}; the run may have been deleted. Refresh the Runs view.`;
      break;
    case 'throttled':
      msg =
        `The S3 endpoint ${where} kept throttling requests (${code ?? status}) after ${ctx.attempts ?? 1} attempts. ` +
        'Wait a minute and refresh.';
      break;
    default: {
      const e = (err && typeof err === 'object' ? err : {}) as ErrorLike;
      const detail = e.message || String(err);
      msg = `Reading ${what} from ${where} failed: ${code ? code + ': ' : ''}${detail}${status ? ` (HTTP ${status})` : ''}. Refresh to try again.`;
    }
  }
  return new S3StoreError(redact(msg, ctx.secrets), kind, code, status);
}
