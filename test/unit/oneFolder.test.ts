// One folder, every layout: a local run log folder named by file-system and chunked-fs configs (runnable's own
// examples/configs do so on `.run_log_store`) lists every run it holds exactly once, each with its layout; the
// defaults root is never dropped for it; an unreadable store is an error item beside the runs. Real fixture data.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { listCommand } from '../../src/core/cli/listCommand';
import { showCommand } from '../../src/core/cli/showCommand';
import { CliError, type CliIo } from '../../src/core/cli/command';
import { discoverStores } from '../../src/core/config/discover';
import { findRun } from '../../src/core/retry/findRun';
import { compositeFirstStep } from '../../src/core/stores/compositeStart';
import { openStore } from '../../src/core/stores/openStore';
import { configForLayout } from '../../src/core/stores/runLogStore';
import { runsIn } from '../helpers/listing';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/runnable');
const MIXED = path.join(FIXTURES, 'mixed-configs');
const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-onefolder-'));
  temps.push(d);
  return d;
}

/** Every file and its mtime under `dir`, to check browsing wrote nothing. */
function snapshot(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort().map((f) => `${f}@${fs.statSync(path.join(dir, f)).mtimeMs}`);
}

const EXPECTED_LAYOUTS = { 'mixed-default-0001': 'file-system', 'mixed-local-0001': 'file-system', 'mixed-chunked-0001': 'chunked-fs' };

describe('one folder, every layout: mixed-configs', () => {
  for (const [what, configFile] of [['runnable defaults', undefined], ['configs/local.yaml as the primary config', 'configs/local.yaml'], ['configs/chunked.yaml as the primary config', 'configs/chunked.yaml']] as const) {
    it(`${what}: one root lists the three runs exactly once, each with its layout, and opens each`, async () => {
      const before = snapshot(path.join(MIXED, '.run_log_store'));
      const r = await discoverStores({ cwd: MIXED, configFile, env: {} });
      const local = r.stores.filter((d) => d.location === path.join(MIXED, '.run_log_store'));
      assert.equal(local.length, 1, r.stores.map((d) => d.label).join(' | '));
      const d = local[0];
      assert.match(d.label, /· (file-system \+ chunked-fs|chunked-fs \+ file-system)$/);
      assert.deepEqual(d.layouts?.['chunked-fs']?.configFiles, [path.join(MIXED, 'configs/chunked.yaml')]);
      assert.equal(d.layouts?.['file-system']?.defaults, configFile === undefined, 'defaults read file-system runs only when no config applies');
      const store = openStore(d);
      const runs = runsIn(await store.listRuns());
      assert.deepEqual(runs.map((s) => [s.runId, s.layout, s.status, s.error]).sort(), Object.entries(EXPECTED_LAYOUTS).map(([id, l]) => [id, l, 'FAIL', undefined]).sort());
      for (const [id, layout] of Object.entries(EXPECTED_LAYOUTS)) {
        const run = await store.getRun(id);
        assert.equal(run.runId, id);
        assert.equal(run.layout, layout);
        assert.deepEqual(run.steps.map((s) => s.internalName), ['load', 'transform', 'publish', 'fail']);
        assert.equal(runs.find((s) => s.runId === id)?.startTime, run.startTime, `${id}: the list's start is the run's first attempt`);
        const raw = await store.getRawRunLog(id);
        assert.equal(raw.run_id, id);
      }
      await assert.rejects(store.getRun('mixed-nope-0001'), /^RunNotFoundError: No run "mixed-nope-0001".*mixed-nope-0001\.json.*mixed-nope-0001\/RunLog\.json/);
      assert.deepEqual(snapshot(path.join(MIXED, '.run_log_store')), before, 'browsing never writes to a store');
    });
  }

  it('the retry of each run gets a config of its own layout', async () => {
    const chunked = await findRun({ cwd: MIXED, runId: 'mixed-chunked-0001', env: {} });
    assert.ok('run' in chunked, JSON.stringify(chunked));
    assert.equal(chunked.run.layout, 'chunked-fs');
    assert.equal(chunked.configFile, path.join(MIXED, 'configs/chunked.yaml'));
    for (const id of ['mixed-default-0001', 'mixed-local-0001']) {
      const f = await findRun({ cwd: MIXED, runId: id, env: {} });
      assert.ok('run' in f, JSON.stringify(f));
      assert.equal(f.run.layout, 'file-system');
      const d = f.store;
      assert.ok(d.layouts?.['file-system']?.configFiles.includes(f.configFile!), `${f.configFile} reads file-system runs`);
      assert.notEqual(f.configFile, path.join(MIXED, 'configs/chunked.yaml'));
    }
    // With chunked.yaml picked, a file-system run of the folder is one that config cannot read: said, not guessed.
    const wrong = await findRun({ cwd: MIXED, runId: 'mixed-local-0001', configFile: 'configs/chunked.yaml', env: {} });
    assert.ok('error' in wrong);
    assert.match(wrong.error, /mixed-local-0001 is a file-system run.*chunked\.yaml reads chunked-fs runs only/);
    assert.equal(configForLayout({ id: 'x', type: 'minio', location: 's3://b', configFiles: ['/c.yaml'], label: '', catalog: undefined, settings: {} }, undefined)?.configFile, '/c.yaml');
  });
});

/** A workspace shaped like runnable's examples/configs (a597927): many configs on `.run_log_store`, both types. */
function examplesLike(): string {
  const ws = tempDir();
  const w = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws, rel), text);
  };
  w('configs/default.yaml', 'pipeline-executor:\n  type: local\nrun-log-store:\n  type: file-system\ncatalog:\n  type: file-system\n');
  w('configs/retry-config.yaml', 'run-log-store:\n  type: file-system\n');
  w('configs/chunked-fs-run_log.yaml', 'run-log-store:\n  type: chunked-fs\n');
  w('configs/parallel_enabled.yaml', 'pipeline-executor:\n  type: local\n  config:\n    enable_parallel: true\nrun-log-store:\n  type: chunked-fs\n');
  w('configs/argo-config.yaml', 'pipeline-executor:\n  type: argo\nrun-log-store:\n  type: chunked-fs\n  config:\n    log_folder: /mnt/run_log_store\n');
  w('configs/in-memory.yaml', 'run-log-store:\n  type: buffered\n');
  // No credentials, and an endpoint nothing listens on.
  w('configs/minio.yaml', 'run-log-store:\n  type: minio\n  config:\n    bucket: run-logs\n    endpoint_url: http://127.0.0.1:9\n');
  fs.cpSync(path.join(MIXED, '.run_log_store'), path.join(ws, '.run_log_store'), { recursive: true });
  return ws;
}

function io(cwd: string): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, cwd };
}

describe('one folder, every layout: a workspace like runnable\'s examples/configs', () => {
  it('the defaults root keeps its runs beside the chunked ones; the minio store is an error item beside them', async () => {
    const ws = examplesLike();
    const r = await discoverStores({ cwd: ws, env: {} });
    const root = r.stores.find((d) => d.location === path.join(ws, '.run_log_store'));
    assert.ok(root, r.stores.map((d) => d.label).join(' | '));
    assert.equal(r.stores.filter((d) => d.location === root.location).length, 1);
    assert.equal(root.layouts?.['file-system']?.defaults, true, 'runnable defaults read it');
    assert.equal(root.label, 'runnable defaults +4 more · file-system + chunked-fs');

    const cli = io(ws);
    const code = await listCommand.run({ positionals: [], values: { json: true } }, cli);
    assert.equal(code, 0);
    const list = JSON.parse(cli.stdout.join('\n')) as { runId: string; store: { type: string; location: string }; error?: string }[];
    const runs = list.filter((e) => !e.error);
    assert.deepEqual(runs.map((e) => [e.runId, e.store.type]).sort(), Object.entries(EXPECTED_LAYOUTS).sort());
    const errors = list.filter((e) => e.error);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].store.type, 'minio');
    assert.match(errors[0].error!, /S3|endpoint|credentials/i);
    assert.ok(cli.stderr.some((l) => /buffered/.test(l)), 'the buffered config is a warning');

    const table = io(ws);
    assert.equal(await listCommand.run({ positionals: [], values: {} }, table), 0);
    const text = table.stdout.join('\n');
    for (const id of Object.keys(EXPECTED_LAYOUTS)) assert.match(text, new RegExp(`^FAIL\\s+${id}\\s`, 'm'));
    assert.match(text, /^ERROR\s+/m);
  });

  it('show finds a run in either layout although the minio store cannot be reached; a missing run names both', async () => {
    const ws = examplesLike();
    for (const id of Object.keys(EXPECTED_LAYOUTS)) {
      const cli = io(ws);
      assert.equal(await showCommand.run({ positionals: [id], values: { json: true } }, cli), 0);
      assert.equal((JSON.parse(cli.stdout.join('\n')) as { runId: string }).runId, id);
    }
    await assert.rejects(showCommand.run({ positionals: ['nope-0001'], values: {} }, io(ws)), (e: unknown) => {
      assert.ok(e instanceof CliError);
      assert.match(e.message, /No run "nope-0001" in .*file-system \+ chunked-fs/);
      return true;
    });
  });
});

describe('chunked-fs: the list starts a run at its first attempt, also when that is in a branch log', () => {
  /** composite-chunked-fs's map run as a pipeline that starts with the map (make_chunks left out). */
  function mapFirst(): { ws: string; firstBranchStart: string; runLogFirstStart: string } {
    const ws = tempDir();
    fs.cpSync(path.join(FIXTURES, 'composite-chunked-fs'), ws, { recursive: true });
    const src = path.join(ws, '.run_log_store/map-fail-0001');
    const dst = path.join(ws, '.run_log_store/map-first-0001');
    fs.cpSync(src, dst, { recursive: true });
    const raw = JSON.parse(fs.readFileSync(path.join(dst, 'RunLog.json'), 'utf8')) as { run_id: string; steps: Record<string, { attempts: { start_time: string }[] }> };
    raw.run_id = 'map-first-0001';
    delete raw.steps.make_chunks;
    assert.equal(Object.keys(raw.steps)[0], 'score_all');
    assert.deepEqual(raw.steps.score_all.attempts, []);
    fs.writeFileSync(path.join(dst, 'RunLog.json'), JSON.stringify(raw, null, 4));
    const starts = fs.readdirSync(dst).filter((n) => n.startsWith('BranchLog-')).map((n) => {
      const b = JSON.parse(fs.readFileSync(path.join(dst, n), 'utf8')) as { steps: Record<string, { attempts: { start_time: string }[] }> };
      return Object.values(b.steps)[0].attempts[0].start_time;
    });
    const runLogFirstStart = Object.values(raw.steps).flatMap((s) => s.attempts)[0].start_time;
    return { ws, firstBranchStart: starts.sort()[0], runLogFirstStart };
  }

  it('a run whose first step is a map: the start comes from the earliest branch log, as the opened run says', async () => {
    const { ws, firstBranchStart, runLogFirstStart } = mapFirst();
    assert.ok(firstBranchStart < runLogFirstStart, 'the fixture makes the difference visible');
    const r = await discoverStores({ cwd: ws, configFile: 'chunked.yaml', env: {} });
    const store = openStore(r.stores[0]);
    const runs = runsIn(await store.listRuns());
    const s = runs.find((x) => x.runId === 'map-first-0001');
    assert.ok(s && !s.error, JSON.stringify(s));
    assert.equal(s.layout, 'chunked-fs');
    assert.equal(s.startTime, firstBranchStart);
    const run = await store.getRun('map-first-0001');
    assert.equal(s.startTime, run.startTime);
    assert.equal(s.startMs, run.startMs);
    // The other runs start with a task: their list start is unchanged and matches the opened run.
    for (const id of ['map-fail-0001', 'parallel-fail-0001', 'conditional-fail-0001']) {
      assert.equal(runs.find((x) => x.runId === id)?.startTime, (await store.getRun(id)).startTime, id);
    }
  });

  it('only a composite first step without attempts sends the list to the branch logs', () => {
    const { ws } = mapFirst();
    const head = (id: string): [Buffer, number] => {
      const buf = Buffer.alloc(4096);
      const fd = fs.openSync(path.join(ws, '.run_log_store', id, 'RunLog.json'), 'r');
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      fs.closeSync(fd);
      return [buf, n];
    };
    assert.equal(compositeFirstStep(...head('map-first-0001')), 'score_all');
    for (const id of ['map-fail-0001', 'parallel-fail-0001', 'conditional-fail-0001']) assert.equal(compositeFirstStep(...head(id)), undefined, id);
  });
});
