// The local stores over the real fixtures: every case lists and shows what its case.json says; caching by file
// identity; and browsing never writes to a store.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { discoverStores } from '../../src/core/config/discover';
import { walkSteps, firstFailedTask, nextRetryIndicator } from '../../src/core/runlog/rules';
import { firstUnfinishedTask } from '../../src/core/retry/deadRun';
import { openStore } from '../../src/core/stores/openStore';
import type { RunLogStore } from '../../src/core/stores/runLogStore';
import { StatWorker } from '../../src/core/stores/statWorker';
import { FailureCauses } from '../../src/core/stores/failureCauses';
import { treeSnapshot } from '../helpers/treeSnapshot';
import { runsIn } from '../helpers/listing';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/runnable');
const temps: string[] = [];
const workers: StatWorker[] = [];
after(() => {
  temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  workers.forEach((w) => w.dispose());
});
function statWorker(): StatWorker {
  const w = new StatWorker();
  workers.push(w);
  return w;
}

interface CaseFile {
  config: string | null;
  env: Record<string, string>;
  store: { type: string; location: string };
  catalog?: { type: string; location: string };
  runs: Record<string, {
    status: string;
    tag?: string;
    dag_hash?: string;
    execution_mode?: string;
    definition_file?: string;
    job_status?: string;
    steps?: Record<string, { status: string; type: string; attempts: [number, string, string][] }>;
    first_failed_task?: { internal_name: string; command: string; command_type: string; error?: string };
    failed_function?: { command: string };
    next_retry_indicator?: string;
  }>;
}

const CASES = fs.readdirSync(FIXTURES)
  .filter((n) => fs.existsSync(path.join(FIXTURES, n, 'case.json')))
  .map((n) => ({ name: n, dir: path.join(FIXTURES, n), c: JSON.parse(fs.readFileSync(path.join(FIXTURES, n, 'case.json'), 'utf8')) as CaseFile }))
  .filter((x) => x.c.store && (x.c.store.type === 'file-system' || x.c.store.type === 'chunked-fs'));

async function storeOf(dir: string, c: CaseFile): Promise<RunLogStore> {
  const r = await discoverStores({ cwd: dir, configFile: c.config ?? undefined, env: c.env ?? {} });
  const d = r.stores.find((s) => s.type === c.store.type && s.location === path.join(dir, c.store.location));
  assert.ok(d, `no ${c.store.type} store at ${c.store.location} in ${dir}`);
  return openStore(d);
}

describe('every fixture store lists and shows what case.json says', () => {
  assert.ok(CASES.length >= 7, 'fixtures present');
  for (const { name, dir, c } of CASES) {
    describe(name, () => {
      it('lists every run with its status and tag, newest first, from the first 4 KB', async () => {
        const store = await storeOf(dir, c);
        const list = runsIn(await store.listRuns());
        assert.deepEqual(list.map((s) => s.runId).sort(), Object.keys(c.runs).sort());
        for (const s of list) {
          assert.equal(s.error, undefined, s.error);
          assert.equal(s.status, c.runs[s.runId].status, `${s.runId} status`);
          if (c.runs[s.runId].tag !== undefined) assert.equal(s.tag, c.runs[s.runId].tag, `${s.runId} tag`);
        }
        const starts = list.map((s) => s.startMs);
        assert.deepEqual(starts, [...starts].sort((a, b) => b - a), 'newest first');
      });

      for (const [runId, want] of Object.entries(c.runs)) {
        it(`shows ${runId}: status, steps, attempts, first failed task, next retry indicator`, async () => {
          const store = await storeOf(dir, c);
          const run = await store.getRun(runId);
          assert.equal(run.runId, runId);
          assert.equal(run.status, want.status);
          if (want.dag_hash !== undefined) assert.equal(run.dagHash, want.dag_hash);
          if (want.execution_mode !== undefined) assert.equal(run.executionMode, want.execution_mode);
          // null in case.json (an AsyncPipeline run as a script records none): the model reads it as ''.
          if (want.definition_file !== undefined) assert.equal(run.definitionFile, want.definition_file ?? '');
          if (want.job_status !== undefined) {
            assert.equal(run.kind, 'job');
            assert.equal(run.job?.status, want.job_status);
          }
          const steps = new Map(walkSteps(run).map((w) => [w.step.internalName, w.step]));
          for (const [internal, s] of Object.entries(want.steps ?? {})) {
            const got = steps.get(internal);
            assert.ok(got, `step ${internal} present`);
            assert.equal(got.status, s.status, `${internal} status`);
            assert.equal(got.type, s.type, `${internal} type`);
            assert.deepEqual(got.attempts.map((a) => [a.number, a.status, a.retryIndicator]), s.attempts, `${internal} attempts`);
          }
          // A run killed mid-step (PROCESSING, no attempt for the step): its unfinished task stands for the failed one.
          const failed = firstFailedTask(run) ?? (run.status === 'PROCESSING' ? firstUnfinishedTask(run) : null);
          if (want.first_failed_task) {
            assert.equal(failed?.internalName, want.first_failed_task.internal_name);
            assert.equal(failed?.command, want.first_failed_task.command);
            assert.equal(failed?.commandType, want.first_failed_task.command_type);
          }
          if (want.failed_function) assert.equal(failed?.command, want.failed_function.command);
          if (want.next_retry_indicator !== undefined) assert.equal(nextRetryIndicator(run), want.next_retry_indicator);
          assert.deepEqual(run.warnings, []);
        });
      }

      for (const [runId, want] of Object.entries(c.runs)) {
        const error = want.first_failed_task?.error;
        if (!error || want.status !== 'FAIL') continue;
        it(`${runId}: the failed attempt's cause is the user's own exception from its captured log, not runnable's wrapper`, async () => {
          const store = await storeOf(dir, c);
          const run = await store.getRun(runId);
          const failed = firstFailedTask(run)!;
          const cause = await new FailureCauses(store).cause(run, failed.internalName, failed.attempt);
          // case.json's error is what the real runnable's traceback ended with (the user's raise).
          assert.equal(cause, error);
          assert.notEqual(cause, failed.attempt.message.trim(), 'not the message the run log records');
        });
      }

      it('reads the catalog folder of each run (captured step output, pickles)', async () => {
        const store = await storeOf(dir, c);
        const catalogDir = path.join(dir, c.catalog?.location ?? '.catalog');
        for (const runId of Object.keys(c.runs)) {
          const names = await store.listCatalog(runId);
          // Files at any depth (a catalog put keeps its folders: catalog-get's data/rows.csv), `/`-separated.
          const runDir = path.join(catalogDir, runId);
          const onDisk = fs.existsSync(runDir)
            ? (fs.readdirSync(runDir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(runDir, f)).isFile()).map((f) => f.split(path.sep).join('/')).sort()
            : [];
          assert.deepEqual(names, onDisk);
          const log = names.find((n) => n.endsWith('.execution.log'));
          if (log) assert.deepEqual(await store.readCatalogFile(runId, log), fs.readFileSync(path.join(catalogDir, runId, log)));
          assert.equal(await store.readCatalogFile(runId, 'no-such-file.log'), undefined);
        }
      });
    });
  }

  it('getRawRunLog of a chunked run has the branch logs merged into their parent steps (full=True)', async () => {
    const x = CASES.find((k) => k.name === 'composite-chunked-fs')!;
    const raw = await (await storeOf(x.dir, x.c)).getRawRunLog('map-fail-0001');
    const steps = raw.steps as Record<string, { branches?: Record<string, unknown> }>;
    assert.deepEqual(Object.keys(steps.score_all.branches ?? {}).sort(), ['score_all.1', 'score_all.2', 'score_all.3']);
    assert.equal(raw.run_id, 'map-fail-0001');
  });
});

function copyTree(src: string): string {
  const dst = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-stores-'));
  temps.push(dst);
  fs.cpSync(src, dst, { recursive: true });
  return dst;
}

describe('listing re-reads heads; full runs are cached by file identity', () => {
  it('a refresh shows what the files hold now: a changed head, a removed run, a new run; end times are the mtimes', async () => {
    const dir = copyTree(path.join(FIXTURES, 'yaml-etl'));
    const store = openStore((await discoverStores({ cwd: dir, env: {} })).stores[0]);
    const logs = path.join(dir, '.run_log_store');
    const first = runsIn(await store.listRuns());
    assert.deepEqual(first.map((s) => s.runId).sort(), ['etl-usd-0100', 'shell-exit-3']);
    for (const s of first) {
      const mtime = fs.statSync(path.join(logs, `${s.runId}.json`)).mtimeMs;
      assert.equal(s.endMs, mtime, `${s.runId}: the end is the file's mtime`);
      assert.match(s.endTime!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    }
    const file = path.join(logs, 'shell-exit-3.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"tag": ""', '"tag": "retagged"'));
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(file, later, later);
    fs.copyFileSync(path.join(logs, 'etl-usd-0100.json'), path.join(logs, 'etl-usd-0101.json'));
    fs.writeFileSync(path.join(logs, 'etl-usd-0101.json'), fs.readFileSync(path.join(logs, 'etl-usd-0101.json'), 'utf8').replace('"etl-usd-0100"', '"etl-usd-0101"'));
    const second = runsIn(await store.listRuns());
    const changed = second.find((s) => s.runId === 'shell-exit-3')!;
    assert.equal(changed.tag, 'retagged');
    assert.ok(Math.abs(changed.endMs - later.getTime()) < 1, `${changed.endMs}: the new mtime`);
    assert.ok(second.some((s) => s.runId === 'etl-usd-0101' && !s.error));
    fs.rmSync(file);
    assert.deepEqual((runsIn(await store.listRuns())).map((s) => s.runId).sort(), ['etl-usd-0100', 'etl-usd-0101']);
  });

  it('a refresh reuses the summaries of files whose identity is unchanged since a stat taken before their read', async () => {
    const dir = copyTree(path.join(FIXTURES, 'yaml-etl'));
    const store = openStore((await discoverStores({ cwd: dir, env: {} })).stores[0], { statter: statWorker() });
    const logs = path.join(dir, '.run_log_store');
    const first = runsIn(await store.listRuns());
    // The first listing stats and reads side by side: its identities may postdate the reads, so none is trusted.
    const second = runsIn(await store.listRuns());
    for (const s of second) assert.notEqual(s, first.find((f) => f.runId === s.runId), `${s.runId} read again after the first listing`);
    const third = runsIn(await store.listRuns());
    for (const s of third) assert.equal(s, second.find((f) => f.runId === s.runId), `${s.runId}: the same object while unchanged`);
    // An append (same mtime is possible within a tick; the size differs), a rewrite with a new mtime, a replacement.
    const etl = path.join(logs, 'etl-usd-0100.json');
    fs.appendFileSync(etl, '\n');
    const fourth = runsIn(await store.listRuns());
    assert.notEqual(fourth.find((s) => s.runId === 'etl-usd-0100'), third.find((s) => s.runId === 'etl-usd-0100'), 'an append is read again');
    assert.equal(fourth.find((s) => s.runId === 'shell-exit-3'), third.find((s) => s.runId === 'shell-exit-3'));
    const shell = path.join(logs, 'shell-exit-3.json');
    const text = fs.readFileSync(shell, 'utf8').replace('"tag": ""', '"tag": "xx"');
    fs.rmSync(shell);
    fs.writeFileSync(shell, text);
    const fifth = runsIn(await store.listRuns());
    assert.equal(fifth.find((s) => s.runId === 'shell-exit-3')!.tag, 'xx', 'a replaced file is read again');
  });

  it('getRun is cached until RunLog.json or a branch log changes', async () => {
    const dir = copyTree(path.join(FIXTURES, 'composite-chunked-fs'));
    const store = openStore((await discoverStores({ cwd: dir, env: {} })).stores[0]);
    const a = await store.getRun('map-fail-0001');
    assert.equal(await store.getRun('map-fail-0001'), a);
    const branch = path.join(dir, '.run_log_store/map-fail-0001/BranchLog-score_all.3.json');
    fs.writeFileSync(branch, fs.readFileSync(branch, 'utf8') + '\n');
    const b = await store.getRun('map-fail-0001');
    assert.notEqual(b, a);
    assert.equal(b.status, a.status);
  });
});

const snapshot = treeSnapshot;

describe('browsing never writes to a store', () => {
  it('listing, showing, raw logs and catalog reads leave every fixture file and folder as it was', async () => {
    const before = snapshot(FIXTURES);
    for (const { dir, c } of CASES) {
      const store = await storeOf(dir, c);
      for (const s of runsIn(await store.listRuns())) {
        await store.getRun(s.runId);
        await store.getRawRunLog(s.runId);
        for (const n of await store.listCatalog(s.runId)) await store.readCatalogFile(s.runId, n);
      }
      await store.getRun('no-such-run').catch(() => undefined);
    }
    assert.deepEqual(snapshot(FIXTURES), before);
  });
});
