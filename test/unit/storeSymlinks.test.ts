// Symbolic links in local stores (temp copies of the fixture stores): an entry that leads out of the store folder is
// an error item naming the link, never read; links that stay inside, and a store folder that is itself a link, read
// as usual; a folder removed while it is being read gives a sentence, not an errno.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { discoverStores } from '../../src/core/config/discover';
import { tempFolders } from '../helpers/tempFolders';
import { openStore } from '../../src/core/stores/openStore';
import { ChunkedFsRunLogStore } from '../../src/core/stores/chunkedFsStore';
import { RunLogError, type RunLogStore } from '../../src/core/stores/runLogStore';
import { runsIn } from '../helpers/listing';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/runnable');
const { temp } = tempFolders();

function copy(caseName: string): string {
  const dst = temp('rr-link-');
  fs.cpSync(path.join(FIXTURES, caseName), dst, { recursive: true });
  return dst;
}

async function open(dir: string, configFile?: string): Promise<RunLogStore> {
  return openStore((await discoverStores({ cwd: dir, configFile, env: {} })).stores[0]);
}

/** A file outside every store, holding a valid run log (so reading it would succeed: the refusal is what we test). */
function outsideRunLog(from: string, runId: string): string {
  const secret = temp('rr-outside-');
  const file = path.join(secret, 'secret.json');
  fs.writeFileSync(file, fs.readFileSync(from, 'utf8').replaceAll('prod-failure-001', runId));
  return file;
}

describe('local stores: symbolic links', () => {
  it('file-system: a run file linking outside the store is an error item and getRun refuses it; a link inside reads', async () => {
    const dir = copy('ml-file-system');
    const logs = path.join(dir, '.run_log_store');
    const good = path.join(logs, 'prod-failure-001.json');
    const secret = outsideRunLog(good, 'evil');
    fs.symlinkSync(secret, path.join(logs, 'evil.json'));
    // A link to another run of the same store stays inside: it reads (as a renamed copy).
    fs.symlinkSync('prod-failure-001.json', path.join(logs, 'alias.json'));

    const store = await open(dir);
    const list = runsIn(await store.listRuns());
    const byId = new Map(list.map((s) => [s.runId, s]));
    assert.deepEqual([...byId.keys()].sort(), ['alias', 'evil', 'prod-failure-001']);
    const evil = byId.get('evil')!;
    assert.ok(evil.error, 'the link leading out is an error item');
    assert.match(evil.error, /symbolic link/);
    assert.ok(evil.error.includes(path.join(logs, 'evil.json')), evil.error);
    assert.ok(evil.error.includes(fs.realpathSync(secret)), 'names where it leads');
    assert.equal(evil.status, '', 'nothing from the outside file was read');
    assert.equal(byId.get('prod-failure-001')!.error, undefined);
    assert.equal(byId.get('prod-failure-001')!.status, 'FAIL');
    // Read through the link like any file: the list's usual renamed-copy sentence, not a link refusal.
    assert.match(byId.get('alias')!.error ?? '', /holds run "prod-failure-001"/);
    assert.doesNotMatch(byId.get('alias')!.error ?? '', /symbolic link/);

    await assert.rejects(store.getRun('evil'), (e: unknown) => e instanceof RunLogError && /symbolic link/.test(e.message) && e.message.includes('evil.json'));
    await assert.rejects(store.getRawRunLog('evil'), (e: unknown) => e instanceof RunLogError && /symbolic link/.test(e.message));
    const alias = await store.getRun('alias');
    assert.ok(alias.warnings.some((w) => w.includes('renamed copy')), 'the inside link reads, with the renamed-copy warning');
  });

  it('chunked-fs: a run folder linking outside is an error item; a branch log linking outside is left out with a warning', async () => {
    const dir = copy('composite-chunked-fs');
    const logs = path.join(dir, '.run_log_store');
    // A whole run folder elsewhere (a copy of a real run) linked into the store.
    const elsewhere = temp('rr-outside-');
    fs.cpSync(path.join(logs, 'map-fail-0001'), path.join(elsewhere, 'map-fail-0001'), { recursive: true });
    fs.symlinkSync(path.join(elsewhere, 'map-fail-0001'), path.join(logs, 'linked-run'));

    // One branch log of a real run replaced by a link to a file outside.
    const run = path.join(logs, 'map-fail-0001');
    const branch = path.join(run, 'BranchLog-score_all.2.json');
    const outsideBranch = path.join(elsewhere, 'branch.json');
    fs.renameSync(branch, outsideBranch);
    fs.symlinkSync(outsideBranch, branch);

    const store = await open(dir, 'chunked.yaml');
    const list = runsIn(await store.listRuns());
    const byId = new Map(list.map((s) => [s.runId, s]));
    assert.ok(byId.has('map-fail-0001') && byId.has('parallel-fail-0001') && byId.has('conditional-fail-0001'), [...byId.keys()].join(','));
    const linked = byId.get('linked-run');
    assert.ok(linked?.error, `the linked run folder is an error item: ${JSON.stringify(linked)}`);
    assert.match(linked.error, /symbolic link/);
    assert.equal(byId.get('parallel-fail-0001')!.error, undefined);
    await assert.rejects(store.getRun('linked-run'), (e: unknown) => e instanceof RunLogError && /symbolic link/.test(e.message));

    const opened = await store.getRun('map-fail-0001');
    const warning = opened.warnings.find((w) => w.includes('BranchLog-score_all.2.json'));
    assert.ok(warning, `a warning names the skipped branch log: ${opened.warnings.join(' | ')}`);
    assert.match(warning, /symbolic link/);
    // The other iterations still read: the map step keeps branches 1 and 3.
    const raw = JSON.stringify(await store.getRawRunLog('map-fail-0001'));
    assert.ok(raw.includes('score_all.1') && raw.includes('score_all.3'), 'the other branch logs are merged');
    assert.ok(!raw.includes('"score_all.2"'), 'the linked branch log is not read');
  });

  it('a catalog file linking outside the catalog folder is refused; the others read', async () => {
    const dir = copy('ml-file-system');
    const catalog = path.join(dir, '.catalog', 'prod-failure-001');
    const store = await open(dir);
    const names = fs.readdirSync(catalog);
    assert.ok(names.length >= 2, names.join(','));
    const secret = path.join(temp('rr-outside-'), 'id_rsa');
    fs.writeFileSync(secret, 'PRIVATE KEY');
    fs.symlinkSync(secret, path.join(catalog, 'stolen.execution.log'));
    await assert.rejects(store.readCatalogFile('prod-failure-001', 'stolen.execution.log'), (e: unknown) => e instanceof RunLogError && /symbolic link/.test(e.message));
    const bytes = await store.readCatalogFile('prod-failure-001', names[0]);
    assert.ok(bytes && bytes.length > 0, 'a regular catalog file still reads');
  });

  it('a store folder that is itself a symbolic link (logs kept on another disk) lists and opens as usual', async () => {
    const dir = copy('ml-file-system');
    const disk = temp('rr-disk-');
    fs.renameSync(path.join(dir, '.run_log_store'), path.join(disk, 'logs'));
    fs.symlinkSync(path.join(disk, 'logs'), path.join(dir, '.run_log_store'));
    const store = await open(dir);
    const list = runsIn(await store.listRuns());
    assert.deepEqual(list.map((s) => [s.runId, s.error]), [['prod-failure-001', undefined]]);
    const run = await store.getRun('prod-failure-001');
    assert.equal(run.status, 'FAIL');
  });

  it('a chunked run folder removed while it is read gives a sentence naming it, not a bare errno', async () => {
    const dir = copy('composite-chunked-fs');
    const logs = path.join(dir, '.run_log_store');
    const store = new ChunkedFsRunLogStore({ id: 'c', type: 'chunked-fs', location: logs, configFiles: [], label: 'c', catalog: undefined, settings: {} });
    const gone = path.join(logs, 'map-fail-0001');
    fs.rmSync(gone, { recursive: true });
    // branchFiles is where a folder removed after runDir() looked is met: called on it directly.
    const branchFiles = (store as unknown as { branchFiles(dir: string): Promise<string[]> }).branchFiles.bind(store);
    await assert.rejects(branchFiles(gone), (e: unknown) => e instanceof RunLogError && e.message.startsWith(`Cannot list the run folder ${gone}`) && /refresh/.test(e.message));
    await assert.rejects(store.getRun('map-fail-0001'), (e: unknown) => e instanceof RunLogError && e.message.includes(gone));
  });
});
