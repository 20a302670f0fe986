// The retry plan: everything needed to launch "Retry locally" (or print it with `plan-retry --json`).
// The JSON shape is the one the issue fixes; the debug glue and the CLI both read it.
import type { LoopGoesOn } from '../runlog/rules';

/** "polling may go on from iteration 3 (until done is true, at most 6 iterations in all)". */
export function loopGoesOnText(l: LoopGoesOn): string {
  const until = [l.breakOn ? `until ${l.breakOn} is true` : '', l.maxIterations !== undefined ? `at most ${l.maxIterations} iterations in all` : ''].filter(Boolean).join(', ');
  return `${l.loop} may go on from iteration ${l.from}${until ? ` (${until})` : ''}`;
}

export interface RetryInput {
  kind: 'json' | 'object' | 'metric';
  /** json/metric: the recorded value. Absent for objects (the value is a pickle in the catalog). */
  value?: unknown;
  /** Objects: the catalog file the retry unpickles, `<catalog>/<run_id>/<name><ext>` (relative to cwd when local). */
  catalogFile?: string;
}

export interface RetryBreakpoint {
  /** Relative to cwd when inside it, else absolute. */
  file: string;
  line: number;
  /** A Python expression: set when the function also runs for other steps/iterations of the run. */
  condition?: string;
}

export interface FirstFailed {
  internalName: string;
  command: string | null;
  commandType: string | null;
  /** Python tasks only (null when the function could not be located or the task is shell/notebook). */
  file: string | null;
  defLine: number | null;
  /** First body line: where the debugger stops. */
  line: number | null;
  /** The failed attempt's inputs that the function's signature takes (all of them when the signature is unknown). */
  inputs: Record<string, RetryInput>;
  /** Set when `inputs` are not the attempt's recorded ones (it stopped before the call): where they come from, a clause. */
  inputsFrom?: string;
  /** The files its `catalog.get` globs restore from the run's catalog before the call (catalogGets.ts); absent: none. */
  catalogGets?: Array<{ pattern: string; files: string[]; checked: boolean }>;
}

export interface RetryPlan {
  runId: string;
  /** RUNNABLE_RETRY_INDICATOR for this retry (the next unused one unless given). */
  retryIndicator: string;
  /** Absolute folder to run in (the workspace the run's relative paths resolve against). */
  cwd: string;
  /** Variables to set on top of the user's environment (RUNNABLE_RETRY_RUN_ID, RUNNABLE_RETRY_INDICATOR,
   * RUNNABLE_CONFIGURATION_FILE when the run's store comes from a config file, RUNNABLE_VAR_* given). */
  env: Record<string, string>;
  /** What goes after the Python interpreter: `-c <code>` for SDK pipelines, `-m runnable.cli execute <yaml>` for YAML. */
  argv: string[];
  /** Internal names a retry skips (last attempt succeeded / composite succeeded). */
  skipped: string[];
  /** Internal names of the task/stub steps it runs again. */
  rerun: string[];
  /** Steps the original run never reached, which run after those (RetrySkipPlan.notReached). */
  notReached: string[];
  /** Loops that may run iterations beyond those in the log (RetrySkipPlan.loopsGoOn); absent when none. */
  loopsGoOn?: LoopGoesOn[];
  firstFailed: FirstFailed | null;
  breakpoints: RetryBreakpoint[];
  /** Things that will not stop the retry but the user should know. */
  warnings: string[];
  /** Secrets the steps to run ask for that the retry's secrets service will not have (secretsCheck.ts), per step;
   * their sentence is also a warning. Absent: none missing, or the service cannot be asked. */
  missingSecrets?: Array<{ step: string; names: string[] }>;
  /** Packages the retry needs beside runnable that the interpreter cannot import (needs.ts); each also a warning. */
  missingPackages?: Array<{ module: string; install: string; command: string; effect: string }>;
  /** Whether the failed step's file differs from the git commit the run recorded (codeDrift.ts); trusted only. */
  codeDrift?: string;
  /** `changed` when that file differs (the pre-flight then offers the diff and a retry at the commit). */
  codeDriftKind?: 'changed' | 'same' | 'missing';
  /** Why the retry cannot work as things stand; null when it can. */
  blocked: string | null;
  /** Set for a job's run: runnable retries pipelines only, so the way on is a new run (the argv without the retry env). */
  job?: true;
  /** The config the retry hands runnable, chosen from the run (retryConfig.ts); absent when the run was not found. */
  config?: {
    /** RUNNABLE_CONFIGURATION_FILE (relative to cwd when inside it); null: runnable's defaults. */
    file: string | null;
    /** Which config and why, for the pre-flight. */
    reason: string;
    /** Set when the file was written for this retry: its text. */
    generated?: string;
    /** Set when the user named a config that would not retry under the debugger: what it would do. Ask first. */
    confirm?: string;
  };
  /** Async/script runs (`__main__.<fn>` commands, no definition): the workspace scripts that could be the run's, when
   * more than one fits and none was chosen (planRetry's `script` option). The plan is blocked until one is picked. */
  scriptChoices?: string[];
  /** The script re-run for a `__main__` run (relative to cwd). */
  script?: string;
}
