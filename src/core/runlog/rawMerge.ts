// Chunked stores keep each branch in its own BranchLog-<internal branch name> file; this nests them
// back into their parent steps, as runnable's generic_chunked._prepare_full_run_log does for full=True.

import type { RawBranchLog, RawRunLog, RawStepLog } from './schema';

export interface NestedRunLog {
  /** A copy of the run log with every branch log attached to its parent step (inputs are not modified). */
  run: RawRunLog;
  /** Branch logs that could not be attached, as sentences. */
  warnings: string[];
}

/**
 * A branch `score_all.2` belongs to the step `score_all`; `outer.a.inner.x` to the step `outer.a.inner`
 * (which itself sits in branch `outer.a`): the parent step is the branch name minus its last segment,
 * at any depth. runnable forbids `.` in step names but a map iteration value may contain one
 * (`m.0.5`), so when that step is missing the longest shorter prefix naming a composite step is used.
 */
export function nestBranchLogs(raw: RawRunLog, branchLogs: RawBranchLog[]): NestedRunLog {
  const run = structuredClone(raw);
  const branches = branchLogs.map((b) => structuredClone(b));
  const warnings: string[] = [];

  const stepsByName = new Map<string, RawStepLog>();
  const index = (steps: Record<string, RawStepLog>): void => {
    for (const [key, step] of Object.entries(steps)) {
      stepsByName.set(step.internal_name || key, step);
      for (const branch of Object.values(step.branches ?? {})) {
        index(branch.steps ?? {});
      }
    }
  };
  index(run.steps);
  for (const branch of branches) {
    index(branch.steps ?? {});
  }

  const seen = new Set<string>();
  for (const branch of branches) {
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
    parent.branches = { ...(parent.branches ?? {}), [name]: branch };
  }
  return { run, warnings };
}

/** The whole run as runnable's get_run_log_by_id(full=True) returns it, for a read-only JSON document. */
export function mergeBranchLogsRaw(raw: RawRunLog, branchLogs: RawBranchLog[]): Record<string, unknown> {
  return nestBranchLogs(raw, branchLogs).run as Record<string, unknown>;
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
    if (step && step.step_type !== 'task' && step.step_type !== 'stub' && step.step_type !== 'success' && step.step_type !== 'fail') {
      return step;
    }
  }
  return undefined;
}
