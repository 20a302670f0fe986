// The list's byte-level fast path (headBytes.ts) against the general head scanner (summary.ts), and the stat
// worker that dates each run (statWorker.ts). The fast path may decline any head (undefined), but whatever it
// returns must be exactly what the general scanner reads from the same bytes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { discoverStores } from '../../src/core/config/discover';
import { summaryFromHeadBytes } from '../../src/core/runlog/headBytes';
import { SUMMARY_HEAD_BYTES, summaryFromHead } from '../../src/core/runlog/summary';
import { openStore } from '../../src/core/stores/openStore';
import { FILE, MISSING, OTHER, STRIDE, StatWorker, statFilesInline } from '../../src/core/stores/statWorker';
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

function runFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/run_log_store|run-logs|run_logs/.test(p) && (e.name === 'RunLog.json' || (e.name.endsWith('.json') && !e.name.startsWith('BranchLog')))) out.push(p);
    }
  };
  walk(FIXTURES);
  return out;
}

const FIELDS = ['runId', 'status', 'tag', 'kind', 'startTime', 'startMs'] as const;

/** The head as the list reads it: the first `n` bytes in a 4 KB buffer whose remaining bytes are stale. */
function headBuffer(bytes: Buffer, n: number, stale: Buffer): Buffer {
  const buf = Buffer.alloc(SUMMARY_HEAD_BYTES);
  stale.copy(buf, 0, 0, Math.min(stale.length, SUMMARY_HEAD_BYTES));
  bytes.copy(buf, 0, 0, n);
  return buf;
}

function agree(bytes: Buffer, n: number, label: string, stale = Buffer.alloc(0)): boolean {
  const fast = summaryFromHeadBytes(headBuffer(bytes, n, stale), n, 'x.json');
  if (fast === undefined) return false;
  const general = summaryFromHead(bytes.subarray(0, n).toString('utf8'), 'x.json', NaN);
  assert.equal(general.error, undefined, `${label}: the fast path read a head the general scanner rejects: ${general.error}`);
  for (const k of FIELDS) assert.equal(fast[k], general[k], `${label}: ${k}`);
  return true;
}

describe('list fast path: reads exactly what the general scanner reads', () => {
  const files = runFiles();

  it('finds the fixture run logs', () => {
    assert.ok(files.length >= 10, files.join('\n'));
  });

  it('every fixture run head, whole and cut every 5 bytes, with stale bytes of another run after the cut', () => {
    const stale = fs.readFileSync(files[0]);
    let taken = 0;
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      const n = Math.min(bytes.length, SUMMARY_HEAD_BYTES);
      if (f.includes('s3-minio')) {
        // minio's double-encoded body: always the general scanner's.
        assert.equal(summaryFromHeadBytes(headBuffer(bytes, n, stale), n, f), undefined);
        continue;
      }
      assert.ok(agree(bytes, n, f, stale), `${f}: runnable's own layout takes the fast path`);
      taken++;
      for (let cut = 0; cut < n; cut += 5) agree(bytes, cut, `${f} cut at ${cut}`, stale);
    }
    assert.ok(taken >= 8);
  });

  it('never takes a start time from the stale bytes after the head', () => {
    const stale = fs.readFileSync(path.join(FIXTURES, 'ml-file-system/.run_log_store/prod-failure-001.json'));
    const created = Buffer.from(JSON.stringify({ run_id: 'c1', dag_hash: '', tag: '', status: 'CREATED', steps: { a: { name: 'a', attempts: [] } } }, null, 4));
    const s = summaryFromHeadBytes(headBuffer(created, created.length, stale), created.length, 'c1.json');
    assert.ok(s === undefined || s.startTime === undefined, JSON.stringify(s));
  });

  const runLog = (fields: Record<string, unknown>, indent?: number): Buffer =>
    Buffer.from(JSON.stringify({ run_id: 'r1', dag_hash: 'abc', tag: '', status: 'FAIL', steps: { s: { name: 's', attempts: [{ attempt_number: 1, start_time: '2026-11-24 22:25:32.930947' }] } }, job: null, ...fields }, null, indent));

  it('variations runnable could write: compact, CRLF, null tag, a job, no fraction, a tag, non-ASCII text', () => {
    const cases: [string, Buffer][] = [
      ['compact', runLog({})],
      ['indent 4', runLog({}, 4)],
      ['CRLF', Buffer.from(runLog({}, 2).toString().replace(/\n/g, '\r\n'))],
      ['null tag', runLog({ tag: null }, 4)],
      ['tag', runLog({ tag: 'nightly' }, 4)],
      ['non-ASCII tag and id', runLog({ tag: 'prüfung ✓', run_id: 'lauf-ü-1' }, 4)],
      ['job', runLog({ steps: {}, job: { status: 'FAIL', attempts: [{ attempt_number: 1, start_time: '2026-01-01 10:00:00' }] } }, 4)],
      ['no fraction', runLog({ steps: { s: { attempts: [{ start_time: '2026-11-24 22:25:32' }] } } }, 4)],
      ['no attempt yet', runLog({ steps: { s: { attempts: [] } } }, 4)],
      ['empty start', runLog({ steps: { s: { attempts: [{ start_time: '' }] } } }, 4)],
    ];
    for (const [label, bytes] of cases) assert.ok(agree(bytes, bytes.length, label), `${label}: fast path taken`);
    const job = summaryFromHeadBytes(cases[6][1], cases[6][1].length, 'j.json')!;
    assert.equal(job.kind, 'job');
    assert.equal(summaryFromHeadBytes(cases[4][1], cases[4][1].length, 't.json')!.tag, 'nightly');
    assert.equal(summaryFromHeadBytes(cases[5][1], cases[5][1].length, 'u.json')!.tag, 'prüfung ✓');
  });

  it('declines what it does not read itself (the general scanner decides)', () => {
    const declined: [string, Buffer][] = [
      ['control character in the tag (invalid JSON)', Buffer.from(runLog({ tag: 'TAB' }, 4).toString().replace('TAB', '\t'))],
      ['escaped id', runLog({ run_id: 'a"b' }, 4)],
      ['other key order', Buffer.from(JSON.stringify({ status: 'FAIL', run_id: 'r1', tag: '', dag_hash: '', steps: {} }))],
      ['created, no step or job', runLog({ steps: {} }, 4)],
      ['zone in the time', runLog({ steps: { s: { attempts: [{ start_time: '2026-11-24 22:25:32+01:00' }] } } }, 4)],
      ['BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), runLog({}, 4)])],
      ['minio double encoding', Buffer.from(JSON.stringify(runLog({}, 4).toString()))],
      ['not an object', Buffer.from('[1, 2, 3]')],
      ['empty', Buffer.alloc(0)],
    ];
    for (const [label, bytes] of declined) assert.equal(summaryFromHeadBytes(bytes, bytes.length, 'x.json'), undefined, label);
  });

  it('returns the file name run id string itself when the head holds it', () => {
    const bytes = runLog({}, 4);
    const id = ['r', '1'].join('');
    assert.equal(summaryFromHeadBytes(bytes, bytes.length, 'r1.json', id)!.runId, 'r1');
    assert.equal(summaryFromHeadBytes(bytes, bytes.length, 'r2.json', 'r2')!.runId, 'r1', 'another id is read, not assumed');
  });
});

describe('stat worker: dates every run file off the listing thread', () => {
  function tree(): { dir: string; paths: string[] } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-stat-'));
    temps.push(dir);
    fs.writeFileSync(path.join(dir, 'a.json'), '{}');
    fs.mkdirSync(path.join(dir, 'folder.json'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
    fs.writeFileSync(path.join(dir, 'plain'), '');
    return { dir, paths: ['a.json', 'folder.json', 'fifo.json', 'gone.json', 'plain/RunLog.json'].map((n) => path.join(dir, n)) };
  }

  it('gives each file its mtime and kind, the same on the worker as inline', async () => {
    const { dir, paths } = tree();
    const t = new Date('2026-01-02T03:04:05.678Z');
    fs.utimesSync(path.join(dir, 'a.json'), t, t);
    const viaWorker = await statWorker().statFiles(paths);
    assert.deepEqual([...viaWorker], [...statFilesInline(paths)]);
    assert.ok(Math.abs(viaWorker[0] - t.getTime()) < 0.01, `${viaWorker[0]} is the mtime set`);
    const kinds = (x: Float64Array) => Array.from({ length: x.length / STRIDE }, (_, i) => x[STRIDE * i + 1]);
    assert.deepEqual(kinds(viaWorker), [FILE, OTHER, OTHER, MISSING, MISSING]);
    const st = fs.statSync(path.join(dir, 'a.json'));
    assert.deepEqual([viaWorker[2], viaWorker[3]], [st.size, st.ino], 'size and inode: the identity');
  });

  it('answers concurrent requests each with its own files; once disposed, answers inline', async () => {
    const { paths } = tree();
    const w = statWorker();
    const [x, y] = await Promise.all([w.statFiles(paths.slice(0, 2)), w.statFiles(paths.slice(2))]);
    assert.deepEqual([x[1], x[STRIDE + 1]], [FILE, OTHER]);
    assert.deepEqual([y[1], y[STRIDE + 1], y[2 * STRIDE + 1]], [OTHER, MISSING, MISSING]);
    const pending = w.statFiles(paths);
    w.dispose();
    assert.equal((await pending)[1], FILE, 'a request in flight when the worker ends is answered inline');
    assert.equal((await w.statFiles(paths))[1], FILE, 'after dispose, inline');
  });

  it('a store given a worker lists exactly what it lists with inline stats', async () => {
    for (const c of ['ml-file-system', 'composite-chunked-fs', 'yaml-etl']) {
      const d = (await discoverStores({ cwd: path.join(FIXTURES, c), env: {} })).stores[0];
      assert.deepEqual(runsIn(await openStore(d, { statter: statWorker() }).listRuns()), runsIn(await openStore(d).listRuns()), c);
    }
  });

  it('a CLI whose last work is the worker answer still prints the list (the worker is ref\'d while asked)', () => {
    const out = execFileSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'list', '--cwd', path.join(FIXTURES, 'yaml-etl'), '--json'], { encoding: 'utf8' });
    const list = JSON.parse(out) as { runId: string; endTime: string | null }[];
    assert.deepEqual(list.map((r) => r.runId).sort(), ['etl-usd-0100', 'shell-exit-3']);
    for (const r of list) assert.match(r.endTime ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  });

  it('a folder named like a run file lists as not a regular file; the others list', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-dir-'));
    temps.push(dir);
    fs.cpSync(path.join(FIXTURES, 'yaml-etl'), dir, { recursive: true });
    fs.mkdirSync(path.join(dir, '.run_log_store/folder.json'));
    const list = runsIn(await openStore((await discoverStores({ cwd: dir, env: {} })).stores[0], { statter: statWorker() }).listRuns());
    const bad = list.find((s) => s.runId === 'folder')!;
    assert.match(bad.error ?? '', /folder\.json is not a regular file/);
    assert.equal(list.filter((s) => !s.error).length, 2);
    assert.equal(list[list.length - 1].runId, 'folder', 'error items without a time list last');
  });
});

describe('a listing without a stat worker (the CLI) stats each run file on the handle it reads', () => {
  function oddStore(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-handle-'));
    temps.push(dir);
    fs.cpSync(path.join(FIXTURES, 'yaml-etl'), dir, { recursive: true });
    const logs = path.join(dir, '.run_log_store');
    fs.mkdirSync(path.join(logs, 'folder.json'));
    execFileSync('mkfifo', [path.join(logs, 'fifo.json')]);
    fs.symlinkSync(path.join(logs, 'nowhere.json'), path.join(logs, 'dangling.json'));
    return dir;
  }

  it('lists exactly what a listing with the stat worker lists: dates, kinds, error items', async () => {
    const dir = oddStore();
    const d = (await discoverStores({ cwd: dir, env: {} })).stores[0];
    const inline = runsIn(await openStore(d).listRuns());
    assert.deepEqual(inline, runsIn(await openStore(d, { statter: statWorker() }).listRuns()));
    assert.deepEqual(inline.filter((s) => !s.error).map((s) => s.runId).sort(), ['etl-usd-0100', 'shell-exit-3']);
    assert.deepEqual(inline.slice(2).map((s) => [s.runId, Boolean(s.error)]), [['dangling', true], ['fifo', true], ['folder', true]], 'error items last');
    assert.match(inline.find((s) => s.runId === 'fifo')!.error ?? '', /fifo\.json is not a regular file/);
    const etl = inline.find((s) => s.runId === 'etl-usd-0100')!;
    const st = fs.statSync(path.join(dir, '.run_log_store', 'etl-usd-0100.json'));
    assert.equal(etl.endMs, st.mtimeMs, 'the end is the mtime of the file read');
  });

  it('a refresh keeps every unchanged summary (each stat came before its read) and re-reads the file that changed', async () => {
    const dir = oddStore();
    const store = openStore((await discoverStores({ cwd: dir, env: {} })).stores[0]);
    const first = runsIn(await store.listRuns());
    const again = runsIn(await store.listRuns());
    for (const s of first.filter((x) => !x.error)) assert.equal(again.find((x) => x.runId === s.runId), s, `${s.runId}: the same summary object`);
    const file = path.join(dir, '.run_log_store', 'shell-exit-3.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"tag": ""', '"tag": "rerun"'));
    const third = runsIn(await store.listRuns());
    const changed = third.find((x) => x.runId === 'shell-exit-3')!;
    assert.notEqual(changed, first.find((x) => x.runId === 'shell-exit-3'));
    assert.equal(changed.tag, 'rerun');
    assert.equal(third.find((x) => x.runId === 'etl-usd-0100'), first.find((x) => x.runId === 'etl-usd-0100'));
  });
});
