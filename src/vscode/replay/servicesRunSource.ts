// The in-extension run source of the replay adapter: runs come through the Runs explorer's RunsService, so
// remote stores (with the credentials the user set) and the run cache work as in the tree.
import * as path from 'node:path';
import type { LoadedRun, ReplayLaunchArgs, ReplayRunSource } from '../../replay/replaySession';
import { WorkspaceRunSource } from '../../replay/workspaceRunSource';
import { RunNotFoundError } from '../../core/stores/runLogStore';
import { findRunIn, RunReadError } from '../../core/stores/storeRegistry';
import { storeSourceOf, type RunsService } from '../services';

export class ServicesRunSource implements ReplayRunSource {
  constructor(private readonly runs: RunsService) {}

  async load(args: ReplayLaunchArgs): Promise<LoadedRun | { error: string }> {
    const configFile = args.configFile ? path.resolve(args.cwd, args.configFile) : undefined;
    if (args.storeId) {
      const store = this.runs.store(args.storeId);
      if (store) return { run: (await findRunIn(storeSourceOf(this.runs), args.runId, { storeId: args.storeId })).run, store, storeId: args.storeId };
      if (!configFile) return { error: `The run log store of this replay (${args.storeId}) is not among the workspace's stores any more. Refresh the Runs view and replay the run from there.` };
    }
    const all = (await this.runs.descriptors()).filter((d) => !d.problem);
    if (configFile && !all.some((d) => d.configFiles.includes(configFile))) {
      // A config the Runs view does not list (another project's, a copy): read it the way the standalone adapter
      // does, from the config itself and the environment (the settings' `runnable.variables` do not apply there).
      return new WorkspaceRunSource(process.env).load({ ...args, configFile });
    }
    try {
      const { run, store } = await findRunIn(storeSourceOf(this.runs), args.runId, { configFile });
      return { run, store, storeId: store.descriptor.id };
    } catch (e) {
      if (e instanceof RunReadError) return { error: `The run log of ${args.runId} cannot be read: ${e.failures.join(' ')}` };
      if (!(e instanceof RunNotFoundError)) throw e;
      const where = e.stores.map((d) => d.label).join('; ') || 'no usable run log store';
      return { error: `Run ${args.runId} is not in any run log store of this workspace (looked in: ${where}). Check "runId", or set "configFile" to the config whose store holds it.` };
    }
  }
}
