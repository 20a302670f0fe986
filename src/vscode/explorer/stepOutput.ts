// Finds a step's captured output (`*.execution.log`) among the files of a run's catalog. Pure, no `vscode`.
//
// runnable (utils.make_log_file_name, pipeline_executor.add_task_log_to_catalog) names the file
//   alnum(<internal name with map iterations as `map_variable_placeholder`> + "_" + str(v) per map level + "_" + 3 random [A-Z0-9])
//   + ".execution.log"
// where str(v) of a map value prints as `value=2` in the recorded version (fixture composite-chunked-fs:
// `scoreallmapvariableplaceholderscorechunkvalue218R.execution.log` for `score_all.2.score chunk`), so both
// `value2` and a bare `2` are accepted. Jobs log as `job<3>.execution.log`. A retry adds one file per attempt.
import type { Attempt, Run, Step } from '../../core/runlog/model';

export const MAP_PLACEHOLDER = 'map_variable_placeholder';

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
        const found = visit(b.steps, `${here}.${isMap ? MAP_PLACEHOLDER : b.name}`, isMap ? [...mapValues, b.name] : mapValues);
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
