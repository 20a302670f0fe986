// The normalised run model every feature reads (tree, CLI, retry plan, details webview, replay).
// Built from runnable's RunLog JSON by normalise.ts; raw JSON never leaves core/runlog.

/** runnable's status strings (runnable/defaults.py): SUCCESS, FAIL, PROCESSING, CREATED, TRIGGERED. Kept open-ended. */
export type Status = 'SUCCESS' | 'FAIL' | 'PROCESSING' | 'CREATED' | 'TRIGGERED' | (string & {});

export type ParamKind = 'json' | 'object' | 'metric';

export interface ParamValue {
  kind: ParamKind;
  /** json/metric: the JSON value; object: the pickle's name (runnable stores the name, not the object). */
  value: unknown;
  /** object parameters only: the catalog file holding the pickle, `<name><pickler extension>` (e.g. `model.dill`). */
  catalogFile?: string;
}

export interface CodeIdentity {
  identifier: string | null;
  type: string | null;
  dependable: boolean | null;
  url: string | null;
  message: string;
}

export interface CatalogItem {
  name: string;
  dataHash: string;
  catalogRelativePath: string;
  catalogHandlerLocation: string;
  stage: string;
}

export interface Attempt {
  number: number;
  status: Status;
  /** RUNNABLE_RETRY_INDICATOR of the execution that made this attempt; "" for the original run. */
  retryIndicator: string;
  /** Set when runnable recorded no indicator (a stub's attempt) and retryIndicator was read from when it ran. */
  indicatorInferred?: true;
  /** runnable's `str(datetime.now())`: local time, no zone, e.g. `2026-11-24 22:25:32.930947`. */
  startTime: string;
  endTime: string;
  /** startTime/endTime read as local time, in epoch ms (NaN when absent or unreadable). */
  startMs: number;
  endMs: number;
  durationMs: number | undefined;
  message: string;
  inputs: Record<string, ParamValue>;
  outputs: Record<string, ParamValue>;
  metrics: Record<string, ParamValue>;
  codeIdentities: CodeIdentity[];
}

/** Node types as runnable records them in StepLog.step_type / dag node_type. */
export type StepType = 'task' | 'stub' | 'success' | 'fail' | 'parallel' | 'map' | 'conditional' | 'loop' | (string & {});

export interface Step {
  /** Dot notation: `score_all.2.score chunk` = map `score_all`, iteration `2`, step `score chunk`. */
  internalName: string;
  name: string;
  type: StepType;
  status: Status;
  message: string;
  mock: boolean;
  attempts: Attempt[];
  /** Composite nodes only, in execution order (map: iteration order as recorded). */
  branches: Branch[];
  catalog: CatalogItem[];
  /** From run_config.dag when the node is found there (task nodes). */
  command?: string;
  commandType?: string;
  /** From the dag node (task nodes): the names (and kinds: json, metric, object) its return values are recorded as. */
  returns?: { name: string; kind: string }[];
  /** Internal name of the branch this step sits in ("" at the top level). */
  parentBranch: string;
}

export interface Branch {
  /** e.g. `score_all.2`, `prepare.schema`, `train.large`. */
  internalName: string;
  /** The last segment: the map iteration value, parallel branch name or conditional case. */
  name: string;
  status: Status;
  steps: Step[];
  parameters: Record<string, ParamValue>;
}

export interface JobLog {
  status: Status;
  message: string;
  attempts: Attempt[];
  catalog: CatalogItem[];
  codeIdentities: CodeIdentity[];
  command?: string;
  commandType?: string;
}

export interface Run {
  runId: string;
  status: Status;
  tag: string;
  dagHash: string;
  kind: 'pipeline' | 'job';
  /** run_config.execution_mode: `python` (SDK) or `yaml`. */
  executionMode: string;
  /** run_config.pipeline_definition_file (`module.function` for SDK, YAML path for yaml) or job_definition_file. */
  definitionFile: string;
  /** Earliest attempt start / latest attempt end across the run (runnable records no run-level times). */
  startTime: string | undefined;
  endTime: string | undefined;
  startMs: number;
  endMs: number;
  /** Top-level steps in execution order. */
  steps: Step[];
  job: JobLog | undefined;
  parameters: Record<string, ParamValue>;
  /** run_config.pipeline_executor.service_name, e.g. `local`, `argo`. */
  executor: string;
  /** run_config.pickler.extension, default `.dill`. */
  pickleExtension: string;
  /** The raw run_config (contains `dag`). */
  runConfig: Record<string, unknown>;
  /** Non-fatal oddities found while normalising (e.g. a BranchLog whose parent step is missing). */
  warnings: string[];
  /** Set by the local stores: which layout the run was read from (see RunLayout). */
  layout?: RunLayout;
}

/**
 * How a local run is laid out on disk, which is also the local store type that can read it: runnable's
 * `file-system` store reads `<log_folder>/<run_id>.json`, `chunked-fs` reads `<log_folder>/<run_id>/RunLog.json`
 * (+ `BranchLog-*.json`). One folder can hold both (configs of both types naming it); a retry must hand runnable
 * a config of the run's own layout, or runnable will not find the run.
 */
export type RunLayout = 'file-system' | 'chunked-fs';

/** What the list needs, read without parsing the whole log. */
export interface RunSummary {
  runId: string;
  status: Status;
  tag: string;
  kind: 'pipeline' | 'job';
  startTime: string | undefined;
  endTime: string | undefined;
  startMs: number;
  endMs: number;
  /** Set when the summary could not be read: the run lists as an error item. */
  error?: string;
  /**
   * Remote stores: listed before its summary was read (status, tag unknown yet; it fills in shortly). Not a status:
   * nothing (failure signals, filters by status) treats such a run as failed, running or done.
   */
  pending?: true;
  /** The file (or folder) the run came from, for messages. */
  source: string;
  /** Local stores: the run's layout (see RunLayout); undefined for remote stores and error items not tied to a layout. */
  layout?: RunLayout;
}

export interface FirstFailedTask {
  internalName: string;
  name: string;
  command: string | undefined;
  commandType: string | undefined;
  step: Step;
  attempt: Attempt;
}
