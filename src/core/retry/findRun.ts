// The retry planner's view of the store registry (core/stores/storeRegistry.ts): the run, the config that reads it
// (what the retry must hand runnable), or the sentence saying why the retry cannot read it.
import type { LoadedConfig } from '../config/configFile';
import type { Run } from '../runlog/model';
import { RunNotFoundError, type RunLogStore, type StoreDescriptor } from '../stores/runLogStore';
import { RunReadError, StoreRegistry } from '../stores/storeRegistry';

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

/** The run, or a sentence saying why it cannot be read (not found anywhere / found but unreadable). */
export async function findRun(opts: FindRunOptions): Promise<FoundRun | { error: string }> {
  const registry = await StoreRegistry.discover({ cwd: opts.cwd, configFile: opts.configFile, env: opts.env, variables: opts.variables, signal: opts.signal });
  const discovery = registry.discovery;
  // an explicit config means: read the run through that config only (as runnable will on retry)
  const explicit = opts.configFile ? discovery.primaryConfig : undefined;
  let found;
  try {
    found = await registry.findRun(opts.runId, { configFile: explicit, signal: opts.signal });
  } catch (e) {
    if (e instanceof RunReadError) return { error: `The run log of ${opts.runId} cannot be read: ${e.failures.join(' ')}` };
    if (!(e instanceof RunNotFoundError)) throw e;
    const where = e.stores.length ? e.stores.map((d) => d.label).join('; ') : 'no usable run log store';
    const problems = discovery.problems.map((p) => p.message).join(' ');
    return {
      error: `Run ${opts.runId} is not in any run log store this workspace's configs name (looked in: ${where}). Pick the config whose store holds it (--config / runnable.configFile).${problems ? ' Config problems: ' + problems : ''}`,
    };
  }
  const { run } = found;
  const d = found.store.descriptor;
  // A folder can hold runs of both local layouts: only a config of the run's own layout lets runnable find it.
  // An explicit config must itself read the run's layout (runnable will read the run through it alone).
  const reader = explicit
    ? d.layouts && run.layout && !d.layouts[run.layout]?.configFiles.includes(explicit) ? undefined : { configFile: explicit }
    : found.config;
  if (!reader) {
    const why = explicit
      ? `${explicit} reads ${d.layouts?.['file-system']?.configFiles.includes(explicit) ? 'file-system' : 'chunked-fs'} runs only`
      : `no config of this workspace reads ${run.layout} runs there (${d.label})`;
    return {
      error: `Run ${opts.runId} is a ${run.layout} run (in ${d.location}), but ${why}: runnable would not find it. Pick (or add) a config with \`run-log-store: {type: ${run.layout}}\` naming that folder (--config / runnable.configFile).`,
    };
  }
  return { run, store: d, opened: found.store, configFile: reader.configFile, configs: discovery.configs };
}
