// The in-extension run source of the replay adapter: runs come through the Runs explorer's RunsService, so
// remote stores (with the credentials the user set) and the run cache work as in the tree.
import * as path from 'node:path';
import type { LoadedRun, ReplayLaunchArgs, ReplayRunSource } from '../../replay/replaySession';
import { WorkspaceRunSource } from '../../replay/workspaceRunSource';
import type { RunsService } from '../services';
import { errorMessage } from '../../core/text/errorMessage';

export class ServicesRunSource implements ReplayRunSource {
  constructor(private readonly runs: RunsService) {}

  async load(args: ReplayLaunchArgs): Promise<LoadedRun | { error: string }> {
    const configFile = args.configFile ? path.resolve(args.cwd, args.configFile) : undefined;
    if (args.storeId) {
      const store = this.runs.store(args.storeId);
      if (store) return { run: await this.runs.getRun({ storeId: args.storeId, runId: args.runId }), store, storeId: args.storeId };
      if (!configFile) return { error: `The run log store of this replay (${args.storeId}) is not among the workspace's stores any more. Refresh the Runs view and replay the run from there.` };
    }
    const all = (await this.runs.descriptors()).filter((d) => !d.problem);
    if (configFile && !all.some((d) => d.configFiles.includes(configFile))) {
      // A config the Runs view does not list (another project's, a copy): read it the way the standalone adapter
      // does, from the config itself and the environment (the settings' `runnable.variables` do not apply there).
      return new WorkspaceRunSource(process.env).load({ ...args, configFile });
    }
    const descriptors = all.filter((d) => !configFile || d.configFiles.includes(configFile));
    const errors: string[] = [];
    for (const d of descriptors) {
      const store = this.runs.store(d.id);
      if (!store) continue;
      try {
        return { run: await store.getRun(args.runId), store, storeId: d.id };
      } catch (e) {
        const msg = errorMessage(e);
        if (!/^No run "/.test(msg)) errors.push(msg);
      }
    }
    if (errors.length) return { error: `The run log of ${args.runId} cannot be read: ${errors.join(' ')}` };
    const where = descriptors.map((d) => d.label).join('; ') || 'no usable run log store';
    return { error: `Run ${args.runId} is not in any run log store of this workspace (looked in: ${where}). Check "runId", or set "configFile" to the config whose store holds it.` };
  }
}
