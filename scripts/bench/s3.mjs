// Bench: listing a minio store of 10,000 runs served by moto (127.0.0.1) against a floor: the same SDK paginating
// ListObjectsV2 over the bucket with nothing else. Prints, as ratios to the floor measured in the same round:
// - first listing (listRunsFirst: what a remote root shows first, runs by id and date, statuses pending),
//   target <= 1.5x (issue 16);
// - all summaries (the newest 500 read with 4 KB range GETs after the listing, filling in);
// - listRuns cold (the CLI's: listing + the 500 summaries before it answers) and warm (summaries cached by ETag:
//   listing only, what a refresh/poll costs), target <= 1.3x.
// BENCH_S3_RUNS changes the run count (seeding takes a while), BENCH_REPEAT the rounds (medians printed).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cliJs = path.join(repo, 'dist', 'cli.js');
if (!fs.existsSync(cliJs)) { console.error(`${cliJs} is missing: run \`npm run build\` first.`); process.exit(2); }
const require = createRequire(import.meta.url);
const { discoverStores, openStore, runsOf } = require(cliJs);
const { S3Client, CreateBucketCommand, PutObjectCommand, ListObjectsV2Command } = require('@aws-sdk/client-s3');

const RUNS = Number(process.env.BENCH_S3_RUNS ?? 10_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const FIX = path.join(repo, 'test/fixtures/runnable/s3-minio');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

const port = await new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const moto = spawn(process.env.RUNNABLE_TEST_PYTHON || (fs.existsSync('.vscode-test/venv/bin/python') ? '.vscode-test/venv/bin/python' : 'python3'), ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
process.on('exit', () => moto.kill());
await new Promise((resolve, reject) => {
  let out = '';
  const on = (b) => { out += b; if (out.includes(`Running on http://127.0.0.1:${port}`)) resolve(); };
  moto.stdout.on('data', on);
  moto.stderr.on('data', on);
  moto.once('exit', (c) => reject(new Error(`moto exited (${c}): ${out}`)));
});
moto.stdout.resume();
moto.stderr.resume();
const endpoint = `http://127.0.0.1:${port}`;
const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'minioadmin', secretAccessKey: 'minioadmin' } });

// ---- seed: the fixture's double-encoded run log under RUNS new ids ---------------------------------------------
const body = fs.readFileSync(path.join(FIX, 'objects/run-logs/argo-train-7731/argo-train-7731.json'), 'utf8');
await client.send(new CreateBucketCommand({ Bucket: 'run-logs' }));
const t0 = performance.now();
let next = 0;
await Promise.all(Array.from({ length: 32 }, async () => {
  while (next < RUNS) {
    const id = `bench-${String(next++).padStart(6, '0')}`;
    await client.send(new PutObjectCommand({ Bucket: 'run-logs', Key: `${id}/${id}.json`, Body: body.split('argo-train-7731').join(id) }));
  }
}));
console.log(`seeded ${RUNS} runs into moto in ${ms(performance.now() - t0)}`);

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 's3-bench-'));
process.on('exit', () => fs.rmSync(ws, { recursive: true, force: true }));
fs.writeFileSync(path.join(ws, 'prod-minio.yaml'), fs.readFileSync(path.join(FIX, 'prod-minio.yaml'), 'utf8').split('http://127.0.0.1:9012').join(endpoint));
const { stores } = await discoverStores({ cwd: ws, env: {} });
const descriptor = stores.find((s) => s.type === 'minio');

async function floor() {
  let token;
  let n = 0;
  do {
    const r = await client.send(new ListObjectsV2Command({ Bucket: 'run-logs', ContinuationToken: token }));
    n += r.Contents?.length ?? 0;
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return n;
}

const floors = [];
const firsts = [];
const filleds = [];
const colds = [];
const warms = [];
for (let i = 0; i < REPEAT; i++) {
  let t = performance.now();
  const n = await floor();
  floors.push(performance.now() - t);
  if (n !== RUNS) throw new Error(`floor listed ${n} keys, expected ${RUNS}`);
  // What the Runs view does: the listing first, the summaries filling in after it.
  const early = openStore(descriptor);
  t = performance.now();
  const { listing, summaries } = await early.listRunsFirst();
  firsts.push(performance.now() - t);
  if (listing.kind !== 'runs') throw new Error(`the store could not be listed: ${listing.message}`);
  const runs = listing.runs;
  const all = runsOf(await summaries);
  filleds.push(performance.now() - t);
  if (runs.length !== RUNS || all.length !== RUNS) throw new Error(`listed ${runs.length}/${all.length} runs, expected ${RUNS}`);
  if (runs.some((r) => r.error)) throw new Error(`error items in the first listing: ${runs.find((r) => r.error).error}`);
  if (all.slice(0, 500).some((r) => r.pending || !r.status)) throw new Error('a summary of the newest 500 did not fill in');
  early.dispose();
  // What the CLI does: every summary read before the answer; then a refresh with the summaries cached.
  const store = openStore(descriptor);
  t = performance.now();
  const cold = runsOf(await store.listRuns());
  colds.push(performance.now() - t);
  t = performance.now();
  const warm = runsOf(await store.listRuns());
  warms.push(performance.now() - t);
  store.dispose();
  if (cold.length !== RUNS || warm.length !== RUNS) throw new Error(`listed ${cold.length}/${warm.length} runs, expected ${RUNS}`);
  if (cold.some((r) => r.error)) throw new Error(`error items: ${cold.find((r) => r.error).error}`);
}
const f = median(floors);
const first = median(firsts);
const filled = median(filleds);
const c = median(colds);
const w = median(warms);
const ratio = (x) => (x / f).toFixed(2);
console.log(`${RUNS} runs, median of ${REPEAT} rounds`);
console.log(`floor (ListObjectsV2 pages only):        ${ms(f)}`);
console.log(`first listing (runs shown, pending):     ${ms(first)}  ratio ${ratio(first)}x  target <= 1.5x ${first / f <= 1.5 ? 'OK' : 'MISSED'}`);
console.log(`all summaries filled in (newest 500):    ${ms(filled)}  ratio ${ratio(filled)}x`);
console.log(`listRuns cold (CLI: +500 summary GETs):  ${ms(c)}  ratio ${ratio(c)}x`);
console.log(`listRuns warm (summaries cached):        ${ms(w)}  ratio ${ratio(w)}x  target <= 1.3x ${w / f <= 1.3 ? 'OK' : 'MISSED'}`);
client.destroy();
process.exit(0);
