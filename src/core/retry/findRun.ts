// Finds a run by id across the stores a workspace's configs name (primary config first), and says
// which config reads it: that config is what the retry must hand to runnable.
import type { LoadedConfig } from '../config/configFile';
import { discoverStores } from '../config/discover';
import { openStore } from '../stores/openStore';
import type { Run } from '../runlog/model';
import { configForLayout, type StoreDescriptor } from '../stores/runLogStore';
import { errorMessage } from '../text/errorMessage';

export interface FoundRun {
  run: Run;
  store: StoreDescriptor;
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

// The stores' "not here" sentence (fileSystemStore/chunkedFsStore): anything else is a real read error.
const NOT_FOUND = /^No run "/;

/** The run, or a sentence saying why it cannot be read (not found anywhere / found but unreadable). */
export async function findRun(opts: FindRunOptions): Promise<FoundRun | { error: string }> {
  const discovery = await discoverStores({ cwd: opts.cwd, configFile: opts.configFile, env: opts.env, variables: opts.variables, signal: opts.signal });
  const readErrors: string[] = [];
  const looked: string[] = [];
  for (const d of discovery.stores) {
    // an explicit config means: read the run through that config only (as runnable will on retry)
    if (opts.configFile && !(discovery.primaryConfig && d.configFiles.includes(discovery.primaryConfig))) continue;
    if (d.problem) {
      if (opts.configFile) readErrors.push(d.problem);
      continue;
    }
    looked.push(d.label);
    try {
      const run = await openStore(d).getRun(opts.runId, opts.signal);
      // A folder can hold runs of both local layouts: only a config of the run's own layout lets runnable find it.
      // An explicit config must itself read the run's layout (runnable will read the run through it alone).
      const explicit = opts.configFile && discovery.primaryConfig;
      const reader = explicit
        ? d.layouts && run.layout && !d.layouts[run.layout]?.configFiles.includes(explicit) ? undefined : { configFile: explicit }
        : configForLayout(d, run.layout);
      if (!reader) {
        const why = explicit
          ? `${explicit} reads ${d.layouts?.['file-system']?.configFiles.includes(explicit) ? 'file-system' : 'chunked-fs'} runs only`
          : `no config of this workspace reads ${run.layout} runs there (${d.label})`;
        return {
          error: `Run ${opts.runId} is a ${run.layout} run (in ${d.location}), but ${why}: runnable would not find it. Pick (or add) a config with \`run-log-store: {type: ${run.layout}}\` naming that folder (--config / runnable.configFile).`,
        };
      }
      return { run, store: d, configFile: reader.configFile, configs: discovery.configs };
    } catch (e) {
      const msg = errorMessage(e);
      if (!NOT_FOUND.test(msg)) readErrors.push(msg);
    }
  }
  if (readErrors.length) return { error: `The run log of ${opts.runId} cannot be read: ${readErrors.join(' ')}` };
  const where = looked.length ? looked.join('; ') : 'no usable run log store';
  const problems = discovery.problems.map((p) => p.message).join(' ');
  return {
    error: `Run ${opts.runId} is not in any run log store this workspace's configs name (looked in: ${where}). Pick the config whose store holds it (--config / runnable.configFile).${problems ? ' Config problems: ' + problems : ''}`,
  };
}
