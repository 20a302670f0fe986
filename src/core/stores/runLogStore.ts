// The port every run log store implements (file-system, chunked-fs, minio, chunked-minio).
// Stores only ever read: browsing never writes to a store.
import type { Run, RunLayout, RunSummary } from '../runlog/model';
import { RunLogError } from '../runlog/errors';

export type StoreType = 'file-system' | 'chunked-fs' | 'minio' | 'chunked-minio' | 'buffered' | (string & {});

export interface StoreDescriptor {
  /** Stable id: type + resolved location (+ endpoint/bucket for S3). Two configs naming the same store share it. */
  id: string;
  type: StoreType;
  /** Absolute folder for local stores; `s3://bucket` (with endpoint) for remote ones. */
  location: string;
  /** Config files (absolute) that point at this store; the first is used for retry. */
  configFiles: string[];
  /** Label for the tree root: config name + store type. */
  label: string;
  catalog: { type: string; location: string } | undefined;
  /** Store settings from the config (secrets masked). */
  settings: Record<string, unknown>;
  /** Set when the config could not be used (unknown store type, invalid YAML, missing file): the store lists
   * one error item with this sentence instead of runs. */
  problem?: string;
  /**
   * Local folders only: which configs read which layout of this folder. One folder named by file-system and
   * chunked-fs configs is one root (it lists every run of the folder once, whatever its layout); a run's retry
   * needs a config of the run's own layout (configForLayout). `defaults`: runnable's defaults (no config file)
   * read this layout here. Absent (remote stores, hand-made descriptors): every config reads the store's type.
   */
  layouts?: Partial<Record<RunLayout, LayoutReaders>>;
}

export interface LayoutReaders {
  /** Absolute config files, in discovery order (the primary config first). */
  configFiles: string[];
  defaults: boolean;
}

export const LOCAL_LAYOUTS: readonly RunLayout[] = ['file-system', 'chunked-fs'];

/**
 * The config a retry of a run of `layout` in this store must hand runnable: `{ configFile: undefined }` means
 * runnable's defaults; undefined means no config in the workspace reads that layout of this folder.
 */
export function configForLayout(d: StoreDescriptor, layout: RunLayout | undefined): { configFile: string | undefined } | undefined {
  if (!layout || !d.layouts) return { configFile: d.configFiles[0] };
  const readers = d.layouts[layout];
  if (!readers) return undefined;
  // As before for one-layout roots: a config naming the folder is preferred over runnable's defaults.
  if (readers.configFiles.length) return { configFile: readers.configFiles[0] };
  return readers.defaults ? { configFile: undefined } : undefined;
}

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
