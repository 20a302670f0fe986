// What every `runnable-runs` command shares: the command shape (the table in src/cli.ts lists them), the common
// options (--cwd --config --var --json), and opening the workspace's stores as runnable resolves them.
import type { LoadedConfig } from '../config/configFile';
import * as path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { SYNC_CONFIG_FS } from '../config/configFs';
import { MessageStore } from '../stores/messageStore';
import { StoreRegistry } from '../stores/storeRegistry';
import type { RunLogStore } from '../stores/runLogStore';
import type { RunLayout } from '../runlog/model';
import type { FileStatter } from '../stores/statWorker';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Process working directory: `--cwd` resolves against it. */
  cwd: string;
  /** Stats run files while a local store lists (the bin passes a worker thread; tests may leave it inline). */
  statter?: FileStatter;
}

export interface CommonOptions {
  /** Workspace folder (absolute). */
  cwd: string;
  config: string | undefined;
  vars: Record<string, string>;
  json: boolean;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandInput {
  positionals: string[];
  /** Values of the common options (read them with commonOptions()) and of the command's own `options`, as node:util parseArgs returns them. */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

/** One `runnable-runs <name>` command. Returns the exit code; throws CliError for bad input (exit 2). */
export interface CliCommand {
  name: string;
  /** e.g. `show RUN_ID [--cwd DIR] [--config FILE] [--var NAME=VALUE]... [--json]` */
  usage: string;
  summary: string;
  /** Options beyond the common ones. */
  options?: OptionSpec;
  run(input: CommandInput, io: CliIo): Promise<number>;
}

/** Bad input (unknown run, unreadable config, bad option): one line on stderr, exit code 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export const COMMON_OPTIONS: OptionSpec = {
  cwd: { type: 'string' },
  config: { type: 'string' },
  var: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

export function commonOptions(values: CommandInput['values'], io: CliIo): CommonOptions {
  const vars: Record<string, string> = {};
  for (const v of (values.var as string[] | undefined) ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new CliError(`--var expects NAME=VALUE, got "${v}".`);
    vars[v.slice(0, eq)] = v.slice(eq + 1);
  }
  const cwd = path.resolve(io.cwd, (values.cwd as string | undefined) ?? '.');
  return { cwd, config: values.config as string | undefined, vars, json: values.json === true };
}

export interface WorkspaceStores {
  /** Stores to read, the primary config's first. */
  stores: RunLogStore[];
  /** Sentences about configs/stores that were skipped (printed on stderr; they do not fail the command). */
  warnings: string[];
  /** Every config read, by file (what an empty store's sentence needs: its configs' executors). */
  configs: ReadonlyMap<string, LoadedConfig>;
  /**
   * Whether the config the command was limited to (--config) reads runs of this layout in this store: a local folder
   * can hold file-system (`<id>.json`) and chunked-fs (`<id>/`) runs side by side, and runnable with a file-system
   * config does not see the chunked ones (RetryValidationError: "Original run log not found"), nor the reverse.
   * Always true without --config, for remote stores and for runs of no known layout.
   */
  reads(store: RunLogStore, layout: RunLayout | undefined): boolean;
}

/**
 * The stores of the workspace: every distinct store among its runnable configs, or, with `--config`, only that
 * config's store. A problem with the config runnable itself would use (the --config file,
 * RUNNABLE_CONFIGURATION_FILE or runnable-config.yaml) is bad input: CliError.
 */
export async function openWorkspaceStores(options: CommonOptions, io: CliIo): Promise<WorkspaceStores> {
  // Synchronous config reads: a one-shot process waits for them anyway (configFs.ts).
  const registry = await StoreRegistry.discover({ cwd: options.cwd, configFile: options.config, env: io.env, variables: options.vars, fs: SYNC_CONFIG_FS }, { statter: io.statter });
  const discovery = registry.discovery;
  const primary = discovery.primaryConfig;
  const warnings: string[] = [];
  const stores: RunLogStore[] = [];
  for (const d of discovery.stores) {
    const isPrimary = primary !== undefined && d.configFiles.includes(primary);
    if (options.config && !isPrimary) continue;
    if (d.problem) {
      if (isPrimary) throw new CliError(d.problem);
      warnings.push(d.problem);
      continue;
    }
    const store = registry.store(d.id)!;
    if (store instanceof MessageStore) {
      warnings.push(store.message);
      continue;
    }
    stores.push(store);
  }
  for (const p of discovery.problems) {
    if (!warnings.includes(p.message) && (!options.config || p.file === primary)) warnings.push(p.message);
  }
  const reads = (store: RunLogStore, layout: RunLayout | undefined): boolean => {
    const layouts = store.descriptor.layouts;
    if (!options.config || !layout || !layouts || !primary) return true;
    return layouts[layout]?.configFiles.includes(primary) ?? false;
  };
  return { stores, warnings, configs: new Map(discovery.configs.map((c) => [c.file, c])), reads };
}
