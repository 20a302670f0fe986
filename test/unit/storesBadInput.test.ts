// Bad input in temp copies of the fixture stores: each bad run becomes one error item (list) or one RunLogError
// (show) naming the file and what is wrong; every other run still lists; nothing throws out of listRuns.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { discoverStores } from '../../src/core/config/discover';
import { openStore } from '../../src/core/stores/openStore';
import { RunLogError, type RunLogStore, type StoreDescriptor } from '../../src/core/stores/runLogStore';
import { runsIn, unavailableIn } from '../helpers/listing';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/runnable');
const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function copy(caseName: string): string {
  const dst = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-bad-'));
  temps.push(dst);
  fs.cpSync(path.join(FIXTURES, caseName), dst, { recursive: true });
  return dst;
}

async function open(dir: string, configFile?: string): Promise<RunLogStore> {
  return openStore((await discoverStores({ cwd: dir, configFile, env: {} })).stores[0]);
}

function descriptor(type: string, location: string): StoreDescriptor {
  return { id: `${type}:${location}`, type, location, configFiles: [], label: `test · ${type}`, catalog: undefined, settings: {} };
}

describe('file-system store: bad run files', () => {
  it('truncated, invalid, wrong-shape, empty, FIFO and half-written files each list as one error; the good run still lists', async () => {
    const dir = copy('ml-file-system');
    const logs = path.join(dir, '.run_log_store');
    const good = fs.readFileSync(path.join(logs, 'prod-failure-001.json'), 'utf8');
    assert.ok(good.length > 8000, 'fixture bigger than the 4 KB head');
    fs.writeFileSync(path.join(logs, 'invalid.json'), '{"run_id": "invalid", "status": FAIL');
    fs.writeFileSync(path.join(logs, 'array.json'), '[1, 2, 3]');
    fs.writeFileSync(path.join(logs, 'empty.json'), '');
    fs.writeFileSync(path.join(logs, 'short-cut.json'), good.replace('prod-failure-001', 'short-cut').slice(0, 300));
    // A copy under another name: runnable would find it by file name, so the list must not pass it off as that run.
    fs.writeFileSync(path.join(logs, 'renamed.json'), good);
    // A run log still being written: the head reads fine, the whole file is cut short.
    fs.writeFileSync(path.join(logs, 'being-written.json'), good.replace('prod-failure-001', 'being-written').slice(0, 6000));
    fs.writeFileSync(path.join(logs, 'wrong-shape.json'), JSON.stringify({ run_id: 'wrong-shape', status: 'FAIL', steps: 'not a mapping' }));
    execFileSync('mkfifo', [path.join(logs, 'fifo.json')]);

    const list = runsIn(await open(dir).then((s) => s.listRuns()));
    const byId = new Map(list.map((s) => [s.runId, s]));
    assert.deepEqual([...byId.keys()].sort(), ['array', 'being-written', 'empty', 'fifo', 'invalid', 'prod-failure-001', 'renamed', 'short-cut', 'wrong-shape']);
    assert.equal(byId.get('prod-failure-001')!.error, undefined);
    assert.equal(byId.get('prod-failure-001')!.status, 'FAIL');
    for (const id of ['array', 'empty', 'fifo']) {
      const s = byId.get(id)!;
      assert.ok(s.error, `${id} lists as an error`);
      assert.ok(s.error.includes(path.join(logs, `${id}.json`)), `${id}: the message names the file: ${s.error}`);
    }
    assert.match(byId.get('fifo')!.error!, /not a regular file/);
    assert.match(byId.get('empty')!.error!, /empty/);
    assert.match(byId.get('renamed')!.error!, /holds run "prod-failure-001", not "renamed"/);

    // Showing a bad run: a RunLogError naming the file (and the JSON path for a wrong shape).
    const store = await open(dir);
    for (const id of ['invalid', 'array', 'empty', 'short-cut', 'being-written', 'wrong-shape', 'fifo']) {
      await assert.rejects(store.getRun(id), (e: unknown) => {
        assert.ok(e instanceof RunLogError, `${id}: RunLogError`);
        assert.ok(e.message.includes(path.join(logs, `${id}.json`)), `${id}: names the file: ${e.message}`);
        return true;
      });
    }
    await assert.rejects(store.getRun('wrong-shape'), /steps/);
    // And the good one still opens.
    assert.equal((await store.getRun('prod-failure-001')).status, 'FAIL');
  });

  it('an unreadable store folder (a file where the folder should be; a FIFO) lists one error item, never throws', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-bad-'));
    temps.push(dir);
    fs.writeFileSync(path.join(dir, 'not-a-folder'), 'x');
    execFileSync('mkfifo', [path.join(dir, 'fifo-folder')]);
    for (const [type, loc] of [['file-system', 'not-a-folder'], ['chunked-fs', 'not-a-folder'], ['file-system', 'fifo-folder'], ['chunked-fs', 'fifo-folder']]) {
      // The store is unavailable (its root's one item), with the sentence.
      const message = unavailableIn(await openStore(descriptor(type, path.join(dir, loc))).listRuns());
      assert.match(message, new RegExp(`Cannot list the run log folder .*${loc}.*not a folder`), `${type} ${loc}`);
    }
    // A store folder that does not exist yet is simply empty (runnable creates it with the first run).
    assert.deepEqual(runsIn(await openStore(descriptor('file-system', path.join(dir, 'absent'))).listRuns()), []);
  });

  it('refuses run ids that try to escape the store folder, without reading anything', async () => {
    const dir = copy('ml-file-system');
    // A valid run log just outside the store: `../outside` would reach it if ids were joined blindly.
    fs.copyFileSync(path.join(dir, '.run_log_store/prod-failure-001.json'), path.join(dir, 'outside.json'));
    const store = await open(dir);
    for (const id of ['../outside', '..', '.', '/etc/passwd', path.join(dir, 'outside'), 'a/b', 'a\\b', '']) {
      await assert.rejects(store.getRun(id), /Refusing run id/, id);
      await assert.rejects(store.getRawRunLog(id), /Refusing run id/, id);
      await assert.rejects(store.listCatalog(id), /Refusing run id/, id);
    }
    await assert.rejects(store.readCatalogFile('prod-failure-001', '../../outside.json'), /Refusing catalog file/);
    await assert.rejects(store.getRun('no-such-run'), /No run "no-such-run"/);
  });
});

describe('chunked-fs store: bad run folders', () => {
  it('a run folder without RunLog.json lists as one error and shows a clear error; the other runs still list', async () => {
    const dir = copy('composite-chunked-fs');
    const logs = path.join(dir, '.run_log_store');
    fs.mkdirSync(path.join(logs, 'orphan-run'));
    fs.copyFileSync(path.join(logs, 'map-fail-0001/BranchLog-score_all.1.json'), path.join(logs, 'orphan-run/BranchLog-score_all.1.json'));
    fs.writeFileSync(path.join(logs, 'stray-file.txt'), 'not a run');
    const store = await open(dir);
    const list = runsIn(await store.listRuns());
    assert.deepEqual(list.map((s) => s.runId).sort(), ['conditional-fail-0001', 'map-fail-0001', 'orphan-run', 'parallel-fail-0001']);
    const orphan = list.find((s) => s.runId === 'orphan-run')!;
    assert.match(orphan.error ?? '', /orphan-run has no RunLog\.json/);
    assert.equal(list.filter((s) => s.error).length, 1);
    await assert.rejects(store.getRun('orphan-run'), /orphan-run has no RunLog\.json/);
  });

  it('a BranchLog whose parent step is missing, or that is invalid JSON: the run opens with a warning naming it', async () => {
    const dir = copy('composite-chunked-fs');
    const run = path.join(dir, '.run_log_store/map-fail-0001');
    const branch = JSON.parse(fs.readFileSync(path.join(run, 'BranchLog-score_all.1.json'), 'utf8'));
    branch.internal_name = 'ghost.1';
    const steps: Record<string, { internal_name: string }> = {};
    for (const [k, v] of Object.entries(branch.steps as Record<string, { internal_name: string }>)) {
      const name = k.replace(/^score_all\./, 'ghost.');
      steps[name] = { ...v, internal_name: name };
    }
    branch.steps = steps;
    fs.writeFileSync(path.join(run, 'BranchLog-ghost.1.json'), JSON.stringify(branch));
    fs.writeFileSync(path.join(run, 'BranchLog-score_all.9.json'), '{"internal_name": "score_all.9", ');
    const r = await (await open(dir)).getRun('map-fail-0001');
    assert.equal(r.status, 'FAIL');
    assert.equal(r.steps.find((s) => s.name === 'score_all')!.branches.length, 3, 'the real branches still nest');
    assert.ok(r.warnings.some((w) => w.includes('ghost.1')), r.warnings.join('\n'));
    assert.ok(r.warnings.some((w) => w.includes(path.join(run, 'BranchLog-score_all.9.json'))), r.warnings.join('\n'));
  });

  it('an invalid RunLog.json lists or shows as an error naming the file', async () => {
    const dir = copy('composite-chunked-fs');
    const file = path.join(dir, '.run_log_store/parallel-fail-0001/RunLog.json');
    fs.writeFileSync(file, '');
    const store = await open(dir);
    const list = runsIn(await store.listRuns());
    assert.match(list.find((s) => s.runId === 'parallel-fail-0001')!.error ?? '', /empty/);
    assert.equal(list.filter((s) => !s.error).length, 2);
    await assert.rejects(store.getRun('parallel-fail-0001'), (e: unknown) => e instanceof RunLogError && e.message.includes(file));
  });
});

describe('stores that cannot list runs', () => {
  it('buffered and an unknown type are each unavailable with one sentence', async () => {
    const buffered = unavailableIn(await openStore(descriptor('buffered', '(in memory)')).listRuns());
    assert.match(buffered, /in memory only/);
    const unknown = unavailableIn(await openStore(descriptor('postgres', '')).listRuns());
    assert.match(unknown, /unknown run log store type "postgres"/);
  });

  it('a config with an unknown store type becomes a store listing that problem', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-bad-'));
    temps.push(dir);
    fs.writeFileSync(path.join(dir, 'runnable-config.yaml'), 'run-log-store:\n  type: mongo\n');
    const store = await open(dir);
    const message = unavailableIn(await store.listRuns());
    assert.ok(message.includes(path.join(dir, 'runnable-config.yaml')), message);
    await assert.rejects(store.getRun('x'), /mongo/);
  });
});
