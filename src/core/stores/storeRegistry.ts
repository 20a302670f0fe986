// The one place that finds a run by id among a workspace's run log stores (local or S3): the stores are discovered and
// opened once, the run is read from the first store that has it, and the finder says which store and config read it.
// A run no store has is a RunNotFoundError naming every store looked in; a store that cannot be read never hides a run
// another store has.
import { discoverStores, type DiscoverOptions, type Discovery } from '../config/discover';
import type { Run } from '../runlog/model';
import { errorMessage } from '../text/errorMessage';
import { MessageStore } from './messageStore';
import { layerCredentials } from '../config/credentials';
import { openStore, type OpenStoreOptions } from './openStore';
import { configForLayout, RunLogError, RunNotFoundError, type RunLogStore, type StoreDescriptor } from './runLogStore';

/** Which stores a workspace has, each handed out opened: a StoreRegistry, or the Runs view's model (its stores read
 * with the credentials the user entered, and through its run cache). */
export interface StoreSource {
  descriptors(): Promise<StoreDescriptor[]>;
  store(storeId: string): RunLogStore | undefined;
  /** How the source reads a run when not straight from the store (the Runs view's model: through its run cache). */
  readRun?(storeId: string, runId: string, signal?: AbortSignal): Promise<Run>;
}

export interface FoundRun {
  run: Run;
  store: RunLogStore;
  /**
   * The config that reads the run there (`configFile` undefined: runnable's defaults); undefined when no config of the
   * workspace reads the run's layout in that folder (runnable would not find it).
   */
  config: { configFile: string | undefined } | undefined;
}

export interface FindRunOptions {
  /** Look in this store only (a run picked in the Runs view, a launch's `storeId`). */
  storeId?: string;
  /** Look in the stores this config (absolute path) names only. */
  configFile?: string;
  signal?: AbortSignal;
}

/** No store has the run, and some store could not be read: its sentences, and the stores that surely lack the run. */
export class RunReadError extends RunLogError {
  constructor(readonly runId: string, readonly failures: readonly string[], readonly misses: readonly StoreDescriptor[]) {
    // What was looked at first (the stores that surely lack the run), then why the rest could not say.
    super(misses.length
      ? `No run "${runId}" in ${misses.map(storeName).join(', ')}, and ${failures.length === 1 ? 'one store' : `${failures.length} stores`} could not be searched: ${failures.join(' ')}`
      : failures.join(' '));
    this.name = 'RunReadError';
  }
}

/** `prod.yaml · chunked-fs (/abs/prod-run-logs)`: a store as the finder's sentences name it. */
export function storeName(d: StoreDescriptor): string {
  return `${d.label} (${d.location})`;
}

/**
 * The run from the first store (in the source's order: the primary config's first) that has it. Throws
 * RunNotFoundError when every store looked in lacks it (none looked in: `stores` is empty), RunReadError when none has
 * it and some could not be read, an AbortError when cancelled.
 */
export async function findRunIn(source: StoreSource, runId: string, opts: FindRunOptions = {}): Promise<FoundRun> {
  const all = await source.descriptors();
  const chosen = opts.storeId
    ? all.filter((d) => d.id === opts.storeId)
    : opts.configFile
      ? all.filter((d) => d.configFiles.includes(opts.configFile!))
      : all;
  // A store the caller named is expected to be readable: its problem is said. Others are only searched.
  const named = !!(opts.storeId || opts.configFile);
  const misses: StoreDescriptor[] = [];
  const failures: string[] = [];
  for (const d of chosen) {
    opts.signal?.throwIfAborted();
    const store = d.problem ? undefined : source.store(d.id);
    if (!store || store instanceof MessageStore) {
      const why = d.problem ?? (store instanceof MessageStore ? store.message : undefined);
      if (named && why) failures.push(why);
      continue;
    }
    try {
      const run = source.readRun ? await source.readRun(d.id, runId, opts.signal) : await store.getRun(runId, opts.signal);
      return { run, store, config: configForLayout(store.descriptor, run.layout) };
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      if (e instanceof RunNotFoundError) misses.push(d);
      else failures.push(errorMessage(e));
    }
  }
  if (failures.length) throw new RunReadError(runId, failures, misses);
  throw new RunNotFoundError(
    misses.length
      ? `No run "${runId}" in ${misses.map(storeName).join(', ')}: check the run id, \`runnable-runs list\` shows the runs.`
      : `No run log store to look for run "${runId}" in: add runnable-config.yaml or name a config with a \`run-log-store\`.`,
    runId,
    misses,
  );
}

/** Stores opened already (the CLI's, a test's) as a source, in their order. */
export function sourceOf(stores: readonly RunLogStore[]): StoreSource {
  return {
    descriptors: () => Promise.resolve(stores.map((s) => s.descriptor)),
    store: (id) => stores.find((s) => s.descriptor.id === id),
  };
}

/**
 * A workspace's stores, discovered once and each opened once (on first use), with their credentials: the configs' keys
 * (discovery's) under `open.credentials` when given (keys entered, a profile chosen: they come after the config's).
 */
export class StoreRegistry implements StoreSource {
  private readonly opened = new Map<string, RunLogStore>();
  private readonly open: OpenStoreOptions;

  constructor(readonly discovery: Discovery, open: OpenStoreOptions = {}) {
    this.open = { ...open, credentials: layerCredentials(discovery.credentials, open.credentials) };
  }

  static async discover(opts: DiscoverOptions, open: OpenStoreOptions = {}): Promise<StoreRegistry> {
    return new StoreRegistry(await discoverStores(opts), open);
  }

  descriptors(): Promise<StoreDescriptor[]> {
    return Promise.resolve(this.discovery.stores);
  }

  store(storeId: string): RunLogStore | undefined {
    let store = this.opened.get(storeId);
    if (!store) {
      const d = this.discovery.stores.find((s) => s.id === storeId);
      if (!d) return undefined;
      store = openStore(d, this.open);
      this.opened.set(storeId, store);
    }
    return store;
  }

  /** Every store, opened (MessageStores for configs that cannot be used), in discovery order. */
  stores(): RunLogStore[] {
    return this.discovery.stores.map((d) => this.store(d.id)!);
  }

  findRun(runId: string, opts: FindRunOptions = {}): Promise<FoundRun> {
    return findRunIn(this, runId, opts);
  }
}
