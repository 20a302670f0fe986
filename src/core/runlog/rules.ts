// The rules other features need from a normalised run: walking steps, the first failed task, the
// next retry indicator and which steps a retry would skip (runnable's executor rule).

import type { Attempt, Branch, FirstFailedTask, Run, Step } from './model';
import { branchGraph, dagNode, type RawDag, type RawDagNode, runDag } from './dag';

export interface WalkedStep {
  step: Step;
  /** Enclosing branches, outermost first ([] at the top level). */
  branchPath: Branch[];
  depth: number;
}

const TERMINAL_TYPES = new Set(['success', 'fail']);
const COMPOSITE_TYPES = new Set(['parallel', 'map', 'conditional', 'loop']);

/** Every step, depth-first in execution order (a composite before the steps of its branches). */
/** Python task types whose command is `module.function` (runnable's `python` and `async-python` tasks). */
export function isPythonCommand(commandType: string | null | undefined): boolean {
  const t = commandType ?? 'python';
  return t === 'python' || t === 'async-python';
}

export function walkSteps(run: Run): WalkedStep[] {
  const out: WalkedStep[] = [];
  const visit = (steps: Step[], branchPath: Branch[]): void => {
    for (const step of steps) {
      out.push({ step, branchPath, depth: branchPath.length });
      for (const branch of step.branches) {
        visit(branch.steps, [...branchPath, branch]);
      }
    }
  };
  visit(run.steps, []);
  return out;
}

export function findStep(run: Run, internalName: string): Step | undefined {
  const search = (steps: Step[]): Step | undefined => {
    for (const step of steps) {
      if (step.internalName === internalName) {
        return step;
      }
      // Only descend where the name can be: a step inside `score_all` is named `score_all.<branch>.<step>`.
      if (step.branches.length > 0 && internalName.startsWith(`${step.internalName}.`)) {
        for (const branch of step.branches) {
          const found = internalName.startsWith(`${branch.internalName}.`) ? search(branch.steps) : undefined;
          if (found) {
            return found;
          }
        }
      }
    }
    return undefined;
  };
  return search(run.steps);
}

/** runnable reads `attempts[-1]` (extensions/pipeline_executor/__init__.py, _should_skip_step_in_retry). */
export function lastAttempt(step: Step): Attempt | undefined {
  return step.attempts[step.attempts.length - 1];
}

export function isTerminal(step: Step): boolean {
  return TERMINAL_TYPES.has(step.type);
}

/** Composite nodes have no attempts of their own; their status is consolidated from their branches. */
export function isComposite(step: Step): boolean {
  return COMPOSITE_TYPES.has(step.type) || (step.branches.length > 0 && step.attempts.length === 0);
}

/**
 * The failed task leaf that failed earliest (by its failing attempt's end, then start, then walk
 * order), descending into branches; terminal success/fail nodes and composites are never it.
 * For a job: its last attempt, when the job failed.
 */
export function firstFailedTask(run: Run): FirstFailedTask | null {
  if (run.kind === 'job') {
    return jobFailure(run);
  }
  let best: { task: FirstFailedTask; when: number; order: number } | null = null;
  walkSteps(run).forEach(({ step }, order) => {
    if (isTerminal(step) || isComposite(step) || step.status !== 'FAIL') {
      return;
    }
    const attempt = lastAttempt(step);
    if (!attempt) {
      return;
    }
    const when = Number.isFinite(attempt.endMs) ? attempt.endMs : Number.isFinite(attempt.startMs) ? attempt.startMs : Infinity;
    if (!best || when < best.when || (when === best.when && order < best.order)) {
      best = {
        task: { internalName: step.internalName, name: step.name, command: step.command, commandType: step.commandType, step, attempt },
        when,
        order,
      };
    }
  });
  return best ? (best as { task: FirstFailedTask }).task : null;
}

/**
 * A job has no steps: the failure is reported on a stand-in step named `job` carrying the job's
 * attempts, so callers handle pipelines and jobs alike.
 */
function jobFailure(run: Run): FirstFailedTask | null {
  const job = run.job;
  if (!job || job.status !== 'FAIL') {
    return null;
  }
  const attempt = job.attempts[job.attempts.length - 1];
  if (!attempt) {
    return null;
  }
  const step: Step = {
    internalName: 'job',
    name: 'job',
    type: 'job',
    status: job.status,
    message: job.message,
    mock: false,
    attempts: job.attempts,
    branches: [],
    catalog: job.catalog,
    command: job.command,
    commandType: job.commandType,
    parentBranch: '',
  };
  return { internalName: step.internalName, name: step.name, command: job.command, commandType: job.commandType, step, attempt };
}

/**
 * RUNNABLE_RETRY_INDICATOR for the next retry: one more than the highest indicator used so far, the
 * original execution ("") counting as 1 — original "" -> "2"; after retries "2" and "3" -> "4".
 * Non-numeric indicators count as executions too, so the result is never one already used.
 */
export function nextRetryIndicator(run: Run): string {
  const used = new Set<string>();
  const collect = (attempts: Attempt[]): void => {
    for (const a of attempts) {
      used.add(a.retryIndicator);
    }
  };
  for (const { step } of walkSteps(run)) {
    collect(step.attempts);
  }
  if (run.job) {
    collect(run.job.attempts);
  }
  let highest = 1;
  for (const indicator of used) {
    if (/^\d+$/.test(indicator)) {
      highest = Math.max(highest, Number(indicator));
    }
  }
  let next = Math.max(highest, used.size) + 1;
  while (used.has(String(next))) {
    next++;
  }
  return String(next);
}

export interface RetrySkipPlan {
  /** Steps a retry would not execute (internal names, execution order). */
  skipped: string[];
  /** Task/stub steps in the log that a retry would execute again (terminal nodes, which always run, are not listed). */
  rerun: string[];
  /**
   * Steps the original run never reached (not in its log), in the order the retry reaches them once the re-run steps
   * pass: along the dag's success path (run_config.dag, which runnable records with the run), inside the composites
   * it enters too (notReachedNodes).
   */
  notReached: string[];
  /** The same steps with their nodes of the recorded dag (what a step will run: its type and command). */
  notReachedNodes: Array<{ internalName: string; node: RawDagNode }>;
  /**
   * Loops the retry enters: after the failed iteration it decides again whether to go on (runnable checks break_on
   * after each iteration, extensions/nodes/loop.py), so further iterations may run that no log or dag names
   * (observed: fixture loop, whose retry ran polling.3). Each with the first such iteration and what ends the loop.
   */
  loopsGoOn: LoopGoesOn[];
}

export interface LoopGoesOn {
  /** The loop's internal name. */
  loop: string;
  /** The first iteration index the failed run never began. */
  from: number;
  /** The boolean parameter that ends the loop when true. */
  breakOn?: string;
  /** runnable's limit on iterations in all (0 .. max - 1). */
  maxIterations?: number;
}

/**
 * runnable's rule (extensions/pipeline_executor/__init__.py, _should_skip_step_in_retry): a composite
 * whose status is SUCCESS is skipped whole; a terminal node always runs; any other step is skipped
 * when its last attempt succeeded. A failed composite is entered, so inside a failed map only the
 * failed iterations' steps run again (observed: composite-chunked-fs-retried). Steps not in the log (never
 * reached: the run failed before them) run too; they are read from the dag the run recorded (notReached). Jobs
 * have no steps: every list empty.
 */
export function retrySkipPlan(run: Run): RetrySkipPlan {
  const loopsGoOn: LoopGoesOn[] = [];
  const unreached = notReachedNodes(run, loopsGoOn);
  const plan: RetrySkipPlan = { skipped: [], rerun: [], notReached: unreached.map((n) => n.internalName), notReachedNodes: unreached, loopsGoOn };
  const visit = (steps: Step[]): void => {
    for (const step of steps) {
      if (isComposite(step)) {
        if (step.status === 'SUCCESS') {
          plan.skipped.push(step.internalName);
        } else {
          for (const branch of step.branches) {
            visit(branch.steps);
          }
        }
        continue;
      }
      if (isTerminal(step)) {
        continue;
      }
      if (lastAttempt(step)?.status === 'SUCCESS') {
        plan.skipped.push(step.internalName);
      } else {
        plan.rerun.push(step.internalName);
      }
    }
  };
  visit(run.steps);
  return plan;
}

/** Terminal node types: runnable runs them at the end of every (re)run; they are not steps a user wrote. */
const TERMINAL_NODE_TYPES = new Set(['success', 'fail']);

/**
 * The steps a retry runs after the steps it re-runs, which the original run never reached, in the order the retry
 * reaches them: along each graph's success path (start_at, then each node's next_node; on_failure is a detour a
 * passing retry does not take), the nodes missing from the log. Inside a composite the retry enters (one that did
 * not succeed), the same for each branch that did not succeed, named by internal name (`fan.a.three`). Observed with
 * real runnable: ml-file-system-retried (test, notify) and branch-steps (fan.a.three, then after). A dag that cannot
 * be read (an older run_config, a job) gives none. Each with its node of the recorded dag (type, command, branches);
 * `loops` collects the loops entered on the way (RetrySkipPlan.loopsGoOn).
 */
export function notReachedNodes(run: Run, loops?: LoopGoesOn[]): Array<{ internalName: string; node: RawDagNode }> {
  if (run.kind === 'job' || run.status === 'SUCCESS') return [];
  const out: Array<{ internalName: string; node: RawDagNode }> = [];
  const walk = (graph: RawDag | undefined, steps: Step[], prefix: string): void => {
    const byName = new Map(steps.map((st) => [st.name, st]));
    const seen = new Set<string>();
    let name = graph?.start_at;
    while (typeof name === 'string' && !seen.has(name)) {
      const node = dagNode(graph, name);
      if (!node) return;
      seen.add(name);
      const step = byName.get(name);
      if (typeof node.node_type === 'string' && TERMINAL_NODE_TYPES.has(node.node_type)) {
        // a terminal node ends the path
      } else if (!step) {
        out.push({ internalName: prefix + name, node });
      } else if (step.status !== 'SUCCESS') {
        for (const b of step.branches) if (b.status !== 'SUCCESS') walk(branchGraph(node, b.name), b.steps, `${b.internalName}.`);
        if (loops && node.node_type === 'loop') {
          const began = step.branches.map((b) => Number(b.name)).filter(Number.isInteger);
          const from = began.length ? Math.max(...began) + 1 : 0;
          const max = typeof node.max_iterations === 'number' ? node.max_iterations : undefined;
          if (max === undefined || from < max) {
            loops.push({ loop: step.internalName, from, ...(typeof node.break_on === 'string' ? { breakOn: node.break_on } : {}), ...(max !== undefined ? { maxIterations: max } : {}) });
          }
        }
      }
      name = node.next_node;
    }
  };
  walk(runDag(run), run.steps, '');
  return out;
}
