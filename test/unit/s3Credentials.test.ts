// Where an S3 store's identity comes from, on moto checking credentials for real: environment keys, a profile chosen
// per store from temporary shared files, container credentials from an HTTP server on 127.0.0.1, web identity through
// moto's STS, and instance metadata (answering, and a loopback port that never answers). Each store says which
// identity it read with; no message carries a key.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { discoverStores } from '../../src/core/config/discover';
import type { StoreDescriptor } from '../../src/core/stores/runLogStore';
import { awsProfileFor, awsProfileKey, describeCredentialSource, identityLabel, listAwsProfiles, resolveCredentials } from '../../src/core/stores/s3/credentials';
import { openS3Store } from '../../src/core/stores/s3/openS3Store';
import { layerCredentials, fixedCredentials, type CredentialSource } from '../../src/core/config/credentials';
import type { S3RunLogStore } from '../../src/core/stores/s3/s3RunLogStore';
import type { S3StoreOptions } from '../../src/core/stores/s3/s3StoreConfig';
import { S3StoreError } from '../../src/core/stores/s3/s3Errors';
import { createRole, roleCredentials, writeConfigs, startSeededMotoWithAuth, type Moto } from '../helpers/moto';

const execFileAsync = promisify(execFile);
const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const WRONG_ID = 'AKIAWRONGDEFAULT0001';
const WRONG_SECRET = 'wrong/default+secret0001';

async function descriptors(dir: string, endpoint: string, extra = ''): Promise<{ minio: StoreDescriptor; chunked: StoreDescriptor }> {
  await fs.mkdir(dir, { recursive: true });
  await writeConfigs(dir, endpoint, extra);
  const { stores, credentials } = await discoverStores({ cwd: dir, env: {} });
  const found = { minio: stores.find((s) => s.type === 'minio')!, chunked: stores.find((s) => s.type === 'chunked-minio')! };
  configKeysOf.set(found.minio, credentials);
  configKeysOf.set(found.chunked, credentials);
  return found;
}

/** The configs' keys discovery read, by descriptor: the stores here are opened with them, as the registry does. */
const configKeysOf = new WeakMap<StoreDescriptor, CredentialSource>();
/** openS3Store with the keys of the config the descriptor came from, then `profile` chosen for it. */
function open(d: StoreDescriptor, options: S3StoreOptions & { profile?: string } = {}): S3RunLogStore {
  const { profile, ...rest } = options;
  return openS3Store(d, { ...rest, credentials: layerCredentials(configKeysOf.get(d), profile ? fixedCredentials({ profile }) : undefined) });
}

function noSecrets(text: string, ...secrets: string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), `leaks a secret: ${text}`);
}

/** A server on 127.0.0.1 that answers with `handle`; `requests` records method, path and headers. */
async function serve(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }>; close(): Promise<void> }> {
  const requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    handle(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

void describe('S3 credentials: the identity chain on moto', () => {
  let tmp: string;
  let moto: Moto;
  let keys: { accessKeyId: string; secretAccessKey: string };
  let roleArn: string;
  let d: { minio: StoreDescriptor; chunked: StoreDescriptor };

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 's3creds-'));
    ({ moto, keys } = await startSeededMotoWithAuth(async (m) => { roleArn = await createRole(m, 'eks-reader'); }));
    d = await descriptors(path.join(tmp, 'project'), moto.endpoint);
  });
  after(async () => {
    await moto?.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  void it('environment keys: read with them, labelled "env keys"', async () => {
    const store = open(d.minio, { env: { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey }, home: tmp });
    assert.deepEqual((await store.listRunsOrThrow()).map((r) => [r.runId, r.status]), [['argo-train-7731', 'FAIL']]);
    assert.equal(store.identity.source, 'aws-environment');
    assert.equal(identityLabel(store.identity), 'env keys');
    noSecrets(describeCredentialSource(store.identity), keys.accessKeyId, keys.secretAccessKey);
  });

  void it('a profile chosen per store from AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE; the other store keeps the default profile', async () => {
    const credentials = path.join(tmp, 'aws-credentials');
    const config = path.join(tmp, 'aws-config');
    await fs.writeFile(credentials, `[default]\naws_access_key_id = ${WRONG_ID}\naws_secret_access_key = ${WRONG_SECRET}\n\n[reader]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`);
    await fs.writeFile(config, '[default]\nregion = us-east-1\n\n[profile analytics]\nregion = eu-west-1\n');
    const env = { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config };
    assert.deepEqual(listAwsProfiles(env, tmp), ['default', 'analytics', 'reader']);

    const chosen = open(d.minio, { env, home: tmp, profile: 'reader' });
    assert.equal(identityLabel(chosen.identity), 'profile reader?');
    assert.deepEqual((await chosen.listRunsOrThrow()).map((r) => r.runId), ['argo-train-7731']);
    assert.deepEqual([chosen.identity.source, chosen.identity.profile, chosen.identity.profileFrom], ['aws-profile', 'reader', 'setting']);
    assert.equal(identityLabel(chosen.identity), 'profile reader');
    assert.match(describeCredentialSource(chosen.identity), /the AWS profile "reader" \(chosen for this store \(runnable\.awsProfiles\)\)/);

    // The other store has no profile chosen: the chain takes the shared files' default profile, whose keys moto refuses.
    const other = open(d.chunked, { env, home: tmp });
    await assert.rejects(other.listRunsOrThrow(), (e: unknown) => {
      assert.ok(e instanceof S3StoreError);
      assert.equal(e.kind, 'forbidden', e.message);
      assert.match(e.message, /with the AWS profile "default" \(the shared files' default\)/);
      assert.match(e.message, /Runnable: Choose AWS Profile/);
      noSecrets(e.message + String(e.stack), WRONG_ID, WRONG_SECRET, keys.accessKeyId, keys.secretAccessKey);
      return true;
    });
    // Another profile chosen: the store asks its credential source again before the next listing.
    let chosenForOther: string | undefined = 'reader';
    const otherChosen = openS3Store(d.chunked, { env, home: tmp, credentials: { get: () => (chosenForOther ? { profile: chosenForOther } : undefined) } });
    assert.deepEqual((await otherChosen.listRunsOrThrow()).map((r) => r.runId), ['argo-train-7732']);
    assert.equal(identityLabel(otherChosen.identity), 'profile reader');
    chosenForOther = 'nope';
    await assert.rejects(otherChosen.listRunsOrThrow(), (e: unknown) => e instanceof S3StoreError && e.kind === 'credentials');
    const reader = open(d.chunked, { env, home: tmp, profile: 'reader' });
    assert.deepEqual((await reader.listRunsOrThrow()).map((r) => r.runId), ['argo-train-7732']);
    assert.equal(identityLabel(reader.identity), 'profile reader');

    // A chosen profile that does not exist is a sentence, not a silent fall back to other keys.
    const nope = open(d.chunked, { env, home: tmp, profile: 'nope' });
    await assert.rejects(nope.listRunsOrThrow(), (e: unknown) => {
      assert.ok(e instanceof S3StoreError);
      assert.equal(e.kind, 'credentials', e.message);
      assert.match(e.message, /^the AWS profile "nope", chosen for this store, gives no credentials \(.+\)\. Check it in .*aws-credentials/);
      assert.match(e.message, /"Runnable: Choose AWS Profile"/);
      return true;
    });

    // Keys in the config still win, as runnable reads them.
    const withKeys = await descriptors(path.join(tmp, 'config-keys'), moto.endpoint, `    aws_access_key_id: ${keys.accessKeyId}\n    aws_secret_access_key: ${keys.secretAccessKey}\n`);
    const fromConfig = open(withKeys.minio, { env, home: tmp, profile: 'nope' });
    assert.equal(fromConfig.identity.source, 'config');
    assert.equal((await fromConfig.listRunsOrThrow()).length, 1);
  });

  void it('container credentials from AWS_CONTAINER_CREDENTIALS_FULL_URI on 127.0.0.1, with the authorization token', async () => {
    const temp = await roleCredentials(moto, roleArn);
    const server = await serve((req, res) => {
      if (req.headers.authorization !== 'container-token-1') {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ AccessKeyId: temp.AccessKeyId, SecretAccessKey: temp.SecretAccessKey, Token: temp.SessionToken, Expiration: temp.Expiration }));
    });
    try {
      const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/v2/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'container-token-1' };
      const store = open(d.minio, { env, home: tmp });
      assert.equal(identityLabel(store.identity), 'container?');
      let told: string | undefined;
      store.onIdentity = (r) => (told = identityLabel(r));
      assert.deepEqual((await store.listRunsOrThrow()).map((r) => r.runId), ['argo-train-7731']);
      assert.equal(store.identity.source, 'aws-container');
      assert.equal(told, 'container');
      assert.deepEqual(server.requests.map((r) => [r.method, r.path]), [['GET', '/v2/credentials']]);
      // The catalog reads with the same chain (a GET: moto's signature check fails listings with a prefix, whatever the keys).
      assert.ok((await store.readCatalogFile('argo-train-7731', 'model.dill'))?.length);
      assert.equal(server.requests.length, 1, 'the run logs and the catalog share one run of the chain');
      noSecrets(describeCredentialSource(store.identity), temp.AccessKeyId, temp.SecretAccessKey, temp.SessionToken);

      // An AWS_PROFILE the shared files do not hold: the chain goes on to the container and says what it skipped.
      const empty = path.join(tmp, 'empty-credentials');
      await fs.writeFile(empty, '');
      const after = open(d.chunked, { env: { ...env, AWS_PROFILE: 'missing', AWS_SHARED_CREDENTIALS_FILE: empty, AWS_CONFIG_FILE: empty }, home: tmp });
      assert.equal(identityLabel(after.identity), 'profile missing?');
      assert.deepEqual((await after.listRunsOrThrow()).map((r) => r.runId), ['argo-train-7732']);
      assert.deepEqual([after.identity.source, after.identity.profile], ['aws-container', undefined]);
      assert.match(describeCredentialSource(after.identity), /^container credentials \(AWS_CONTAINER_CREDENTIALS_\*_URI\); the AWS profile "missing": /);
    } finally {
      await server.close();
    }
  });

  void it('the shipped CLI (dist/cli.js and its dist/s3sdk.js) reads with container credentials from its process environment', async () => {
    const temp = await roleCredentials(moto, roleArn);
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ AccessKeyId: temp.AccessKeyId, SecretAccessKey: temp.SecretAccessKey, Token: temp.SessionToken, Expiration: temp.Expiration }));
    });
    try {
      const project = path.join(tmp, 'project');
      const env = { PATH: process.env.PATH ?? '', HOME: tmp, AWS_CONTAINER_CREDENTIALS_FULL_URI: `${server.url}/creds`, AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:1' };
      const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, 'list', '--cwd', project, '--config', path.join(project, 'prod-minio.yaml'), '--json'], { env });
      const listed = JSON.parse(stdout) as Array<{ runId?: string; run_id?: string; status: string }>;
      assert.deepEqual(listed.map((r) => [r.runId ?? r.run_id, r.status]), [['argo-train-7731', 'FAIL']]);
      assert.deepEqual(server.requests.map((r) => r.path), ['/creds']);
      // The SDK's NodeVersionSupportWarning (printed on Node < 22 when a client is made) is not the CLI's to show.
      assert.equal(stderr, '');
    } finally {
      await server.close();
    }
  });

  void it('web identity (EKS): the token file exchanged at STS (moto) for the role, labelled "web identity"', async () => {
    const tokenFile = path.join(tmp, 'eks-token');
    await fs.writeFile(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.service-account-token');
    const env = { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: roleArn, AWS_ROLE_SESSION_NAME: 'vscode', AWS_ENDPOINT_URL_STS: moto.endpoint, AWS_REGION: 'us-east-1' };
    const store = open(d.minio, { env, home: tmp });
    assert.equal(identityLabel(store.identity), 'web identity?');
    // AssumeRoleWithWebIdentity is an unsigned call, which moto only serves with auth off: one unauthenticated request
    // (the STS call, the chain's first), then the listing is checked with the role's temporary keys.
    assert.match(await moto.control('/moto-api/reset-auth', '1'), /ok/);
    try {
      assert.deepEqual((await store.listRunsOrThrow()).map((r) => [r.runId, r.status]), [['argo-train-7731', 'FAIL']]);
    } finally {
      await moto.control('/moto-api/reset-auth', '0');
    }
    assert.deepEqual([store.identity.source, store.identity.roleArn], ['aws-web-identity', roleArn]);
    assert.equal(identityLabel(store.identity), 'web identity');
    assert.match(describeCredentialSource(store.identity), /web identity \(AWS_WEB_IDENTITY_TOKEN_FILE, role arn:aws:iam::\d+:role\/eks-reader\)/);
  });

  void describe('instance metadata (AWS_EC2_METADATA_SERVICE_ENDPOINT on a loopback port)', () => {
    const saved = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
    after(() => {
      if (saved === undefined) delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
      else process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = saved;
    });

    void it('an instance role: IMDSv2 token, role name, then its keys', async () => {
      const temp = await roleCredentials(moto, roleArn);
      const imds = await serve((req, res) => {
        if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.writeHead(200).end('imds-token');
        if (req.headers['x-aws-ec2-metadata-token'] !== 'imds-token') return void res.writeHead(401).end();
        if (req.url === '/latest/meta-data/iam/security-credentials/') return void res.writeHead(200).end('eks-reader');
        if (req.url === '/latest/meta-data/iam/security-credentials/eks-reader') {
          return void res.writeHead(200).end(JSON.stringify({ Code: 'Success', AccessKeyId: temp.AccessKeyId, SecretAccessKey: temp.SecretAccessKey, Token: temp.SessionToken, Expiration: temp.Expiration }));
        }
        res.writeHead(404).end();
      });
      try {
        // The SDK reads the endpoint from the process environment; the store's env names the same one.
        process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = imds.url;
        const store = open(d.minio, { env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url }, home: tmp });
        assert.equal(identityLabel(store.identity), 'instance role?');
        assert.deepEqual((await store.listRunsOrThrow()).map((r) => r.runId), ['argo-train-7731']);
        assert.equal(store.identity.source, 'aws-instance-role');
        assert.equal(identityLabel(store.identity), 'instance role');
        assert.deepEqual(imds.requests.map((r) => r.method + ' ' + r.path), [
          'PUT /latest/api/token',
          'GET /latest/meta-data/iam/security-credentials/',
          'GET /latest/meta-data/iam/security-credentials/eks-reader',
        ]);
      } finally {
        await imds.close();
      }
    });

    void it('a port that never answers: the chain gives up with a sentence and reads with runnable\'s default', async () => {
      const sockets: net.Socket[] = [];
      const silent = net.createServer((s) => sockets.push(s));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
      try {
        process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = url;
        const store = open(d.minio, { env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: url }, home: tmp });
        await assert.rejects(store.listRunsOrThrow(), (e: unknown) => {
          assert.ok(e instanceof S3StoreError);
          assert.equal(e.kind, 'forbidden', e.message);
          assert.match(e.message, new RegExp(`with runnable's default credentials \\(minioadmin\\); the AWS default chain found none \\(instance metadata at ${url.replace(/\./g, '\\.')}: did not answer within [\\d.]+ s\\)`));
          return true;
        });
        assert.ok(sockets.length >= 1, 'the chain asked the metadata endpoint');
        assert.equal(store.identity.source, 'runnable-default');
        assert.equal(identityLabel(store.identity), 'minioadmin (runnable default)');
      } finally {
        sockets.forEach((s) => s.destroy());
        await new Promise<void>((r) => silent.close(() => r()));
      }
    });
  });
});

void describe('S3 credentials: the plan (no network)', () => {
  const k = (id: string) => ({ accessKeyId: id, secretAccessKey: `${id}-secret-value` });
  const home = path.join(os.tmpdir(), 'no-such-home-for-aws');
  const plan = (env: Record<string, string>, extra: { profile?: string } = {}) =>
    resolveCredentials({ config: undefined, entered: undefined, env, home, ...extra });

  void it("keeps runnable's order first: config keys, then entered keys, then the chosen profile", () => {
    assert.equal(resolveCredentials({ config: k('cfg'), entered: k('ent'), profile: 'p', env: {}, home }).source, 'config');
    assert.equal(resolveCredentials({ config: undefined, entered: k('ent'), profile: 'p', env: {}, home }).source, 'entered');
    const chosen = plan({ AWS_ACCESS_KEY_ID: 'e', AWS_SECRET_ACCESS_KEY: 's' }, { profile: 'p' });
    assert.deepEqual([chosen.source, chosen.profile, chosen.profileFrom, chosen.pending?.length], ['aws-profile', 'p', 'setting', 1]);
  });

  void it('then the SDK order: AWS_PROFILE over environment keys, web identity, container; instance metadata only where its endpoint is known', () => {
    assert.deepEqual(plan({ AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'e', AWS_SECRET_ACCESS_KEY: 's' }).pending?.map((s) => s.kind), ['profile']);
    assert.equal(plan({ AWS_ACCESS_KEY_ID: 'e', AWS_SECRET_ACCESS_KEY: 's' }).source, 'aws-environment');
    const eks = plan({ AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token', AWS_ROLE_ARN: 'arn:aws:iam::1:role/r', AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/c' });
    assert.deepEqual(eks.pending?.map((s) => s.kind), ['web-identity', 'container']);
    assert.equal(identityLabel(eks), 'web identity?');
    // A synthetic environment that does not name the metadata endpoint never reaches 169.254.169.254.
    assert.equal(plan({}).source, 'runnable-default');
    assert.equal(plan({ AWS_EC2_METADATA_DISABLED: 'true', AWS_EC2_METADATA_SERVICE_ENDPOINT: process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? '' }).source, 'runnable-default');
    assert.deepEqual(resolveCredentials({ config: undefined, entered: undefined, env: {}, home, instanceMetadata: true }).pending, [{ kind: 'instance-metadata', endpoint: 'http://169.254.169.254' }]);
  });

  void it('describes identities without values; the profile setting is keyed by endpoint and bucket', () => {
    const env = plan({ AWS_ACCESS_KEY_ID: 'AKIAENVKEY123', AWS_SECRET_ACCESS_KEY: 'env/secret+value' });
    for (const text of [describeCredentialSource(env), identityLabel(env)]) noSecrets(text, 'AKIAENVKEY123', 'env/secret+value');
    assert.equal(awsProfileKey('chunked-minio:http://minio:9000/runnable/run-logs'), 'http://minio:9000/runnable/run-logs');
    assert.equal(awsProfileFor({ 'http://minio:9000/runnable/run-logs': 'dev' }, 'minio:http://minio:9000/runnable/run-logs'), 'dev');
    assert.equal(awsProfileFor({ 'minio:http://minio:9000/runnable/run-logs': 'ops' }, 'minio:http://minio:9000/runnable/run-logs'), 'ops');
    assert.equal(awsProfileFor({}, 'minio:http://minio:9000/runnable/run-logs'), undefined);
  });
});
