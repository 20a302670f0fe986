// `runnable-runs`: the headless front door over core/ (list and show runs as runnable resolves its stores), also
// what the benchmark and outside checks drive. Bundled to dist/cli.js; exit 0 on success, 2 on bad input.
import { parseArgs } from 'node:util';
import { type CliCommand, CliError, type CliIo, COMMON_OPTIONS } from './core/cli/command';
import { listCommand } from './core/cli/listCommand';
import { showCommand } from './core/cli/showCommand';
import { planRetryCommand } from './core/cli/planRetryCommand';
import { pullCommand } from './core/cli/pullCommand';
import { RunLogError } from './core/stores/runLogStore';
import { StatWorker } from './core/stores/statWorker';
import { terminalSafe } from './core/text/terminal';

/**
 * The command table. Extension point: a feature adds a command as its own module exporting a `CliCommand`
 * (core/cli/command.ts: name, usage, summary, extra `options` in node:util parseArgs form, `run` returning the exit
 * code and throwing CliError for bad input), imports it here and appends it, e.g. `planRetryCommand` from
 * core/cli/planRetryCommand.ts or `pullCommand` from core/cli/pullCommand.ts (every command lives in core/cli/). Common options (--cwd --config --var
 * --json) are parsed for every command; `commonOptions()` + `openWorkspaceStores()` give it the stores.
 */
export const COMMANDS: CliCommand[] = [listCommand, showCommand, planRetryCommand, pullCommand];

function usage(commands: CliCommand[]): string {
  return [
    'Usage: runnable-runs <command> [options]',
    '',
    ...commands.map((c) => `  runnable-runs ${c.usage}\n      ${c.summary}`),
    '',
    'Options: --cwd DIR (workspace folder, default .), --config FILE (a runnable config; default as runnable decides:',
    'RUNNABLE_CONFIGURATION_FILE, else runnable-config.yaml, else defaults), --var NAME=VALUE (fills ${NAME} like',
    'RUNNABLE_VAR_NAME), --json (machine-readable output).',
  ].join('\n');
}

export async function main(argv: string[], rawIo: CliIo, commands: CliCommand[] = COMMANDS): Promise<number> {
  // No byte from a run log reaches the terminal as a control sequence (core/text/terminal.ts).
  const io: CliIo = { ...rawIo, out: (t) => rawIo.out(terminalSafe(t)), err: (t) => rawIo.err(terminalSafe(t)) };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.out : io.err)(usage(commands));
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`runnable-runs: unknown command "${name}": use ${commands.map((c) => c.name).join(', ')} (runnable-runs --help).`);
    return 2;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new CliError(`${(e as Error).message.split('\n')[0]} (usage: runnable-runs ${command.usage}).`);
    }
    if (parsed.values.help) {
      io.out(`runnable-runs ${command.usage}\n  ${command.summary}`);
      return 0;
    }
    return await command.run({ positionals: parsed.positionals, values: parsed.values }, io);
  } catch (e) {
    if (e instanceof CliError || e instanceof RunLogError) {
      io.err(`runnable-runs ${name}: ${e.message.replace(/\s*\n\s*/g, ' ')}`);
      return 2;
    }
    io.err(`runnable-runs ${name}: unexpected error: ${(e as Error)?.stack ?? String(e)}`);
    return 1;
  }
}

export { discoverStores } from './core/config/discover';
export { openStore } from './core/stores/openStore';
export { runsOf } from './core/stores/runLogStore';
export { StatWorker };

if (require.main === module) {
  const statter = new StatWorker();
  const io: CliIo = {
    out: (t) => process.stdout.write(t + '\n'),
    err: (t) => process.stderr.write(t + '\n'),
    env: process.env,
    cwd: process.cwd(),
    statter,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      statter.dispose();
      process.exitCode = code;
    },
    (e: unknown) => {
      statter.dispose();
      process.stderr.write(`runnable-runs: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
