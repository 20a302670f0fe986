// The inline replay adapter's run source (src/vscode/replay/servicesRunSource.ts) under plain Node, over a stand-in
// RunsService: runs of the workspace's stores come through RunsService; a config the Runs view does not list is read
// from the config itself (as the standalone adapter does). Read-only over the examples' stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { discoverStores } from '../../src/core/config/discover';
import type { Run } from '../../src/core/runlog/model';
import { FailureCauses } from '../../src/core/stores/failureCauses';
import { openStore } from '../../src/core/stores/openStore';
import { runsOf, type RunLogStore, type StoreDescriptor } from '../../src/core/stores/runLogStore';
import type { ReplayLaunchArgs } from '../../src/replay/replaySession';
import { ServicesRunSource } from '../../src/vscode/replay/servicesRunSource';
import type { RunRef, RunsService } from '../../src/vscode/services';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const CONFIG = path.join(EXAMPLES, 'runnable-config.yaml');

/** A RunsService listing `descriptors` (opened for real), counting the runs it was asked for. */
function runsService(descriptors: StoreDescriptor[]): RunsService & { asked: RunRef[] } {
  const stores = new Map<string, RunLogStore>(descriptors.map((d) => [d.id, openStore(d)]));
  const asked: RunRef[] = [];
  return {
    asked,
    onDidChange: () => ({ dispose() {} }),
    descriptors: async () => descriptors,
    store: (id) => stores.get(id),
    listRuns: async (id) => runsOf(await stores.get(id)!.listRuns()),
    listing: (id) => stores.get(id)!.listRuns(),
    getRun: async (ref): Promise<Run> => {
      asked.push(ref);
      return stores.get(ref.storeId)!.getRun(ref.runId);
    },
    failureCause: async (ref, run, internalName, attempt) => new FailureCauses(stores.get(ref.storeId)!).cause(run, internalName, attempt),
    refresh() {},
    pickRun: async () => undefined,
  };
}

const args = (extra: Partial<ReplayLaunchArgs>): ReplayLaunchArgs => ({ runId: 'prod-failure-001', cwd: EXAMPLES, ...extra });

async function examplesStore(): Promise<StoreDescriptor> {
  const { stores } = await discoverStores({ cwd: EXAMPLES, configFile: CONFIG, env: {} });
  const d = stores.find((s) => s.configFiles.includes(CONFIG));
  assert.ok(d, 'examples/runnable-config.yaml names a store');
  return d;
}

test('a run of a workspace store (by storeId) is read through RunsService', async () => {
  const d = await examplesStore();
  const runs = runsService([d]);
  const loaded = await new ServicesRunSource(runs).load(args({ storeId: d.id }));
  assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
  assert.equal(loaded.storeId, d.id);
  assert.equal(loaded.run.runId, 'prod-failure-001');
  assert.deepEqual(runs.asked, [{ storeId: d.id, runId: 'prod-failure-001' }]);
});

test('a configFile the Runs view does not list is read from the config itself, with that store\'s id', async () => {
  const runs = runsService([]);
  const loaded = await new ServicesRunSource(runs).load(args({ configFile: 'runnable-config.yaml' }));
  assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
  assert.equal(loaded.run.runId, 'prod-failure-001');
  assert.equal(loaded.run.status, 'FAIL');
  assert.equal(loaded.storeId, (await examplesStore()).id);
  assert.equal(loaded.store?.descriptor.configFiles.includes(CONFIG), true);
  assert.deepEqual(runs.asked, [], 'RunsService was not asked for the run');
});

test('an unknown storeId with a configFile outside the listed stores still finds the run through the config', async () => {
  const runs = runsService([]);
  const d = await examplesStore();
  const loaded = await new ServicesRunSource(runs).load(args({ storeId: d.id, configFile: CONFIG }));
  assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
  assert.equal(loaded.storeId, d.id);
});

test('an unknown storeId without a configFile is one sentence saying what to do', async () => {
  const loaded = await new ServicesRunSource(runsService([])).load(args({ storeId: 'file-system:/nowhere' }));
  assert.ok('error' in loaded);
  assert.match(loaded.error, /file-system:\/nowhere.*Refresh the Runs view and replay the run from there\.$/);
});

test('a run missing from the config\'s store names the store that was searched', async () => {
  const loaded = await new ServicesRunSource(runsService([])).load(args({ runId: 'no-such-run', configFile: 'runnable-config.yaml' }));
  assert.ok('error' in loaded);
  assert.match(loaded.error, /^Run no-such-run is not in any run log store .*looked in: runnable-config\.yaml · file-system/);
});
