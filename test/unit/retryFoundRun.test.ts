// The planner handed a run found already (`{run, store, config}`, as the Runs view's model finds it through the store
// registry) plans the same retry as the planner finding the run itself, reads nothing again, and still refuses a
// config that cannot read the run's layout. Real fixture data (mixed-configs: one folder, both local layouts).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { planRetry } from '../../src/core/retry/plan';
import { StoreRegistry } from '../../src/core/stores/storeRegistry';
import type { RunLogStore } from '../../src/core/stores/runLogStore';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const MIXED = path.join(FIXTURES, 'mixed-configs');

/** A store whose reads are counted (the planner must not read the run again). */
function counting(store: RunLogStore): { store: RunLogStore; reads: () => number } {
  let n = 0;
  const counted = Object.create(store) as RunLogStore;
  counted.getRun = (...a: Parameters<RunLogStore['getRun']>) => { n++; return store.getRun(...a); };
  return { store: counted, reads: () => n };
}

describe('planRetry with the run found already', () => {
  for (const runId of ['mixed-chunked-0001', 'mixed-local-0001']) {
    it(`${runId}: the same plan as the planner finding it, with no second read`, async () => {
      const registry = await StoreRegistry.discover({ cwd: MIXED, env: {} });
      const found = await registry.findRun(runId);
      const c = counting(found.store);
      const given = await planRetry({ cwd: MIXED, runId, found: { ...found, store: c.store }, env: {}, trusted: false, checkDag: false, generatedConfigDir: path.join(MIXED, '.never-written') });
      const itself = await planRetry({ cwd: MIXED, runId, env: {}, trusted: false, checkDag: false, generatedConfigDir: path.join(MIXED, '.never-written') });
      assert.equal(given.env.RUNNABLE_RETRY_RUN_ID, runId, 'a plan was made, not refused early');
      assert.ok(given.firstFailed?.internalName, 'the failed step was found');
      assert.equal(given.blocked, itself.blocked);
      assert.deepEqual(given.env, itself.env);
      assert.deepEqual(given.config, itself.config);
      assert.deepEqual([given.skipped, given.rerun, given.argv, given.retryIndicator], [itself.skipped, itself.rerun, itself.argv, itself.retryIndicator]);
      assert.deepEqual(given.firstFailed, itself.firstFailed);
      assert.equal(c.reads(), 0, 'the run handed over is not read again');
    });
  }

  it('a config named for the retry that cannot read the run\'s layout is refused with the same sentence; a not-found is the finder\'s sentence', async () => {
    const registry = await StoreRegistry.discover({ cwd: MIXED, env: {} });
    const found = await registry.findRun('mixed-local-0001');
    const plan = await planRetry({ cwd: MIXED, runId: 'mixed-local-0001', found, configFile: 'configs/chunked.yaml', env: {}, trusted: false, checkDag: false });
    assert.match(plan.blocked ?? '', /mixed-local-0001 is a file-system run.*chunked\.yaml reads chunked-fs runs only/);
    const missing = await planRetry({ cwd: MIXED, runId: 'gone-0001', found: { error: 'Run gone-0001 is not in any run log store this workspace\'s configs name (looked in: x).' }, env: {} });
    assert.equal(missing.blocked, 'Run gone-0001 is not in any run log store this workspace\'s configs name (looked in: x).');
    assert.deepEqual(missing.argv, []);
  });
});
