// `runnable-runs show RUN_ID`: one run, fully parsed (JSON or a readable outline of steps and attempts).
import type { Run, Step } from '../runlog/model';
import { firstFailedTask, nextRetryIndicator } from '../runlog/rules';
import type { RunLogStore } from '../stores/runLogStore';
import { RunNotFoundError } from '../stores/runLogStore';
import { findRunIn, RunReadError, sourceOf, storeName } from '../stores/storeRegistry';
import { checkRunId } from '../stores/localFiles';
import { CliError, type CliCommand, commonOptions, openWorkspaceStores } from './command';
import { formatDuration, shortTime } from './format';
import { showJson } from './runJson';

/** The run from the first store (primary config first) that has it: the store registry's finder, its failures as CliErrors. */
export async function findRun(stores: RunLogStore[], runId: string): Promise<{ run: Run; store: RunLogStore }> {
  try {
    checkRunId(runId);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  try {
    const { run, store } = await findRunIn(sourceOf(stores), runId);
    return { run, store };
  } catch (e) {
    // A store that cannot be reached, a run file that cannot be read: said only when no other store has the run
    // (one unreachable remote store must not hide a run that is plainly in a local folder).
    if (e instanceof RunReadError) throw new CliError(e.message);
    if (!(e instanceof RunNotFoundError)) throw e;
    throw new CliError(
      e.stores.length
        ? `No run "${runId}" in ${e.stores.map(storeName).join(', ')}: check the run id (runnable-runs list shows the runs) or pass --cwd/--config.`
        : 'No run log store found: add runnable-config.yaml or pass --config.',
    );
  }
}

function mark(status: string): string {
  return status === 'SUCCESS' ? '✓' : status === 'FAIL' ? '✗' : status === 'PROCESSING' ? '…' : '·';
}

function outline(steps: Step[], indent: string, lines: string[]): void {
  for (const s of steps) {
    lines.push(`${indent}${mark(s.status)} ${s.name} [${s.type}] ${s.status}`);
    for (const a of s.attempts) {
      const ind = a.retryIndicator ? ` retry ${a.retryIndicator}` : '';
      const msg = a.message ? `: ${a.message.split('\n')[0]}` : '';
      lines.push(`${indent}    attempt ${a.number}${ind} ${a.status} ${shortTime(a.startTime)} ${formatDuration(a.durationMs)}${msg}`.trimEnd());
    }
    for (const b of s.branches) {
      lines.push(`${indent}  ${mark(b.status)} branch ${b.name} ${b.status}`);
      outline(b.steps, indent + '    ', lines);
    }
  }
}

export const showCommand: CliCommand = {
  name: 'show',
  usage: 'show RUN_ID [--cwd DIR] [--config FILE] [--var NAME=VALUE]... [--json]',
  summary: 'Show one run: steps in execution order, branches, attempts, first failed task, next retry indicator.',
  async run(input, io) {
    const runId = input.positionals[0];
    if (!runId) throw new CliError('show needs a RUN_ID: runnable-runs show RUN_ID (runnable-runs list shows the runs).');
    if (input.positionals.length > 1) throw new CliError(`show takes one RUN_ID, got ${input.positionals.length}: ${input.positionals.join(' ')}.`);
    const options = commonOptions(input.values, io);
    const { stores, warnings, reads } = await openWorkspaceStores(options, io);
    const { run, store } = await findRun(stores, runId);
    if (!reads(store, run.layout)) {
      throw new CliError(`Run ${runId} is a ${run.layout} run in ${store.descriptor.location}, which ${options.config} does not read (its store is the other layout): runnable with that config would not find it. Leave out --config, or name a config of the ${run.layout} layout.`);
    }
    if (options.json) {
      warnings.forEach((w) => io.err(`warning: ${w}`));
      io.out(JSON.stringify(showJson(run), null, 2));
      return 0;
    }
    const failed = firstFailedTask(run);
    const lines = [
      `Run        ${run.runId}  ${mark(run.status)} ${run.status}${run.kind === 'job' ? '  (job)' : ''}`,
      `Store      ${store.descriptor.label}  ${store.descriptor.location}`,
      `Executor   ${executorLine(run.executor || 'local')}`,
      `Tag        ${run.tag}`,
      // An AsyncPipeline (or any pipeline) run as a script records no pipeline_definition_file (fixture async-pipeline).
      `Definition ${run.definitionFile || 'not recorded (a script run as __main__)'}  (${run.executionMode})`,
      `DAG hash   ${run.dagHash}`,
      `Started    ${shortTime(run.startTime)}   duration ${formatDuration(run.endMs - run.startMs)}`,
      `First failed task  ${failed ? `${failed.internalName}${failed.command ? ` (${failed.commandType ?? 'python'}: ${failed.command})` : failed.commandType ? ` (${failed.commandType})` : ''}` : '-'}`,
      `Next retry indicator  ${nextRetryIndicator(run)}`,
      '',
    ];
    if (run.job) {
      lines.push(`${mark(run.job.status)} job ${run.job.status}`);
      for (const a of run.job.attempts) lines.push(`    attempt ${a.number} ${a.status} ${shortTime(a.startTime)} ${formatDuration(a.durationMs)}${a.message ? `: ${a.message.split('\n')[0]}` : ''}`);
    } else outline(run.steps, '', lines);
    for (const w of [...run.warnings, ...warnings]) lines.push(`warning: ${w}`);
    io.out(lines.join('\n'));
    return 0;
  },
};

/** The executor runnable recorded (run_config.pipeline_executor), with what it means for the steps shown. */
function executorLine(executor: string): string {
  // extensions/pipeline_executor/mocked.py: unpatched tasks get a SUCCESS attempt without running (their step logs
  // even say "mock": false), so a mocked run looks like a real success everywhere else.
  return executor === 'mocked' ? 'mocked (a task its config did not patch was marked SUCCESS without running)' : executor;
}
