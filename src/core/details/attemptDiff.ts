// The step panel's data: a step's attempts side by side (inputs, outputs, metrics, message, status) and what
// changed between the original attempt and each retry.
import type { Attempt, ParamValue, Run, Step } from '../runlog/model';
import { findStep } from '../runlog/rules';
import { attemptLabel, formatDuration, formatParam } from './format';

export type DiffGroup = 'status' | 'message' | 'duration' | 'inputs' | 'outputs' | 'metrics';

export interface AttemptColumn {
  number: number;
  label: string;
  retryIndicator: string;
  status: string;
  startTime: string;
}

export interface DiffRow {
  group: DiffGroup;
  /** Parameter name; the group name for status/message/duration. */
  key: string;
  /** One cell per attempt (undefined: absent in that attempt). */
  values: Array<string | undefined>;
  /** Per attempt: differs from the first (original) attempt. Always false for the first. */
  changed: boolean[];
}

export interface AttemptDiff {
  internalName: string;
  name: string;
  type: string;
  status: string;
  command?: string;
  columns: AttemptColumn[];
  rows: DiffRow[];
  /** Rows with a change in some retry, e.g. `outputs.endpoint`, `message`. */
  changedKeys: string[];
}

export function diffAttempts(step: Pick<Step, 'internalName' | 'name' | 'type' | 'status' | 'command' | 'attempts'>): AttemptDiff {
  const attempts = step.attempts;
  const rows: DiffRow[] = [];
  const push = (group: DiffGroup, key: string, values: Array<string | undefined>, compare: Array<string | undefined> = values): void => {
    const changed = compare.map((v, i) => i > 0 && v !== compare[0]);
    rows.push({ group, key, values, changed });
  };
  push('status', 'status', attempts.map((a) => a.status));
  push('message', 'message', attempts.map((a) => a.message.trim()));
  // Durations always differ a little: shown, never flagged.
  push('duration', 'duration', attempts.map((a) => formatDuration(a.durationMs)), attempts.map(() => ''));
  for (const group of ['inputs', 'outputs', 'metrics'] as const) {
    const keys = new Set<string>();
    for (const a of attempts) for (const k of Object.keys(a[group])) keys.add(k);
    for (const k of [...keys].sort()) {
      const raw = attempts.map((a) => (k in a[group] ? identity(a[group][k]) : undefined));
      push(group, k, attempts.map((a) => (k in a[group] ? formatParam(a[group][k]) : undefined)), raw);
    }
  }
  return {
    internalName: step.internalName, name: step.name, type: step.type, status: step.status, command: step.command,
    columns: attempts.map(column),
    rows,
    changedKeys: rows.filter((r) => r.changed.some(Boolean)).map((r) => (r.group === r.key ? r.key : `${r.group}.${r.key}`)),
  };
}

/** The attempt diff of a step by internal name (`job` for a job's attempts); undefined when the run has no such step. */
export function diffStep(run: Run, internalName: string): AttemptDiff | undefined {
  if (run.kind === 'job' && internalName === 'job' && run.job) {
    const j = run.job;
    return diffAttempts({ internalName: 'job', name: 'job', type: 'job', status: j.status, command: j.command, attempts: j.attempts });
  }
  const step = findStep(run, internalName);
  return step ? diffAttempts(step) : undefined;
}

function column(a: Attempt): AttemptColumn {
  return { number: a.number, label: attemptLabel(a.retryIndicator), retryIndicator: a.retryIndicator, status: a.status, startTime: a.startTime };
}

/** Compared on the full value, not the truncated display text. */
function identity(p: ParamValue): string {
  try {
    return `${p.kind}:${JSON.stringify(p.value)}`;
  } catch {
    return `${p.kind}:${String(p.value)}`;
  }
}
