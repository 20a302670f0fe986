import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/core/stores/openStore';
import { discoverStores } from '../../src/core/config/discover';
import { NewFailures } from '../../src/core/explorer/newFailures';
import type { RunSummary } from '../../src/core/runlog/model';
import { runsIn } from '../helpers/listing';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');

describe('new failed runs', () => {
  it('the first listing is the baseline (its failed runs raise nothing); a run that fails later is new once', async () => {
    const { stores } = await discoverStores({ cwd: path.join(FIXTURES, 'yaml-etl'), env: {} });
    const runs = runsIn(await openStore(stores[0]).listRuns());
    assert.ok(runs.some((r) => r.status === 'FAIL'), 'the fixture has a failed run');
    const t = new NewFailures();
    assert.deepEqual(t.observe('s', runs), [], 'no signal for runs already there');
    const landed: RunSummary = { ...runs.find((r) => r.status === 'FAIL')!, runId: 'landed-1' };
    const running: RunSummary = { ...landed, runId: 'landed-2', status: 'PROCESSING' };
    assert.deepEqual(t.observe('s', [...runs, landed, running]).map((r) => r.runId), ['landed-1']);
    assert.deepEqual(t.observe('s', [...runs, landed, { ...running, status: 'FAIL' }]).map((r) => r.runId), ['landed-2'], 'a running run that failed since');
    assert.deepEqual(t.observe('s', [...runs, landed, { ...running, status: 'FAIL' }]), [], 'each once');
    assert.deepEqual(t.pending.map((p) => p.runId), ['landed-1', 'landed-2']);
    t.acknowledge();
    assert.deepEqual(t.pending, []);
    assert.deepEqual(t.observe('other', [landed]), [], 'each store has its own baseline');
  });
});
