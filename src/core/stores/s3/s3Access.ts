// Thin, read-only access to one S3 bucket: paginated listing, GET/HEAD, with throttling retried with backoff.
// The AWS SDK is loaded on the first request (loadSdk.ts) so that activation does not pay for it.
import type { S3Client } from '@aws-sdk/client-s3';
import { chainProvider, type ChainRunner } from './credentialChain';
import { describeCredentialSource, secretsOf, type ResolvedCredentials } from './credentials';
import { isRetryable, toS3StoreError, classifyS3Error, type S3ErrorContext } from './s3Errors';
import type { S3Location } from './s3Settings';
import { loadSdk, type Sdk } from './loadSdk';

export interface S3ObjectInfo {
  key: string;
  size: number;
  /** As S3 returns it, quotes stripped. */
  etag: string;
  lastModifiedMs: number;
}

export interface S3Body {
  body: Buffer;
  etag: string;
  size: number;
  lastModifiedMs: number;
}

export interface ListProgress {
  pages: number;
  keys: number;
}

export interface S3AccessOptions {
  location: S3Location;
  /** The plan (credentials.ts); when it has pending chain steps they run on the first request. */
  credentials: ResolvedCredentials;
  /** Called when the chain has decided (and after each refresh of temporary keys): which identity answered. */
  onIdentity?: (r: ResolvedCredentials) => void;
  /** Shares chain runs with the store's other accesses (sharedChainRunner). */
  chainRunner?: ChainRunner;
  /** Secrets to redact from every message. */
  secrets: readonly string[];
  configFile?: string;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** Attempts for throttled / 5xx requests (default 5). */
  maxAttempts?: number;
  /** First backoff delay (default 200 ms), doubled per attempt with jitter. */
  baseDelayMs?: number;
}


function abortError(): Error {
  const e = new Error('Cancelled.');
  e.name = 'AbortError';
  return e;
}

/** Resolves after `ms`, or rejects with AbortError as soon as `signal` aborts. */
function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Reads a GET body with a deadline on silence: the SDK's requestTimeout covers the wait for the headers, not a body
 * that stalls after them (`transformToByteArray()` would wait forever). Each chunk re-arms the timer, so a large
 * catalog object on a slow but moving link is fine; `idleMs` without a byte ends the read with a TimeoutError (the
 * same sentence as a request timeout) and destroys the socket. The caller's signal cancels the read too.
 */
async function readBody(body: unknown, idleMs: number, signal?: AbortSignal): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const stream = body as AsyncIterable<Uint8Array> & { destroy?: (e?: Error) => void; transformToByteArray?: () => Promise<Uint8Array> };
  if (typeof stream[Symbol.asyncIterator] !== 'function' || typeof stream.destroy !== 'function') {
    // Not a Node stream (a browser body or a test double): the SDK's own reader.
    const b = await stream.transformToByteArray!();
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }
  const chunks: Buffer[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const e = new Error(`The body stopped arriving: no data for ${idleMs} ms.`);
      e.name = 'TimeoutError';
      stream.destroy!(e);
    }, idleMs);
  };
  const onAbort = (): void => stream.destroy!(abortError());
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    arm();
    for await (const c of stream) {
      chunks.push(Buffer.from(c));
      arm();
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks);
}

const stripQuotes = (s: string | undefined): string => (s ?? '').replace(/^"|"$/g, '');

export class S3Access {
  private sdk: Promise<{ sdk: Sdk; client: S3Client }> | undefined;
  readonly location: S3Location;
  /** Requests sent (including retries): lets tests and the bench see how much work a refresh did. */
  requestCount = 0;
  /** The identity in use: the plan until the chain decides, then its outcome. */
  identity: ResolvedCredentials;
  private chainSecrets: string[] = [];

  constructor(private readonly opts: S3AccessOptions) {
    this.location = opts.location;
    this.identity = opts.credentials;
  }

  private get timeoutMs(): number {
    return this.opts.timeoutMs ?? 15_000;
  }

  private async client(): Promise<{ sdk: Sdk; client: S3Client }> {
    this.sdk ??= (async () => {
      const sdk = await loadSdk();
      const creds = chainProvider(sdk, this.opts.credentials, (r, identity) => {
        this.identity = r;
        // Keys from the chain are redacted like configured ones, should any message ever quote them.
        this.chainSecrets = secretsOf({ ...r, credentials: identity });
        this.opts.onIdentity?.(r);
      }, this.opts.chainRunner);
      const client = new sdk.S3Client({
        endpoint: this.location.endpointUrl,
        region: this.location.region,
        // MinIO and moto serve buckets by path, not virtual host.
        forcePathStyle: true,
        credentials: creds,
        // Our own retry loop (below) handles throttling with backoff and honours AbortSignal.
        maxAttempts: 1,
        requestHandler: { connectionTimeout: this.timeoutMs, requestTimeout: this.timeoutMs, throwOnRequestTimeout: true },
        // Checksums of every GET would cost a full extra pass over catalog objects; sizes/ETags are checked instead.
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestChecksumCalculation: 'WHEN_REQUIRED',
      });
      return { sdk, client };
    })();
    return this.sdk;
  }

  errorContext(key?: string, attempts?: number): S3ErrorContext {
    return {
      endpointUrl: this.location.endpointUrl,
      bucket: this.location.bucket,
      key,
      configFile: this.opts.configFile,
      credentialSource: describeCredentialSource(this.identity),
      timeoutMs: this.timeoutMs,
      attempts,
      secrets: [...this.opts.secrets, ...this.chainSecrets],
    };
  }

  /** Runs one request, retrying throttling / 5xx with exponential backoff; maps the final failure to a sentence. */
  private async send<T>(key: string | undefined, signal: AbortSignal | undefined, run: (c: { sdk: Sdk; client: S3Client }) => Promise<T>): Promise<T> {
    const max = this.opts.maxAttempts ?? 5;
    const base = this.opts.baseDelayMs ?? 200;
    let attempt = 0;
    for (;;) {
      if (signal?.aborted) throw toS3StoreError(abortError(), this.errorContext(key));
      attempt++;
      try {
        const c = await this.client();
        this.requestCount++;
        return await run(c);
      } catch (err) {
        if (signal?.aborted) throw toS3StoreError(abortError(), this.errorContext(key));
        if (attempt < max && isRetryable(err)) {
          const backoff = base * 2 ** (attempt - 1);
          await delay(backoff / 2 + Math.random() * backoff, signal).catch((e) => {
            throw toS3StoreError(e, this.errorContext(key));
          });
          continue;
        }
        throw toS3StoreError(err, this.errorContext(key, attempt));
      }
    }
  }

  /**
   * Lists every object under `prefix` (1,000 keys a page, following continuation tokens).
   * With `delimiter`, also returns the common prefixes (the "folders") one level down.
   */
  async list(
    prefix: string,
    opts: { delimiter?: string; signal?: AbortSignal; onPage?: (p: ListProgress) => void; maxKeys?: number } = {},
  ): Promise<{ objects: S3ObjectInfo[]; prefixes: string[] }> {
    const objects: S3ObjectInfo[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await this.send(prefix || undefined, opts.signal, ({ sdk, client }) =>
        client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: prefix || undefined,
            Delimiter: opts.delimiter,
            ContinuationToken: token,
            MaxKeys: opts.maxKeys,
          }),
          { abortSignal: opts.signal as never },
        ),
      );
      pages++;
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        objects.push({ key: o.Key, size: o.Size ?? 0, etag: stripQuotes(o.ETag), lastModifiedMs: o.LastModified?.getTime() ?? NaN });
      }
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) prefixes.push(p.Prefix);
      opts.onPage?.({ pages, keys: objects.length + prefixes.length });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { objects, prefixes };
  }

  async get(key: string, signal?: AbortSignal): Promise<S3Body> {
    return this.send(key, signal, async ({ sdk, client }) => {
      const r = await client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: key }), { abortSignal: signal as never });
      const body = await readBody(r.Body, this.timeoutMs, signal);
      return { body, etag: stripQuotes(r.ETag), size: r.ContentLength ?? body.length, lastModifiedMs: r.LastModified?.getTime() ?? NaN };
    });
  }

  /** The first `bytes` bytes of an object (a Range GET). */
  async getRange(key: string, bytes: number, signal?: AbortSignal): Promise<Buffer> {
    return this.send(key, signal, async ({ sdk, client }) => {
      const r = await client.send(new sdk.GetObjectCommand({ Bucket: this.location.bucket, Key: key, Range: `bytes=0-${bytes - 1}` }), {
        abortSignal: signal as never,
      });
      return readBody(r.Body, this.timeoutMs, signal);
    });
  }

  /** HEAD; undefined when the object does not exist. */
  async head(key: string, signal?: AbortSignal): Promise<S3ObjectInfo | undefined> {
    try {
      return await this.send(key, signal, async ({ sdk, client }) => {
        const r = await client.send(new sdk.HeadObjectCommand({ Bucket: this.location.bucket, Key: key }), { abortSignal: signal as never });
        return { key, size: r.ContentLength ?? 0, etag: stripQuotes(r.ETag), lastModifiedMs: r.LastModified?.getTime() ?? NaN };
      });
    } catch (e) {
      if (classifyS3Error(e).kind === 'no-such-key') return undefined;
      throw e;
    }
  }

  dispose(): void {
    void this.sdk?.then(({ client }) => client.destroy()).catch(() => undefined);
    this.sdk = undefined;
  }
}
