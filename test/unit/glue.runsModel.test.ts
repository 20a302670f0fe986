// Fast glue tier: the Runs model (src/vscode/explorer/runsModel.ts) under plain Node with the `vscode` fake, over
// stores written by real runnable. What the tree relies on: one read shared by concurrent callers, a burst of
// watcher events coalesced into one change per store, the filter (and its context key), a refresh that re-reads,
// settings that move discovery, and the run pick.
import '../fakes/install';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import * as vscode from 'vscode';
import { fake, memoryLogger, type FakeWatcher } from '../fakes/vscode';
import { tempFolders } from '../helpers/tempFolders';
import { RunsModel, type ModelChange } from '../../src/vscode/explorer/runsModel';
import { openStore } from '../../src/core/stores/openStore';
import { discoverStores } from '../../src/core/config/discover';
import { runsIn } from '../helpers/listing';
import { runPickRows } from '../../src/core/explorer/runPick';
import type { TreeChange } from '../../src/core/explorer/changeBatch';
import { RunsTreeProvider } from '../../src/vscode/explorer/runsTreeProvider';
import { registerExplorerCommands } from '../../src/vscode/commands/explorerCommands';
import { readSettings } from '../../src/vscode/settings';

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

  it('a config written later (a pulled sandbox) adds its store; the stores already there keep their open store and listing', async () => {
    const ws = copy(path.join(FIXTURES, 'yaml-etl'), 'glue-addstore-');
    const m = modelOn(ws);
    const [root] = (await m.state()).roots;
    const id = root.descriptor.id;
    const listing = m.listing(id);
    await listing;
    const ref = { storeId: id, runId: 'etl-usd-0100' };
    const run = await m.getRun(ref);
    // A second config naming another store, as Pull Run writes its sandbox's.
    fs.mkdirSync(path.join(ws, 'sandbox'));
    fs.cpSync(path.join(FIXTURES, 'yaml-etl', '.run_log_store'), path.join(ws, 'sandbox', 'logs'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'sandbox', 'runnable-config.yaml'), 'run-log-store:\n  type: file-system\n  config:\n    log_folder: sandbox/logs\n');
    m.findStores();
    const roots = (await m.state()).roots;
    assert.equal(roots.length, 2, roots.map((r) => r.descriptor.location).join(', '));
    const same = roots.find((r) => r.descriptor.id === id)!;
    assert.equal(same.store, root.store, 'the store already there is not reopened');
    assert.equal(m.listing(id), listing, 'nor listed again');
    assert.equal(m.peekRun(ref), run, 'and its read runs stay');
    const added = roots.find((r) => r.descriptor.id !== id)!;
    assert.deepEqual((await m.listRuns(added.descriptor.id)).map((r) => r.runId).sort(), ['etl-usd-0100', 'shell-exit-3']);
    // A full refresh still reopens and re-reads every store.
    m.refresh();
    const again = (await m.state()).roots.find((r) => r.descriptor.id === id)!;
    assert.notEqual(again.store, root.store);
    assert.notEqual(m.listing(id), listing);
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
    // The pick says when its rows are listed (what a user then sees), with the rows in order.
    const shown = new Promise<{ rows: { runId: string }[] }>((resolve) => { const d = m.picker.onDidShowRows((e) => { d.dispose(); resolve(e); }); });
    const picked = m.pickRun({ failedOnly: true });
    const { rows } = await shown;
    const qp = fake.quickPicks.at(-1)!;
    const items = qp.items as { ref: { runId: string }; failed: boolean; detail?: string }[];
    assert.deepEqual(items.map((i) => i.ref.runId), all.filter((r) => r.status === 'FAIL' && !r.error).map((r) => r.runId));
    assert.deepEqual(rows.map((r) => r.runId), items.map((i) => i.ref.runId));
    // The same rows as the pure function computes from the model's listings; the failed step named before they show.
    assert.deepEqual(runPickRows(await m.picker.listings(), { failedOnly: true }, Date.now()).map((r) => r.ref.runId), rows.map((r) => r.runId));
    assert.equal(items[0].detail, '✗ deploy: RuntimeError: no deployment url for churn-model');
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

// --- the tree over the model: paging, background reads, coalescing, lazy tooltips ---------------------------------

/**
 * A workspace whose store holds `count` runs written by runnable (ml-file-system's failed prod-failure-001 and its
 * retried, successful copy, alternately as `fail(i)`), under new ids `run-000`…, run i started i minutes after
 * 2026-01-01 00:00 (the last is the newest).
 */
function storeOf(count: number, fail: (i: number) => boolean, prefix: string): string {
  const ws = copy(path.join(FIXTURES, 'ml-file-system'), prefix);
  const logs = path.join(ws, '.run_log_store');
  const failed = fs.readFileSync(path.join(logs, 'prod-failure-001.json'), 'utf8');
  const passed = fs.readFileSync(path.join(FIXTURES, 'ml-file-system-retried', '.run_log_store', 'prod-failure-001.json'), 'utf8');
  fs.rmSync(path.join(logs, 'prod-failure-001.json'));
  for (let i = 0; i < count; i++) {
    const text = fail(i) ? failed : passed;
    const firstStart = /"start_time": "([^"]+)"/.exec(text)![1];
    const start = `2026-01-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.000001`;
    const id = `run-${String(i).padStart(3, '0')}`;
    fs.writeFileSync(path.join(logs, `${id}.json`), text.replace(/prod-failure-001/g, id).replace(firstStart, start));
  }
  return ws;
}

/** Resolves once `ok()` holds, checked after each tree change of the model (fails after `ms`). */
async function treeSettles(m: RunsModel, ok: () => boolean, what: string, ms = 20_000): Promise<void> {
  if (ok()) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { d.dispose(); reject(new Error(`timed out waiting for ${what}`)); }, ms);
    const d = m.onDidChangeTree(() => { if (ok()) { clearTimeout(timer); d.dispose(); resolve(); } });
  });
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : String((item.label as { label?: string } | undefined)?.label ?? '');
}

describe('glue: the Runs tree over the model', () => {
  const owned: { dispose(): unknown }[] = [];
  beforeEach(() => fake.reset());
  afterEach(() => owned.splice(0).forEach((d) => d.dispose()));

  function treeOn(ws: string): { m: RunsModel; tree: RunsTreeProvider } {
    const m = modelOn(ws);
    const tree = new RunsTreeProvider(m);
    owned.push(tree, registerExplorerCommands(m, memoryLogger()));
    return { m, tree };
  }

  it('a store root lists a page of its newest runs and "Show more runs (k of n)", whose command lists a page more; rows keep their identity', async () => {
    fake.setSetting('runnable.runsPageSize', 3);
    const ws = storeOf(7, (i) => i % 2 === 0, 'glue-page-');
    const { tree } = treeOn(ws);
    const [store] = await tree.getChildren();
    const first = await tree.getChildren(store);
    assert.deepEqual(first.map((n) => labelOf(tree.getTreeItem(n))), ['run-006', 'run-005', 'run-004', 'Show more runs (3 of 7)']);
    const more = tree.getTreeItem(first[3]);
    assert.equal(more.command?.command, 'runnable.showMoreRuns');
    // Clicking the row runs its command: the store's root is redrawn (one event), its rows are the next page longer.
    const redrawn = new Promise<unknown>((resolve) => { const d = tree.onDidChangeTreeData((e) => { d.dispose(); resolve(e); }); });
    await vscode.commands.executeCommand(more.command!.command, ...(more.command!.arguments ?? []));
    assert.deepEqual(await redrawn, [store], 'only that root, the same node object');
    const second = await tree.getChildren(store);
    assert.deepEqual(second.map((n) => labelOf(tree.getTreeItem(n))), ['run-006', 'run-005', 'run-004', 'run-003', 'run-002', 'run-001', 'Show more runs (6 of 7)']);
    for (let i = 0; i < 3; i++) assert.equal(second[i], first[i], 'a row already shown is the same node (VS Code keeps its selection and menu)');
    assert.equal(second[6], first[3], 'the "Show more" row keeps its id too');
    await vscode.commands.executeCommand('runnable.showMoreRuns', { storeId: (store as { root: { descriptor: { id: string } } }).root.descriptor.id });
    const third = await tree.getChildren(store);
    assert.equal(third.length, 7);
    assert.ok(third.every((n) => n.kind === 'run'), 'every run shown: no "Show more" row');
  });

  it('the filter applies before paging, and a new filter or page size starts again from the first page', async () => {
    fake.setSetting('runnable.runsPageSize', 3);
    const ws = storeOf(9, (i) => i % 3 !== 0, 'glue-page-filter-');
    const { m, tree } = treeOn(ws);
    const [store] = await tree.getChildren();
    const id = (store as { root: { descriptor: { id: string } } }).root.descriptor.id;
    m.showMore(id);
    assert.equal((await tree.getChildren(store)).length, 7, 'two pages and the "Show more" row');
    m.setFilter({ statuses: ['FAIL'] });
    // Failed: runs 8, 7, 5, 4, 2, 1 (i % 3 !== 0). The page holds the newest 3 of those 6, not the failed ones among the newest 3.
    const failed = await tree.getChildren(store);
    assert.deepEqual(failed.map((n) => labelOf(tree.getTreeItem(n))), ['run-008', 'run-007', 'run-005', 'Show more runs (3 of 6)']);
    const page = await m.page(id);
    assert.deepEqual([page.runs.length, page.total, page.listed], [3, 6, 9]);
    fake.setSetting('runnable.runsPageSize', 4);
    assert.deepEqual((await tree.getChildren(store)).map((n) => labelOf(tree.getTreeItem(n))), ['run-008', 'run-007', 'run-005', 'run-004', 'Show more runs (4 of 6)']);
    fake.setSetting('runnable.runsPageSize', 'lots');
    assert.equal((await tree.getChildren(store)).length, 6, 'an invalid page size falls back to the default (200)');
    assert.match(readSettings().problems.join('\n'), /Setting "runnable\.runsPageSize" is invalid/);
  });

  it('failed steps are named by the model: the newest 50 before the rows are drawn, the rest in the background, each run read once, at most 200 per listing', async () => {
    const ws = storeOf(205, () => true, 'glue-budget-');
    fake.setSetting('runnable.runsPageSize', 300);
    const m = modelOn(ws);
    const [root] = (await m.state()).roots;
    const id = root.descriptor.id;
    const store = root.store!;
    const reads = new Map<string, number>();
    const getRun = store.getRun.bind(store);
    store.getRun = (runId, signal) => { reads.set(runId, (reads.get(runId) ?? 0) + 1); return getRun(runId, signal); };
    const changes: TreeChange[] = [];
    m.onDidChangeTree((c) => changes.push(c));
    // The tree and a quick pick ask at once: they share the reads.
    const [page] = await Promise.all([m.page(id), m.page(id), m.nameFailedSteps([{ storeId: id, runId: 'run-204' }, { storeId: id, runId: 'run-203' }])]);
    assert.equal(page.runs.length, 205);
    const known = (i: number) => m.failedStep({ storeId: id, runId: `run-${String(i).padStart(3, '0')}` });
    for (let i = 204; i > 204 - 50; i--) assert.deepEqual(known(i), { name: 'deploy', cause: undefined }, `run ${i} named before the rows are drawn`);
    await treeSettles(m, () => Array.from({ length: 200 }, (_, k) => known(204 - k)).every((x) => x !== undefined), 'the newest 200 failed runs to be named');
    assert.equal(known(4), undefined, 'past the budget: not read');
    assert.equal([...reads.values()].reduce((a, b) => a + b, 0), 200, 'each of the newest 200 read once (no second read for the second asker)');
    assert.ok([...reads.values()].every((n) => n === 1));
    assert.ok(changes.length > 0 && changes.every((c) => !c.all && !c.stores.length), 'named runs redraw their own rows, never the root');
    const named = new Set(changes.flatMap((c) => c.runs.map((r) => r.runId)));
    assert.equal(named.size, 150, 'the 150 named in the background, each in a change');
    assert.ok(changes.length < named.size, `coalesced: ${changes.length} changes for ${named.size} runs`);
    // Expanding an old run names it whatever the budget says, and its row is redrawn once.
    const oldest = { storeId: id, runId: 'run-000' };
    const redraw = new Promise<TreeChange>((resolve) => { const d = m.onDidChangeTree((c) => { d.dispose(); resolve(c); }); });
    await m.openRun(oldest);
    assert.deepEqual(m.failedStep(oldest), { name: 'deploy', cause: undefined });
    assert.deepEqual((await redraw).runs, [oldest]);
  });

  it('a burst of changes (a store changed, a page more, a redraw) reaches the tree as one event', async () => {
    const ws = copy(path.join(FIXTURES, 'yaml-etl'), 'glue-coalesce-');
    const { m, tree } = treeOn(ws);
    const [store] = await tree.getChildren();
    await tree.getChildren(store);
    const id = (store as { root: { descriptor: { id: string } } }).root.descriptor.id;
    const events: unknown[] = [];
    tree.onDidChangeTreeData((e) => events.push(e));
    const w = storeWatcher(path.join(ws, '.run_log_store'));
    const landed = nextChange(m, (c) => c.storeId === id);
    for (let i = 0; i < 5; i++) w.changed.fire({ fsPath: path.join(ws, '.run_log_store', 'shell-exit-3.json') } as never);
    await landed;
    m.showMore(id);
    m.redrawStore(id);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(events, [[store]], 'one event naming the store node once');
    events.length = 0;
    m.redrawStore(id);
    m.setFilter({ text: 'etl' });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(events, [undefined], 'a filter with a store change in the same burst: one whole-view redraw');
  });

  it('run, step and attempt tooltips are built only when hovered (resolveTreeItem); descriptions are there at once', async () => {
    const ws = copy(path.join(FIXTURES, 'ml-file-system'), 'glue-tooltip-');
    const { tree } = treeOn(ws);
    const [store] = await tree.getChildren();
    assert.ok(tree.getTreeItem(store).tooltip, 'a root (few of them) has its tooltip at once');
    const [run] = await tree.getChildren(store);
    const item = tree.getTreeItem(run);
    assert.match(String(item.description), /^✗ deploy: RuntimeError: no deployment url for churn-model/);
    assert.equal(item.tooltip, undefined, 'no tooltip built for a row nobody hovers');
    const tip = (tree.resolveTreeItem(item, run) as vscode.TreeItem).tooltip as vscode.MarkdownString;
    assert.match(tip.value, /\*\*First failed step\*\* deploy/);
    assert.match(tip.value, /\*\*Cause\*\* RuntimeError: no deployment url for churn-model/);
    const deploy = (await tree.getChildren(run)).find((n) => labelOf(tree.getTreeItem(n)) === 'deploy')!;
    const stepItem = tree.getTreeItem(deploy);
    assert.equal(stepItem.tooltip, undefined);
    assert.match(((tree.resolveTreeItem(stepItem, deploy) as vscode.TreeItem).tooltip as vscode.MarkdownString).value, /\*\*Internal name\*\* deploy/);
    const [attempt] = await tree.getChildren(deploy);
    const attemptItem = tree.getTreeItem(attempt);
    assert.match(String(attemptItem.description), /RuntimeError: no deployment url for churn-model/);
    assert.equal(attemptItem.tooltip, undefined);
    assert.match(((tree.resolveTreeItem(attemptItem, attempt) as vscode.TreeItem).tooltip as vscode.MarkdownString).value, /did not succeed/);
  });
});

describe('glue: the run pick over many failed runs', () => {
  beforeEach(() => fake.reset());

  it('shows its rows with the newest 50 failed steps named; the rest fill in without moving the highlighted row', async () => {
    const ws = storeOf(60, () => true, 'glue-pick-many-');
    const m = modelOn(ws);
    const shown = new Promise<{ rows: { runId: string }[] }>((resolve) => { const d = m.picker.onDidShowRows((e) => { d.dispose(); resolve(e); }); });
    const picked = m.pickRun({ failedOnly: true });
    const { rows } = await shown;
    assert.equal(rows.length, 60);
    const qp = fake.quickPicks.at(-1)!;
    const items = () => qp.items as { ref: { runId: string }; detail?: string }[];
    assert.equal(items().filter((i) => i.detail === '✗ deploy').length, 50, 'the newest 50 named before the rows show');
    assert.deepEqual(items().slice(0, 50).map((i) => i.detail), Array(50).fill('✗ deploy'));
    // The user moves to row 55 (not named yet); the details land in the background.
    const row = items()[55];
    qp.activeItems = [row];
    await treeSettles(m, () => items().every((i) => i.detail === '✗ deploy'), 'every row to name its failed step');
    assert.deepEqual(items().map((i) => i.ref.runId), rows.map((r) => r.runId), 'the rows stay in order');
    assert.deepEqual(qp.activeItems, [row], 'the highlighted row is kept');
    qp.accept(row);
    assert.deepEqual(await picked, { storeId: (await m.state()).roots[0].descriptor.id, runId: row.ref.runId });
  });
});
