// The user's own error of a failed attempt, read from the step's captured output in the run's catalog
// (runnable's run log only keeps its wrapper, "Function call: functions.deploy_model did not succeed.").
// Reads are lazy and cached per read Run object: a re-read run (new attempts, new logs) starts afresh.
// Never throws: a store without a catalog, a missing or unreadable log gives no cause and callers fall back to
// runnable's message.
import type { Attempt, Run } from '../runlog/model';
import { findStep, isPythonCommand } from '../runlog/rules';
import { stepSecrets } from '../runlog/dag';
import { exceptionCause, executionLogCandidates, pickLogForAttempt, shellStderr, type LoggedException } from '../runlog/stepLog';

/** The part of a store this needs (RunLogStore has it). */
export interface CatalogFiles {
  listCatalog(runId: string, signal?: AbortSignal): Promise<string[]>;
  readCatalogFile(runId: string, name: string, signal?: AbortSignal): Promise<Buffer | undefined>;
}

export interface AttemptLog {
  /** The catalog file (name relative to the run's catalog folder). */
  file: string;
  text: string;
  cause?: LoggedException;
}

/**
 * The captured log of one attempt of a step (`internalName` 'job' for a job run): its candidates by runnable's naming
 * rule, chosen by what each file says (pickLogForAttempt), else the n-th log with a traceback for the n-th failure.
 */
export async function readAttemptLog(store: CatalogFiles, run: Run, internalName: string, attempt: Attempt, files: string[], signal?: AbortSignal): Promise<AttemptLog | undefined> {
  const isJob = run.kind === 'job';
  const candidates = executionLogCandidates(run, isJob ? undefined : internalName, files);
  if (!candidates.length) return undefined;
  const logs: { name: string; text: string }[] = [];
  for (const name of candidates) {
    const buf = await store.readCatalogFile(run.runId, name, signal);
    if (buf) logs.push({ name, text: buf.toString('utf8') });
  }
  if (!logs.length) return undefined;
  let chosen = pickLogForAttempt(attempt, logs);
  if (!chosen) {
    const attempts = isJob ? run.job?.attempts ?? [] : findStep(run, internalName)?.attempts ?? [];
    const sameStatus = attempts.filter((a) => a.status === attempt.status);
    const withTrace = logs.filter((l) => /Traceback \(most recent call last\)/.test(l.text) === (attempt.status === 'FAIL'));
    const pool = withTrace.length ? withTrace : logs;
    chosen = pool[Math.max(0, Math.min(pool.length - 1, sameStatus.indexOf(attempt)))].name;
  }
  const log = logs.find((l) => l.name === chosen)!;
  return { file: log.name, text: log.text, cause: attempt.status === 'FAIL' ? exceptionCause(log.text) : undefined };
}

/** The cause said for a failed notebook attempt whose error runnable did not keep. */
export const NOTEBOOK_NO_ERROR = "no error recorded: runnable logs a notebook task's error to the console only (one cause: ploomber-engine not installed)";
/**
 * The cause said for a failed Python attempt that stopped before its function was called: runnable's PythonTaskType
 * imports the module, looks the function up and sets the step's secrets as env vars inside its execution_context,
 * whose `except` prints the error to the console and swallows it; the attempt is returned FAIL with no message and,
 * since input_parameters is set only around the call, no inputs (observed: fixture never-called, a missing secret
 * and a module that does not import).
 */
export function notCalledCause(command: string | undefined, secrets: string[]): string {
  const what = command ?? 'the function';
  return `not called; runnable kept no error (it printed it): ${secrets.length ? `a secret it asks for (${secrets.join(', ')}) was missing, or ${what} could not be imported` : `${what} could not be imported (its module failed to import, or has no such function)`}`;
}

/** The cause said for a failed shell attempt whose stderr runnable did not keep. */
export const SHELL_NO_ERROR = 'no error recorded: the shell command wrote nothing to stderr, and runnable does not keep its exit code';

export interface FailureWithCause {
  internalName: string;
  name: string;
  attempt: Attempt;
  /** `RuntimeError: no deployment url for churn-model`, when the log has it. */
  cause?: string;
}

export class FailureCauses {
  private readonly perRun = new WeakMap<Run, { files?: Promise<string[]>; logs: Map<string, Promise<AttemptLog | undefined>> }>();

  constructor(private readonly store: CatalogFiles) {}

  private entry(run: Run): { files?: Promise<string[]>; logs: Map<string, Promise<AttemptLog | undefined>> } {
    let e = this.perRun.get(run);
    if (!e) this.perRun.set(run, (e = { logs: new Map() }));
    return e;
  }

  /** The catalog's file names of the run, listed once per read run. */
  private files(run: Run, signal?: AbortSignal): Promise<string[]> {
    const e = this.entry(run);
    e.files ??= this.store.listCatalog(run.runId, signal).catch(() => []);
    return e.files;
  }

  /** The captured log of this attempt, or undefined. */
  log(run: Run, internalName: string, attempt: Attempt, signal?: AbortSignal): Promise<AttemptLog | undefined> {
    const e = this.entry(run);
    const key = `${internalName}#${attempt.number}`;
    let p = e.logs.get(key);
    if (!p) {
      p = this.files(run, signal).then((files) => readAttemptLog(this.store, run, internalName, attempt, files, signal)).catch(() => undefined);
      e.logs.set(key, p);
    }
    return p;
  }

  /** `Type: message` of a failed attempt, or undefined (not failed, no log, no traceback). */
  async cause(run: Run, internalName: string, attempt: Attempt, signal?: AbortSignal): Promise<string | undefined> {
    if (attempt.status !== 'FAIL') return undefined;
    const log = await this.log(run, internalName, attempt, signal);
    const found = log?.cause?.text;
    if (found || attempt.message) return found;
    // runnable's NotebookTaskType (runnable/tasks.py) catches every error of a notebook task, logs it to the console
    // and records FAIL with no message; the step's execution log stays empty when the error came before the notebook
    // ran (observed: fixture notebook-steps-retried, ploomber_engine not installed). ShellTaskType prints a failed
    // command's stderr into its log and records no message or exit code: the stderr is the cause (shellStderr,
    // fixture shell-stderr); a command that wrote none leaves only the parameters (yaml-etl shell-exit-3). Say so
    // rather than nothing.
    // A job's one "step" is its job log (internalName 'job'), with its own command type.
    const job = run.kind === 'job' && internalName === 'job';
    const step = job ? undefined : findStep(run, internalName);
    const type = job ? run.job?.commandType : step?.commandType;
    if (type === 'shell') return (log && shellStderr(log.text)) ?? SHELL_NO_ERROR;
    if (type === 'notebook') return NOTEBOOK_NO_ERROR;
    if (isPythonCommand(type) && !Object.keys(attempt.inputs).length) {
      return notCalledCause(job ? run.job?.command : step?.command, job ? [] : stepSecrets(run, internalName));
    }
    return undefined;
  }
}
