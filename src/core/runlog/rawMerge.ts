// Chunked stores keep each branch in its own BranchLog-<internal branch name> file; this nests them
// back into their parent steps, as runnable's generic_chunked._prepare_full_run_log does for full=True.

import type { RawBranchLog, RawRunLog, RawStepLog } from './schema';

export interface BranchAttachments {
  /** Branch logs to add to a step's own `branches`, keyed by the parent step object (inputs untouched). */
  byStep: Map<RawStepLog, RawBranchLog[]>;
  /** Branch logs that could not be attached, as sentences. */
  warnings: string[];
}

const LEAF_TYPES = new Set(['task', 'stub', 'success', 'fail']);

/**
 * A branch `score_all.2` belongs to the step `score_all`; `outer.a.inner.x` to the step `outer.a.inner`
 * (which itself sits in branch `outer.a`): the parent step is the branch name minus its last segment,
 * at any depth. runnable forbids `.` in step names but a map iteration value may contain one
 * (`m.0.5`), so when that step is missing the longest shorter prefix naming a composite step is used.
 * Nothing is copied or modified: large maps (1,000s of iterations) stay cheap.
 */
export function attachBranchLogs(raw: RawRunLog, branchLogs: RawBranchLog[]): BranchAttachments {
  const stepsByName = new Map<string, RawStepLog>();
  const index = (steps: Record<string, RawStepLog>): void => {
    for (const key in steps) {
      const step = steps[key];
      stepsByName.set(step.internal_name || key, step);
      for (const branchKey in step.branches ?? {}) {
        index(step.branches[branchKey].steps ?? {});
      }
    }
  };
  index(raw.steps ?? {});
  for (const branch of branchLogs) {
    index(branch.steps ?? {});
  }

  const byStep = new Map<RawStepLog, RawBranchLog[]>();
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const branch of branchLogs) {
    const name = branch.internal_name;
    if (seen.has(name)) {
      warnings.push(`Branch log "${name}" appears more than once; the last one read is shown.`);
    }
    seen.add(name);
    const parent = findParentStep(name, stepsByName);
    if (!parent) {
      warnings.push(
        `Branch log "${name}" has no parent step "${parentStepName(name)}" in the run log; its steps are not shown. ` +
          'The run log may be incomplete (still being written, or copied without all its files).',
      );
      continue;
    }
    const list = byStep.get(parent);
    if (list) {
      list.push(branch);
    } else {
      byStep.set(parent, [branch]);
    }
  }
  return { byStep, warnings };
}

/** A step's branches: its own plus those attached from branch log files (a later one with the same name wins). */
export function branchesOf(step: RawStepLog, attachments: BranchAttachments | undefined): Record<string, RawBranchLog> {
  const extra = attachments?.byStep.get(step);
  if (!extra) {
    return step.branches ?? {};
  }
  const out: Record<string, RawBranchLog> = { ...(step.branches ?? {}) };
  for (const b of extra) {
    out[b.internal_name] = b;
  }
  return out;
}

/**
 * The whole run as runnable's get_run_log_by_id(full=True) returns it, for a read-only JSON document.
 * Steps and branches on the way to an attached branch are new objects; everything else is shared
 * with the inputs, which are not modified.
 */
export function mergeBranchLogsRaw(raw: RawRunLog, branchLogs: RawBranchLog[]): Record<string, unknown> {
  const attachments = attachBranchLogs(raw, branchLogs);
  const steps = (source: Record<string, RawStepLog>): Record<string, RawStepLog> => {
    const out: Record<string, RawStepLog> = {};
    for (const key in source) {
      const step = source[key];
      const branches: Record<string, RawBranchLog> = {};
      const all = branchesOf(step, attachments);
      for (const name in all) {
        branches[name] = { ...all[name], steps: steps(all[name].steps ?? {}) };
      }
      out[key] = { ...step, branches };
    }
    return out;
  };
  return { ...raw, steps: steps(raw.steps ?? {}) };
}

function parentStepName(branchName: string): string {
  const dot = branchName.lastIndexOf('.');
  return dot === -1 ? '' : branchName.slice(0, dot);
}

function findParentStep(branchName: string, steps: Map<string, RawStepLog>): RawStepLog | undefined {
  const direct = steps.get(parentStepName(branchName));
  if (direct) {
    return direct;
  }
  for (let name = parentStepName(parentStepName(branchName)); name; name = parentStepName(name)) {
    const step = steps.get(name);
    if (step && !LEAF_TYPES.has(step.step_type)) {
      return step;
    }
  }
  return undefined;
}
