// The in-extension run source of the replay adapter: runs come through the Runs explorer's RunsService, so
// remote stores (with the credentials the user set) and the run cache work as in the tree.
import * as path from 'node:path';
import type { LoadedRun, ReplayLaunchArgs, ReplayRunSource } from '../../replay/replaySession';
import type { RunsService } from '../services';

export class ServicesRunSource implements ReplayRunSource {
  constructor(private readonly runs: RunsService) {}

  async load(args: ReplayLaunchArgs): Promise<LoadedRun | { error: string }> {
    if (args.storeId) {
      const store = this.runs.store(args.storeId);
      if (!store) return { error: `The run log store of this replay (${args.storeId}) is not among the workspace's stores any more. Refresh the Runs view and replay the run from there.` };
      return { run: await this.runs.getRun({ storeId: args.storeId, runId: args.runId }), store, storeId: args.storeId };
    }
    const configFile = args.configFile ? path.resolve(args.cwd, args.configFile) : undefined;
    const descriptors = (await this.runs.descriptors()).filter((d) => !d.problem && (!configFile || d.configFiles.includes(configFile)));
    const errors: string[] = [];
    for (const d of descriptors) {
      const store = this.runs.store(d.id);
      if (!store) continue;
      try {
        return { run: await store.getRun(args.runId), store, storeId: d.id };
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (!/^No run "/.test(msg)) errors.push(msg);
      }
    }
    if (errors.length) return { error: `The run log of ${args.runId} cannot be read: ${errors.join(' ')}` };
    const where = descriptors.map((d) => d.label).join('; ') || 'no usable run log store';
    return { error: `Run ${args.runId} is not in any run log store of this workspace (looked in: ${where}). Check "runId", or set "configFile" to the config whose store holds it.` };
  }
}
