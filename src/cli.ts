// `runnable-runs`: the headless front door over core/ (list and show runs as runnable resolves its stores, plan a
// retry, pull a remote run), also what the benchmark and outside checks drive. Bundled to dist/cli.js; exit 0 on
// success, 2 on bad input. The commands live in src/core/cli/ (main.ts reads the command line); this entry only
// starts the process: the compile cache and stdout.
import * as nodeModule from 'node:module';
import { StatWorker } from './core/stores/statWorker';
import type { CliIo } from './core/cli/command';
import { main } from './core/cli/main';
import { quietSdkNodeVersionWarning } from './core/stores/s3/loadSdk';

export { main };
export { discoverStores } from './core/config/discover';
export { openStore } from './core/stores/openStore';
export { runsOf } from './core/stores/runLogStore';
export { StatWorker };

if (require.main === module) {
  // Node 22.1+ keeps V8's compiled code between runs for the modules loaded from here on (the S3 SDK bundle,
  // dist/s3sdk.js, about twice this one); this bundle itself is compiled before this line runs.
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  quietSdkNodeVersionWarning();
  // A closed pipe (`runnable-runs list | head`) ends the output, not the process with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  // No stat worker (core/stores/statWorker.ts) here: the CLI lists once and exits, and starting the worker's thread
  // (a Node environment of its own) costs more than the stats it would move off this thread. Measured with
  // scripts/bench/list-show.mjs (whole process, 10,000 runs): CPU about 80 ms less, wall less on a busy machine.
  const io: CliIo = {
    out: (t) => process.stdout.write(t + '\n'),
    err: (t) => process.stderr.write(t + '\n'),
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => exitWhenWritten(code),
    (e: unknown) => {
      process.stderr.write(`runnable-runs: ${String(e)}\n`);
      exitWhenWritten(1);
    },
  );
}

/**
 * Exits once everything written to stdout and stderr has reached the OS (a write's callback runs after the writes
 * before it), rather than when the event loop empties: a command's work is done when `main` settles, and waiting
 * for the loop kept a `list` of 10,000 runs alive another 10-15 ms (V8 finishing a garbage collection nobody
 * needs; scripts/bench/list-show.mjs measures the whole process).
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  for (const s of [process.stdout, process.stderr]) {
    if (s.destroyed || s.writableEnded) done();
    else s.write('', done);
  }
}
