// Timeline rows of a run: one row per step and per branch, nested under their composite (map iterations,
// parallel branches, conditional cases, loop iterations `<loop>.<i>`), each task's attempts as bars labelled with their
// retry indicator.
import type { Attempt, Run, Status, Step } from '../runlog/model';
import { isComposite } from '../runlog/rules';
import { buildAxis, type TimeAxis } from './axis';
import { attemptLabel } from './format';

export interface TimelineBar {
  attemptNumber: number;
  status: Status;
  retryIndicator: string;
  /** `original` or `retry <indicator>`. */
  label: string;
  startMs: number;
  endMs: number;
  durationMs: number | undefined;
  startTime: string;
  endTime: string;
  message: string;
  /** Inputs/outputs/metrics: read from the step's attempt diff (RunDetails.steps), not repeated per bar. */
}

export interface TimelineRow {
  /** Step or branch internal name (`job` for a job); unique within the run. */
  id: string;
  kind: 'step' | 'branch' | 'job';
  name: string;
  /** Step type (task, map, …); `branch` for branch rows. */
  type: string;
  status: Status;
  depth: number;
  /** Row id of the enclosing row (composite step for a branch, branch for a step inside it); "" at the top. */
  parentId: string;
  hasChildren: boolean;
  /** Earliest start / latest end of the row and everything under it (NaN when nothing ran). */
  startMs: number;
  endMs: number;
  bars: TimelineBar[];
  /** A failed task leaf (what a retry would re-run first). */
  failed: boolean;
  /** The step-level message runnable recorded (e.g. a composite's consolidated failure). */
  message: string;
}

export interface Timeline {
  rows: TimelineRow[];
  axis: TimeAxis;
  /** Every retry indicator seen, in order of first use ("" first when present). */
  indicators: string[];
}

export function toBar(a: Attempt): TimelineBar {
  return {
    attemptNumber: a.number,
    status: a.status,
    retryIndicator: a.retryIndicator,
    label: attemptLabel(a.retryIndicator),
    startMs: a.startMs,
    endMs: Number.isFinite(a.endMs) ? a.endMs : a.startMs,
    durationMs: a.durationMs,
    startTime: a.startTime,
    endTime: a.endTime,
    message: a.message,
  };
}

export function buildTimeline(run: Run): Timeline {
  const rows: TimelineRow[] = [];
  const intervals: Array<[number, number]> = [];
  const indicators: string[] = [];
  const seen = new Set<string>();
  const addBars = (attempts: Attempt[]): TimelineBar[] => attempts.map((a) => {
    if (!seen.has(a.retryIndicator)) {
      seen.add(a.retryIndicator);
      indicators.push(a.retryIndicator);
    }
    const bar = toBar(a);
    intervals.push([bar.startMs, bar.endMs]);
    return bar;
  });

  /** Adds the row of `step` and its subtree; returns its [start, end]. */
  const visitStep = (step: Step, depth: number, parentId: string): [number, number] => {
    const row: TimelineRow = {
      id: step.internalName, kind: 'step', name: step.name, type: step.type, status: step.status, depth, parentId,
      hasChildren: step.branches.length > 0, startMs: NaN, endMs: NaN, bars: addBars(step.attempts),
      failed: step.status === 'FAIL' && !isComposite(step) && step.type !== 'success' && step.type !== 'fail',
      message: step.message,
    };
    rows.push(row);
    let span = spanOf(row.bars.map((b): [number, number] => [b.startMs, b.endMs]));
    for (const branch of step.branches) {
      const branchRow: TimelineRow = {
        id: branch.internalName, kind: 'branch', name: branch.name, type: 'branch', status: branch.status, depth: depth + 1,
        parentId: step.internalName, hasChildren: branch.steps.length > 0, startMs: NaN, endMs: NaN, bars: [], failed: false, message: '',
      };
      rows.push(branchRow);
      const spans = branch.steps.map((s) => visitStep(s, depth + 2, branch.internalName));
      [branchRow.startMs, branchRow.endMs] = spanOf(spans);
      span = spanOf([span, [branchRow.startMs, branchRow.endMs]]);
    }
    [row.startMs, row.endMs] = span;
    return span;
  };

  if (run.kind === 'job' && run.job) {
    const bars = addBars(run.job.attempts);
    const [s, e] = spanOf(bars.map((b): [number, number] => [b.startMs, b.endMs]));
    rows.push({
      id: 'job', kind: 'job', name: 'job', type: 'job', status: run.job.status, depth: 0, parentId: '', hasChildren: false,
      startMs: s, endMs: e, bars, failed: run.job.status === 'FAIL', message: run.job.message,
    });
  } else {
    for (const step of run.steps) visitStep(step, 0, '');
  }
  return { rows, axis: buildAxis(intervals), indicators };
}

function spanOf(spans: Array<[number, number]>): [number, number] {
  let s = NaN;
  let e = NaN;
  for (const [a, b] of spans) {
    if (Number.isFinite(a) && !(a >= s)) s = a;
    if (Number.isFinite(b) && !(b <= e)) e = b;
  }
  return [s, e];
}
