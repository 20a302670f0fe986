// `runnable-runs plan-retry RUN_ID`: the retry plan "Retry locally" would launch, as text or JSON.
// Exit 0 when the retry can run, 3 when the plan is blocked (the plan is still printed), 2 on bad input.
import { CliError, type CliCommand, commonOptions } from './command';
import { shellQuote } from '../text/shell';
import { planRetry } from '../retry/plan';
import { loopGoesOnText, type RetryPlan } from '../retry/types';
import { projectPython } from '../python/projectPython';

export const BLOCKED_EXIT = 3;


/** The plan as a few readable lines (the --json form is the plan object itself). */
export function formatPlan(plan: RetryPlan, python: string): string[] {
  const lines: string[] = [];
  lines.push(`Retry of ${plan.runId}${plan.retryIndicator ? ` (indicator ${plan.retryIndicator})` : ''} in ${plan.cwd}`);
  if (plan.blocked) lines.push(`BLOCKED: ${plan.blocked}`);
  // A job is not retried (runnable refuses its run id again): what is printed is a new run, without the retry's env.
  const env = Object.entries(plan.env).filter(([k]) => !plan.job || !k.startsWith('RUNNABLE_RETRY_')).map(([k, v]) => `${k}=${shellQuote(v)}`);
  if (plan.argv.length) lines.push(`${plan.job ? 'Run again (a new run):' : 'Command:'} ${[...env, python, ...plan.argv.map(shellQuote)].join(' ')}`);
  lines.push(`Skipped: ${plan.skipped.join(', ') || '(none)'}`);
  lines.push(`Re-run:  ${plan.rerun.join(', ') || '(none)'}`);
  for (const l of plan.loopsGoOn ?? []) lines.push(`Loop:    ${loopGoesOnText(l)}: iterations the log cannot name yet`);
  if (plan.notReached.length) lines.push(`Then:    ${plan.notReached.join(', ')} (the run never reached them)`);
  const ff = plan.firstFailed;
  if (ff) {
    lines.push(`First failed: ${ff.internalName} (${ff.commandType ?? '?'}: ${ff.command ?? '?'})${ff.file ? ` at ${ff.file}:${ff.defLine}` : ''}`);
    if (ff.inputsFrom) lines.push(`  (${ff.inputsFrom})`);
    for (const [name, input] of Object.entries(ff.inputs)) {
      lines.push(`  ${name} [${input.kind}] = ${input.kind === 'object' ? `<pickle ${input.catalogFile ?? '?'}>` : JSON.stringify(input.value)}`);
    }
    for (const g of ff.catalogGets ?? []) lines.push(`  catalog get ${g.pattern} <- ${g.files.length ? g.files.join(', ') : g.checked ? '(no such file in the catalog)' : '(a remote catalog: not looked in)'}`);
  }
  for (const bp of plan.breakpoints) lines.push(`Breakpoint: ${bp.file}:${bp.line}${bp.condition ? ` if ${bp.condition}` : ''}`);
  if (plan.config) lines.push(`Config: ${plan.config.reason}`);
  if (plan.config?.confirm) lines.push(`CONFIRM: ${plan.config.confirm}`);
  if (plan.codeDrift) lines.push(`Code since the run: ${plan.codeDrift}`);
  for (const w of plan.warnings) lines.push(`Warning: ${w}`);
  return lines;
}

export const planRetryCommand: CliCommand = {
  name: 'plan-retry',
  usage: 'plan-retry RUN_ID [--cwd DIR] [--config FILE] [--var NAME=VALUE]... [--python PATH] [--retry-indicator N] [--script FILE] [--dead-after MINUTES] [--no-import] [--json]',
  summary: 'The retry "Retry locally" would run: env, command, skipped/re-run steps, where it stops, restored inputs, pre-flight (exit 3 when blocked).',
  options: {
    python: { type: 'string' },
    'retry-indicator': { type: 'string' },
    'no-import': { type: 'boolean', default: false },
    script: { type: 'string' },
    // A PROCESSING run whose log has not changed for this long is offered as dead (the extension's runnable.deadRunMinutes).
    'dead-after': { type: 'string' },
  },
  async run(input, io) {
    const common = commonOptions(input.values, io);
    const runId = input.positionals[0];
    if (!runId || input.positionals.length > 1) throw new CliError(`expected one RUN_ID (usage: runnable-runs ${this.usage}).`);
    // --python, else the project's environment (VIRTUAL_ENV, .venv, venv), else python3 on PATH.
    const python = (input.values.python as string | undefined) ?? projectPython(common.cwd, io.env);
    const deadAfter = input.values['dead-after'] as string | undefined;
    if (deadAfter !== undefined && !/^\d+(\.\d+)?$/.test(deadAfter)) throw new CliError(`--dead-after expects minutes (a number, 0 for at once), got "${deadAfter}".`);
    const plan = await planRetry({
      cwd: common.cwd,
      runId,
      configFile: common.config,
      retryConfigFile: common.config,
      script: input.values.script as string | undefined,
      variables: common.vars,
      env: io.env,
      python,
      retryIndicator: input.values['retry-indicator'] as string | undefined,
      trusted: input.values['no-import'] !== true,
      ...(deadAfter !== undefined ? { deadAfterMs: Number(deadAfter) * 60_000 } : {}),
    });
    if (common.json) io.out(JSON.stringify(plan, null, 2));
    else io.out(formatPlan(plan, python).join('\n'));
    return plan.blocked ? BLOCKED_EXIT : 0;
  },
};
