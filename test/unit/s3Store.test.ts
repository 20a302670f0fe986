// minio / chunked-minio stores against a real S3 endpoint (moto on 127.0.0.1), seeded from the s3-minio fixture.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { discoverStores } from '../../src/core/config/discover';
import type { StoreDescriptor } from '../../src/core/stores/runLogStore';
import { RunLogError } from '../../src/core/stores/runLogStore';
import { openS3Store } from '../../src/core/stores/s3/openS3Store';
import { firstFailedTask } from '../../src/core/runlog/rules';
import { findStep } from '../../src/core/runlog/rules';
import { inPool, OBJECTS, s3Client, seedChunkedFromChunkedFs, seedFixture, startMoto, writeConfigs, type Moto } from '../helpers/moto';
import { runsIn } from '../helpers/listing';

const CASE = JSON.parse(require('node:fs').readFileSync(path.join(OBJECTS, '..', 'case.json'), 'utf8'));

async function descriptorsFor(dir: string): Promise<StoreDescriptor[]> {
  const d = await discoverStores({ cwd: dir, env: {} });
  return d.stores;
}

/** Deterministic credential chain: no AWS_* from the machine, no ~/.aws. */
function isolated(home: string) {
  return { env: {}, home };
}

void describe('minio and chunked-minio stores on moto', () => {
  let moto: Moto;
  let client: S3Client;
  let dir: string;
  let minio: StoreDescriptor;
  let chunked: StoreDescriptor;

  before(async () => {
    moto = await startMoto();
    client = s3Client(moto.endpoint);
    await seedFixture(client);
    await seedChunkedFromChunkedFs(client, 'chunked-run-logs', 'map-fail-0001');
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 's3store-'));
    await writeConfigs(dir, moto.endpoint);
    const stores = await descriptorsFor(dir);
    minio = stores.find((s) => s.type === 'minio')!;
    chunked = stores.find((s) => s.type === 'chunked-minio')!;
    assert.ok(minio && chunked, 'discovery finds both S3 configs');
  });

  after(async () => {
    client?.destroy();
    await moto?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  void it('lists the minio run from its double-encoded object, with the status from case.json', async () => {
    const store = openS3Store(minio, isolated(dir));
    const runs = runsIn(await store.listRuns());
    assert.deepEqual(runs.map((r) => r.runId), ['argo-train-7731']);
    assert.equal(runs[0].status, CASE.runs['argo-train-7731'].status);
    assert.equal(runs[0].error, undefined);
    assert.equal(runs[0].source, 's3://run-logs/argo-train-7731/argo-train-7731.json');
    assert.equal(store.credentialSource, 'runnable-default');
  });

  void it('shows the minio run: steps, attempts and the failed task inputs as case.json records', async () => {
    const store = openS3Store(minio, isolated(dir));
    const run = await store.getRun('argo-train-7731');
    const expected = CASE.runs['argo-train-7731'];
    assert.equal(run.status, expected.status);
    assert.equal(run.dagHash, expected.dag_hash);
    assert.equal(run.definitionFile, expected.definition_file);
    assert.deepEqual(run.steps.map((s) => s.internalName), Object.keys(expected.steps));
    for (const s of run.steps) assert.equal(s.status, expected.steps[s.internalName].status, s.internalName);
    const failed = firstFailedTask(run)!;
    assert.equal(failed.internalName, expected.first_failed_task.internal_name);
    assert.equal(failed.attempt.inputs.model.kind, 'object');
    assert.equal(failed.attempt.inputs.model.catalogFile, 'model.dill');
    assert.equal(failed.attempt.inputs.endpoint.value, 'churn-model');
    const raw = await store.getRawRunLog('argo-train-7731');
    assert.equal(raw.run_id, 'argo-train-7731', 'the raw log is decoded twice into an object');
  });

  void it('lists and shows chunked-minio runs, branch logs (no suffix) nested into their map step', async () => {
    const store = openS3Store(chunked, isolated(dir));
    const runs = runsIn(await store.listRuns());
    assert.deepEqual(new Set(runs.map((r) => r.runId)), new Set(['argo-train-7732', 'map-fail-0001']));
    for (const r of runs) assert.equal(r.status, 'FAIL');
    const run = await store.getRun('map-fail-0001');
    const step = findStep(run, 'score_all.2.score chunk');
    assert.ok(step, 'the step with a space inside the map branch is read from BranchLog-score_all.2');
    assert.equal(step!.status, 'FAIL');
    assert.equal(findStep(run, 'score_all.1.score chunk')?.status, 'SUCCESS');
    const raw = (await store.getRawRunLog('map-fail-0001')) as { steps: Record<string, { branches: Record<string, unknown> }> };
    assert.deepEqual(Object.keys(raw.steps.score_all.branches).sort(), ['score_all.1', 'score_all.2', 'score_all.3']);
    const simple = await store.getRun('argo-train-7732');
    assert.equal(firstFailedTask(simple)?.internalName, CASE.runs['argo-train-7732'].first_failed_task.internal_name);
  });

  void it('reads the minio catalog of a run byte for byte', async () => {
    const store = openS3Store(minio, isolated(dir));
    const names = await store.listCatalog('argo-train-7731');
    const onDisk = (await fs.readdir(path.join(OBJECTS, 'catalog', 'argo-train-7731'))).sort();
    assert.deepEqual(names, onDisk);
    const dill = await store.readCatalogFile('argo-train-7731', 'model.dill');
    assert.deepEqual(dill, await fs.readFile(path.join(OBJECTS, 'catalog', 'argo-train-7731', 'model.dill')));
    assert.equal(await store.readCatalogFile('argo-train-7731', 'nope.dill'), undefined);
  });

  void it('a corrupt object lists as an error on that run only; getRun names the object', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'run-logs', Key: 'broken-run/broken-run.json', Body: '"{\\"run_id\\": \\"broken-run\\", \\"sta' }));
    try {
      const store = openS3Store(minio, isolated(dir));
      const runs = runsIn(await store.listRuns());
      const broken = runs.find((r) => r.runId === 'broken-run')!;
      const good = runs.find((r) => r.runId === 'argo-train-7731')!;
      assert.match(broken.error ?? '', /s3:\/\/run-logs\/broken-run\/broken-run\.json/);
      assert.equal(good.error, undefined);
      assert.equal(good.status, 'FAIL');
      await assert.rejects(store.getRun('broken-run'), (e: unknown) => e instanceof RunLogError && /broken-run\.json: truncated JSON/.test(e.message));
    } finally {
      await client.send(new PutObjectCommand({ Bucket: 'run-logs', Key: 'broken-run/broken-run.json', Body: await fs.readFile(path.join(OBJECTS, 'run-logs/argo-train-7731/argo-train-7731.json'), 'utf8').then((t) => t.replace(/argo-train-7731/g, 'broken-run')) }));
    }
  });

  void it('the poll check sees a new run with one listing and no GETs, and nothing when nothing changed', async () => {
    const fresh = openS3Store(chunked, isolated(dir));
    assert.equal(await fresh.hasChanged(), false, 'the first check only sets the baseline');
    const store = openS3Store(chunked, isolated(dir));
    runsIn(await store.listRuns());
    const before = store.requestCount;
    assert.equal(await store.hasChanged(), false);
    assert.equal(store.requestCount - before, 1, 'one ListObjectsV2 page');
    await client.send(new PutObjectCommand({ Bucket: 'chunked-run-logs', Key: 'poll-run/RunLog', Body: await fs.readFile(path.join(OBJECTS, 'chunked-run-logs/argo-train-7732/RunLog'), 'utf8').then((t) => t.replace(/argo-train-7732/g, 'poll-run')) }));
    assert.equal(await store.hasChanged(), true);
    const runs = runsIn(await store.listRuns());
    assert.ok(runs.some((r) => r.runId === 'poll-run' && r.status === 'FAIL'));
    // The two runs read before are cached by ETag: only the new one is fetched.
    const beforeList = store.requestCount;
    runsIn(await store.listRuns());
    assert.equal(store.requestCount - beforeList, 1, 'a second listing re-reads no run logs');
  });

  void it('lists more than 1,000 runs across ListObjectsV2 pages, newest first', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'bulk-run-logs' }));
    const body = await fs.readFile(path.join(OBJECTS, 'run-logs/argo-train-7731/argo-train-7731.json'), 'utf8');
    const ids = Array.from({ length: 1010 }, (_, i) => `bulk-${String(i).padStart(4, '0')}`);
    await inPool(ids, 16, async (id) => {
      await client.send(new PutObjectCommand({ Bucket: 'bulk-run-logs', Key: `${id}/${id}.json`, Body: body.replace(/argo-train-7731/g, id) }));
    });
    // Written after all the others: no run is newer (S3 dates have 1 s resolution, so it may tie).
    await client.send(new PutObjectCommand({ Bucket: 'bulk-run-logs', Key: 'bulk-latest/bulk-latest.json', Body: body.replace(/argo-train-7731/g, 'bulk-latest') }));
    const d: StoreDescriptor = { ...minio, settings: { ...minio.settings, bucket: 'bulk-run-logs' }, id: 'bulk' };
    const progress: number[] = [];
    const store = openS3Store(d, { ...isolated(dir), summaryLimit: 20 });
    store.onProgress = (p) => {
      if (p.phase === 'listing') progress.push(p.done);
    };
    const runs = runsIn(await store.listRuns());
    assert.equal(runs.length, 1011);
    assert.equal(new Set(runs.map((r) => r.runId)).size, 1011);
    assert.deepEqual(progress, [1000, 1011], 'two pages, progress after each');
    const latest = runs.find((r) => r.runId === 'bulk-latest')!;
    assert.equal(latest.endMs, runs[0].endMs, 'the last object written lists among the newest');
    for (let i = 1; i < runs.length; i++) assert.ok(runs[i - 1].endMs >= runs[i].endMs, 'newest first');
    assert.ok(runs.slice(0, 20).every((r) => r.status === 'FAIL'), 'the newest runs carry their status');
    assert.ok(runs.slice(20).every((r) => r.status === '' && !r.error), 'the rest list by id and date only');
  });

  void it('cancels a listing through its AbortSignal', async () => {
    const d: StoreDescriptor = { ...minio, settings: { ...minio.settings, bucket: 'bulk-run-logs' }, id: 'bulk2' };
    const store = openS3Store(d, isolated(dir));
    const ac = new AbortController();
    store.onProgress = (p) => {
      if (p.phase === 'listing') ac.abort();
    };
    await assert.rejects(store.listRuns(ac.signal), (e: Error) => e.name === 'AbortError' && (e as { kind?: string }).kind === 'aborted');
  });
});
