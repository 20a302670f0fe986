// The retry planner's view of the store registry (core/stores/storeRegistry.ts): the run, the config that reads it
// (what the retry must hand runnable), or the sentence saying why the retry cannot read it. Two ways in: `findRun`
// discovers the workspace's stores itself (the CLI, the replay adapter, tests); `retryRunOf` takes a run someone has
// found already in stores they hold open (the Runs view's model, through RetryPreparation) and reads nothing again.
import * as path from 'node:path';
import { type LoadedConfig, loadConfigFile } from '../config/configFile';
import { gatherVariables } from '../config/templating';
import type { Run } from '../runlog/model';
import { RunNotFoundError, type RunLogStore, type StoreDescriptor } from '../stores/runLogStore';
import { type FoundRun as RegistryFound, RunReadError, StoreRegistry } from '../stores/storeRegistry';

export interface FoundRun {
  run: Run;
  store: StoreDescriptor;
  /** The store, opened (the one the run was read from). */
  opened: RunLogStore;
  /** Absolute config file whose store holds the run; undefined when it is runnable's default store. */
  configFile: string | undefined;
  /** The workspace's configs as discovery parsed them (for choosing the retry's config). */
  configs: LoadedConfig[];
}

export interface FindRunOptions {
  cwd: string;
  runId: string;
  configFile?: string;
  variables?: Record<string, string>;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** The finder's typed errors as the retry's sentences; anything else (an abort, a bug) is rethrown. */
export function retryFindError(e: unknown, runId: string, problems: readonly string[] = []): { error: string } {
  if (e instanceof RunReadError) return { error: `The run log of ${runId} cannot be read: ${e.failures.join(' ')}` };
  if (!(e instanceof RunNotFoundError)) throw e;
  const where = e.stores.length ? e.stores.map((d) => d.label).join('; ') : 'no usable run log store';
  return {
    error: `Run ${runId} is not in any run log store this workspace's configs name (looked in: ${where}). Pick the config whose store holds it (--config / runnable.configFile).${problems.length ? ' Config problems: ' + problems.join(' ') : ''}`,
  };
}

/**
 * The config that reads a found run for the retry, or why none does. A folder can hold runs of both local layouts:
 * only a config of the run's own layout lets runnable find it; an explicit config must itself read the run's layout
 * (runnable will read the run through it alone).
 */
function readerOf(found: RegistryFound, explicit: string | undefined): { configFile: string | undefined } | { error: string } {
  const { run } = found;
  const d = found.store.descriptor;
  const reader = explicit
    ? d.layouts && run.layout && !d.layouts[run.layout]?.configFiles.includes(explicit) ? undefined : { configFile: explicit }
    : found.config;
  if (reader) return reader;
  const why = explicit
    ? `${explicit} reads ${d.layouts?.['file-system']?.configFiles.includes(explicit) ? 'file-system' : 'chunked-fs'} runs only`
    : `no config of this workspace reads ${run.layout} runs there (${d.label})`;
  return {
    error: `Run ${run.runId} is a ${run.layout} run (in ${d.location}), but ${why}: runnable would not find it. Pick (or add) a config with \`run-log-store: {type: ${run.layout}}\` naming that folder (--config / runnable.configFile).`,
  };
}

/** The run, or a sentence saying why it cannot be read (not found anywhere / found but unreadable). */
export async function findRun(opts: FindRunOptions): Promise<FoundRun | { error: string }> {
  const registry = await StoreRegistry.discover({ cwd: opts.cwd, configFile: opts.configFile, env: opts.env, variables: opts.variables, signal: opts.signal });
  const discovery = registry.discovery;
  // an explicit config means: read the run through that config only (as runnable will on retry)
  const explicit = opts.configFile ? discovery.primaryConfig : undefined;
  let found: RegistryFound;
  try {
    found = await registry.findRun(opts.runId, { configFile: explicit, signal: opts.signal });
  } catch (e) {
    return retryFindError(e, opts.runId, discovery.problems.map((p) => p.message));
  }
  const reader = readerOf(found, explicit);
  if ('error' in reader) return reader;
  return { run: found.run, store: found.store.descriptor, opened: found.store, configFile: reader.configFile, configs: discovery.configs };
}

/**
 * A run found already (`{run, store, config}` from the store registry or the Runs view's model) as the retry reads
 * it: nothing is discovered, opened or read again. The retry's config candidates are the configs naming that store
 * (a config naming another store could never be chosen: retryConfig.ts rejects it) that lie in the retry's folder
 * (as discovery from there would find them; the model may also hold another workspace folder's) or read the run,
 * parsed from their files; one that no longer parses is left out (the plan then chooses among the rest).
 */
export async function retryRunOf(
  found: RegistryFound,
  opts: { cwd: string; explicitConfig?: string; env: Record<string, string | undefined>; variables?: Record<string, string> },
): Promise<FoundRun | { error: string }> {
  const reader = readerOf(found, opts.explicitConfig);
  if ('error' in reader) return reader;
  const d = found.store.descriptor;
  const variables = gatherVariables(opts.env, opts.variables ?? {});
  // The config that reads the run counts wherever it is (a sandbox pulled outside the folder), as the config a
  // discovery is pointed at does.
  const inFolder = d.configFiles.filter((f) => {
    const rel = path.relative(opts.cwd, f);
    return f === reader.configFile || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
  const configs = (await Promise.all(inFolder.map((f) => loadConfigFile(f, variables).catch(() => undefined)))).filter((c): c is LoadedConfig => !!c);
  return { run: found.run, store: d, opened: found.store, configFile: reader.configFile, configs };
}
