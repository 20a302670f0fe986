// The vscode-free pieces the Runs model owns: FailureReads (failed steps named in the background within a budget, one
// read per run shared by every caller) and ChangeBatch (a burst of changes delivered as one), on real run logs.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FailureReads, type RunKey } from '../../src/core/explorer/failureReads';
import { ChangeBatch, type TreeChange } from '../../src/core/explorer/changeBatch';
import { openStore } from '../../src/core/stores/openStore';
import { discoverStores } from '../../src/core/config/discover';
import type { Run } from '../../src/core/runlog/model';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');

async function failedRun(): Promise<Run> {
  const { stores } = await discoverStores({ cwd: path.join(FIXTURES, 'ml-file-system'), env: {} });
  return openStore(stores[0]).getRun('prod-failure-001');
}

/** A run read on demand: `release()` lets the pending reads answer (so a test sees what happens while they are in flight). */
function ports(run: Run) {
  const reads: string[] = [];
  const named: RunKey[] = [];
  let gate: () => void = () => undefined;
  let open = new Promise<void>((r) => { gate = r; });
  return {
    reads, named,
    release() { gate(); open = Promise.resolve(); },
    ports: {
      readRun: async (ref: RunKey) => { reads.push(ref.runId); await open; if (ref.runId.startsWith('bad')) throw new Error('unreadable'); return run; },
      cause: async () => 'RuntimeError: no deployment url for churn-model',
      named: (ref: RunKey) => { named.push(ref); },
    },
  };
}

const ref = (runId: string): RunKey => ({ storeId: 's', runId });

describe('FailureReads', () => {
  it('names a failed run once: concurrent askers share the read, and the answer is the first failed task with its cause', async () => {
    const run = await failedRun();
    const p = ports(run);
    const reads = new FailureReads(p.ports);
    reads.request(ref('a'));
    const now = reads.nameNow([ref('a'), ref('b')]);
    reads.request(ref('b'));
    assert.equal(reads.failedStep(ref('a')), undefined, 'not known while reading');
    p.release();
    await now;
    assert.deepEqual(p.reads, ['a', 'b'], 'one read per run');
    assert.deepEqual(reads.failedStep(ref('a')), { name: 'deploy', cause: 'RuntimeError: no deployment url for churn-model' });
    assert.equal(reads.cause(ref('a'), 'deploy', 1), 'RuntimeError: no deployment url for churn-model', 'the cause is kept for the step rows');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(p.named.map((r) => r.runId), ['a'], 'only the background read (request) asks for a redraw');
  });

  it('stops at its budget per store; a run read anyway (expanded) is named past it; the budget starts over when the store is listed again', async () => {
    const run = await failedRun();
    const p = ports(run);
    p.release();
    const reads = new FailureReads(p.ports, 3);
    await reads.nameNow(['1', '2', '3', '4', '5'].map(ref));
    assert.deepEqual(p.reads, ['1', '2', '3']);
    assert.equal(reads.failedStep(ref('4')), undefined);
    assert.equal(reads.left('s'), 0);
    assert.equal(reads.left('other'), 3, 'each store has its own budget');
    await reads.noteRun(ref('4'), run);
    assert.equal(reads.failedStep(ref('4'))?.name, 'deploy');
    assert.deepEqual(p.named.map((r) => r.runId), ['4']);
    reads.resetBudget('s');
    await reads.nameNow(['1', '5'].map(ref));
    assert.deepEqual(p.reads, ['1', '2', '3', '5'], 'what is known stays known; 5 is read now');
  });

  it('an unreadable run is named as nothing (null), and a run forgotten while its read was in flight is read again', async () => {
    const run = await failedRun();
    const p = ports(run);
    const reads = new FailureReads(p.ports);
    const bad = reads.nameNow([ref('bad-1')]);
    const stale = reads.nameNow([ref('a')]);
    reads.forgetRun(ref('a'));
    p.release();
    await Promise.all([bad, stale]);
    assert.equal(reads.failedStep(ref('bad-1')), null);
    assert.equal(reads.failedStep(ref('a')), undefined, 'the stale answer is dropped');
    await reads.nameNow([ref('a')]);
    assert.equal(reads.failedStep(ref('a'))?.name, 'deploy');
    assert.deepEqual(p.reads, ['bad-1', 'a', 'a']);
  });
});

describe('FailureReads.forgetStore', () => {
  it('drops what it knew of one store (a credential change, a poll): that store is read again, others are kept', async () => {
    const run = await failedRun();
    const p = ports(run);
    p.release();
    const reads = new FailureReads(p.ports);
    await reads.nameNow([ref('a'), { storeId: 'other', runId: 'a' }]);
    reads.forgetStore('s');
    assert.equal(reads.failedStep(ref('a')), undefined);
    assert.equal(reads.cause(ref('a'), 'deploy', 1), undefined);
    assert.equal(reads.failedStep({ storeId: 'other', runId: 'a' })?.name, 'deploy', 'another store keeps its answers');
    await reads.nameNow([ref('a')]);
    assert.deepEqual(p.reads, ['a', 'a', 'a']);
  });
});

describe('ChangeBatch', () => {
  function manual() {
    let pending: (() => void) | undefined;
    const timers = {
      set: ((fn: () => void) => { pending = fn; return 1; }) as unknown as typeof setTimeout,
      clear: (() => { pending = undefined; }) as unknown as typeof clearTimeout,
    };
    return { timers, tick: () => { const f = pending; pending = undefined; f?.(); }, armed: () => pending !== undefined };
  }

  it('delivers a burst as one change: stores once each, runs of a redrawn store left out', () => {
    const t = manual();
    const got: TreeChange[] = [];
    const b = new ChangeBatch((c) => got.push(c), 100, t.timers);
    b.store('a');
    b.run({ storeId: 'a', runId: 'r1' });
    b.run({ storeId: 'b', runId: 'r2' });
    b.run({ storeId: 'b', runId: 'r2' });
    b.store('a');
    assert.deepEqual(got, [], 'nothing before the window ends');
    t.tick();
    assert.deepEqual(got, [{ all: false, stores: ['a'], runs: [{ storeId: 'b', runId: 'r2' }] }]);
    assert.equal(t.armed(), false);
    t.tick();
    assert.equal(got.length, 1, 'an empty window delivers nothing');
  });

  it('everything wins over stores and runs in the same burst; flush delivers at once', () => {
    const t = manual();
    const got: TreeChange[] = [];
    const b = new ChangeBatch((c) => got.push(c), 100, t.timers);
    b.run({ storeId: 'b', runId: 'r2' });
    b.all();
    b.store('a');
    b.flush();
    assert.deepEqual(got, [{ all: true, stores: [], runs: [] }]);
    assert.equal(t.armed(), false);
  });
});
