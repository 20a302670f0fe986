// The store registry (core/stores/storeRegistry.ts): one finder of a run by id over every store of a workspace, local
// and S3, with a typed not-found. Read-only over the examples' stores; the S3 stores are moto's (test/helpers/moto.ts).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { discoverStores } from '../../src/core/config/discover';
import { RunNotFoundError, type RunLogStore, type StoreDescriptor } from '../../src/core/stores/runLogStore';
import { findRunIn, RunReadError, sourceOf, StoreRegistry } from '../../src/core/stores/storeRegistry';
import { openS3Store } from '../../src/core/stores/s3/openS3Store';
import { s3Client, seedChunkedFromChunkedFs, seedFixture, startMoto, writeConfigs, type Moto } from '../helpers/moto';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

void describe('store registry over the examples\' local stores', () => {
  void it('finds a run in a store after the first, with the config that reads it, opening each store once', async () => {
    const registry = await StoreRegistry.discover({ cwd: EXAMPLES, env: {} });
    const labels = registry.discovery.stores.map((d) => d.label);
    assert.equal(labels[0], 'runnable-config.yaml · file-system', 'the primary config\'s store is searched first');
    const found = await registry.findRun('nightly-train-0412');
    assert.equal(found.run.runId, 'nightly-train-0412');
    assert.equal(found.store.descriptor.label, 'prod-chunked.yaml · chunked-fs');
    assert.notEqual(found.store.descriptor.id, registry.discovery.stores[0].id);
    assert.deepEqual(found.config, { configFile: path.join(EXAMPLES, 'configs', 'prod-chunked.yaml') });
    assert.equal(registry.store(found.store.descriptor.id), found.store, 'the registry hands out the store it opened');
    assert.equal((await registry.findRun('map-fail-0001')).store.descriptor.label, 'composite.yaml · chunked-fs');
  });

  void it('a run no store has is a RunNotFoundError naming every store looked in', async () => {
    const registry = await StoreRegistry.discover({ cwd: EXAMPLES, env: {} });
    await assert.rejects(registry.findRun('no-such-run-0001'), (e: unknown) => {
      assert.ok(e instanceof RunNotFoundError, `expected RunNotFoundError, got ${String(e)}`);
      assert.equal(e.runId, 'no-such-run-0001');
      assert.deepEqual(e.stores.map((d) => d.id), registry.discovery.stores.map((d) => d.id));
      for (const d of registry.discovery.stores) assert.ok(e.message.includes(d.label), `${d.label} is named: ${e.message}`);
      assert.match(e.message, /^No run "no-such-run-0001" in .*check the run id/);
      return true;
    });
  });

  void it('storeId and configFile narrow the search to those stores', async () => {
    const registry = await StoreRegistry.discover({ cwd: EXAMPLES, env: {} });
    const first = registry.discovery.stores[0];
    await assert.rejects(registry.findRun('nightly-train-0412', { storeId: first.id }), (e: unknown) => e instanceof RunNotFoundError && e.stores.length === 1 && e.stores[0].id === first.id);
    const found = await registry.findRun('nightly-train-0412', { configFile: path.join(EXAMPLES, 'configs', 'prod-chunked.yaml') });
    assert.equal(found.store.descriptor.label, 'prod-chunked.yaml · chunked-fs');
  });

  void it('every local store\'s getRun says not-found with the type, keeping its sentence', async () => {
    const { stores } = await discoverStores({ cwd: EXAMPLES, env: {} });
    const registry = await StoreRegistry.discover({ cwd: EXAMPLES, env: {} });
    for (const d of stores) {
      await assert.rejects(registry.store(d.id)!.getRun('nope-0001'), (e: unknown) => {
        assert.ok(e instanceof RunNotFoundError, `${d.label}: ${String(e)}`);
        assert.match(e.message, new RegExp(`^No run "nope-0001" in ${d.label}`));
        assert.deepEqual(e.stores.map((s) => s.id), [d.id]);
        return true;
      });
    }
  });
});

void describe('store registry with S3 stores (moto)', () => {
  let moto: Moto;
  let client: S3Client;
  let dir: string;
  let minio: StoreDescriptor;
  let chunked: StoreDescriptor;
  const open: RunLogStore[] = [];
  const s3 = (d: StoreDescriptor): RunLogStore => {
    // Deterministic credentials (the config's keys; no AWS_* of the machine), one attempt.
    const store = openS3Store(d, { env: {}, home: dir, maxAttempts: 1 });
    open.push(store);
    return store;
  };

  before(async () => {
    moto = await startMoto();
    client = s3Client(moto.endpoint);
    await seedFixture(client);
    await seedChunkedFromChunkedFs(client, 'chunked-run-logs', 'map-fail-0001');
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'registry-'));
    await writeConfigs(dir, moto.endpoint);
    const { stores } = await discoverStores({ cwd: dir, env: {} });
    minio = stores.find((s) => s.type === 'minio')!;
    chunked = stores.find((s) => s.type === 'chunked-minio')!;
    assert.ok(minio && chunked, 'discovery finds both S3 configs');
  });

  after(async () => {
    for (const s of open) (s as { dispose?: () => void }).dispose?.();
    client?.destroy();
    await moto?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  void it('an S3 run missing is a RunNotFoundError too (minio and chunked-minio), keeping the S3 sentence', async () => {
    for (const d of [minio, chunked]) {
      await assert.rejects(s3(d).getRun('no-such-run'), (e: unknown) => {
        assert.ok(e instanceof RunNotFoundError, `${d.type}: ${String(e)}`);
        assert.match(e.message, new RegExp(`^No run "no-such-run" in ${d.label}: s3://.*no-such-run.* was not found at`));
        assert.deepEqual(e.stores.map((s) => s.id), [d.id]);
        return true;
      });
    }
  });

  void it('a run in neither S3 store nor a local one names all three', async () => {
    const local = (await StoreRegistry.discover({ cwd: EXAMPLES, env: {} })).stores()[0];
    const stores = [s3(minio), s3(chunked), local];
    await assert.rejects(findRunIn(sourceOf(stores), 'no-such-run'), (e: unknown) => {
      assert.ok(e instanceof RunNotFoundError, String(e));
      assert.deepEqual(e.stores.map((d) => d.id), [minio.id, chunked.id, local.descriptor.id]);
      return true;
    });
    // …and a run the second S3 store has is found there.
    const found = await findRunIn(sourceOf(stores), 'map-fail-0001');
    assert.equal(found.store.descriptor.id, chunked.id);
  });

  void it('an unreachable store does not hide a run another store has; alone, its failure is said', async () => {
    const stopped = await startMoto();
    await stopped.stop();
    const deadDir = path.join(dir, 'stopped');
    await fs.mkdir(deadDir);
    await writeConfigs(deadDir, stopped.endpoint);
    const dead = (await discoverStores({ cwd: deadDir, env: {} })).stores.find((s) => s.type === 'minio')!;
    const local = (await StoreRegistry.discover({ cwd: EXAMPLES, env: {} })).stores()[0];
    const stores = [s3(dead), local];
    const found = await findRunIn(sourceOf(stores), 'prod-failure-001');
    assert.equal(found.store, local);
    assert.equal(found.run.runId, 'prod-failure-001');
    await assert.rejects(findRunIn(sourceOf(stores), 'no-such-run'), (e: unknown) => {
      assert.ok(e instanceof RunReadError, String(e));
      assert.match(e.failures.join(' '), /^Cannot reach the S3 endpoint/);
      assert.deepEqual(e.misses.map((d) => d.id), [local.descriptor.id]);
      assert.match(e.message, /^No run "no-such-run" in runnable-config\.yaml · file-system \([^)]*\), and one store could not be searched: Cannot reach the S3 endpoint/);
      return true;
    });
  });
});
