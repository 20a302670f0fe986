// Fast glue tier: the Runs model (src/vscode/explorer/runsModel.ts) under plain Node with the `vscode` fake, over
// stores written by real runnable. What the tree relies on: one read shared by concurrent callers, a burst of
// watcher events coalesced into one change per store, the filter (and its context key), a refresh that re-reads,
// settings that move discovery, and the run pick.
import '../fakes/install';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { fake, memoryLogger, type FakeWatcher } from '../fakes/vscode';
import { tempFolders } from '../helpers/tempFolders';
import { RunsModel, type ModelChange } from '../../src/vscode/explorer/runsModel';
import { openStore } from '../../src/core/stores/openStore';
import { discoverStores } from '../../src/core/config/discover';
import { runsIn } from '../helpers/listing';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const { copy } = tempFolders();
const models: RunsModel[] = [];
after(() => models.forEach((m) => m.dispose()));

function modelOn(folder: string): RunsModel {
  fake.setFolders([folder]);
  const m = new RunsModel(memoryLogger());
  models.push(m);
  return m;
}

/** Resolves on the next change event of the model that `pick` accepts. */
function nextChange(m: RunsModel, pick: (c: ModelChange) => boolean = () => true): Promise<ModelChange> {
  return new Promise((resolve) => {
    const d = m.onDidChangeStore((c) => { if (pick(c)) { d.dispose(); resolve(c); } });
  });
}

/** The watcher the model made for a store folder (a RelativePattern over `<parent>/<store>/**`). */
function storeWatcher(storeFolder: string): FakeWatcher {
  const w = fake.watchers.find((x) => typeof x.pattern !== 'string' && x.pattern.pattern === `${path.basename(storeFolder)}/**` && x.pattern.baseUri.fsPath === path.dirname(storeFolder) && !x.disposed);
  assert.ok(w, `a watcher on ${storeFolder}`);
  return w;
}

describe('glue: Runs model under plain Node', () => {
  beforeEach(() => fake.reset());

  it('finds the workspace store, lists what the store lists, and shares one read between concurrent callers', async () => {
    const ws = copy(path.join(FIXTURES, 'yaml-etl'), 'glue-etl-');
    const m = modelOn(ws);
    const { roots, problems, noFolder } = await m.state();
    assert.equal(noFolder, false);
    assert.deepEqual(problems, []);
    assert.equal(roots.length, 1);
    assert.equal(roots[0].descriptor.type, 'file-system');
    const id = roots[0].descriptor.id;
    const a = m.listRuns(id);
    const b = m.listRuns(id);
    assert.equal(a, b, 'one read for both callers');
    const { stores } = await discoverStores({ cwd: ws, env: {} });
    const direct = runsIn(await openStore(stores[0]).listRuns());
    assert.deepEqual((await a).map((r) => [r.runId, r.status]), direct.map((r) => [r.runId, r.status]));
    assert.deepEqual((await a).map((r) => r.runId).sort(), ['etl-usd-0100', 'shell-exit-3']);
  });

  it('a burst of watcher events on a store becomes one change of that store, and the next listing sees the new run', async () => {
    const ws = copy(path.join(FIXTURES, 'yaml-etl'), 'glue-burst-');
    const m = modelOn(ws);
    const [root] = (await m.state()).roots;
    const id = root.descriptor.id;
    const before = await m.listRuns(id);
    const storeFolder = path.join(ws, '.run_log_store');
    const w = storeWatcher(storeFolder);
    // A new run lands (written as runnable writes it: the same JSON under another run id): the store's own folder
    // watcher (core/stores/dirWatch.ts, real fs events) changes that store.
    const text = fs.readFileSync(path.join(storeFolder, 'etl-usd-0100.json'), 'utf8').replace(/etl-usd-0100/g, 'etl-usd-0101');
    const landed = nextChange(m, (c) => c.storeId === id);
    fs.writeFileSync(path.join(storeFolder, 'etl-usd-0101.json'), text);
    await landed;
    const changes: ModelChange[] = [];
    m.onDidChangeStore((c) => changes.push(c));
    const first = nextChange(m, (c) => c.storeId === id);
    // A running pipeline rewrites its log event after event, a few milliseconds apart (well inside the debounce).
    for (let i = 0; i < 10; i++) {
      w.changed.fire({ fsPath: path.join(storeFolder, 'etl-usd-0101.json') } as never);
      await new Promise((r) => setTimeout(r, 3));
    }
    await first;
    // One more event after the burst settled: a second change. Had the burst not been coalesced, more came first.
    const second = nextChange(m, (c) => c.storeId === id);
    w.created.fire({ fsPath: path.join(storeFolder, 'etl-usd-0101.json') } as never);
    await second;
    assert.equal(changes.length, 2, `changes: ${JSON.stringify(changes)}`);
    assert.ok(changes.every((c) => c.storeId === id), 'only that store changed (no whole-view redraw)');
    const afterRuns = await m.listRuns(id);
    assert.equal(afterRuns.length, before.length + 1);
    assert.ok(afterRuns.some((r) => r.runId === 'etl-usd-0101' && r.status === 'FAIL'));
  });

  it('the filter narrows by status and by step name, sets runnable.filterActive, and clears', async () => {
    // yaml-etl's two failed runs beside the retried (SUCCESS) run of ml-file-system-retried: both written by runnable.
    const ws = copy(path.join(FIXTURES, 'yaml-etl'), 'glue-filter-');
    fs.copyFileSync(path.join(FIXTURES, 'ml-file-system-retried', '.run_log_store', 'prod-failure-001.json'), path.join(ws, '.run_log_store', 'prod-failure-001.json'));
    const m = modelOn(ws);
    const [root] = (await m.state()).roots;
    const id = root.descriptor.id;
    const all = await m.listRuns(id);
    assert.ok(all.some((r) => r.status === 'FAIL') && all.some((r) => r.status === 'SUCCESS'), 'the fixture has both');
    const changed = nextChange(m);
    m.setFilter({ statuses: ['FAIL'] });
    assert.deepEqual(await changed, {}, 'a filter redraws every root');
    const failed = await m.filteredRuns(id);
    assert.deepEqual(failed.map((r) => r.runId), all.filter((r) => r.status === 'FAIL').map((r) => r.runId));
    assert.deepEqual(fake.commands.at(-1), { command: 'setContext', args: ['runnable.filterActive', true] });
    // Text in a step name: only runs that have such a step (their logs are read to know).
    // Text in a step name: only runs that have such a step (their logs are read to know). `train` is a step of the
    // ML run only; case does not matter.
    m.setFilter({ text: 'TRAIN' });
    assert.deepEqual((await m.filteredRuns(id)).map((r) => r.runId), ['prod-failure-001']);
    m.setFilter({ text: 'no-such-step-anywhere' });
    assert.deepEqual(await m.filteredRuns(id), []);
    m.clearFilter();
    assert.deepEqual(fake.commands.at(-1), { command: 'setContext', args: ['runnable.filterActive', false] });
    assert.equal((await m.filteredRuns(id)).length, all.length);
  });

  it('refresh re-reads: a run removed on disk is gone from the next listing, and a read run is read again', async () => {
    const ws = copy(path.join(FIXTURES, 'yaml-etl'), 'glue-refresh-');
    const m = modelOn(ws);
    const [root] = (await m.state()).roots;
    const id = root.descriptor.id;
    const first = m.listRuns(id);
    await first;
    const ref = { storeId: id, runId: 'etl-usd-0100' };
    const run = await m.getRun(ref);
    assert.equal(m.peekRun(ref), run);
    fs.rmSync(path.join(ws, '.run_log_store', 'shell-exit-3.json'));
    m.refresh();
    assert.equal(m.peekRun(ref), undefined, 'the read run is forgotten');
    const [root2] = (await m.state()).roots;
    const second = m.listRuns(root2.descriptor.id);
    assert.notEqual(second, first);
    assert.deepEqual((await second).map((r) => r.runId), ['etl-usd-0100']);
    assert.notEqual(await m.getRun(ref), run, 'read afresh');
  });

  it('a runnable.configFile setting moves discovery to that config (a change event, then its store)', async () => {
    const ws = copy(path.join(FIXTURES, 'mixed-configs'), 'glue-config-');
    const m = modelOn(ws);
    const before = (await m.state()).roots.map((r) => r.descriptor.type).sort();
    assert.ok(before.length >= 1);
    const changed = nextChange(m);
    fake.setSetting('runnable.configFile', 'configs/chunked.yaml');
    await changed;
    const roots = (await m.state()).roots;
    const chunked = roots.find((r) => r.descriptor.configFiles.some((f) => f.endsWith(path.join('configs', 'chunked.yaml'))));
    assert.ok(chunked, `a root for configs/chunked.yaml among ${roots.map((r) => r.descriptor.label).join(', ')}`);
    assert.equal(chunked.descriptor.type, 'chunked-fs');
    // A setting the stores do not depend on changes nothing.
    let extra = 0;
    const d = m.onDidChangeStore(() => { extra++; });
    fake.setSetting('runnable.deadRunMinutes', 3);
    d.dispose();
    assert.equal(extra, 0);
  });

  it('the run pick offers the failed runs only, and accepting one answers its ref', async () => {
    const ws = copy(path.join(FIXTURES, 'ml-file-system'), 'glue-pick-');
    const m = modelOn(ws);
    const [root] = (await m.state()).roots;
    const all = await m.listRuns(root.descriptor.id);
    const picked = m.pickRun({ failedOnly: true });
    // The pick lists its rows once the stores are listed (pickRows is set then).
    while (m.pickRows === undefined) await new Promise((r) => setImmediate(r));
    const qp = fake.quickPicks.at(-1)!;
    const items = qp.items as { ref: { runId: string }; failed: boolean }[];
    assert.deepEqual(items.map((i) => i.ref.runId), all.filter((r) => r.status === 'FAIL' && !r.error).map((r) => r.runId));
    qp.accept(items[0]);
    assert.deepEqual(await picked, { storeId: root.descriptor.id, runId: items[0].ref.runId });
  });

  it('with no folder open there is nothing to discover, and no store is opened', async () => {
    fake.folders = undefined;
    const m = new RunsModel(memoryLogger());
    models.push(m);
    const s = await m.state();
    assert.equal(s.noFolder, true);
    assert.deepEqual(s.roots, []);
  });
});
