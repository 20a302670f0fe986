// Finds a step's captured output (`*.execution.log`) among the files of a run's catalog, and the exception it ends
// with. Pure, no `vscode`.
//
// runnable (utils.make_log_file_name, pipeline_executor.add_task_log_to_catalog) names the file
//   alnum(<internal name with map iterations as `map_variable_placeholder`> + "_" + str(v) per map level + "_" + 3 random [A-Z0-9])
//   + ".execution.log"
// where str(v) of a map value prints as `value=2` in the recorded version (fixture composite-chunked-fs:
// `scoreallmapvariableplaceholderscorechunkvalue218R.execution.log` for `score_all.2.score chunk`), so both
// `value2` and a bare `2` are accepted. Jobs log as `job<3>.execution.log`. A retry adds one file per attempt.
import type { Attempt, Run, Step } from './model';

export const MAP_PLACEHOLDER = 'map_variable_placeholder';
/**
 * A loop's iterations are named with runnable's LOOP_PLACEHOLDER (defaults.py), and make_log_file_name appends only
 * map values: every iteration's log of a loop step has the same name apart from the random suffix (fixture loop:
 * `pollingloopvariableplaceholderpollonce<3>.execution.log` three times), so the content picks the attempt's log.
 */
export const LOOP_PLACEHOLDER = 'loop_variable_placeholder';

function alnum(s: string): string {
  return Array.from(s).filter((c) => /[\p{L}\p{N}]/u.test(c)).join('');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The path from the top of the run to a step: the templated internal name and the map values on the way. */
export function templatedStepName(run: Run, internalName: string): { templated: string; mapValues: string[] } | undefined {
  const visit = (steps: Step[], prefix: string, mapValues: string[]): { templated: string; mapValues: string[] } | undefined => {
    for (const step of steps) {
      const here = prefix ? `${prefix}.${step.name}` : step.name;
      if (step.internalName === internalName) return { templated: here, mapValues };
      for (const b of step.branches) {
        const isMap = step.type === 'map';
        const segment = isMap ? MAP_PLACEHOLDER : step.type === 'loop' ? LOOP_PLACEHOLDER : b.name;
        const found = visit(b.steps, `${here}.${segment}`, isMap ? [...mapValues, b.name] : mapValues);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(run.steps, '', []);
}

/** The regular expression a step's execution log names match. */
export function executionLogPattern(templated: string, mapValues: string[]): RegExp {
  const values = mapValues.map((v) => `(?:value)?${escapeRegExp(alnum(v))}`).join('');
  return new RegExp(`^${escapeRegExp(alnum(templated))}${values}[A-Z0-9]{3}\\.execution\\.log$`);
}

/** Execution logs of a step (or of the job when `internalName` is undefined and the run is a job). */
export function executionLogCandidates(run: Run, internalName: string | undefined, files: string[]): string[] {
  let pattern: RegExp;
  if (internalName === undefined) {
    if (run.kind !== 'job') return [];
    pattern = executionLogPattern('job', []);
  } else {
    const t = templatedStepName(run, internalName);
    if (!t) return [];
    pattern = executionLogPattern(t.templated, t.mapValues);
  }
  return files.filter((f) => pattern.test(f)).sort();
}

function secondsOfDay(hms: string): number {
  const [h, m, s] = hms.split(':').map(Number);
  return h * 3600 + m * 60 + s;
}

/**
 * Chooses which of several logs belongs to an attempt, from what the file says: the first `[HH:MM:SS]`
 * stamp Rich printed (absent when the second repeats) and whether it holds a traceback. Returns the
 * file when one candidate clearly fits best, else undefined (the caller asks the user).
 */
export function pickLogForAttempt(attempt: Attempt, logs: { name: string; text: string }[]): string | undefined {
  if (logs.length === 1) return logs[0].name;
  const start = /\d\d:\d\d:\d\d/.exec(attempt.startTime)?.[0];
  const end = /\d\d:\d\d:\d\d/.exec(attempt.endTime)?.[0] ?? start;
  const failed = attempt.status === 'FAIL';
  const scored = logs.map(({ name, text }) => {
    let score = 0;
    const stamp = /^\[(\d\d:\d\d:\d\d)\]/m.exec(text)?.[1];
    if (stamp && start && end) {
      const t = secondsOfDay(stamp);
      score += t >= secondsOfDay(start) - 1 && t <= secondsOfDay(end) + 1 ? 2 : -5;
    }
    const traceback = /Traceback \(most recent call last\)/.test(text);
    score += traceback === failed ? 1 : -1;
    return { name, score };
  }).sort((a, b) => b.score - a.score);
  if (scored.length && (scored.length === 1 || scored[0].score > scored[1].score)) return scored[0].name;
  return undefined;
}

/** A map step's `iterate_as` from run_config.dag (walked along the step's templated path), e.g. `chunk`. */
export function iterateAsOf(run: Run, mapStep: Step): string | undefined {
  const t = templatedStepName(run, mapStep.internalName);
  const dag = (run.runConfig as { dag?: unknown }).dag;
  if (!t || !dag || typeof dag !== 'object') return undefined;
  type DagNode = { node_type?: string; iterate_as?: unknown; branch?: { nodes?: Record<string, DagNode> }; branches?: Record<string, { nodes?: Record<string, DagNode> }> };
  const segments = t.templated.split('.');
  let nodes = (dag as { nodes?: Record<string, DagNode> }).nodes;
  let node: DagNode | undefined = nodes?.[segments[0]];
  for (let i = 1; node && i + 1 < segments.length; i += 2) {
    const sub = node.node_type === 'map' ? node.branch : node.branches?.[segments[i]];
    nodes = sub?.nodes;
    node = nodes?.[segments[i + 1]];
  }
  return typeof node?.iterate_as === 'string' ? node.iterate_as : undefined;
}

// --- the exception a captured log ends with -------------------------------------------------------------------------
//
// What runnable writes (tasks.py, PythonTaskType.execute_command): the user's function raises, runnable raises
// `CommandCallError("Function call: <cmd> did not succeed.") from e`, and `task_console.print_exception()` prints the
// chain with Rich: one boxed traceback per exception (`╭─ Traceback (most recent call last) ─╮`, `│` frames, `╰──╯`),
// each followed by its `Type: message` line (the type's bare __name__, the message wrapped at the console's 80
// columns), joined by Python's "The above exception was the direct cause…" sentences. The step's message in the run
// log is the wrapper's; the user's own error is the last exception of the chain that is not one of runnable's
// wrappers. Plain Python tracebacks (`Traceback (most recent call last):`, indented frames, qualified type names) are
// read the same way. Shell tasks print no traceback: no cause, and callers fall back to runnable's message.

/** runnable's own exceptions that wrap the user's (runnable/exceptions.py); never the cause. */
const RUNNABLE_WRAPPERS = new Set(['CommandCallError', 'ExecutionFailedError', 'NodeMethodCallError']);
const TRACEBACK_HEADER = /Traceback \(most recent call last\)/;
const BOX_LINE = /^\s*[│╭╰┃┏┗╷╵|]/;
const EXCEPTION_LINE = /^([A-Za-z_][\w.]*)(?::[ \t]?(.*))?$/;
const MAX_CAUSE_CHARS = 300;

export interface LoggedException {
  /** The type as printed: `RuntimeError`, or qualified (`pandas.errors.EmptyDataError`) in a plain traceback. */
  type: string;
  /** The message, its wrapped lines joined with spaces (empty for `raise ValueError()`). */
  message: string;
  /** `Type: message`, at most MAX_CAUSE_CHARS. */
  text: string;
  /** 0-based line of the exception line, and of its traceback's header (for revealing the traceback). */
  line: number;
  tracebackLine: number;
}

/** Every exception a log's tracebacks end with, in the order printed. */
export function loggedExceptions(text: string): LoggedException[] {
  const lines = text.split(/\r?\n/);
  const found: LoggedException[] = [];
  let header = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (TRACEBACK_HEADER.test(l)) { header = i; continue; }
    if (header < 0) continue;
    // Inside a traceback: box rows, indented frames and source lines, blank lines.
    if (l.trim() === '' || BOX_LINE.test(l) || /^\s/.test(l)) continue;
    const m = EXCEPTION_LINE.exec(l.trimEnd());
    const start = header;
    header = -1;
    if (!m || /^\[\d/.test(l)) continue;
    const parts = [m[2] ?? ''];
    // Rich wraps a long message at the console width: the following non-blank lines, up to a blank one, continue it.
    for (let j = i + 1; j < lines.length && lines[j].trim() !== '' && !/^\[\d\d:\d\d:\d\d\]/.test(lines[j]) && !TRACEBACK_HEADER.test(lines[j]); j++) {
      parts.push(lines[j].trim());
      i = j;
    }
    const message = parts.join(' ').replace(/\s+/g, ' ').trim();
    const full = message ? `${m[1]}: ${message}` : m[1];
    found.push({ type: m[1], message, text: full.length > MAX_CAUSE_CHARS ? `${full.slice(0, MAX_CAUSE_CHARS - 1)}…` : full, line: i - (parts.length - 1), tracebackLine: start });
  }
  return found;
}

/** The user's own error in a step's captured log: the last logged exception that is not runnable's wrapper. */
export function exceptionCause(text: string): LoggedException | undefined {
  const all = loggedExceptions(text);
  for (let i = all.length - 1; i >= 0; i--) {
    const bare = all[i].type.split('.').pop()!;
    if (!RUNNABLE_WRAPPERS.has(bare)) return all[i];
  }
  return undefined;
}

/**
 * What a failed shell command wrote to stderr, as runnable keeps it in the step's log: ShellTaskType (runnable/tasks.py)
 * prints the stderr lines joined by "," (`curl: (6) Could not resolve host: x,`) on its recording console before it
 * raises, after the parameters it logged, and the console wraps it at its width (each wrapped row keeps its trailing
 * space). stdout is not kept. Undefined when the command wrote nothing to stderr. Observed: fixture shell-stderr.
 */
export function shellStderr(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  // The console's own entries: a time-stamped row, or a row indented under one (a parameter dump).
  let last = -1;
  for (let i = 0; i < lines.length; i++) if (/^\[\d\d:\d\d:\d\d\]/.test(lines[i]) || /^\s/.test(lines[i])) last = i;
  const joined = lines.slice(last + 1).join('').replace(/,+\s*$/, '').trim();
  if (!joined) return undefined;
  return joined.length > MAX_CAUSE_CHARS ? `…${joined.slice(joined.length - MAX_CAUSE_CHARS + 1)}` : joined;
}
