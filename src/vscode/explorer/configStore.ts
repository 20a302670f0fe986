// After a command wrote a run into a sandbox (Pull Run, Edit Inputs): the sandbox's store, re-listed on its own. The
// first write also wrote the sandbox's config, so the stores are looked for again; the stores already listed keep
// their listings (runsModel.ts), which for a remote store spares listing its bucket again.
import * as vscode from 'vscode';
import type { StoreDescriptor } from '../../core/stores/runLogStore';
import type { RunsService } from '../services';

/** The store of `configFile`, re-listed; undefined when the Runs view does not find it (the caller says so). */
export async function relistStoreOf(runs: RunsService, configFile: string): Promise<StoreDescriptor | undefined> {
  const known = (await runs.descriptors()).find((x) => x.configFiles.includes(configFile));
  if (known) {
    runs.refresh(known.id);
    return known;
  }
  // A sandbox outside the workspace folders is not found by discovery: the Runs view is told about its config.
  if (!vscode.workspace.getWorkspaceFolder(vscode.Uri.file(configFile))) runs.addConfigFile?.(configFile);
  else if (runs.findStores) runs.findStores();
  else runs.refresh();
  return (await runs.descriptors()).find((x) => x.configFiles.includes(configFile));
}
