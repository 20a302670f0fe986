// What the VS Code features share: built once in activate() and passed down (no module-level singletons).
import type * as vscode from 'vscode';
import type { Attempt, Run, RunSummary } from '../core/runlog/model';
import type { RunLogStore, StoreDescriptor, StoreListing } from '../core/stores/runLogStore';
import type { StoreSource } from '../core/stores/storeRegistry';
import type { Logger } from './logger';
import type { CredentialStore } from './remote/credentialStore';

/** Identifies a run (and optionally one of its steps) across the features: tree nodes, commands, webviews. */
export interface RunRef {
  storeId: string;
  runId: string;
  /** Internal name of a step, when the action is about one step. */
  stepInternalName?: string;
}

/** The run explorer's model, as the other features see it. Implemented by vscode/explorer/runsModel.ts. */
export interface RunsService {
  /** Fires when stores or runs changed (refresh, file watcher, poll). */
  readonly onDidChange: vscode.Event<void>;
  /** The stores found among the workspace's runnable configs (one per distinct store). */
  descriptors(): Promise<StoreDescriptor[]>;
  store(storeId: string): RunLogStore | undefined;
  /** The store's runs; none when it cannot be listed (listing() says why). */
  listRuns(storeId: string): Promise<RunSummary[]>;
  /** The store's listing: its runs, or `unavailable` with the sentence its root shows. */
  listing(storeId: string): Promise<StoreListing>;
  /** listRuns once a remote store's summaries are read (statuses, kinds known); the same for local stores. */
  settledRuns?(storeId: string): Promise<RunSummary[]>;
  getRun(ref: RunRef): Promise<Run>;
  /**
   * The user's own error of a failed attempt (`RuntimeError: no deployment url for churn-model`), read lazily from
   * the step's captured log in the catalog and cached per read run; undefined when there is none (runnable's message
   * is then all there is).
   */
  failureCause(ref: RunRef, run: Run, internalName: string, attempt: Attempt): Promise<string | undefined>;
  /** Drops what was read and reads again: every store (rediscovered), or with `storeId` that store only (a credential
   * change, a poll that saw its runs change). */
  refresh(storeId?: string): void;
  /** Also list the stores of this config file when it lies outside every workspace folder (a pulled sandbox). */
  addConfigFile?(file: string): void;
  /** Looks for stores again now (a config was written): unchanged stores keep what was read from them. */
  findStores?(): void;
  /** Lets the user pick a run (quick pick); `failedOnly` narrows to failed runs. */
  pickRun(options?: { failedOnly?: boolean; title?: string }): Promise<RunRef | undefined>;
}

export interface Services {
  context: vscode.ExtensionContext;
  log: Logger;
  runs: RunsService;
  /** S3 credentials the user entered and AWS profiles chosen: the stores are opened with it (set by activate). */
  credentials?: CredentialStore;
  /** The Runs view, set by registerExplorer (tests and other features reveal / read nodes through it). */
  explorer?: { treeView: vscode.TreeView<unknown>; provider: vscode.TreeDataProvider<unknown>; /** New failed runs not yet looked at. */ newFailedRuns?: () => number };
  /** Fires when a retry session ended and its run was re-read (set by registerRetry; tests read `ended`). */
  retryEnded?: vscode.Event<import('./debug/retrySessions').RetryOutcome>;
  /** The YAML language client, set by registerLanguage (tests reach the server process through it). */
  language?: LanguageService;
}

/** The runnable YAML language client, as tests and other features see it. Implemented by vscode/language/languageClient.ts. */
export interface LanguageService {
  /** Fires as the server stops, starts and runs again (after a crash: stopped, starting, running). */
  readonly onDidChangeServerState: vscode.Event<'stopped' | 'starting' | 'running'>;
  /** Restarts after the server stopped unexpectedly (not counting "Restart Language Server"). */
  readonly automaticRestarts: number;
  /** The server's process id; undefined when no server was started. */
  serverInfo(): Promise<{ pid: number } | undefined>;
  /** Whether the running server leaves YAML syntax errors, outline and folding to Red Hat YAML; undefined while none runs. */
  readonly besideYamlExtension: boolean | undefined;
  /** What the running server offers (its `initialize` answer); undefined while none runs. */
  readonly serverCapabilities: Readonly<Record<string, unknown>> | undefined;
}

/** Commands get a RunRef, a tree node carrying `ref`, or nothing. */
export function toRunRef(arg: unknown): RunRef | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as { ref?: unknown; storeId?: unknown; runId?: unknown };
  if (typeof a.storeId === 'string' && typeof a.runId === 'string') return a as RunRef;
  if (a.ref && typeof a.ref === 'object') return toRunRef(a.ref);
  return undefined;
}

/** The Runs view's stores as the store registry's finder sees them (core/stores/storeRegistry.ts): runs are read
 * through the model, so its cache and the credentials the user entered apply. */
export function storeSourceOf(runs: RunsService): StoreSource {
  return {
    descriptors: () => runs.descriptors(),
    store: (storeId) => runs.store(storeId),
    readRun: (storeId, runId) => runs.getRun({ storeId, runId }),
  };
}
