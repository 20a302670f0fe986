// What minio and chunked-minio share: listing runs from a bucket prefix newest first, summaries from the first KB of
// each run log (cached by ETag; read after the listing answers, or before it for the CLI), run detail on demand, the
// minio catalog, and a cheap change check for polling.
import type { Run, RunSummary } from '../../runlog/model';
import { summaryFromHead, summaryFromRun } from '../../runlog/summary';
import { RunNotFoundError, type RunLogStore, type StoreDescriptor, type StoreListing } from '../runLogStore';
import { credentialsDigest, isPromise, type StoreCredentials } from '../../config/credentials';
import { secretsOf, type ResolvedCredentials } from './credentials';
import { sharedChainRunner } from './credentialChain';
import { mapLimit } from './mapLimit';
import { MinioCatalog } from './minioCatalog';
import { S3Access, type S3ObjectInfo } from './s3Access';
import { classifyS3Error, S3StoreError } from './s3Errors';
import { describeLocation } from './s3Settings';
import { resolveCatalogS3, resolveRunLogS3, type ResolvedS3, type S3StoreOptions } from './s3StoreConfig';

/** One run as the listing sees it: its objects, newest LastModified first. */
export interface RemoteRunEntry {
  runId: string;
  /** The run log object (`<id>/<id>.json` or `<id>/RunLog`). */
  main: S3ObjectInfo | undefined;
  /** chunked-minio: the `BranchLog-*` objects. */
  branches: S3ObjectInfo[];
  /** Latest LastModified over the run's objects (runnable rewrites them after every step). */
  lastModifiedMs: number;
}

export interface S3ListProgress {
  phase: 'listing' | 'summaries';
  done: number;
  total?: number;
}

/** Bytes of a run log read for its summary (runnable writes run_id, dag_hash, tag, status first). */
const HEAD_BYTES = 4096;
/** Summaries read between two updates of a listing that fills in (listRunsFirst's onBatch). */
const SUMMARY_BATCH = 32;

export abstract class S3RunLogStore implements RunLogStore {
  protected access: S3Access;
  protected resolved: ResolvedS3;
  private catalogPromise: Promise<MinioCatalog | undefined> | undefined;
  /** One run of the AWS default chain for the run logs and the catalog; a new one when the credential choice changes. */
  private chainRunner = sharedChainRunner();
  private readonly summaries = new Map<string, { etag: string; summary: RunSummary }>();
  /** Bumped by each listRunsFirst: an older fill still running stops reading (the newer one reads what is left). */
  private fillGeneration = 0;
  private fingerprint: string | undefined;
  private entries: RemoteRunEntry[] | undefined;
  /** Progress of long listings; the view sets it. */
  onProgress: ((p: S3ListProgress) => void) | undefined;
  /** Non-fatal config findings (wrong keys, half-set credentials), as sentences. */
  readonly warnings: string[];
  /** The credentials the store reads with now (from options.credentials), and their digest (never the values). */
  private creds: StoreCredentials | undefined;
  private credsDigest = '';

  constructor(
    readonly descriptor: StoreDescriptor,
    protected readonly options: S3StoreOptions = {},
  ) {
    const first = options.credentials?.get(descriptor.id);
    if (first && !isPromise(first)) {
      this.creds = first;
      this.credsDigest = credentialsDigest(first);
    }
    this.resolved = resolveRunLogS3(descriptor, this.creds, options);
    this.warnings = this.resolved.settings.warnings;
    this.access = this.makeAccess(this.resolved);
    // A source that answers later (SecretStorage): its answer names the identity before the first request if it can.
    if (isPromise(first)) void first.then((c) => this.use(c), () => undefined);
  }

  /**
   * Asks the credential source again before a read: credentials that changed since (keys entered or cleared, another
   * profile) replace the client and drop the caches, so this read and the next go with them. Nothing outside patches
   * an open store.
   */
  private async ready(): Promise<void> {
    if (this.options.credentials) this.use(await this.options.credentials.get(this.descriptor.id));
  }

  private use(c: StoreCredentials | undefined): void {
    const digest = credentialsDigest(c);
    if (digest === this.credsDigest) return;
    this.creds = c;
    this.credsDigest = digest;
    this.reopen();
  }

  /** Where the runs are, for labels and messages (no credentials). */
  get displayLocation(): string {
    return describeLocation(this.resolved.settings);
  }

  /** Which credentials are in use (a forecast until the AWS default chain has run), never a value. */
  get credentialSource(): string {
    return this.identity.source;
  }

  /** The identity the run logs are read with: the plan, then what the chain found on the first request. */
  get identity(): ResolvedCredentials {
    return this.access.identity;
  }

  /** Called when the chain has decided or refreshed the identity (the Runs view instead compares after each listing). */
  onIdentity: ((r: ResolvedCredentials) => void) | undefined;

  /** Secrets this store knows of, for callers that must redact their own messages. */
  get secrets(): readonly string[] {
    const catalog = this.creds?.config?.catalog;
    return catalog ? [...this.resolved.secrets, ...secretsOf({ source: 'config' }, [catalog])] : this.resolved.secrets;
  }

  private reopen(): void {
    this.chainRunner = sharedChainRunner();
    this.access.dispose();
    void this.catalogPromise?.then((c) => c?.access.dispose());
    this.resolved = resolveRunLogS3(this.descriptor, this.creds, this.options);
    this.access = this.makeAccess(this.resolved);
    this.catalogPromise = undefined;
    this.fingerprint = undefined;
  }

  private makeAccess(r: ResolvedS3): S3Access {
    return new S3Access({
      location: r.settings,
      credentials: r.credentials,
      onIdentity: (id) => this.onIdentity?.(id),
      chainRunner: this.chainRunner,
      secrets: r.secrets,
      configFile: this.descriptor.configFiles[0],
      timeoutMs: this.options.timeoutMs,
      maxAttempts: this.options.maxAttempts,
      baseDelayMs: this.options.baseDelayMs,
    });
  }

  /** Requests sent so far (listing pages, GETs, retries). */
  get requestCount(): number {
    return this.access.requestCount;
  }

  protected get prefix(): string {
    return this.resolved.settings.prefix;
  }

  /** `s3://bucket/key`, for messages. */
  source(key: string): string {
    return `s3://${this.resolved.settings.bucket}/${key}`;
  }

  /** Sorts one listed object into its run; returns false for keys that are not part of a run log. */
  protected abstract classify(runId: string, file: string): 'main' | 'branch' | undefined;
  abstract mainKey(runId: string): string;

  /** GETs the run log object of `runId`; no such object is the port's typed not-found (RunNotFoundError). */
  protected async getMain(runId: string, signal?: AbortSignal): ReturnType<S3Access['get']> {
    const key = this.mainKey(runId);
    try {
      return await this.access.get(key, signal);
    } catch (e) {
      if (classifyS3Error(e).kind !== 'no-such-key') throw e;
      throw new RunNotFoundError(`No run "${runId}" in ${this.descriptor.label}: ${(e as Error).message}`, runId, [this.descriptor], this.source(key));
    }
  }
  protected abstract readRun(runId: string, signal?: AbortSignal): Promise<{ run: Run; raw: Record<string, unknown>; etag: string }>;

  /**
   * Every run under the prefix with its objects. One ListObjectsV2 pass over the prefix (no delimiter): a delimiter
   * listing names the run folders but not their LastModified, which the newest-first order needs; for minio it is
   * one key per run, so the same number of pages.
   */
  async listEntries(signal?: AbortSignal): Promise<RemoteRunEntry[]> {
    await this.ready();
    const { objects } = await this.access.list(this.prefix, {
      signal,
      onPage: (p) => this.onProgress?.({ phase: 'listing', done: p.keys }),
    });
    const byRun = new Map<string, RemoteRunEntry>();
    for (const o of objects) {
      const rel = o.key.slice(this.prefix.length);
      const slash = rel.indexOf('/');
      if (slash <= 0) continue;
      const runId = rel.slice(0, slash);
      const kind = this.classify(runId, rel.slice(slash + 1));
      if (!kind) continue;
      let e = byRun.get(runId);
      if (!e) {
        e = { runId, main: undefined, branches: [], lastModifiedMs: -Infinity };
        byRun.set(runId, e);
      }
      if (kind === 'main') e.main = o;
      else e.branches.push(o);
      if (o.lastModifiedMs > e.lastModifiedMs) e.lastModifiedMs = o.lastModifiedMs;
    }
    const entries = [...byRun.values()].sort((a, b) => b.lastModifiedMs - a.lastModifiedMs || (a.runId < b.runId ? -1 : 1));
    this.entries = entries;
    this.fingerprint = fingerprintOf(entries);
    return entries;
  }

  /**
   * The port's listing. A failure of the whole store (unreachable, 403, no bucket...) is `unavailable` with the
   * sentence, as for every store that cannot list; a cancellation still rejects.
   */
  async listRuns(signal?: AbortSignal): Promise<StoreListing> {
    try {
      return { kind: 'runs', runs: await this.listRunsOrThrow(signal) };
    } catch (e) {
      const failed = unavailable(e);
      if (failed) return failed;
      throw e;
    }
  }

  /** listRuns that rejects with an S3StoreError when the store cannot be listed (waits for the summaries: the CLI). */
  async listRunsOrThrow(signal?: AbortSignal): Promise<RunSummary[]> {
    const entries = await this.listEntries(signal);
    const todo = this.summariesToRead(entries);
    await this.readSummaries(todo, signal);
    return this.snapshot(entries, new Set());
  }

  /**
   * The listing as soon as the objects are paged (what the Runs view shows first): runs whose summary is not cached
   * by ETag list as `pending` (status unknown yet). `summaries` then reads them, newest first, a few at a time;
   * `onBatch` gets the whole listing again each time a batch of them has landed, and `summaries` resolves to the
   * last one. A summary read that fails leaves the runs still unread as error items saying to refresh (the listing
   * itself stood); a store that cannot be listed is `unavailable`, as in listRuns. Cancellation rejects `summaries`.
   */
  async listRunsFirst(
    signal?: AbortSignal,
    onBatch?: (runs: RunSummary[]) => void,
  ): Promise<{ listing: StoreListing; summaries: Promise<StoreListing> }> {
    let entries: RemoteRunEntry[];
    try {
      entries = await this.listEntries(signal);
    } catch (e) {
      const failed = unavailable(e);
      if (failed) return { listing: failed, summaries: Promise.resolve(failed) };
      throw e;
    }
    const generation = ++this.fillGeneration;
    const todo = this.summariesToRead(entries);
    const unread = new Set(todo.map((e) => e.runId));
    const listing: StoreListing = { kind: 'runs', runs: this.snapshot(entries, unread) };
    const stale = (): boolean => generation !== this.fillGeneration;
    const summaries = (async () => {
      let sinceBatch = 0;
      try {
        await this.readSummaries(todo, signal, (e) => {
          unread.delete(e.runId);
          if (++sinceBatch >= SUMMARY_BATCH && unread.size) {
            sinceBatch = 0;
            onBatch?.(this.snapshot(entries, unread));
          }
        }, stale);
      } catch (e) {
        if (classifyS3Error(e).kind === 'aborted') throw e;
        // The runs still unread become error items (summaryOf's "could not be read; refresh to try again").
        unread.clear();
      }
      // Superseded: the runs it did not read stay pending here (the newer listing shows them filled in).
      const last = this.snapshot(entries, stale() ? unread : new Set());
      if (todo.length) onBatch?.(last);
      return { kind: 'runs', runs: last } as const;
    })();
    // A caller that only wants the first listing must not see an unhandled rejection from a cancelled fill.
    summaries.catch(() => undefined);
    return { listing, summaries };
  }

  /** The newest summaryLimit runs whose summary is not cached for their ETag, newest first. */
  private summariesToRead(entries: RemoteRunEntry[]): RemoteRunEntry[] {
    const limit = this.options.summaryLimit ?? 500;
    const seen = new Set(entries.map((e) => e.runId));
    for (const id of [...this.summaries.keys()]) if (!seen.has(id)) this.summaries.delete(id);
    return entries.slice(0, limit).filter((e) => e.main && this.summaries.get(e.runId)?.etag !== e.main.etag);
  }

  /** Reads these summaries into the ETag cache, in order, `concurrency` at a time; `stale` stops a superseded fill. */
  private async readSummaries(todo: RemoteRunEntry[], signal?: AbortSignal, onRead?: (e: RemoteRunEntry) => void, stale?: () => boolean): Promise<void> {
    let done = 0;
    await mapLimit(todo, this.options.concurrency ?? 8, async (e) => {
      // A newer listing took over (it reads what is left), or read this one meanwhile: no second GET.
      if (stale?.()) return;
      if (this.summaries.get(e.runId)?.etag === e.main!.etag) {
        onRead?.(e);
        return;
      }
      const summary = await this.readSummary(e, signal);
      if (summary) this.summaries.set(e.runId, { etag: e.main!.etag, summary });
      this.onProgress?.({ phase: 'summaries', done: ++done, total: todo.length });
      onRead?.(e);
    });
  }

  /** The listing as it stands: cached summaries, `unread` runs pending, the rest by id and date (or an error). */
  private snapshot(entries: RemoteRunEntry[], unread: ReadonlySet<string>): RunSummary[] {
    const limit = this.options.summaryLimit ?? 500;
    return entries.map((e, i) => this.summaryOf(e, i < limit, unread.has(e.runId)));
  }

  private summaryOf(e: RemoteRunEntry, read: boolean, pending = false): RunSummary {
    const source = this.source(e.main?.key ?? `${this.prefix}${e.runId}/`);
    const cached = e.main ? this.summaries.get(e.runId) : undefined;
    if (cached && cached.etag === e.main!.etag) return cached.summary;
    const base: RunSummary = {
      runId: e.runId,
      status: '',
      tag: '',
      kind: 'pipeline',
      startTime: undefined,
      endTime: undefined,
      startMs: NaN,
      endMs: e.lastModifiedMs,
      source,
    };
    if (!e.main) {
      return { ...base, error: `${source}: the run has branch logs but no RunLog object; it may still be starting, or was partly deleted. Refresh in a moment.` };
    }
    if (pending) return { ...base, pending: true };
    // Past summaryLimit: listed by id and date; the status is read when the run is opened.
    return read ? { ...base, error: `${source}: could not be read; refresh to try again.` } : base;
  }

  /** The first KB of the run log → summary; a corrupt object gives an error summary for that run only. */
  private async readSummary(e: RemoteRunEntry, signal?: AbortSignal): Promise<RunSummary | undefined> {
    const key = e.main!.key;
    try {
      const head = await this.access.getRange(key, HEAD_BYTES, signal);
      const s = summaryFromHead(head.toString('utf8'), this.source(key), e.lastModifiedMs);
      if (!s.error) await this.refineSummary(e, head, s, signal);
      return s.runId && s.runId !== e.runId && !s.error ? { ...s, runId: e.runId, error: `${this.source(key)}: holds run "${s.runId}", not "${e.runId}"; the object was copied under the wrong id.` } : { ...s, runId: e.runId };
    } catch (err) {
      const kind = classifyS3Error(err).kind;
      if (kind === 'no-such-key') return undefined; // deleted between listing and reading
      throw err;
    }
  }

  /** Layout-specific corrections of a summary read from the head of the run's main object (chunked-minio's). */
  protected async refineSummary(_e: RemoteRunEntry, _head: Buffer, _s: RunSummary, _signal?: AbortSignal): Promise<void> {}

  /**
   * Cheap poll: one listing (no GETs) compared with the last one's keys, ETags and dates. True when runs were added,
   * removed or rewritten since the last listRuns / hasChanged (false on the first call, which sets the baseline).
   */
  async hasChanged(signal?: AbortSignal): Promise<boolean> {
    const before = this.fingerprint;
    await this.listEntries(signal);
    // Never listed before: nothing to compare with; this listing is the baseline.
    return before !== undefined && before !== this.fingerprint;
  }

  async getRun(runId: string, signal?: AbortSignal): Promise<Run> {
    await this.ready();
    // S3 failures are S3StoreError, itself a RunLogError (the port's contract).
    const { run, etag } = await this.readRun(runId, signal);
    const source = this.source(this.mainKey(runId));
    this.summaries.set(runId, {
      etag,
      summary: { ...summaryFromRun(run, source), runId },
    });
    return run;
  }

  async getRawRunLog(runId: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    await this.ready();
    return (await this.readRun(runId, signal)).raw;
  }

  /** The minio catalog named by the same config, or undefined when the catalog is not minio/s3. */
  async catalog(): Promise<MinioCatalog | undefined> {
    await this.ready();
    this.catalogPromise ??= resolveCatalogS3(this.descriptor, this.resolved, this.creds, this.options).then((r) =>
      r
        ? new MinioCatalog(
            new S3Access({
              location: r.settings,
              credentials: r.credentials,
              chainRunner: this.chainRunner,
              secrets: r.secrets,
              configFile: this.descriptor.configFiles[0],
              timeoutMs: this.options.timeoutMs,
              maxAttempts: this.options.maxAttempts,
              baseDelayMs: this.options.baseDelayMs,
            }),
          )
        : undefined,
    );
    return await this.catalogPromise;
  }

  async listCatalog(runId: string, signal?: AbortSignal): Promise<string[]> {
    const c = await this.catalog();
    return c ? c.list(runId, signal) : [];
  }

  async readCatalogFile(runId: string, name: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    const c = await this.catalog();
    return c ? (await c.read(runId, name, signal))?.body : undefined;
  }

  /** The listing from the last listRuns (for pull: ETags and sizes without another request). */
  get lastEntries(): RemoteRunEntry[] | undefined {
    return this.entries;
  }

  /** GETs one object of this store's bucket (pull). */
  async getObject(key: string, signal?: AbortSignal): ReturnType<S3Access['get']> {
    await this.ready();
    return this.access.get(key, signal);
  }

  /** Lists the run's own objects (pull). */
  async runObjects(runId: string, signal?: AbortSignal): Promise<S3ObjectInfo[]> {
    await this.ready();
    const prefix = `${this.prefix}${runId}/`;
    const { objects } = await this.access.list(prefix, { signal });
    return objects.filter((o) => this.classify(runId, o.key.slice(prefix.length)) !== undefined);
  }

  dispose(): void {
    this.access.dispose();
    void this.catalogPromise?.then((c) => c?.access.dispose());
  }
}

/** A failure of the whole store as the port's `unavailable` listing (its sentence); undefined for a cancellation. */
function unavailable(e: unknown): StoreListing | undefined {
  return e instanceof S3StoreError && e.kind !== 'aborted' ? { kind: 'unavailable', message: e.message } : undefined;
}

function fingerprintOf(entries: RemoteRunEntry[]): string {
  const parts: string[] = [];
  for (const e of entries) {
    parts.push(`${e.runId}:${e.main?.etag ?? ''}:${e.lastModifiedMs}:${e.branches.map((b) => b.etag).join(',')}`);
  }
  return parts.join('|');
}
