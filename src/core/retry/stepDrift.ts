// "What changed since the run" for one step: the file of the step's function (found by reading the workspace's
// source) against the git commit its attempt recorded. Shown in Run Details, the retry pre-flight and the tree;
// the diff editor opens the file at that commit (git.ts fileAtCommit) against the working file. Trusted only.
import * as path from 'node:path';
import { locateStatically } from '../python/staticLocate';
import type { Run } from '../runlog/model';
import { firstFailedTask } from '../runlog/rules';
import { chooseStepTarget } from '../stepDebug/stepDebug';
import { codeDrift, gitIdentity, type CodeDrift } from './codeDrift';

export interface StepDrift extends CodeDrift {
  step: string;
  attempt: number;
  /** The function's file, absolute, and relative to the workspace. */
  file: string;
  relFile: string;
  /** Short, for a row or a badge: `functions.py changed since commit 1a2b3c4d; dirty at run time`. */
  label: string;
}

/** Short words for a drift: what the Run Details and the tree show next to the step. */
export function driftLabel(d: CodeDrift, relFile: string): string {
  const short = d.commit.slice(0, 8);
  const main = d.kind === 'missing' ? `commit ${short} not in this clone`
    : d.kind === 'changed' ? `${relFile} changed since commit ${short}`
      : `${relFile} unchanged since commit ${short}`;
  return d.dirtyAtRun ? `${main}; dirty at run time` : main;
}

/**
 * The drift of `stepName` (default: the run's first failed task) for the attempt given (default: its last), or a
 * sentence why there is none to show: the step calls no Python function here, its attempt recorded no git commit, or
 * the workspace is not in a git repository. Runs git: call it in a trusted workspace only.
 */
export async function stepCodeDrift(run: Run, cwd: string, stepName?: string, attemptNumber?: number): Promise<StepDrift | { error: string }> {
  const name = stepName ?? firstFailedTask(run)?.step.internalName;
  if (!name) return { error: `Run ${run.runId} has no failed task step.` };
  const target = await chooseStepTarget(run, name, attemptNumber, cwd);
  if ('error' in target) return target;
  if (!gitIdentity(target.attempt.codeIdentities)) {
    return { error: `${target.step.internalName} (attempt ${target.attempt.number}) recorded no git commit: runnable records one only when the run started inside a git repository.` };
  }
  const loc = await locateStatically(cwd, `${target.module}.${target.func}`);
  if ('error' in loc) return { error: `The function of ${target.step.internalName} was not found in ${cwd}: ${loc.error}` };
  const drift = await codeDrift(cwd, target.attempt.codeIdentities, [loc.absFile]);
  if (!drift) return { error: `${cwd} is not in a git repository, so the code cannot be compared with commit ${gitIdentity(target.attempt.codeIdentities)!.identifier!.slice(0, 8)}.` };
  const relFile = path.relative(cwd, loc.absFile);
  return { ...drift, step: target.step.internalName, attempt: target.attempt.number, file: loc.absFile, relFile, label: driftLabel(drift, relFile) };
}
