// The port every run log store implements (file-system, chunked-fs, minio, chunked-minio).
// Stores only ever read: browsing never writes to a store.
import type { Run, RunSummary } from '../runlog/model';
import { RunLogError } from '../runlog/errors';

// What a config says about a store (its descriptor) belongs to core/config; the stores are opened from it.
export { configForLayout, LOCAL_LAYOUTS, type LayoutReaders, type StoreDescriptor, type StoreType } from '../config/descriptor';
import type { StoreDescriptor } from '../config/descriptor';

/** Reads one run of a local layout; listing a folder is LocalFolderRunLogStore's (it lists both layouts at once). */
export type RunReader = Omit<RunLogStore, 'listRuns' | 'watchPath'>;

/**
 * What a store's listing gives: its runs, newest first (a run that cannot be read is one with `error` set), or, when
 * the store cannot be listed at all (a buffered store, a config that cannot be used, a folder that is not one, an S3
 * endpoint that refuses), one sentence saying why and what to do.
 */
export type StoreListing = { kind: 'runs'; runs: RunSummary[] } | { kind: 'unavailable'; message: string };

/** The runs of a listing; none when the store is unavailable. */
export function runsOf(listing: StoreListing): RunSummary[] {
  return listing.kind === 'runs' ? listing.runs : [];
}

export interface RunLogStore {
  readonly descriptor: StoreDescriptor;
  /** Never rejects for a store that cannot be listed (that is `unavailable`); rejects only when cancelled. */
  listRuns(signal?: AbortSignal): Promise<StoreListing>;
  /** Full, normalised run (branch logs merged). Throws RunNotFoundError when the store has no such run, else
   * RunLogError with a clear message. */
  getRun(runId: string, signal?: AbortSignal): Promise<Run>;
  /** The whole run log as runnable would return it with full=True (branch logs merged), for "Open Run Log". */
  getRawRunLog(runId: string, signal?: AbortSignal): Promise<Record<string, unknown>>;
  /** Files in the run's catalog folder (names relative to `<catalog>/<run_id>/`). */
  listCatalog(runId: string, signal?: AbortSignal): Promise<string[]>;
  readCatalogFile(runId: string, name: string, signal?: AbortSignal): Promise<Buffer | undefined>;
  /** Local folder to watch for changes (local stores only). */
  readonly watchPath?: string;
}

export { RunLogError };

/**
 * The store has no run of this id: callers looking through several stores try the next one on this class (never on
 * the wording of the message). `stores`: where it was looked for (the one store, or every store a registry searched).
 */
export class RunNotFoundError extends RunLogError {
  constructor(message: string, readonly runId: string, readonly stores: readonly StoreDescriptor[], file?: string) {
    super(message, file);
    this.name = 'RunNotFoundError';
  }
}
