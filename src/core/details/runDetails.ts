// Everything the run-details webview draws for one run, shaped once here (pure, unit-tested): header facts,
// timeline rows, graph layout and the attempt diff of every step that ran.
import type { Attempt, Run } from '../runlog/model';
import { firstFailedTask, nextRetryIndicator, walkSteps } from '../runlog/rules';
import { diffAttempts, diffStep, type AttemptDiff } from './attemptDiff';
import { buildGraph, type GraphLayout } from './graph';
import { buildTimeline, type Timeline } from './timeline';

export interface RunDetails {
  runId: string;
  status: string;
  tag: string;
  kind: 'pipeline' | 'job';
  definitionFile: string;
  executor: string;
  dagHash: string;
  startTime: string | undefined;
  durationMs: number | undefined;
  parameters: Record<string, string>;
  timeline: Timeline;
  graph: GraphLayout;
  /**
   * Attempt diffs by step internal name (`job` for a job) of the steps worth opening with: failed, retried or at the
   * top level. The page asks for any other (`needStep`) when selected, so 1,000 map iterations stay a small message.
   */
  steps: Record<string, AttemptDiff>;
  /** The failed task a retry starts from (selected when the panel opens). */
  firstFailed: string | undefined;
  nextRetryIndicator: string;
  warnings: string[];
  /**
   * The user's own errors read from failed attempts' captured logs, by step internal name (`job` for a job) and
   * attempt number: `RuntimeError: no deployment url for churn-model` where runnable's message only names its wrapper.
   */
  causes: Record<string, Record<number, string>>;
  /** The first failed task's cause (the one the header shows). */
  firstFailedCause: string | undefined;
  /**
   * What changed since the run (trusted workspaces, set by the panel): the first failed task's function file against
   * the git commit its attempt recorded (core/retry/stepDrift.ts).
   */
  drift?: { step: string; kind: 'changed' | 'same' | 'missing'; label: string; text: string };
  /** Sandbox copies only: attempts whose json inputs were edited there (Edit Inputs; core/sandbox/editInputs.ts). */
  edits?: { step: string; attempt: number; changed: { name: string; recorded: string; now: string }[] }[];
}

/** `causes`: by step internal name and attempt number, as the glue read them (failureCause); may be empty. */
export function shapeRunDetails(run: Run, causes: Record<string, Record<number, string>> = {}): RunDetails {
  const steps: Record<string, AttemptDiff> = {};
  if (run.kind === 'job') {
    const d = diffStep(run, 'job');
    if (d) steps.job = d;
  } else {
    for (const { step, depth } of walkSteps(run)) {
      if (step.attempts.length && (depth === 0 || step.status === 'FAIL' || step.attempts.length > 1)) steps[step.internalName] = diffAttempts(step);
    }
  }
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(run.parameters)) params[k] = v.kind === 'object' ? `object ${String(v.value)}` : JSON.stringify(v.value) ?? '';
  return {
    runId: run.runId,
    status: run.status,
    tag: run.tag,
    kind: run.kind,
    definitionFile: run.definitionFile,
    executor: run.executor,
    dagHash: run.dagHash,
    startTime: run.startTime,
    durationMs: Number.isFinite(run.startMs) && Number.isFinite(run.endMs) ? run.endMs - run.startMs : undefined,
    parameters: params,
    timeline: buildTimeline(run),
    graph: buildGraph(run),
    steps,
    firstFailed: firstFailedTask(run)?.internalName,
    nextRetryIndicator: nextRetryIndicator(run),
    warnings: run.warnings,
    causes,
    firstFailedCause: firstFailedCauseOf(run, causes),
  };
}

function firstFailedCauseOf(run: Run, causes: Record<string, Record<number, string>>): string | undefined {
  const f = firstFailedTask(run);
  return f ? causes[f.internalName]?.[f.attempt.number] : undefined;
}

/** The failed attempts whose causes the details page shows: every failed task attempt, at most `limit`, first failed first. */
export function failedAttempts(run: Run, limit = 50): Array<{ internalName: string; attempt: Attempt }> {
  const out: Array<{ internalName: string; attempt: Attempt }> = [];
  const first = firstFailedTask(run);
  if (first) out.push({ internalName: first.internalName, attempt: first.attempt });
  const all = run.kind === 'job' ? (run.job?.attempts ?? []).map((attempt) => ({ internalName: 'job', attempt }))
    : walkSteps(run).flatMap(({ step }) => step.attempts.map((attempt) => ({ internalName: step.internalName, attempt })));
  for (const a of all) {
    if (out.length >= limit) break;
    if (a.attempt.status === 'FAIL' && !out.some((o) => o.internalName === a.internalName && o.attempt === a.attempt)) out.push(a);
  }
  return out;
}
