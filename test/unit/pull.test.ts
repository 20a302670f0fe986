// Pulling remote runs into a local sandbox, against moto seeded from the s3-minio fixture: the decoded run log and
// catalog land where runnable's local stores read them, a retry plan works on the copy, re-pulls fetch only changes.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { discoverStores } from '../../src/core/config/discover';
import { pullRun, type PullProgress } from '../../src/core/pull/pullRun';
import { planRetry } from '../../src/core/retry/plan';
import { parseRunLogText } from '../../src/core/runlog/parse';
import { normaliseRun } from '../../src/core/runlog/normalise';
import { findStep, firstFailedTask } from '../../src/core/runlog/rules';
import { openStore } from '../../src/core/stores/openStore';
import type { StoreDescriptor } from '../../src/core/stores/runLogStore';
import { openS3Store } from '../../src/core/stores/s3/openS3Store';
import { main } from '../../src/cli';
import { FIXTURE, OBJECTS, s3Client, seedChunkedFromChunkedFs, seedFixture, startMoto, writeConfigs, type Moto } from '../helpers/moto';
import { runsIn } from '../helpers/listing';

const CASE = JSON.parse(require('node:fs').readFileSync(path.join(FIXTURE, 'case.json'), 'utf8'));

void describe('pull a remote run into a local sandbox', () => {
  let moto: Moto;
  let client: S3Client;
  let ws: string;
  let minio: StoreDescriptor;
  let chunked: StoreDescriptor;
  const opts = (): { env: Record<string, string>; home: string } => ({ env: {}, home: ws });

  before(async () => {
    moto = await startMoto();
    client = s3Client(moto.endpoint);
    await seedFixture(client);
    await seedChunkedFromChunkedFs(client, 'chunked-run-logs', 'map-fail-0001');
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'pull-ws-'));
    // The workspace the production run came from: its code, parameters and configs.
    for (const f of ['functions.py', 'pipeline.py', 'parameters.yaml']) await fs.copyFile(path.join(FIXTURE, f), path.join(ws, f));
    await writeConfigs(ws, moto.endpoint);
    const { stores } = await discoverStores({ cwd: ws, env: {} });
    minio = stores.find((s) => s.type === 'minio')!;
    chunked = stores.find((s) => s.type === 'chunked-minio')!;
  });

  after(async () => {
    client?.destroy();
    await moto?.stop();
    if (ws) await fs.rm(ws, { recursive: true, force: true });
  });

  void it('pulls the minio run: decoded run log, catalog, sandbox config; a retry plan reads the copy', async () => {
    const to = path.join(ws, '.runnable-sandbox');
    const seen: PullProgress[] = [];
    const r = await pullRun({ descriptor: minio, runId: 'argo-train-7731', to, onProgress: (p) => seen.push(p), storeOptions: opts() });
    const catalogNames = (await fs.readdir(path.join(OBJECTS, 'catalog', 'argo-train-7731'))).sort();
    assert.equal(r.fetched, 1 + catalogNames.length);
    assert.equal(r.unchanged, 0);
    assert.deepEqual([...r.catalogFiles].sort(), catalogNames);
    const last = seen[seen.length - 1];
    assert.equal(last.objects, r.fetched);
    assert.equal(last.bytes, last.totalBytes);
    assert.equal(r.bytes, last.totalBytes);
    // The run log is plain JSON now (decoded once more than the object), where file-system stores look.
    assert.equal(r.runLogPath, path.join(to, '.run_log_store', 'argo-train-7731.json'));
    const text = await fs.readFile(r.runLogPath, 'utf8');
    assert.equal(JSON.parse(text).run_id, 'argo-train-7731');
    const run = normaliseRun(parseRunLogText(text, r.runLogPath));
    assert.equal(run.status, CASE.runs['argo-train-7731'].status);
    assert.equal(firstFailedTask(run)?.internalName, 'deploy');
    // The original JSON is kept whole (every field runnable wrote), not our parsed subset.
    const remote = JSON.parse(JSON.parse(await fs.readFile(path.join(OBJECTS, 'run-logs/argo-train-7731/argo-train-7731.json'), 'utf8')));
    assert.deepEqual(JSON.parse(text), remote);
    for (const n of catalogNames) {
      assert.deepEqual(await fs.readFile(path.join(to, '.catalog', 'argo-train-7731', n)), await fs.readFile(path.join(OBJECTS, 'catalog', 'argo-train-7731', n)), n);
    }
    assert.equal(await fs.readFile(path.join(to, '.gitignore'), 'utf8').then((t) => t.split('\n').includes('*')), true);

    // The sandbox config is a runnable config with local stores: the explorer finds it, a file-system store reads it.
    const { stores } = await discoverStores({ cwd: ws, env: {} });
    const sandbox = stores.find((s) => s.configFiles.includes(r.configFile))!;
    assert.equal(sandbox.type, 'file-system');
    assert.equal(sandbox.location, path.join(to, '.run_log_store'));
    assert.equal(sandbox.catalog?.location, path.join(to, '.catalog'));
    const local = openStore(sandbox);
    assert.deepEqual((runsIn(await local.listRuns())).map((s) => [s.runId, s.status]), [['argo-train-7731', 'FAIL']]);
    assert.ok((await local.listCatalog('argo-train-7731')).includes('model.dill'));

    // Retry plan on the pulled run: the object input is the sandbox's model.dill, and it unpickles to what case.json records.
    const plan = await planRetry({ cwd: ws, runId: 'argo-train-7731', configFile: r.configFile, env: {}, checkDag: false, trusted: false });
    assert.equal(plan.blocked, null, String(plan.blocked));
    assert.equal(plan.env.RUNNABLE_CONFIGURATION_FILE && path.resolve(ws, plan.env.RUNNABLE_CONFIGURATION_FILE), r.configFile);
    assert.equal(plan.retryIndicator, CASE.runs['argo-train-7731'].next_retry_indicator);
    const model = plan.firstFailed!.inputs.model;
    assert.equal(model.kind, 'object');
    const dill = path.resolve(ws, model.catalogFile!);
    assert.equal(dill, path.join(to, '.catalog', 'argo-train-7731', 'model.dill'));
    const unpickled = execFileSync('python3', ['-c', 'import pickle,json,sys; print(json.dumps(pickle.load(open(sys.argv[1],"rb"))))', dill], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(unpickled), CASE.runs['argo-train-7731'].first_failed_task.inputs.model.value);
  });

  void it('pulling again fetches nothing; a changed catalog object is fetched alone', async () => {
    const to = path.join(ws, '.runnable-sandbox');
    const store = openS3Store(minio, opts());
    const again = await pullRun({ descriptor: minio, runId: 'argo-train-7731', to, store });
    assert.equal(again.fetched, 0);
    assert.equal(again.unchanged, 6);
    assert.equal(again.bytes, 0);
    assert.equal(store.requestCount, 1, 'one listing of the run objects, no GET');
    assert.equal((await store.catalog())!.access.requestCount, 1, 'one listing of the catalog objects, no GET');

    const changed = Buffer.from('a different pickle');
    await client.send(new PutObjectCommand({ Bucket: 'catalog', Key: 'argo-train-7731/model.dill', Body: changed }));
    const third = await pullRun({ descriptor: minio, runId: 'argo-train-7731', to, store });
    assert.equal(third.fetched, 1);
    assert.equal(third.bytes, changed.length);
    assert.deepEqual(await fs.readFile(path.join(to, '.catalog', 'argo-train-7731', 'model.dill')), changed);
    // A local file removed by hand is fetched again.
    await fs.rm(path.join(to, '.catalog', 'argo-train-7731', 'model.dill'));
    assert.equal((await pullRun({ descriptor: minio, runId: 'argo-train-7731', to, store })).fetched, 1);
    await client.send(new PutObjectCommand({ Bucket: 'catalog', Key: 'argo-train-7731/model.dill', Body: await fs.readFile(path.join(OBJECTS, 'catalog/argo-train-7731/model.dill')) }));
  });

  void it('pulls a chunked-minio run with branch logs: nested for file-system, one file per branch for chunked-fs', async () => {
    const fsBox = path.join(ws, 'box-fs');
    const r = await pullRun({ descriptor: chunked, runId: 'map-fail-0001', to: fsBox, storeOptions: opts() });
    assert.equal(r.fetched, 4, 'RunLog + 3 branch logs (no catalog objects for this run)');
    const run = normaliseRun(parseRunLogText(await fs.readFile(r.runLogPath, 'utf8'), r.runLogPath));
    assert.equal(findStep(run, 'score_all.2.score chunk')?.status, 'FAIL');

    const chunkBox = path.join(ws, 'box-chunked');
    const c = await pullRun({ descriptor: chunked, runId: 'map-fail-0001', to: chunkBox, layout: 'chunked-fs', storeOptions: opts() });
    assert.equal(c.runLogPath, path.join(chunkBox, '.run_log_store', 'map-fail-0001', 'RunLog.json'));
    assert.deepEqual((await fs.readdir(path.join(chunkBox, '.run_log_store', 'map-fail-0001'))).sort(), [
      'BranchLog-score_all.1.json',
      'BranchLog-score_all.2.json',
      'BranchLog-score_all.3.json',
      'RunLog.json',
    ]);
    const { stores } = await discoverStores({ cwd: chunkBox, configFile: c.configFile, env: {} });
    const local = openStore(stores.find((s) => s.configFiles.includes(c.configFile))!);
    assert.equal(findStep(await local.getRun('map-fail-0001'), 'score_all.2.score chunk')?.status, 'FAIL');

    await assert.rejects(
      pullRun({ descriptor: chunked, runId: 'argo-train-7732', to: fsBox, layout: 'chunked-fs', storeOptions: opts() }),
      /holds file-system runs; pulling in chunked-fs layout would hide them/,
    );
  });

  void it('an unknown run id fails with a sentence; a cancelled pull writes no sandbox config', async () => {
    const to = path.join(ws, 'box-none');
    await assert.rejects(pullRun({ descriptor: minio, runId: 'no-such-run', to, storeOptions: opts() }), /Run "no-such-run" is not in http:\/\/127\.0\.0\.1:\d+\/run-logs/);
    const ac = new AbortController();
    await assert.rejects(
      pullRun({ descriptor: minio, runId: 'argo-train-7731', to, signal: ac.signal, storeOptions: opts(), onProgress: (p) => p.objects === 1 && ac.abort() }),
      (e: Error) => e.name === 'AbortError',
    );
    await assert.rejects(fs.stat(path.join(to, 'sandbox.yaml')), 'no sandbox config for an unfinished pull');
  });

  void it('a hostile sandbox: links are refused, manifest paths outside are kept, `..` catalog keys are skipped', async () => {
    // A workspace ships .runnable-sandbox/.catalog/<run> as a link to a folder of the user's: nothing is written there.
    const victim = await fs.mkdtemp(path.join(os.tmpdir(), 'pull-victim-'));
    await fs.writeFile(path.join(victim, 'model.dill'), 'precious');
    const linked = path.join(ws, 'box-link');
    await fs.mkdir(path.join(linked, '.catalog'), { recursive: true });
    await fs.symlink(victim, path.join(linked, '.catalog', 'argo-train-7731'));
    await assert.rejects(pullRun({ descriptor: minio, runId: 'argo-train-7731', to: linked, storeOptions: opts() }), /is a symbolic link inside the sandbox/);
    assert.deepEqual(await fs.readdir(victim), ['model.dill']);
    assert.equal(await fs.readFile(path.join(victim, 'model.dill'), 'utf8'), 'precious');
    // The chunked layout's clean-up (a recursive rm of the run's log folder) does not follow a linked folder either.
    const chunkLinked = path.join(ws, 'box-link-chunked');
    await fs.mkdir(path.join(chunkLinked, '.run_log_store'), { recursive: true });
    await fs.symlink(victim, path.join(chunkLinked, '.run_log_store', 'map-fail-0001'));
    await assert.rejects(
      pullRun({ descriptor: chunked, runId: 'map-fail-0001', to: chunkLinked, layout: 'chunked-fs', storeOptions: opts() }),
      /is a symbolic link inside the sandbox/,
    );
    assert.deepEqual(await fs.readdir(victim), ['model.dill']);

    // A committed manifest names a file outside the sandbox as a catalog file that is gone from the store: kept.
    const box = path.join(ws, 'box-manifest');
    await pullRun({ descriptor: minio, runId: 'argo-train-7731', to: box, storeOptions: opts() });
    const manifestFile = path.join(box, '.pull-manifest.json');
    const m = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    const rel = path.relative(box, path.join(victim, 'model.dill'));
    m.runs['argo-train-7731'].objects.push({ key: 'catalog:argo-train-7731/old.dill', etag: 'x', size: 8, kind: 'catalog', localPath: rel });
    await fs.writeFile(manifestFile, JSON.stringify(m));
    const again = await pullRun({ descriptor: minio, runId: 'argo-train-7731', to: box, storeOptions: opts() });
    assert.equal(await fs.readFile(path.join(victim, 'model.dill'), 'utf8'), 'precious');
    assert.ok(again.warnings.some((w) => w.includes('Did not delete') && w.includes('outside the sandbox')), again.warnings.join('\n'));

    // A catalog key with `..` in it would land beside the run's folder: skipped and named, the rest is pulled.
    await client.send(new PutObjectCommand({ Bucket: 'catalog', Key: 'argo-train-7731/../escape.txt', Body: Buffer.from('escaped') }));
    try {
      const dots = path.join(ws, 'box-dots');
      const r = await pullRun({ descriptor: minio, runId: 'argo-train-7731', to: dots, storeOptions: opts() });
      assert.ok(r.warnings.some((w) => w.includes('argo-train-7731/../escape.txt')), r.warnings.join('\n'));
      assert.ok(!r.catalogFiles.includes('../escape.txt'));
      await assert.rejects(fs.stat(path.join(dots, '.catalog', 'escape.txt')));
      assert.ok(r.catalogFiles.includes('model.dill'));
      assert.ok((await fs.stat(path.join(dots, '.catalog', 'argo-train-7731', 'model.dill'))).size > 0);
    } finally {
      const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
      await client.send(new DeleteObjectCommand({ Bucket: 'catalog', Key: 'argo-train-7731/../escape.txt' }));
      await fs.rm(victim, { recursive: true, force: true });
    }
  });

  void it('a password in the endpoint URL (also from RUNNABLE_VAR_*) is in no id, setting, manifest or sandbox file', async () => {
    // A workspace of its own (the CLI test below discovers every config under ws).
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pull-userinfo-'));
    const withPass = moto.endpoint.replace('http://', 'http://minio-user:Pa55w0rdInUrl@');
    await writeConfigs(dir, withPass);
    // The chunked config takes its endpoint from a variable, as runnable's ${...} templating allows.
    const chunkedFile = path.join(dir, 'prod-chunked-minio.yaml');
    await fs.writeFile(chunkedFile, (await fs.readFile(chunkedFile, 'utf8')).split(withPass).join('${ENDPOINT}'));
    const env = { RUNNABLE_VAR_ENDPOINT: moto.endpoint.replace('http://', 'http://minio-user:VarPa55InUrl@') };
    const { stores } = await discoverStores({ cwd: dir, env });
    const remote = stores.filter((s) => s.type === 'minio' || s.type === 'chunked-minio');
    assert.equal(remote.length, 2);
    const to = path.join(dir, '.runnable-sandbox');
    await pullRun({ descriptor: remote.find((s) => s.type === 'minio')!, runId: 'argo-train-7731', to, storeOptions: { env, home: dir } });
    await pullRun({ descriptor: remote.find((s) => s.type === 'chunked-minio')!, runId: 'argo-train-7732', to: path.join(dir, 'box2'), storeOptions: { env, home: dir } });
    const written = [JSON.stringify(stores)];
    for (const f of ['.pull-manifest.json', 'sandbox.yaml']) written.push(await fs.readFile(path.join(to, f), 'utf8'), await fs.readFile(path.join(dir, 'box2', f), 'utf8'));
    for (const text of written) {
      assert.ok(!text.includes('Pa55w0rdInUrl') && !text.includes('VarPa55InUrl') && !text.includes('minio-user'), text.slice(0, 400));
    }
    assert.ok(remote.every((s) => s.id.includes(moto.endpoint)), remote.map((s) => s.id).join(', '));
    await fs.rm(dir, { recursive: true, force: true });
  });

  void it('runnable-runs pull RUN_ID: headless pull, then show reads the sandbox copy', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {}, cwd: ws };
    const code = await main(['pull', 'argo-train-7732', '--cwd', ws, '--to', 'cli-box'], io);
    assert.equal(code, 0, err.join('\n'));
    const text = out.join('\n');
    assert.match(text, /Pulled argo-train-7732 from http:\/\/127\.0\.0\.1:\d+\/chunked-run-logs: 6 objects/);
    assert.match(text, /RUNNABLE_CONFIGURATION_FILE=.*cli-box\/sandbox\.yaml RUNNABLE_RETRY_RUN_ID=argo-train-7732 RUNNABLE_RETRY_INDICATOR=2/);
    out.length = 0;
    assert.equal(await main(['show', 'argo-train-7732', '--cwd', ws, '--config', path.join(ws, 'cli-box', 'sandbox.yaml'), '--json'], io), 0, err.join('\n'));
    assert.equal(JSON.parse(out.join('\n')).status, 'FAIL');
    // list / plan-retry read the remote store directly.
    out.length = 0;
    assert.equal(await main(['list', '--cwd', ws, '--config', path.join(ws, 'prod-minio.yaml'), '--json'], io), 0, err.join('\n'));
    const listed = JSON.parse(out.join('\n')) as Array<{ runId?: string; run_id?: string; status: string }>;
    assert.deepEqual(listed.map((r) => [r.runId ?? r.run_id, r.status]), [['argo-train-7731', 'FAIL']]);
    out.length = 0;
    const planCode = await main(['plan-retry', 'argo-train-7731', '--cwd', ws, '--config', path.join(ws, 'prod-minio.yaml'), '--json'], io);
    assert.ok(planCode === 0 || planCode === 3, err.join('\n'));
    const plan = JSON.parse(out.join('\n')) as { firstFailed: { internalName: string; inputs: Record<string, { catalogFile?: string }> } };
    assert.equal(plan.firstFailed.internalName, 'deploy');
    assert.equal(plan.firstFailed.inputs.model.catalogFile, 's3://catalog/argo-train-7731/model.dill');
    out.length = 0;
    assert.equal(await main(['pull', 'nope-run', '--cwd', ws], io), 2);
    assert.match(err[err.length - 1], /runnable-runs pull: Run "nope-run" is not in any minio or chunked-minio store of the workspace/);
  });
});
