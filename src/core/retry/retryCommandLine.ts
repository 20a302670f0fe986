// The "Copy Retry Command" text: the exact shell line that retries a run outside VS Code (no vscode import,
// unit-tested). For runs recorded by the argo executor, also the resubmit line of runnable's Argo retry design.
import type { RetryPlan } from './types';
import { isEnvName, shellQuote } from '../text/shell';

export { shellQuote };

/** Env assignments first (retry variables in a fixed order, then the rest sorted), then the interpreter and argv. */
export function retryShellLine(plan: Pick<RetryPlan, 'env' | 'argv' | 'cwd'>, python: string, options: { cd?: boolean } = {}): string {
  const first = ['RUNNABLE_RETRY_RUN_ID', 'RUNNABLE_RETRY_INDICATOR', 'RUNNABLE_CONFIGURATION_FILE'];
  const keys = [...first.filter((k) => k in plan.env), ...Object.keys(plan.env).filter((k) => !first.includes(k)).sort()];
  // A name that is not NAME (`x; touch pwned; y` from runnable.variables) would run as a command: refused, named.
  const bad = keys.filter((k) => !isEnvName(k));
  if (bad.length) throw new Error(`Not a variable name a shell takes: ${bad.map((k) => JSON.stringify(k)).join(', ')}. Use letters, digits and _ (not starting with a digit) in runnable.variables and the launch env.`);
  const assignments = keys.map((k) => `${k}=${shellQuote(String(plan.env[k]))}`);
  const line = [...assignments, shellQuote(python), ...plan.argv.map(shellQuote)].join(' ');
  return options.cd ? `cd ${shellQuote(plan.cwd)} && ${line}` : line;
}

/**
 * runnable's docs/plans/2025-01-17-argo-retry-design.md: `argo resubmit <workflow-name> --memoized -p retry_run_id=…
 * -p retry_indicator=…`. The run log does not record the Argo workflow's name, so it stays a placeholder.
 */
export function argoResubmitLine(runId: string, retryIndicator: string): string {
  return `argo resubmit <workflow-name> --memoized -p retry_run_id=${shellQuote(runId)} -p retry_indicator=${shellQuote(retryIndicator)}`;
}
