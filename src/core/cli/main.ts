// `runnable-runs` argument handling over the commands of this folder: which command, its options (node:util
// parseArgs), its exit code; bad input is one line on stderr and exit 2. The bin entry (src/cli.ts) calls `main`.
import { parseArgs } from 'node:util';
import { type CliCommand, CliError, type CliIo, COMMON_OPTIONS } from './command';
import { RunLogError } from '../stores/runLogStore';
import { terminalSafe } from '../text/terminal';

/**
 * The command table, each command loaded on first use: `list` does not evaluate the retry planner, the pull or
 * `show` (a whole-process `list` is measured against a floor script, scripts/bench/list-show.mjs). Extension point:
 * a command is a module of this folder exporting a `CliCommand` (command.ts: name, usage, summary, extra `options`
 * in node:util parseArgs form, `run` returning the exit code and throwing CliError for bad input); add its name and
 * loader here. Common options (--cwd --config --var --json) are parsed for every command; `commonOptions()` +
 * `openWorkspaceStores()` give it the stores.
 */
export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  list: async () => (await import('./listCommand')).listCommand,
  show: async () => (await import('./showCommand')).showCommand,
  'plan-retry': async () => (await import('./planRetryCommand')).planRetryCommand,
  pull: async () => (await import('./pullCommand')).pullCommand,
};

/** Every command, loaded (for the usage text, and for callers that want the table). */
export async function allCommands(): Promise<CliCommand[]> {
  return Promise.all(Object.values(COMMAND_LOADERS).map((load) => load()));
}

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

/** Runs one command line; the exit code. `commands`: a table of its own (tests), else COMMAND_LOADERS. */
export async function main(argv: string[], rawIo: CliIo, commands?: CliCommand[]): Promise<number> {
  // No byte from a run log reaches the terminal as a control sequence (core/text/terminal.ts).
  const io: CliIo = { ...rawIo, out: (t) => rawIo.out(terminalSafe(t)), err: (t) => rawIo.err(terminalSafe(t)) };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.out : io.err)(usage(commands ?? (await allCommands())));
    return name ? 0 : 2;
  }
  const names = commands ? commands.map((c) => c.name) : Object.keys(COMMAND_LOADERS);
  const command = commands ? commands.find((c) => c.name === name) : Object.hasOwn(COMMAND_LOADERS, name) ? await COMMAND_LOADERS[name]() : undefined;
  if (!command) {
    io.err(`runnable-runs: unknown command "${name}": use ${names.join(', ')} (runnable-runs --help).`);
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
