// S3 failures provoked for real: a stopped server, a server that never answers, moto enforcing credentials (403),
// a missing bucket, throttling (503 SlowDown from a proxy in front of moto). Messages are sentences, never secrets.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverStores } from '../../src/core/config/discover';
import { layerCredentials, type CredentialSource } from '../../src/core/config/credentials';
import type { S3RunLogStore } from '../../src/core/stores/s3/s3RunLogStore';
import type { S3StoreOptions } from '../../src/core/stores/s3/s3StoreConfig';
import type { StoreDescriptor } from '../../src/core/stores/runLogStore';
import { RunLogError } from '../../src/core/stores/runLogStore';
import { openS3Store } from '../../src/core/stores/s3/openS3Store';
import { S3StoreError } from '../../src/core/stores/s3/s3Errors';
import { s3Client, seedFixture, startMoto, writeConfigs, startSeededMotoWithAuth, type Moto } from '../helpers/moto';
import { runsIn, unavailableIn } from '../helpers/listing';

const SECRET_ID = 'AKIAWRONGKEY7Q2Z9XYZ';
const SECRET_KEY = 'wrongSecret/with+chars9f8e7d6c5b4a';

async function minioDescriptor(dir: string, endpoint: string, extra = ''): Promise<StoreDescriptor> {
  await fs.mkdir(dir, { recursive: true });
  await writeConfigs(dir, endpoint, extra);
  const { stores, credentials } = await discoverStores({ cwd: dir, env: {} });
  const d = stores.find((s) => s.type === 'minio')!;
  configKeysOf.set(d, credentials);
  return d;
}

/** The configs' keys discovery read, by descriptor: the stores here are opened with them, as the registry does. */
const configKeysOf = new WeakMap<StoreDescriptor, CredentialSource>();
/** openS3Store with the keys of the config the descriptor came from (and `credentials` after them). */
function open(d: StoreDescriptor, options: S3StoreOptions = {}): S3RunLogStore {
  const fromConfig = configKeysOf.get(d);
  return openS3Store(d, { ...options, credentials: layerCredentials(fromConfig, options.credentials) });
}

function s3Error(kind: string, check?: (e: S3StoreError) => void) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof S3StoreError, `expected S3StoreError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    check?.(e);
    return true;
  };
}

function noSecrets(text: string, ...secrets: string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), `message leaks a secret: ${text}`);
}

void describe('S3 failures', () => {
  let tmp: string;
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 's3fail-'));
  });
  after(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  void it('a stopped endpoint: "Cannot reach" with the endpoint and what to check', async () => {
    const moto = await startMoto();
    await moto.stop();
    const d = await minioDescriptor(path.join(tmp, 'stopped'), moto.endpoint);
    const store = open(d, { env: {}, home: tmp });
    await assert.rejects(
      store.listRunsOrThrow(),
      s3Error('unreachable', (e) => {
        assert.match(e.message, new RegExp(`^Cannot reach the S3 endpoint http://127\\.0\\.0\\.1:${moto.port} \\(ECONNREFUSED\\)`));
        assert.match(e.message, /endpoint_url.*prod-minio\.yaml.*refresh/);
      }),
    );
    // Through the port the store's listing is `unavailable` with the sentence (the root shows it as its one item;
    // other roots are unaffected); there is no other channel for it.
    const listing = await store.listRuns();
    assert.match(unavailableIn(listing), /^Cannot reach the S3 endpoint/);
    assert.ok(!('lastError' in store), 'no side channel: the listing carries the failure');
    // getRun keeps the port's contract: a RunLogError with the same sentence.
    await assert.rejects(store.getRun('argo-train-7731'), (e: unknown) => e instanceof RunLogError && /Cannot reach/.test(e.message));
  });

  void it('an endpoint that accepts but never answers: a timeout sentence', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const d = await minioDescriptor(path.join(tmp, 'silent'), `http://127.0.0.1:${port}`);
      const store = open(d, { env: {}, home: tmp, timeoutMs: 400 });
      await assert.rejects(store.listRunsOrThrow(), s3Error('timeout', (e) => assert.match(e.message, /^The S3 endpoint http:\/\/127\.0\.0\.1:\d+ did not answer within 400 ms\. Check the network/)));
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  void describe('on moto', () => {
    let moto: Moto;
    let keys: { accessKeyId: string; secretAccessKey: string };
    before(async () => {
      ({ moto, keys } = await startSeededMotoWithAuth());
    });
    after(async () => {
      await moto?.stop();
    });

    void it('wrong keys in the config: 403 sentence naming the source, never the keys', async () => {
      const d = await minioDescriptor(path.join(tmp, 'wrong-keys'), moto.endpoint, `    aws_access_key_id: ${SECRET_ID}\n    aws_secret_access_key: ${SECRET_KEY}\n`);
      const store = open(d, { env: {}, home: tmp });
      assert.equal(store.credentialSource, 'config');
      await assert.rejects(
        store.listRunsOrThrow(),
        s3Error('forbidden', (e) => {
          assert.match(e.message, /refused access to bucket "run-logs" \(403 InvalidAccessKeyId\) with the keys in the config file/);
          assert.match(e.message, /Runnable: Set S3 Credentials/);
          noSecrets(e.message + JSON.stringify(e) + String(e.stack), SECRET_ID, SECRET_KEY);
        }),
      );
      // The config's keys never ride on the descriptor: opened without discovery's credentials the store has none of
      // them (runnable's default); a copy of the descriptor opened with them reads with the config's keys.
      assert.equal(openS3Store({ ...d }, { env: {}, home: tmp }).credentialSource, 'runnable-default');
      assert.equal(openS3Store({ ...d }, { env: {}, home: tmp, credentials: configKeysOf.get(d) }).credentialSource, 'config');
      // A known key id with the wrong secret: SignatureDoesNotMatch; neither value shows.
      const d2 = await minioDescriptor(path.join(tmp, 'wrong-secret'), moto.endpoint, `    aws_access_key_id: ${keys.accessKeyId}\n    aws_secret_access_key: ${SECRET_KEY}\n`);
      await assert.rejects(
        open(d2, { env: {}, home: tmp }).listRunsOrThrow(),
        s3Error('forbidden', (e) => {
          assert.match(e.message, /403 SignatureDoesNotMatch/);
          noSecrets(e.message + String(e.stack), keys.accessKeyId, SECRET_KEY, keys.secretAccessKey);
        }),
      );
      // Labels and settings of the descriptor carry the keys masked only.
      noSecrets(JSON.stringify(d) + d.label, SECRET_ID, SECRET_KEY);
    });

    void it("runnable's default keys are refused too; entered keys or the AWS environment then work", async () => {
      const d = await minioDescriptor(path.join(tmp, 'defaults'), moto.endpoint);
      // The keys the user enters later come through the port the store was opened with: nothing patches the store.
      let entered: typeof keys | undefined;
      const store = open(d, { env: {}, home: tmp, credentials: { get: () => (entered ? { entered } : undefined) } });
      assert.equal(store.credentialSource, 'runnable-default');
      await assert.rejects(store.listRunsOrThrow(), s3Error('forbidden', (e) => assert.match(e.message, /runnable's default credentials \(minioadmin\)/)));
      entered = keys;
      // Asked again before each read: the listing reads with the entered keys.
      assert.deepEqual((runsIn(await store.listRuns())).map((r) => [r.runId, r.status]), [['argo-train-7731', 'FAIL']]);
      assert.equal(store.credentialSource, 'entered');
      const fromEnv = open(d, { env: { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey }, home: tmp });
      assert.equal(fromEnv.credentialSource, 'aws-environment');
      assert.equal((await fromEnv.getRun('argo-train-7731')).status, 'FAIL');
    });

    void it('a missing bucket: names the bucket and the key to fix', async () => {
      const d = await minioDescriptor(path.join(tmp, 'no-bucket'), moto.endpoint, `    aws_access_key_id: ${keys.accessKeyId}\n    aws_secret_access_key: ${keys.secretAccessKey}\n`);
      const missing: StoreDescriptor = { ...d, settings: { ...d.settings, bucket: 'no-such-run-logs' } };
      configKeysOf.set(missing, configKeysOf.get(d)!);
      const store = open(missing, { env: {}, home: tmp });
      await assert.rejects(
        store.listRunsOrThrow(),
        s3Error('no-such-bucket', (e) => {
          assert.match(e.message, /^Bucket "no-such-run-logs" does not exist at http:\/\/127\.0\.0\.1:\d+\. Check `bucket` in .*prod-minio\.yaml/);
          noSecrets(e.message, keys.accessKeyId, keys.secretAccessKey);
        }),
      );
    });

    void it('throttling (503 SlowDown) is retried with backoff; when it persists the sentence says so', async () => {
      let throttleNext = 2;
      let seen = 0;
      const proxy = http.createServer((req, res) => {
        seen++;
        if (throttleNext > 0) {
          throttleNext--;
          res.writeHead(503, { 'Content-Type': 'application/xml' });
          res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
          return;
        }
        const up = http.request(`${moto.endpoint}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        req.pipe(up);
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      const port = (proxy.address() as net.AddressInfo).port;
      try {
        const d = await minioDescriptor(path.join(tmp, 'throttle'), `http://127.0.0.1:${port}`, `    aws_access_key_id: ${keys.accessKeyId}\n    aws_secret_access_key: ${keys.secretAccessKey}\n`);
        const store = open(d, { env: {}, home: tmp, baseDelayMs: 20 });
        const runs = runsIn(await store.listRuns());
        assert.deepEqual(runs.map((r) => r.status), ['FAIL']);
        assert.equal(throttleNext, 0);
        assert.equal(store.requestCount, 4, 'listing: 2 throttled + 1 ok; then one summary GET');
        assert.equal(seen, 4);
        throttleNext = 100;
        const stubborn = open(d, { env: {}, home: tmp, baseDelayMs: 5, maxAttempts: 3 });
        await assert.rejects(stubborn.listRunsOrThrow(), s3Error('throttled', (e) => assert.match(e.message, /kept throttling requests \(SlowDown\) after 3 attempts\. Wait a minute and refresh\./)));
      } finally {
        await new Promise<void>((r) => proxy.close(() => r()));
      }
    });
  });

  void it('a body that stalls after the headers ends in the timeout sentence (get, list, pull), not a hang', async () => {
    // Its own moto, without enforced keys (moto rejects some signed prefixed listings relayed by a proxy).
    const moto = await startMoto();
    const seed = s3Client(moto.endpoint);
    await seedFixture(seed);
    seed.destroy();
    const stalled: http.ServerResponse[] = [];
    const proxy = http.createServer((req, res) => {
      const objectGet = req.method === 'GET' && !/[?&]list-type=/.test(req.url ?? '') && (req.url ?? '').split('?')[0].split('/').filter(Boolean).length > 1;
      const up = http.request(`${moto.endpoint}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        if (!objectGet || (r.statusCode !== 200 && r.statusCode !== 206)) return void r.pipe(res);
        // The headers and a first few bytes, then nothing: the connection stays open.
        r.once('data', (c: Buffer) => {
          res.write(c.subarray(0, Math.min(8, c.length - 1)));
          r.destroy();
          stalled.push(res);
        });
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as net.AddressInfo).port;
    try {
      const d = await minioDescriptor(path.join(tmp, 'stall'), `http://127.0.0.1:${port}`);
      const store = open(d, { env: {}, home: tmp, timeoutMs: 400 });
      const sentence = /^The S3 endpoint http:\/\/127\.0\.0\.1:\d+ did not answer within 400 ms\./;
      await assert.rejects(store.getRun('argo-train-7731'), (e: unknown) => e instanceof RunLogError && sentence.test(e.message));
      // The listing (the CLI's: it waits for every summary) cannot finish: the store is unavailable with the sentence.
      assert.match(unavailableIn(await store.listRuns()), /did not answer within 400 ms/);
      const { pullRun } = await import('../../src/core/pull/pullRun');
      await assert.rejects(pullRun({ descriptor: d, runId: 'argo-train-7731', to: path.join(tmp, 'stall-box'), store }), (e: unknown) => e instanceof Error && /did not answer within 400 ms/.test(e.message));
      assert.ok(stalled.length >= 3, `bodies stalled: ${stalled.length}`);
    } finally {
      stalled.forEach((r) => r.destroy());
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
      await moto.stop();
    }
  });

  void it("config keys from runnable's docs that its code rejects get a warning naming the right key", async () => {
    const d = await minioDescriptor(path.join(tmp, 'doc-keys'), 'http://127.0.0.1:1', '    endpoint: http://minio:9000\n    bucket_name: logs\n    access_key: abcdefgh\n');
    const store = open(d, { env: {}, home: tmp });
    const w = store.warnings.join('\n');
    for (const [wrong, right] of [['endpoint', 'endpoint_url'], ['bucket_name', 'bucket'], ['access_key', 'aws_access_key_id']]) {
      assert.match(w, new RegExp(`prod-minio\\.yaml: runnable does not read \`run-log-store\\.config\\.${wrong}\` \\(its docs show it, its code expects \`${right}\`\\); rename it to \`${right}\``));
    }
    assert.equal(store.warnings.length, 3);
    noSecrets(w, 'abcdefgh');
  });
});
