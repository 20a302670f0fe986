// What the Debug Console says before the debugger stops: the run being retried, the attempt indicator,
// skipped and re-run steps, the original failure and the tail of the step's captured output (no vscode import).
import { loopGoesOnText, type RetryPlan } from './types';

export interface OriginalFailure {
  /** The failed attempt's message from the run log. */
  message?: string;
  /** The user's own error from the attempt's captured log (`RuntimeError: …`), when it has a traceback. */
  cause?: string;
  /** Catalog file the output tail comes from. */
  logFile?: string;
  logTail?: string[];
}

export function retryBanner(plan: RetryPlan, failure: OriginalFailure, python: string): string[] {
  const out: string[] = [];
  out.push(`Runnable: retrying run ${plan.runId} with retry indicator ${plan.retryIndicator} (interpreter ${python}, cwd ${plan.cwd})`);
  out.push(`  skipped (succeeded before): ${plan.skipped.length ? plan.skipped.join(', ') : 'none'}`);
  out.push(`  re-run: ${plan.rerun.length ? plan.rerun.join(', ') : 'none'}`);
  for (const l of plan.loopsGoOn ?? []) out.push(`  loop: ${loopGoesOnText(l)}`);
  if (plan.notReached.length) out.push(`  then (never reached by the run): ${plan.notReached.join(', ')}`);
  const ff = plan.firstFailed;
  if (ff) {
    const where = ff.file ? ` in ${ff.file}${ff.line ? `:${ff.line}` : ''}` : '';
    out.push(`  first failed step: ${ff.internalName} (${ff.commandType ?? 'task'} ${ff.command ?? ''})${where}`);
    for (const g of ff.catalogGets ?? []) if (g.files.length) out.push(`  restored from the catalog (${g.pattern}): ${g.files.join(', ')}`);
  }
  if (failure.cause) out.push(`  original failure: ${failure.cause}${failure.message?.trim() ? ` (runnable: ${failure.message.trim()})` : ''}`);
  else if (failure.message?.trim()) out.push(`  original failure: ${failure.message.trim()}`);
  if (failure.logTail?.length) {
    out.push(`  last lines of its captured output (${failure.logFile}):`);
    for (const l of failure.logTail) out.push(`    ${l}`);
  }
  if (plan.codeDrift) out.push(`  code since the run: ${plan.codeDrift}`);
  for (const w of plan.warnings) out.push(`  warning: ${w}`);
  return out;
}
