// A remote root lists as soon as its objects are paged (runs pending, status unknown), then its summaries fill in
// newest first, on a real S3 endpoint (moto on 127.0.0.1); the new-failure signal over such listings.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { discoverStores } from '../../src/core/config/discover';
import type { RunSummary } from '../../src/core/runlog/model';
import type { StoreDescriptor } from '../../src/core/stores/runLogStore';
import { openS3Store } from '../../src/core/stores/s3/openS3Store';
import { NewFailures } from '../../src/core/explorer/newFailures';
import { inPool, OBJECTS, s3Client, startMoto, writeConfigs, type Moto } from '../helpers/moto';
import { firstRuns, runsIn } from '../helpers/listing';

const BUCKET = 'first-run-logs';
const RUNS = 80;

void describe('a remote listing before its summaries', () => {
  let moto: Moto;
  let client: S3Client;
  let dir: string;
  let body: string;
  let descriptor: StoreDescriptor;
  const put = async (id: string, text = body.replace(/argo-train-7731/g, id)): Promise<void> => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${id}/${id}.json`, Body: text }));
  };

  before(async () => {
    moto = await startMoto();
    client = s3Client(moto.endpoint);
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    body = await fs.readFile(path.join(OBJECTS, 'run-logs/argo-train-7731/argo-train-7731.json'), 'utf8');
    await inPool(Array.from({ length: RUNS }, (_, i) => `first-${String(i).padStart(3, '0')}`), 16, (id) => put(id));
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 's3first-'));
    await writeConfigs(dir, moto.endpoint);
    const minio = (await discoverStores({ cwd: dir, env: {} })).stores.find((s) => s.type === 'minio')!;
    descriptor = { ...minio, settings: { ...minio.settings, bucket: BUCKET }, id: 'first' };
  });

  after(async () => {
    client?.destroy();
    await moto?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const open = (o: { summaryLimit?: number } = {}) => openS3Store(descriptor, { env: {}, home: dir, ...o });

  void it('answers after the listing alone: every run by id and date, status not known yet, no error, no GET', async () => {
    const store = open();
    const { runs, summaries } = firstRuns(await store.listRunsFirst());
    const afterListing = store.requestCount;
    assert.equal(runs.length, RUNS);
    assert.ok(runs.every((r) => r.pending && r.status === '' && !r.error), 'pending, not failed, not an error');
    for (let i = 1; i < runs.length; i++) assert.ok(runs[i - 1].endMs >= runs[i].endMs, 'newest first');
    assert.equal(afterListing, 1, 'one ListObjectsV2 page, no summary read before the answer');
    const filled = await summaries;
    assert.ok(filled.every((r) => r.status === 'FAIL' && !r.pending && !r.error), 'every summary filled in');
    assert.equal(store.requestCount - afterListing, RUNS, 'one range GET per run afterwards');
  });

  void it('fills in by batches, newest first, each batch the whole listing; the last is what summaries resolves to', async () => {
    const store = open();
    const batches: RunSummary[][] = [];
    const { runs, summaries } = firstRuns(await store.listRunsFirst(undefined, (b) => batches.push(b)));
    const filled = await summaries;
    assert.ok(batches.length >= 2 && batches.length <= Math.ceil(RUNS / 32) + 1, `a few batches, not one per run (${batches.length})`);
    assert.equal(batches.at(-1), filled);
    for (const b of batches) assert.deepEqual(b.map((r) => r.runId), runs.map((r) => r.runId), 'the same runs in the same order');
    // The first batch: the newest runs are read first (8 at a time, so a few of the next may have landed too).
    const first = batches[0];
    const read = first.map((r, i) => (r.pending ? -1 : i)).filter((i) => i >= 0);
    assert.ok(read.length >= 32, 'a batch holds at least 32 summaries');
    assert.ok(Math.max(...read) < 32 + 8, `read newest first (read up to row ${Math.max(...read)})`);
  });

  void it('summaries are cached by ETag: a second listing has none pending and reads nothing; a rewritten run only that one', async () => {
    const store = open();
    await (firstRuns(await store.listRunsFirst())).summaries;
    let before = store.requestCount;
    const batches: RunSummary[][] = [];
    const again = firstRuns(await store.listRunsFirst(undefined, (b) => batches.push(b)));
    assert.ok(again.runs.every((r) => r.status === 'FAIL' && !r.pending), 'cached summaries list at once');
    await again.summaries;
    assert.equal(store.requestCount - before, 1, 'one listing page, no GET');
    assert.equal(batches.length, 0, 'nothing to fill in, no update');
    // Rewritten as runnable does after each step (here: the same log and a trailing space, a new ETag).
    await put('first-005', `${body.replace(/argo-train-7731/g, 'first-005')} `);
    before = store.requestCount;
    const third = firstRuns(await store.listRunsFirst());
    assert.deepEqual(third.runs.filter((r) => r.pending).map((r) => r.runId), ['first-005'], 'only the rewritten run waits for its summary');
    assert.equal(third.runs[0].runId, 'first-005', 'and it lists newest');
    const filled = await third.summaries;
    assert.equal(store.requestCount - before, 2, 'one page and one GET');
    assert.equal(filled.find((r) => r.runId === 'first-005')?.status, 'FAIL');
    await put('first-005');
  });

  void it('a corrupt run log lists pending first, then as an error item on that run only', async () => {
    await put('first-broken', '"{\\"run_id\\": \\"first-broken\\", \\"sta');
    try {
      const store = open();
      const { runs, summaries } = firstRuns(await store.listRunsFirst());
      const pending = runs.find((r) => r.runId === 'first-broken')!;
      assert.ok(pending.pending && !pending.error, 'not an error before its summary is read');
      const filled = await summaries;
      const broken = filled.find((r) => r.runId === 'first-broken')!;
      assert.match(broken.error ?? '', /s3:\/\/first-run-logs\/first-broken\/first-broken\.json/);
      assert.ok(!broken.pending);
      assert.ok(filled.filter((r) => r.runId !== 'first-broken').every((r) => r.status === 'FAIL' && !r.error));
      // Cached by ETag like any other summary: the next listing shows the error item at once.
      const again = firstRuns(await store.listRunsFirst());
      assert.match(again.runs.find((r) => r.runId === 'first-broken')?.error ?? '', /first-broken\.json/);
    } finally {
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'first-broken/first-broken.json' }));
    }
  });

  void it('past the summary budget runs list by id and date (not pending); listRuns (the CLI) still waits for statuses', async () => {
    const store = open({ summaryLimit: 10 });
    const { runs, summaries } = firstRuns(await store.listRunsFirst());
    assert.equal(runs.filter((r) => r.pending).length, 10);
    const filled = await summaries;
    assert.ok(filled.slice(0, 10).every((r) => r.status === 'FAIL'));
    assert.ok(filled.slice(10).every((r) => r.status === '' && !r.pending && !r.error));
    const cli = runsIn(await open().listRuns());
    assert.ok(cli.every((r) => r.status === 'FAIL' && !r.pending), 'listRuns answers with every summary read');
  });

  void it('a cancelled fill rejects its summaries, not the listing already given', async () => {
    const store = open();
    const ac = new AbortController();
    const { runs, summaries } = firstRuns(await store.listRunsFirst(ac.signal, () => ac.abort()));
    assert.equal(runs.length, RUNS);
    await assert.rejects(summaries, (e: Error) => e.name === 'AbortError');
  });
});

void describe('new failed runs over listings that fill in', () => {
  const run = (runId: string, status: string, pending = false): RunSummary => ({
    runId, status: pending ? '' : status, tag: '', kind: 'pipeline', startTime: undefined, endTime: undefined,
    startMs: NaN, endMs: 0, source: `s3://b/${runId}`, ...(pending ? { pending: true as const } : {}),
  });

  void it('runs already there raise nothing when their summaries arrive as FAIL; a new run that fails does, once', () => {
    const t = new NewFailures();
    assert.deepEqual(t.observe('s', [run('old-1', '', true), run('old-2', '', true)]), [], 'the first listing is the baseline');
    assert.deepEqual(t.observe('s', [run('old-1', 'FAIL'), run('old-2', '', true)]), [], 'a baseline run read as FAIL');
    assert.deepEqual(t.observe('s', [run('old-1', 'FAIL'), run('old-2', 'FAIL')]), [], 'nothing at startup');
    assert.equal(t.pending.length, 0);
    // A poll: a new run appears, status unknown (nothing), then its summary lands as FAIL.
    assert.deepEqual(t.observe('s', [run('new-1', '', true), run('old-1', 'FAIL'), run('old-2', 'FAIL')]), []);
    assert.deepEqual(t.observe('s', [run('new-1', 'FAIL'), run('old-1', 'FAIL'), run('old-2', 'FAIL')]).map((r) => r.runId), ['new-1']);
    assert.deepEqual(t.observe('s', [run('new-1', 'FAIL'), run('old-1', 'FAIL')]), [], 'each once');
    assert.deepEqual(t.pending.map((p) => p.runId), ['new-1']);
  });

  void it('a baseline run read as running that fails later does raise the signal', () => {
    const t = new NewFailures();
    t.observe('s', [run('r', '', true)]);
    assert.deepEqual(t.observe('s', [run('r', 'PROCESSING')]), []);
    assert.deepEqual(t.observe('s', [run('r', '', true)]), [], 'rewritten: unknown again, nothing');
    assert.deepEqual(t.observe('s', [run('r', 'FAIL')]).map((r) => r.runId), ['r']);
  });
});
