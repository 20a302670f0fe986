// The separate-process adapter's run source: finds the run among the stores the workspace's runnable configs
// name (as the CLI does), or in the one store `storeId` names, and reads the catalog through that store.
import { findRun } from '../core/retry/findRun';
import { StoreRegistry } from '../core/stores/storeRegistry';
import type { LoadedRun, ReplayLaunchArgs, ReplayRunSource } from './replaySession';

export class WorkspaceRunSource implements ReplayRunSource {
  constructor(private readonly env: Record<string, string | undefined>) {}

  async load(args: ReplayLaunchArgs): Promise<LoadedRun | { error: string }> {
    if (args.storeId) {
      const registry = await StoreRegistry.discover({ cwd: args.cwd, configFile: args.configFile, env: this.env });
      const d = registry.discovery.stores.find((s) => s.id === args.storeId);
      if (!d) return { error: `No run log store "${args.storeId}" among the runnable configs of ${args.cwd}. Drop "storeId" to search every store, or set "configFile".` };
      if (d.problem) return { error: d.problem };
      const { run, store } = await registry.findRun(args.runId, { storeId: d.id });
      return { run, store, storeId: d.id };
    }
    const found = await findRun({ cwd: args.cwd, runId: args.runId, configFile: args.configFile, env: this.env });
    if ('error' in found) return found;
    return { run: found.run, store: found.opened, storeId: found.store.id };
  }
}
