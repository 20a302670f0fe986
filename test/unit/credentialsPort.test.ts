// The credentials port (core/config/credentials.ts) and the typed listing: sources stack field by field (the config's
// keys before keys entered before a profile chosen), answer at once when every layer can, fan in their change events,
// and are compared by a digest that holds no value; a StoreRegistry opens its S3 stores with discovery's config keys
// under the source it is given, on moto checking keys; every store kind lists as `runs` or `unavailable` with a sentence.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverStores } from '../../src/core/config/discover';
import {
  configCredentials, credentialsDigest, fixedCredentials, isPromise, layerCredentials, NO_CREDENTIALS, type CredentialSource, type StoreCredentials,
} from '../../src/core/config/credentials';
import { openStore } from '../../src/core/stores/openStore';
import { runsOf, type StoreDescriptor } from '../../src/core/stores/runLogStore';
import { RunReadError, StoreRegistry } from '../../src/core/stores/storeRegistry';
import { writeConfigs, startSeededMotoWithAuth, type Moto } from '../helpers/moto';
import { runsIn, unavailableIn } from '../helpers/listing';

const k = (id: string) => ({ accessKeyId: `AKIA${id.toUpperCase()}0000`, secretAccessKey: `${id}/secret+value` });

/** A source whose answer the test changes, firing onDidChange as the SecretStorage glue does. */
function mutable(initial: StoreCredentials | undefined, async = false): CredentialSource & { set(c: StoreCredentials | undefined, storeId?: string): void } {
  let current = initial;
  const listeners = new Set<(id: string) => void>();
  return {
    get: () => (async ? Promise.resolve(current) : current),
    onDidChange(l) { listeners.add(l); return { dispose: () => listeners.delete(l) }; },
    set(c, storeId = 'minio:x/b') { current = c; listeners.forEach((l) => l(storeId)); },
  };
}

void describe('credentials port', () => {
  void it('layers field by field: the config keys, then keys entered, then a profile, from the first source that sets each', async () => {
    const config = { runLogStore: k('cfg') };
    const layered = layerCredentials(fixedCredentials({ profile: 'first' }), fixedCredentials({ config, entered: k('ent'), profile: 'second' }));
    assert.deepEqual(layered.get('any'), { config, entered: k('ent'), profile: 'first' });
    assert.equal(layerCredentials(NO_CREDENTIALS, undefined, NO_CREDENTIALS).get('any'), undefined, 'nothing set: undefined');
    // A layer that must wait (SecretStorage) makes the whole answer a promise, with the same order.
    const waiting = layerCredentials(fixedCredentials({ config }), mutable({ entered: k('ent') }, true));
    const answer = waiting.get('any');
    assert.ok(isPromise(answer));
    assert.deepEqual(await answer, { config, entered: k('ent') });
    // Every layer answering at once: so does the stack (an S3 store then names its identity before any request).
    assert.ok(!isPromise(layerCredentials(fixedCredentials({ config }), mutable(undefined)).get('any')));
  });

  void it('fans in change events and stops on dispose', () => {
    const a = mutable(undefined);
    const b = mutable(undefined);
    const seen: string[] = [];
    const sub = layerCredentials(a, NO_CREDENTIALS, b).onDidChange!((id) => seen.push(id));
    a.set({ profile: 'p' }, 'minio:a');
    b.set({ entered: k('x') }, 'minio:b');
    sub.dispose();
    a.set(undefined, 'minio:c');
    assert.deepEqual(seen, ['minio:a', 'minio:b']);
  });

  void it('compares by a digest that holds no value and changes with any of them', () => {
    const base: StoreCredentials = { config: { runLogStore: k('cfg') }, entered: k('ent'), profile: 'dev' };
    const d = credentialsDigest(base);
    assert.equal(d, credentialsDigest({ ...base }));
    assert.equal(credentialsDigest(undefined), '');
    for (const other of [{ ...base, profile: 'prod' }, { ...base, entered: k('new') }, { ...base, entered: undefined }, { ...base, config: { runLogStore: k('cfg'), catalog: k('cat') } }]) {
      assert.notEqual(credentialsDigest(other), d);
    }
    for (const v of [...Object.values(k('cfg')), ...Object.values(k('ent'))]) assert.ok(!d.includes(v));
  });

  void it("discovery gives the configs' keys as a source by store id; the descriptors carry none of them", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'creds-port-'));
    try {
      await writeConfigs(dir, 'http://127.0.0.1:1', '    aws_access_key_id: AKIACONFIGKEY0001\n    aws_secret_access_key: config/secret+key\n');
      const r = await discoverStores({ cwd: dir, env: {} });
      const minio = r.stores.find((s) => s.type === 'minio')!;
      assert.deepEqual((await r.credentials.get(minio.id))?.config?.runLogStore, { accessKeyId: 'AKIACONFIGKEY0001', secretAccessKey: 'config/secret+key' });
      assert.equal(await r.credentials.get('minio:http://elsewhere/bucket'), undefined);
      const serialised = JSON.stringify(r.stores) + r.stores.map((s) => s.label).join();
      assert.ok(!serialised.includes('AKIACONFIGKEY0001') && !serialised.includes('config/secret+key'));
      assert.equal(Object.getOwnPropertySymbols(minio).length, 0, 'nothing hidden on the descriptor');
      // A spread keeps everything a store needs: the keys were never on it.
      const copy: StoreDescriptor = { ...minio };
      assert.equal((await configCredentials(new Map([[copy.id, { runLogStore: k('c') }]])).get(copy.id))?.config?.runLogStore?.accessKeyId, k('c').accessKeyId);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

void describe('stores open with their credentials (moto checking keys)', () => {
  let moto: Moto;
  let tmp: string;
  let keys: { accessKeyId: string; secretAccessKey: string };
  const saved: Record<string, string | undefined> = {};
  const isolated = { AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_CONFIG_FILE: '/nonexistent/config', AWS_EC2_METADATA_DISABLED: 'true' };

  before(async () => {
    ({ moto, keys } = await startSeededMotoWithAuth());
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'creds-registry-'));
    // The stores read process.env: this machine's AWS setup must not decide the identity.
    for (const v of [...Object.keys(isolated), 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) saved[v] = process.env[v];
    for (const v of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) delete process.env[v];
    Object.assign(process.env, isolated);
  });
  after(async () => {
    for (const [v, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[v];
      else process.env[v] = value;
    }
    await moto?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  const registry = async (name: string, extra: string, credentials?: CredentialSource) => {
    const dir = path.join(tmp, name);
    await fs.mkdir(dir, { recursive: true });
    const { minio } = await writeConfigs(dir, moto.endpoint, extra);
    return { reg: await StoreRegistry.discover({ cwd: dir, configFile: minio, env: {} }, { credentials }), minio };
  };

  void it('a registry reads with the keys its source gives; without them the run is a 403 sentence, not a miss', async () => {
    const { reg: bare } = await registry('bare', '');
    await assert.rejects(bare.findRun('argo-train-7731', { storeId: (await bare.descriptors()).find((d) => d.type === 'minio')!.id }), (e: unknown) => {
      assert.ok(e instanceof RunReadError, String(e));
      assert.match(e.message, /403/);
      return true;
    });
    const entered = mutable(undefined);
    const { reg } = await registry('entered', '', entered);
    const id = (await reg.descriptors()).find((d) => d.type === 'minio')!.id;
    const store = reg.store(id)!;
    assert.match(unavailableIn(await store.listRuns()), /403 .*runnable's default credentials/);
    // Keys entered later reach the open store through its source (nothing is patched into it).
    entered.set({ entered: keys }, id);
    assert.deepEqual(runsIn(await store.listRuns()).map((r) => [r.runId, r.status]), [['argo-train-7731', 'FAIL']]);
    assert.equal((await reg.findRun('argo-train-7731')).store, store);
    // Cleared again: refused again, on the same store object.
    entered.set(undefined, id);
    assert.deepEqual(runsOf(await store.listRuns()), []);
  });

  void it("the config's keys come first, as in runnable: entered keys do not override wrong config keys", async () => {
    const { reg } = await registry('config-first', '    aws_access_key_id: AKIAWRONGCONFIG001\n    aws_secret_access_key: wrong/config+secret\n', fixedCredentials({ entered: keys }));
    const store = reg.store((await reg.descriptors()).find((d) => d.type === 'minio')!.id)!;
    const message = unavailableIn(await store.listRuns());
    assert.match(message, /403 InvalidAccessKeyId\) with the keys in the config file/);
    for (const v of ['AKIAWRONGCONFIG001', 'wrong/config+secret', keys.accessKeyId, keys.secretAccessKey]) assert.ok(!message.includes(v), 'no key in the sentence');
  });
});

void describe('one typed listing for every store', () => {
  void it('a folder, a folder that is not one, a buffered store and an unknown type', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'typed-listing-'));
    try {
      await fs.mkdir(path.join(dir, 'logs'));
      await fs.copyFile(path.resolve(__dirname, '../../../test/fixtures/runnable/ml-file-system/.run_log_store/prod-failure-001.json'), path.join(dir, 'logs/prod-failure-001.json'));
      await fs.writeFile(path.join(dir, 'file'), 'x');
      const d = (type: string, location: string): StoreDescriptor => ({ id: `${type}:${location}`, type, location, configFiles: [], label: type, catalog: undefined, settings: {} });
      assert.deepEqual(runsIn(await openStore(d('file-system', path.join(dir, 'logs'))).listRuns()).map((r) => r.runId), ['prod-failure-001']);
      assert.match(unavailableIn(await openStore(d('chunked-fs', path.join(dir, 'file'))).listRuns()), /^Cannot list the run log folder .*file: it is not a folder/);
      assert.match(unavailableIn(await openStore(d('buffered', '(in memory)')).listRuns()), /keeps runs in memory only/);
      assert.match(unavailableIn(await openStore(d('postgres', '')).listRuns()), /unknown run log store type "postgres"/);
      assert.deepEqual(runsOf({ kind: 'unavailable', message: 'x' }), []);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
