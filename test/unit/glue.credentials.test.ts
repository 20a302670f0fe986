// Fast glue tier: credentials in the Runs view, on moto checking keys. Two S3 roots (minio, chunked-minio) start refused
// (runnable's default keys); keys entered for one store ("Set S3 Credentials" → SecretStorage), a profile chosen for it
// (runnable.awsProfiles) and the keys cleared each re-list that store only: one store change, the other root's listing
// untouched (the same promise, no request sent). The stores are opened with the credential source; nothing is patched
// into them. A poll that sees one bucket change re-lists that store only. No key reaches the log.
import '../fakes/install';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as vscode from 'vscode';
import { EventEmitter, fake, memoryLogger } from '../fakes/vscode';
import { Commands } from '../../src/core/commandIds';
import { RunsModel, type ModelChange } from '../../src/vscode/explorer/runsModel';
import { CredentialStore } from '../../src/vscode/remote/credentialStore';
import { registerRemote } from '../../src/vscode/remote/register';
import { startRemotePoll } from '../../src/vscode/remote/remotePoll';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { isS3Store } from '../../src/core/stores/s3/openS3Store';
import type { Services } from '../../src/vscode/services';
import { s3Client, writeConfigs, startSeededMotoWithAuth, type Moto } from '../helpers/moto';

/** VS Code's SecretStorage, in memory: onDidChange fires for every store and delete, as VS Code does. */
class MemorySecrets {
  readonly values = new Map<string, string>();
  private readonly changed = new EventEmitter<{ key: string }>();
  readonly onDidChange = this.changed.event;
  gets = 0;
  async get(key: string): Promise<string | undefined> { this.gets++; return this.values.get(key); }
  async store(key: string, value: string): Promise<void> { this.values.set(key, value); this.changed.fire({ key }); }
  async delete(key: string): Promise<void> { this.values.delete(key); this.changed.fire({ key }); }
  keys(): Promise<string[]> { return Promise.resolve([...this.values.keys()]); }
}

const AWS_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] as const;

describe('glue: a credential change re-lists that store only', () => {
  let moto: Moto;
  let dir: string;
  let keys: { accessKeyId: string; secretAccessKey: string };
  const saved: Partial<Record<string, string>> = {};

  before(async () => {
    ({ moto, keys } = await startSeededMotoWithAuth());
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'glue-creds-'));
    await writeConfigs(dir, moto.endpoint);
    // This machine's AWS setup must not decide the identity: no keys, no shared files, no instance metadata.
    for (const k of AWS_ENV) saved[k] = process.env[k];
    for (const k of AWS_ENV) delete process.env[k];
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'no-credentials');
    process.env.AWS_CONFIG_FILE = path.join(dir, 'no-config');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });

  after(async () => {
    for (const k of AWS_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await moto?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  /** The two-root workspace in the fake, its Runs model over a CredentialStore on in-memory secrets, and the services. */
  function workspaceWithTwoRoots() {
    fake.reset();
    fake.setFolders([dir]);
    const secrets = new MemorySecrets();
    const log = memoryLogger();
    const credentials = new CredentialStore(secrets as never);
    const model = new RunsModel(log, credentials);
    const subscriptions: { dispose(): unknown }[] = [];
    const services = { context: { secrets, subscriptions }, log, runs: model, credentials } as unknown as Services;
    return { secrets, log, credentials, model, services, subscriptions };
  }

  it('keys entered, a profile chosen, keys cleared: one store change each, for that store; the other root keeps its listing', async () => {
    const { log, credentials, model, services, subscriptions } = workspaceWithTwoRoots();
    registerRemote(services);
    try {
      const { roots } = await model.state();
      const minio = roots.find((r) => r.descriptor.type === 'minio')!.descriptor.id;
      const chunked = roots.find((r) => r.descriptor.type === 'chunked-minio')!.descriptor.id;
      const refused = async (id: string) => {
        const l = await model.listing(id);
        assert.equal(l.kind, 'unavailable', `${id} is refused`);
        return (l as { message: string }).message;
      };
      assert.match(await refused(minio), /403.*runnable's default credentials \(minioadmin\)/);
      assert.match(await refused(chunked), /403/);
      await model.settledRuns(minio);
      const changes: ModelChange[] = [];
      const sub = model.onDidChangeStore((c) => changes.push(c));
      /** Waits for the next store change (the credential source fires after SecretStorage / settings answered). */
      const nextChange = () => new Promise<ModelChange>((resolve) => {
        const once = model.onDidChangeStore((c) => { once.dispose(); resolve(c); });
      });
      const chunkedListing = model.listing(chunked);
      const chunkedStore = model.store(chunked)!;
      const chunkedRequests = isS3Store(chunkedStore) ? chunkedStore.requestCount : NaN;

      // "Set S3 Credentials" saves the keys: the minio root re-lists with them, the chunked root is not touched.
      let changed = nextChange();
      await credentials.set(minio, keys);
      assert.deepEqual(await changed, { storeId: minio });
      const listed = await model.listing(minio);
      assert.equal(listed.kind, 'runs', JSON.stringify(listed));
      assert.deepEqual((listed as { runs: { runId: string }[] }).runs.map((r) => r.runId), ['argo-train-7731']);
      assert.equal(isS3Store(model.store(minio)) && model.store(minio)!.descriptor.id, minio);
      assert.equal((model.store(minio) as { credentialSource?: string }).credentialSource, 'entered');
      assert.equal(model.listing(chunked), chunkedListing, 'the other root keeps its listing');

      // "Choose AWS Profile" on the minio root (a user setting): again that store only. Entered keys still come first.
      changed = nextChange();
      assert.equal(await vscode.commands.executeCommand(Commands.chooseAwsProfile, { storeId: minio }, { profile: 'reader' }), 'reader');
      assert.deepEqual(fake.settings.get('')?.get('runnable.awsProfiles'), { [minio.replace(/^minio:/, '')]: 'reader' });
      assert.deepEqual(await changed, { storeId: minio });
      assert.equal((await model.listing(minio)).kind, 'runs');

      // Keys cleared: refused again, that store only.
      changed = nextChange();
      await credentials.delete(minio);
      assert.deepEqual(await changed, { storeId: minio });
      assert.match(await refused(minio), /the AWS profile "reader"/);

      assert.ok(changes.every((c) => c.storeId === minio), `only the minio store changed: ${JSON.stringify(changes)}`);
      assert.equal(changes.length, 3, `one change per credential change: ${JSON.stringify(changes)}`);
      assert.equal(model.listing(chunked), chunkedListing, 'the chunked root was never re-listed');
      assert.equal(isS3Store(chunkedStore) ? chunkedStore.requestCount : NaN, chunkedRequests, 'no request to the other store');
      assert.equal(model.store(chunked), chunkedStore, 'the other store was not reopened');
      // Credentials never reach the log.
      const text = log.lines.join('\n');
      assert.ok(!text.includes(keys.accessKeyId) && !text.includes(keys.secretAccessKey), 'no key in the log');
      sub.dispose();
    } finally {
      for (const s of subscriptions) s.dispose();
      credentials.dispose();
      model.dispose();
    }
  });

  it('a poll that sees one store change re-lists that store only', async () => {
    const { credentials, model, services } = workspaceWithTwoRoots();
    let poll: { dispose(): unknown } | undefined;
    try {
      const { roots } = await model.state();
      const minio = roots.find((r) => r.descriptor.type === 'minio')!.descriptor.id;
      const chunked = roots.find((r) => r.descriptor.type === 'chunked-minio')!.descriptor.id;
      await credentials.set(minio, keys);
      await credentials.set(chunked, keys);
      assert.equal((await model.listing(minio)).kind, 'runs');
      assert.equal((await model.listing(chunked)).kind, 'runs');
      // Each batch of summaries filling in replaces the cached listing: wait until both have filled in, so from here
      // on only a change (a refresh of that store) can replace it.
      await model.settledRuns(minio);
      await model.settledRuns(chunked);
      const minioListing = model.listing(minio);
      // A new run lands in the chunked-minio bucket only.
      const client = s3Client(moto.endpoint, keys);
      const body = await (await client.send(new GetObjectCommand({ Bucket: 'chunked-run-logs', Key: 'argo-train-7732/RunLog' }))).Body!.transformToString();
      await client.send(new PutObjectCommand({ Bucket: 'chunked-run-logs', Key: 'argo-train-7799/RunLog', Body: body.replace(/argo-train-7732/g, 'argo-train-7799') }));
      client.destroy();
      const changes: ModelChange[] = [];
      const sub = model.onDidChangeStore((c) => changes.push(c));
      const changed = new Promise<ModelChange>((resolve) => { const once = model.onDidChangeStore((c) => { once.dispose(); resolve(c); }); });
      poll = startRemotePoll(services, 0.2);
      assert.deepEqual(await changed, { storeId: chunked });
      const relisted = await model.listing(chunked);
      assert.deepEqual(relisted.kind === 'runs' ? relisted.runs.map((r) => r.runId).sort() : relisted, ['argo-train-7732', 'argo-train-7799']);
      poll.dispose();
      assert.ok(changes.every((c) => c.storeId === chunked), `only the chunked store changed: ${JSON.stringify(changes)}`);
      assert.equal(model.listing(minio), minioListing, 'the minio root keeps its listing');
      sub.dispose();
    } finally {
      poll?.dispose();
      credentials.dispose();
      model.dispose();
    }
  });
});
