// The Runs view's model, the view's only stateful piece: finds the stores of every workspace folder, opens them,
// lists and reads runs (cached, concurrent reads shared), watches stores and config files (debounced, no polling),
// holds the filter and the pages shown, names failed runs' failed steps in the background, and tells the tree what
// to redraw in coalesced changes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { discoverStores } from '../../core/config/discover';
import type { Attempt, Run, RunSummary, Step } from '../../core/runlog/model';
import { runsOf, type RunLogStore, type StoreDescriptor, type StoreListing } from '../../core/stores/runLogStore';
import { credentialsDigest, layerCredentials, type CredentialSource } from '../../core/config/credentials';
import { FailureCauses } from '../../core/stores/failureCauses';
import type { LoadedConfig } from '../../core/config/configFile';
import { emptyStoreSentence } from '../../core/explorer/emptyStore';
import { openStore } from '../../core/stores/openStore';
import { StatWorker } from '../../core/stores/statWorker';
import { watchDirectory } from '../../core/stores/dirWatch';
import type { Logger } from '../logger';
import type { RunRef, RunsService } from '../services';
import { affectsStoreDiscovery, affectsRunsPage, readSettings } from '../settings';
import { isS3Store } from '../../core/stores/s3/openS3Store';
import type { S3RunLogStore } from '../../core/stores/s3/s3RunLogStore';
import { ConcurrencyGate } from '../../core/explorer/concurrency';
import { FailureReads, type FailedInfo } from '../../core/explorer/failureReads';
import { ChangeBatch, type TreeChange } from '../../core/explorer/changeBatch';
import { RunPicker, type PickOptions } from './runPicker';
import {
  isFilterActive, matchesSummary, normaliseFilter, runIdMatchesText, stepNamesMatchText, type RunFilter,
} from '../../core/explorer/runFilter';
import { errorMessage } from '../../core/text/errorMessage';
import { Disposable } from '../disposable';

const DEBOUNCE_MS = 300;
// A store rewritten more often than DEBOUNCE_MS (a running pipeline updates its log at every step) must still refresh.
const MAX_WAIT_MS = 1000;
const REMOTE_TYPES = new Set(['minio', 'chunked-minio']);
/**
 * A remote root lists before its summaries are read; as batches of them land, the root is redrawn at most once per
 * this interval (and once when the last lands): a few redraws for 500 summaries, not one per batch.
 */
export const SUMMARY_REDRAW_MS = 750;
/** Store types read over S3: their run items carry `.remote` in contextValue. */
export const REMOTE_STORE_TYPES: ReadonlySet<string> = REMOTE_TYPES;

/** One root of the view: a store, and why it cannot be listed when it cannot. */
export interface StoreRoot {
  descriptor: StoreDescriptor;
  store?: RunLogStore;
  unavailable?: { kind: 'memory' | 'error'; message: string };
}

export interface DiscoveryState {
  roots: StoreRoot[];
  /** Config files that could not be used, and invalid settings (file = the settings scope). */
  problems: { file: string; message: string }[];
  /** No folder on disk is open: nothing to discover. */
  noFolder: boolean;
}

/** `storeId` undefined = everything (rediscovery, refresh, filter). */
export interface ModelChange { storeId?: string }

/** Of a store's failed runs on its first page, how many a local store names before its rows are first drawn. */
export const FAILED_STEPS_BEFORE_DRAW = 50;

/** What a store root shows: the newest `runs` of the `total` the filter lets through (`listed` before the filter). */
export interface StorePage { runs: RunSummary[]; total: number; listed: number }

export class RunsModel extends Disposable implements RunsService {
  private readonly changed = this.register(new vscode.EventEmitter<ModelChange>());
  /** Fine-grained: which store changed (the tree refreshes only that root). */
  readonly onDidChangeStore = this.changed.event;
  private readonly listed = this.register(new vscode.EventEmitter<{ storeId: string; runs: RunSummary[] }>());
  /** Every settled listing of a store (the tree's, a command's, a refresh's): the new-failure signal reads these. */
  readonly onDidList = this.listed.event;
  private readonly filled = this.register(new vscode.EventEmitter<{ storeId: string }>());
  /**
   * Summaries of a remote store's runs landed after its listing (coalesced, SUMMARY_REDRAW_MS). Apart from
   * onDidChangeStore: nothing was dropped, so open documents and panels need not read anything again.
   */
  readonly onDidFillSummaries = this.filled.event;
  readonly onDidChange: vscode.Event<void> = (listener, thisArgs, disposables) =>
    this.changed.event(() => listener.call(thisArgs), undefined, disposables);
  private readonly treeChanged = this.register(new vscode.EventEmitter<TreeChange>());
  /**
   * What the tree redraws, coalesced: a burst of store changes, summaries landing and failed steps named becomes one
   * event (everything, or these stores and these runs), so a redraw never closes an open menu.
   */
  readonly onDidChangeTree = this.treeChanged.event;
  private readonly batch = new ChangeBatch((c) => this.treeChanged.fire(c));
  /** Failed steps and failure causes, read in the background (budget per store listing, one read per run). */
  private readonly reads = new FailureReads({
    readRun: (ref) => this.loadRunInBackground(ref),
    cause: (ref, run, internalName, attempt) => this.failureCause(ref, run, internalName, attempt),
    named: (ref) => this.batch.run(ref),
  });
  /** How many runs each store root shows (a page more per "Show more runs"); unset = one page. */
  private readonly shown = new Map<string, number>();
  /** The run quick pick (its own file); the model only lends it the stores and the failed-step reads. */
  readonly picker: RunPicker;

  private discovery: Promise<DiscoveryState> | undefined;
  private discoveryKey = '';
  private readonly lists = new Map<string, Promise<StoreListing>>();
  /** Remote stores: the listing with every summary read (lists holds the listing as it fills in). */
  private readonly fills = new Map<string, Promise<StoreListing>>();
  private readonly fillTimers = new Map<string, NodeJS.Timeout>();
  private readonly runs = new Map<string, Promise<Run>>();
  private readonly settled = new Map<string, Run>();
  private storeWatchers: vscode.Disposable[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pendingSince = new Map<string, number>();
  private readonly abort = new AbortController();
  private readonly gate = new ConcurrencyGate(4);
  /** Cause readers by store id (their caches key on the read Run, so a re-read run reads its logs afresh). */
  private readonly causes = new Map<string, FailureCauses>();
  /** The local stores date their runs on this worker thread while they read heads (core/stores/statWorker.ts). */
  private readonly statter = new StatWorker();
  private filterState: RunFilter = {};

  /** `credentials`: keys entered and profiles chosen (the SecretStorage glue), after the configs' own keys. */
  constructor(private readonly log: Logger, private readonly credentials?: CredentialSource) {
    super();
    this.picker = this.register(new RunPicker(this, log));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsStoreDiscovery(e)) this.rediscover('settings changed');
      else if (affectsRunsPage(e)) { this.shown.clear(); this.batch.all(); }
    }));
    this.register(this.changed.event((c) => { if (c.storeId) this.batch.store(c.storeId); else this.batch.all(); }));
    this.register(this.filled.event((c) => this.batch.store(c.storeId)));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.rediscover('workspace folders changed')));
    // Config files: any YAML may become (or stop being) a runnable config. Rediscovery keeps caches when the stores are unchanged.
    const yaml = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}');
    const onYaml = (uri: vscode.Uri) => {
      if (!uri.fsPath.split(path.sep).some((seg) => seg === 'node_modules' || seg === '.git')) this.schedule('config', () => this.rediscover(`config ${uri.fsPath} changed`));
    };
    this.register(yaml, yaml.onDidChange(onYaml), yaml.onDidCreate(onYaml), yaml.onDidDelete(onYaml));
  }

  override dispose(): void {
    this.abort.abort();
    this.statter.dispose();
    for (const t of [...this.timers.values(), ...this.fillTimers.values()]) clearTimeout(t);
    for (const d of this.storeWatchers) d.dispose();
    this.batch.dispose();
    super.dispose();
  }

  // --- discovery -------------------------------------------------------------------------------------------------

  state(): Promise<DiscoveryState> {
    this.discovery ??= this.discover(this.abort.signal).catch((e: unknown) => {
      const message = `Could not look for runnable configs: ${errorMessage(e)}`;
      this.log.error(message);
      return { roots: [], problems: [{ file: '', message }], noFolder: false };
    });
    return this.discovery;
  }

  async descriptors(): Promise<StoreDescriptor[]> {
    return (await this.state()).roots.map((r) => r.descriptor);
  }

  private readonly extraConfigs = new Set<string>();

  /** Lists the stores of a config outside the workspace folders too (e.g. a sandbox pulled with `to`), this session. */
  addConfigFile(file: string): void {
    const abs = path.resolve(file);
    if (this.extraConfigs.has(abs)) return;
    this.extraConfigs.add(abs);
    this.rediscover(`config ${abs} added`);
  }

  /** The configs read by the last discovery, by file. */
  private configs: ReadonlyMap<string, LoadedConfig> = new Map();

  /** What a store root without runs says (an Argo-only store's runs are on the cluster: emptyStore.ts). */
  emptyStoreText(d: StoreDescriptor): string {
    return emptyStoreSentence(d, this.configs).text;
  }

  /** A store by id; undefined until discovery has run or when the store cannot be opened. */
  store(storeId: string): RunLogStore | undefined {
    return this.currentRoots.find((r) => r.descriptor.id === storeId)?.store;
  }

  private currentRoots: StoreRoot[] = [];
  /** Each current root's identity (its descriptor and a digest of its keys), by store id. */
  private rootKeys = new Map<string, string>();

  private async discover(signal: AbortSignal): Promise<DiscoveryState> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const problems: DiscoveryState['problems'] = [];
    const byId = new Map<string, StoreDescriptor>();
    const configKeys: CredentialSource[] = [];
    const configs = new Map<string, LoadedConfig>();
    for (const folder of folders) {
      const { settings, problems: settingProblems } = readSettings(folder.uri);
      for (const message of settingProblems) problems.push({ file: `${folder.name} settings`, message });
      const cwd = folder.uri.fsPath;
      const result = await discoverStores({
        cwd,
        configFile: settings.configFile ? path.resolve(cwd, settings.configFile) : undefined,
        env: process.env,
        variables: settings.variables,
        globs: settings.configGlobs.length ? settings.configGlobs : undefined,
        signal,
      });
      problems.push(...result.problems);
      configKeys.push(result.credentials);
      for (const c of result.configs) configs.set(c.file, c);
      for (const d of result.stores) {
        const seen = byId.get(d.id);
        if (seen) seen.configFiles = [...new Set([...seen.configFiles, ...d.configFiles])];
        else byId.set(d.id, { ...d, configFiles: [...d.configFiles] });
      }
    }
    // Configs outside every workspace folder the user asked for (a sandbox pulled elsewhere): found by their own file.
    for (const file of this.extraConfigs) {
      // A sandbox folder deleted since: dropped quietly (it was never a config the user named).
      if (!existsSync(file)) { this.extraConfigs.delete(file); continue; }
      if ([...byId.values()].some((d) => d.configFiles.includes(file))) continue;
      const folder = folders[0];
      const settings = folder ? readSettings(folder.uri).settings : undefined;
      const result = await discoverStores({ cwd: path.dirname(file), configFile: file, env: process.env, variables: settings?.variables, globs: [path.basename(file)], signal });
      configKeys.push(result.credentials);
      for (const d of result.stores) {
        if (!byId.has(d.id) && d.configFiles.includes(file)) byId.set(d.id, { ...d, configFiles: [...d.configFiles] });
      }
    }
    this.configs = configs;
    const descriptors = [...byId.values()];
    // The configs' keys (the first folder's first), then what the user entered or chose.
    const fromConfigs = layerCredentials(...configKeys);
    const keys = await Promise.all(descriptors.map(async (d) => credentialsDigest(await fromConfigs.get(d.id))));
    // Same stores as before: keep the opened stores and their caches (a YAML edit elsewhere must not reload everything).
    // The key holds a digest of the configs' keys too, so a changed key in a config reopens that store.
    const rootKeys = descriptors.map((d, i) => JSON.stringify({ ...d, secrets: keys[i] }));
    const key = JSON.stringify(rootKeys);
    if (key === this.discoveryKey && this.currentRoots.length) {
      return { roots: this.currentRoots, problems, noFolder: folders.length === 0 };
    }
    // A store whose descriptor and keys did not change keeps its open store and what was read from it (a sandbox
    // config written by Pull Run adds one store; the production bucket is not listed again). The others are opened
    // afresh, and what was read from a store that changed or went away is dropped.
    const credentials = layerCredentials(fromConfigs, this.credentials);
    const before = new Map(this.currentRoots.map((r) => [this.rootKeys.get(r.descriptor.id), r]));
    const roots = descriptors.map((d, i) => before.get(rootKeys[i]) ?? this.openRoot(d, credentials));
    const kept = new Set(roots.filter((r) => this.currentRoots.includes(r)).map((r) => r.descriptor.id));
    for (const r of this.currentRoots) if (!kept.has(r.descriptor.id)) this.dropStore(r.descriptor.id);
    for (const r of roots) if (!kept.has(r.descriptor.id)) this.dropStore(r.descriptor.id);
    this.discoveryKey = key;
    this.rootKeys = new Map(descriptors.map((d, i) => [d.id, rootKeys[i]]));
    this.currentRoots = roots;
    this.watchStores(roots);
    this.log.info(`Runs view: ${roots.length} store(s) found (${roots.map((r) => `${r.descriptor.type} ${r.descriptor.location}`).join('; ')}), ${problems.length} problem(s)`);
    for (const p of problems) this.log.warn(`${p.file}: ${p.message}`);
    return { roots, problems, noFolder: folders.length === 0 };
  }

  private openRoot(descriptor: StoreDescriptor, credentials: CredentialSource): StoreRoot {
    if (descriptor.type === 'buffered') {
      return { descriptor, unavailable: { kind: 'memory', message: 'In memory only: a buffered run log store keeps runs in the running process; nothing to list.' } };
    }
    if (descriptor.problem) return { descriptor, unavailable: { kind: 'error', message: descriptor.problem } };
    // Every store type runnable has is read (file-system, chunked-fs, minio, chunked-minio: extensions/run_log_store/
    // in runnable; buffered above); an S3 store is opened with its credentials, which it asks for before each read.
    try {
      return { descriptor, store: openStore(descriptor, { statter: this.statter, credentials }) };
    } catch (e) {
      return { descriptor, unavailable: { kind: 'error', message: errorMessage(e) } };
    }
  }

  private watchStores(roots: StoreRoot[]): void {
    for (const d of this.storeWatchers) d.dispose();
    this.storeWatchers = [];
    for (const root of roots) {
      const watchPath = root.store?.watchPath;
      if (!watchPath) continue;
      const storeId = root.descriptor.id;
      // Watch from the parent so a store folder created by the first run is seen too.
      const pattern = new vscode.RelativePattern(vscode.Uri.file(path.dirname(watchPath)), `${path.basename(watchPath)}/**`);
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      const onChange = (uri: vscode.Uri) => {
        const rel = path.relative(watchPath, uri.fsPath);
        const runId = rel && !rel.startsWith('..') ? rel.split(path.sep)[0].replace(/\.json$/, '') : undefined;
        if (runId) this.forgetRun(storeId, runId);
        this.schedule(`store:${storeId}`, () => this.refreshStore(storeId));
      };
      // Set up synchronously (dirWatch.ts): a run written right after this root appeared is listed, not missed.
      const direct = watchDirectory(watchPath, (name) => onChange(vscode.Uri.file(name ? path.join(watchPath, name) : watchPath)));
      this.log.debug(`Runs view: watching ${watchPath}`);
      this.storeWatchers.push(direct, watcher, watcher.onDidChange(onChange), watcher.onDidCreate(onChange), watcher.onDidDelete(onChange));
    }
  }

  private schedule(key: string, fn: () => void): void {
    // Trailing debounce, never postponed past MAX_WAIT_MS after the first event of a burst.
    const now = Date.now();
    const since = this.pendingSince.get(key) ?? now;
    this.pendingSince.set(key, since);
    clearTimeout(this.timers.get(key));
    const delay = Math.max(0, Math.min(DEBOUNCE_MS, since + MAX_WAIT_MS - now));
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); this.pendingSince.delete(key); fn(); }, delay));
  }

  private rediscover(why: string): void {
    this.log.debug(`Runs view: looking for stores again (${why})`);
    this.discovery = undefined;
    this.changed.fire({});
  }

  // --- refresh -----------------------------------------------------------------------------------------------------

  /**
   * Re-reads everything (stores rediscovered, lists and runs re-read on the next request); with `storeId`, that store
   * only (its credentials changed, a poll saw its runs change): the other roots keep their listings.
   */
  refresh(storeId?: string): void {
    if (storeId !== undefined) return this.refreshStore(storeId, true);
    // Reads in flight are not aborted: the tree may still be waiting on them, and an aborted read would show as an
    // error item. Dropping the caches is enough; the next request reads afresh (abort is for dispose).
    this.discovery = undefined;
    this.discoveryKey = '';
    this.rootKeys.clear(); // every store is opened afresh too
    this.lists.clear();
    this.fills.clear();
    this.runs.clear();
    this.settled.clear();
    this.causes.clear();
    this.reads.clear();
    this.changed.fire({});
  }

  /** Forgets everything read from a store (it changed or went away), without telling the tree. */
  private dropStore(storeId: string): void {
    this.lists.delete(storeId);
    this.fills.delete(storeId);
    this.shown.delete(storeId);
    this.forgetRuns(storeId);
  }

  /** Forgets the runs read from a store, their settled summaries and their failed steps and causes. */
  private forgetRuns(storeId: string): void {
    const prefix = runKey(storeId, '');
    for (const k of [...this.runs.keys()]) if (k.startsWith(prefix)) this.runs.delete(k);
    for (const k of [...this.settled.keys()]) if (k.startsWith(prefix)) this.settled.delete(k);
    this.causes.delete(storeId);
    this.reads.forgetStore(storeId);
  }

  /**
   * Looks for stores again now (a config was written, e.g. by Pull Run): the stores that did not change keep what
   * was read from them, a new one is listed on the next request.
   */
  findStores(): void {
    this.rediscover('asked');
  }

  private refreshStore(storeId: string, runs = false): void {
    this.lists.delete(storeId);
    this.fills.delete(storeId);
    this.reads.resetBudget(storeId);
    // Read with other credentials, or changed in the bucket: its runs and failed steps are read afresh.
    if (runs) this.forgetRuns(storeId);
    this.changed.fire({ storeId });
  }

  private forgetRun(storeId: string, runId: string): void {
    const key = runKey(storeId, runId);
    this.runs.delete(key);
    this.settled.delete(key);
    this.reads.forgetRun({ storeId, runId });
  }

  // --- reads -------------------------------------------------------------------------------------------------------

  /**
   * Every run of a store, newest first (unfiltered). Concurrent callers share one read. A remote store answers once
   * its objects are listed: runs whose summary is still being read are `pending` (see settledRuns).
   */
  listRuns(storeId: string): Promise<RunSummary[]> {
    // Concurrent callers share one promise, as they share the listing.
    const listing = this.listing(storeId);
    let runs = this.runsOfListing.get(listing);
    if (!runs) this.runsOfListing.set(listing, (runs = listing.then(runsOf)));
    return runs;
  }

  private readonly runsOfListing = new WeakMap<Promise<StoreListing>, Promise<RunSummary[]>>();

  /** A store's listing: its runs, or `unavailable` with the sentence the root shows (one item). Shared as listRuns. */
  listing(storeId: string): Promise<StoreListing> {
    let p = this.lists.get(storeId);
    if (!p) {
      const store = this.store(storeId);
      const listing = !store ? Promise.reject(new Error(`No open store with id ${storeId}; refresh the Runs view.`))
        : isS3Store(store) ? this.listRemote(storeId, store)
          : store.listRuns(this.abort.signal);
      p = listing;
      this.lists.set(storeId, p);
      p.then((l) => { if (this.lists.get(storeId) === listing && l.kind === 'runs') this.listed.fire({ storeId, runs: l.runs }); }, () => undefined);
      p.catch(() => { if (this.lists.get(storeId) === listing) this.lists.delete(storeId); });
    }
    return p;
  }

  /** The runs of a store with their statuses (a remote store's summaries read): for picks by status, tags. */
  settledRuns(storeId: string): Promise<RunSummary[]> {
    const listing = this.listRuns(storeId);
    const fill = this.fills.get(storeId);
    return fill ? fill.then(runsOf, () => listing) : listing;
  }

  /** True while a remote store's summaries are still being read. */
  fillingSummaries(storeId: string): Promise<unknown> | undefined {
    return this.fills.get(storeId);
  }

  /**
   * The first listing of an S3 store, then its summaries filling in: each batch replaces the cached listing (so later
   * callers see it), feeds onDidList (the new-failure signal) and, coalesced, onDidFillSummaries (the tree's root).
   */
  private listRemote(storeId: string, store: S3RunLogStore): Promise<StoreListing> {
    let latest: Promise<StoreListing> | undefined;
    const land = (runs: RunSummary[]): void => {
      // Dropped (refresh) or replaced by a newer listing: this fill's results are no one's any more.
      if (!latest || this.lists.get(storeId) !== latest) return;
      latest = Promise.resolve({ kind: 'runs', runs });
      this.lists.set(storeId, latest);
      this.listed.fire({ storeId, runs });
      if (!this.fillTimers.has(storeId)) {
        this.fillTimers.set(storeId, setTimeout(() => { this.fillTimers.delete(storeId); this.filled.fire({ storeId }); }, SUMMARY_REDRAW_MS));
      }
    };
    const first = store.listRunsFirst(this.abort.signal, land);
    latest = first.then((r) => r.listing);
    const fill = first.then((r) => r.summaries).then((runs) => {
      // The last batch redraws at once (no need to wait out the interval).
      const t = this.fillTimers.get(storeId);
      if (t && this.fills.get(storeId) === fill) {
        clearTimeout(t);
        this.fillTimers.delete(storeId);
        this.filled.fire({ storeId });
      }
      if (this.fills.get(storeId) === fill) this.fills.delete(storeId);
      return runs;
    });
    fill.catch(() => { if (this.fills.get(storeId) === fill) this.fills.delete(storeId); });
    this.fills.set(storeId, fill);
    return latest;
  }

  /** The full run; concurrent callers share one read; a failed read is retried next time. */
  getRun(ref: RunRef): Promise<Run> {
    const key = runKey(ref.storeId, ref.runId);
    let p = this.runs.get(key);
    if (!p) {
      const store = this.store(ref.storeId);
      p = store ? store.getRun(ref.runId, this.abort.signal) : Promise.reject(new Error(`No open store with id ${ref.storeId}; refresh the Runs view.`));
      this.runs.set(key, p);
      p.then((run) => { if (this.runs.get(key) === p) this.settled.set(key, run); },
        () => { if (this.runs.get(key) === p) this.runs.delete(key); });
    }
    return p;
  }

  /** The run when it has already been read (no I/O). */
  peekRun(ref: RunRef): Run | undefined {
    return this.settled.get(runKey(ref.storeId, ref.runId));
  }

  failureCause(ref: RunRef, run: Run, internalName: string, attempt: Attempt): Promise<string | undefined> {
    if (attempt.status !== 'FAIL') return Promise.resolve(undefined);
    const store = this.store(ref.storeId);
    if (!store) return Promise.resolve(undefined);
    let reader = this.causes.get(ref.storeId);
    if (!reader) this.causes.set(ref.storeId, (reader = new FailureCauses(store)));
    const r = reader;
    return this.gate.run(() => r.cause(run, internalName, attempt, this.abort.signal));
  }

  /** Reads a run in the background, a few at a time. */
  loadRunInBackground(ref: RunRef): Promise<Run> {
    return this.runs.get(runKey(ref.storeId, ref.runId)) ?? this.gate.run(() => this.getRun(ref));
  }

  // --- filter ------------------------------------------------------------------------------------------------------

  get filter(): RunFilter { return this.filterState; }

  setFilter(f: RunFilter): void {
    this.filterState = normaliseFilter(f);
    void vscode.commands.executeCommand('setContext', 'runnable.filterActive', isFilterActive(this.filterState));
    // A new filter starts again from the first page of what it lets through.
    this.shown.clear();
    this.changed.fire({});
  }

  clearFilter(): void { this.setFilter({}); }

  /** The runs the filter lets through; a text filter also looks at step names (reads those runs, a few at a time). */
  async filteredRuns(storeId: string): Promise<RunSummary[]> {
    const all = await this.listRuns(storeId);
    const f = this.filterState;
    if (!isFilterActive(f)) return all;
    const byStatusTag = all.filter((r) => matchesSummary(r, f));
    if (!f.text) return byStatusTag;
    const keep = await Promise.all(byStatusTag.map(async (r) => {
      if (runIdMatchesText(r, f)) return true;
      if (r.error || r.kind === 'job') return false;
      try {
        return stepNamesMatchText(await this.loadRunInBackground({ storeId, runId: r.runId }), f.text!);
      } catch {
        return false;
      }
    }));
    return byStatusTag.filter((_, i) => keep[i]);
  }

  // --- pages -------------------------------------------------------------------------------------------------------

  /** Runs per page of a store root (runnable.runsPageSize). */
  pageSize(): number {
    return readSettings().settings.runsPageSize;
  }

  /**
   * What a store root shows: the filter first, then the newest runs of one page or more ("Show more runs"). The
   * page's failed runs are named in the background (a local store's newest FAILED_STEPS_BEFORE_DRAW before this
   * answers, so its rows are drawn once, already named).
   */
  async page(storeId: string): Promise<StorePage> {
    const listed = (await this.listRuns(storeId)).length;
    const filtered = await this.filteredRuns(storeId);
    const runs = filtered.slice(0, this.shown.get(storeId) ?? this.pageSize());
    const failed = runs.filter((r) => r.status === 'FAIL' && !r.error).map((r) => ({ storeId, runId: r.runId }));
    if (this.store(storeId)?.watchPath) await this.reads.nameNow(failed.slice(0, FAILED_STEPS_BEFORE_DRAW));
    for (const ref of failed) this.reads.request(ref);
    return { runs, total: filtered.length, listed };
  }

  /** One page more of this store's runs (the "Show more runs" row). */
  showMore(storeId: string): void {
    this.shown.set(storeId, (this.shown.get(storeId) ?? this.pageSize()) + this.pageSize());
    this.batch.store(storeId);
  }

  /** Redraws a store's root and rows (no read is dropped): e.g. an S3 root once its first listing chose an identity. */
  redrawStore(storeId: string): void {
    this.batch.store(storeId);
  }

  // --- failures ----------------------------------------------------------------------------------------------------

  /** A failed run's failed step once read (null: none, or unreadable); undefined while not read. No I/O. */
  failedStep(ref: RunRef): FailedInfo | null | undefined {
    return this.reads.failedStep(ref);
  }

  /** Names these runs' failed steps (within their stores' budgets) and resolves once they are known. */
  nameFailedSteps(refs: RunRef[]): Promise<void> {
    return this.reads.nameNow(refs);
  }

  /** Starts naming this run's failed step in the background; onDidChangeTree tells when it is known. */
  requestFailedStep(ref: RunRef): void {
    this.reads.request(ref);
  }

  /**
   * The run as the tree expands it: read, and its failed step named (a run past the store's budget is named now; its
   * row is redrawn once).
   */
  async openRun(ref: RunRef): Promise<Run> {
    const run = await this.getRun(ref);
    if (run.status === 'FAIL') await this.reads.noteRun(ref, run);
    return run;
  }

  /** Reads the causes of these steps' failed attempts, so their rows are drawn with them. */
  readCauses(ref: RunRef, run: Run, steps: Step[]): Promise<void> {
    return this.reads.readCauses(ref, run, steps);
  }

  /** The cause of a failed attempt once read (readCauses); undefined otherwise. No I/O. */
  cause(ref: RunRef, internalName: string, attempt: Attempt | undefined): string | undefined {
    return attempt ? this.reads.cause(ref, internalName, attempt.number) : undefined;
  }

  // --- picking -----------------------------------------------------------------------------------------------------

  pickRun(options: PickOptions = {}): Promise<RunRef | undefined> {
    return this.picker.pick(options);
  }
}

function runKey(storeId: string, runId: string): string {
  return `${storeId}\u0000${runId}`;
}
