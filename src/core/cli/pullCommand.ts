// `runnable-runs pull RUN_ID [--to DIR]`: the headless "Pull run to local sandbox" — finds the run among the
// workspace's minio / chunked-minio stores, copies it into the sandbox and prints how to retry it there.
import * as path from 'node:path';
import { shellQuote } from '../text/shell';
import { CliError, type CliCommand, commonOptions, openWorkspaceStores } from './command';
import { normaliseRun } from '../runlog/normalise';
import { parseRunLogText } from '../runlog/parse';
import { nextRetryIndicator } from '../runlog/rules';
import { readFile } from 'node:fs/promises';
import { isS3Store } from '../stores/s3/openS3Store';
import type { S3RunLogStore } from '../stores/s3/s3RunLogStore';
import { DEFAULT_SANDBOX, pullRun } from '../pull/pullRun';


function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

export const pullCommand: CliCommand = {
  name: 'pull',
  usage: 'pull RUN_ID [--cwd DIR] [--config FILE] [--var NAME=VALUE]... [--to DIR] [--layout file-system|chunked-fs] [--json]',
  summary: `Copy a run from a minio / chunked-minio store into a local sandbox (default ${DEFAULT_SANDBOX}/ in the workspace) to retry it without touching production.`,
  options: { to: { type: 'string' }, layout: { type: 'string' } },
  async run(input, io) {
    const options = commonOptions(input.values, io);
    const runId = input.positionals[0];
    if (!runId || input.positionals.length > 1) throw new CliError('pull expects exactly one RUN_ID (runnable-runs list shows them).');
    const layout = (input.values.layout as string | undefined) ?? 'file-system';
    if (layout !== 'file-system' && layout !== 'chunked-fs') throw new CliError(`--layout must be file-system or chunked-fs, got "${layout}".`);
    const to = path.resolve(options.cwd, (input.values.to as string | undefined) ?? DEFAULT_SANDBOX);
    const { stores, warnings } = await openWorkspaceStores(options, io);
    warnings.forEach((w) => io.err(`warning: ${w}`));
    const remote = stores.filter(isS3Store) as S3RunLogStore[];
    if (!remote.length) {
      throw new CliError('No minio or chunked-minio store in the workspace: pull copies remote runs; local runs can be retried in place.');
    }
    let found: S3RunLogStore | undefined;
    const failures: string[] = [];
    for (const store of remote) {
      try {
        if ((await store.runObjects(runId)).some((o) => o.key === store.mainKey(runId))) {
          found = store;
          break;
        }
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
    if (!found) {
      if (failures.length) throw new CliError(failures.join(' '));
      throw new CliError(
        `Run "${runId}" is not in any minio or chunked-minio store of the workspace (${remote.map((s) => s.displayLocation).join(', ')}). Check the id with "runnable-runs list".`,
      );
    }
    found.warnings.forEach((w) => io.err(`warning: ${w}`));
    let lastShown = -1;
    const result = await pullRun({
      descriptor: found.descriptor,
      runId,
      to,
      layout,
      store: found,
      onProgress: (p) => {
        // One progress line per ~10% on stderr, so scripts reading stdout are not disturbed.
        const pct = p.totalBytes ? Math.floor((p.bytes / p.totalBytes) * 10) : 10;
        if (!options.json && p.objects > 0 && pct !== lastShown) {
          lastShown = pct;
          io.err(`pulling ${runId}: ${p.objects}/${p.totalObjects} objects, ${kb(p.bytes)} of ${kb(p.totalBytes)}`);
        }
      },
    });
    const run = normaliseRun(parseRunLogText(await readFile(result.runLogPath, 'utf8'), result.runLogPath));
    const indicator = nextRetryIndicator(run);
    if (options.json) {
      io.out(JSON.stringify({ ...result, retryIndicator: indicator }, null, 2));
      return 0;
    }
    io.out(
      `Pulled ${runId} from ${result.source}: ${result.fetched} objects fetched (${kb(result.bytes)}), ${result.unchanged} unchanged -> ${result.to}`,
    );
    for (const w of result.warnings) io.err(`warning: ${w}`);
    io.out('Retry it against the sandbox (production is not touched), from the workspace folder:');
    io.out(
      `  RUNNABLE_CONFIGURATION_FILE=${shellQuote(result.configFile)} RUNNABLE_RETRY_RUN_ID=${shellQuote(runId)} RUNNABLE_RETRY_INDICATOR=${indicator} <the pipeline command>`,
    );
    io.out(`  (runnable-runs plan-retry ${shellQuote(runId)} --config ${shellQuote(result.configFile)} prints the full command)`);
    return 0;
  },
};
